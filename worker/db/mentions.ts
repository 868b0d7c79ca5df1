import { z } from "zod";
import type { Message } from "../../protocol/frames";
import { queueEmail } from "../email/outbox";
import type { Env } from "../env";

/** As for new messages (notifications.ts): an agent whose console has not been seen for this long is away. */
const AWAY_AFTER_MS = 2 * 60_000;

const mentioned = z.object({ id: z.string(), email: z.string(), seen_at: z.number().nullable(), subject: z.string() });

/**
 * Emails each agent a note @mentions while they are away from the console; the console
 * notification itself is written by D1 as the note is copied (trigger `messages_mention`). Only
 * agents of the workspace, never the note's author, once per note and agent (the key), so a room
 * replaying a batch sends nothing twice. The email has no reply address: an answer by email would
 * be posted to the customer, and a mention is a word between colleagues.
 */
export async function emailMentions(env: Env, workspaceId: string, conversationId: string, messages: Message[]): Promise<void> {
  const notes = messages.filter((m) => m.visibility === "note" && m.mentions?.length);
  for (const note of notes) {
    const { results } = await env.DB.prepare(
      `SELECT a.id, a.email, p.seen_at, c.subject FROM json_each(?) j
       JOIN agents a ON a.workspace_id = ? AND a.id = j.value
       JOIN conversations c ON c.workspace_id = a.workspace_id AND c.id = ?
       LEFT JOIN console_presence p ON p.workspace_id = a.workspace_id AND p.agent_id = a.id`,
    )
      .bind(JSON.stringify(note.mentions), workspaceId, conversationId)
      .all();
    for (const raw of results) {
      const agent = mentioned.parse(raw);
      const away = agent.seen_at === null || agent.seen_at < Date.now() - AWAY_AFTER_MS;
      if (agent.id === note.author.id || !away) continue;
      await queueEmail(
        env,
        { workspaceId, to: agent.email, idempotencyKey: `mention:${conversationId}:${note.seq}:${agent.id}` },
        {
          template: "admin_alert",
          data: {
            conversationId,
            subject: agent.subject,
            text: `${note.author.name} mentioned you in a private note on "${agent.subject}":\n\n${note.body}\n\nOpen the conversation in the Parley console to answer; the customer does not see notes.`,
          },
        },
      );
    }
  }
}
