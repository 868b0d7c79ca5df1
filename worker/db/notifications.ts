import { z } from "zod";
import type { Agent } from "../../protocol/api";
import type { Notification } from "../../protocol/console";
import type { Message } from "../../protocol/frames";
import { queueEmail } from "../email/outbox";
import { conversationThread } from "../email/threading";
import type { Env } from "../env";
import { findChannel } from "./channels";
import { newId } from "./ids";

/** A console polls well inside this; an agent not seen for longer is away and gets new messages by email. */
const AWAY_AFTER_MS = 2 * 60_000;
/** Presence is written at most this often per agent, so polling stays cheap for D1's single writer. */
const PRESENCE_WRITE_EVERY_MS = 30_000;
const MAX_NOTIFICATIONS = 50;

const notificationRow = z.object({
  conversation_id: z.string(),
  subject: z.string(),
  kind: z.enum(["message", "alert"]),
  author_name: z.string(),
  preview: z.string(),
  updated_at: z.number(),
  seen_at: z.number().nullable(),
});

/** The agent's notifications, the thread with the newest message first, and how many are unseen. */
export async function listNotifications(
  db: D1Database,
  workspaceId: string,
  agentId: string,
): Promise<{ notifications: Notification[]; unseen: number }> {
  const [list, count] = await db.batch([
    db
      .prepare(
        `SELECT n.conversation_id, c.subject, n.kind, n.author_name, n.preview, n.updated_at, n.seen_at FROM notifications n
         JOIN conversations c ON c.workspace_id = n.workspace_id AND c.id = n.conversation_id
         WHERE n.workspace_id = ? AND n.agent_id = ? ORDER BY n.updated_at DESC LIMIT ?`,
      )
      .bind(workspaceId, agentId, MAX_NOTIFICATIONS),
    db
      .prepare("SELECT COUNT(*) AS n FROM notifications WHERE workspace_id = ? AND agent_id = ? AND seen_at IS NULL")
      .bind(workspaceId, agentId),
  ]);
  const notifications = (list?.results ?? []).map((raw) => {
    const r = notificationRow.parse(raw);
    return {
      conversationId: r.conversation_id,
      subject: r.subject,
      kind: r.kind,
      authorName: r.author_name,
      preview: r.preview,
      updatedAt: r.updated_at,
      unseen: r.seen_at === null,
    };
  });
  return { notifications, unseen: z.number().parse((count?.results[0] as { n: number } | undefined)?.n ?? 0) };
}

/** Records that the agent has a console open; skips the write while the last one is recent. */
export async function touchPresence(db: D1Database, workspaceId: string, agentId: string): Promise<void> {
  const now = Date.now();
  await db
    .prepare(
      `INSERT INTO console_presence (workspace_id, agent_id, seen_at) VALUES (?, ?, ?)
       ON CONFLICT (workspace_id, agent_id) DO UPDATE SET seen_at = excluded.seen_at WHERE seen_at < ?`,
    )
    .bind(workspaceId, agentId, now, now - PRESENCE_WRITE_EVERY_MS)
    .run();
}

/** Signing out closes the console: from now on new messages reach the agent by email. */
export async function clearPresence(db: D1Database, workspaceId: string, agentId: string): Promise<void> {
  await db.prepare("DELETE FROM console_presence WHERE workspace_id = ? AND agent_id = ?").bind(workspaceId, agentId).run();
}

/**
 * "Notify administrators": every admin but the sender gets the thread at the top of their
 * notifications and an email.
 */
export async function alertAdmins(
  env: Env,
  input: { workspaceId: string; conversationId: string; subject: string; contact: string; from: Agent; note: string; consoleUrl: string },
): Promise<number> {
  const { results: admins } = await env.DB.prepare(
    "SELECT id, email FROM agents WHERE workspace_id = ? AND role = 'admin' AND id != ?",
  )
    .bind(input.workspaceId, input.from.id)
    .all<{ id: string; email: string }>();
  const text = [
    `${input.from.name} asks the administrators to look at "${input.subject}" (${input.contact}).`,
    input.note,
    `Open it: ${input.consoleUrl}`,
  ]
    .filter(Boolean)
    .join("\n\n");
  const now = Date.now();
  const alert = newId("alert");
  const upsert = env.DB.prepare(
    `INSERT INTO notifications (workspace_id, agent_id, conversation_id, kind, author_name, preview, updated_at, seen_at)
     VALUES (?, ?, ?, 'alert', ?, ?, ?, NULL)
     ON CONFLICT (workspace_id, agent_id, conversation_id) DO UPDATE SET
       kind = 'alert', author_name = excluded.author_name, preview = excluded.preview, updated_at = excluded.updated_at, seen_at = NULL`,
  );
  const preview = input.note || `${input.from.name} asks you to look at this thread`;
  if (admins.length > 0) {
    await env.DB.batch(admins.map((a) => upsert.bind(input.workspaceId, a.id, input.conversationId, input.from.name, preview, now)));
  }
  for (const admin of admins) {
    await queueEmail(
      env,
      {
        workspaceId: input.workspaceId,
        to: admin.email,
        idempotencyKey: `admin-alert:${alert}:${admin.id}`,
        // Answerable: the admin's reply by email is posted in the thread as them.
        thread: await conversationThread(env, { kind: "agent", conversationId: input.conversationId }, `admin-alert:${alert}:${admin.id}`),
      },
      { template: "admin_alert", data: { conversationId: input.conversationId, subject: input.subject, text } },
    );
  }
  return admins.length;
}

const threadRow = z.object({
  subject: z.string(),
  channel_id: z.string(),
  agent_id: z.string().nullable(),
  agent_email: z.string().nullable(),
  seen_at: z.number().nullable(),
});

/**
 * Emails each new customer message to the responsible agent and to the channel's notification
 * address while the responsible agent has no console open (or nobody is responsible yet). Keyed
 * by message and recipient, so a room replaying a batch sends nothing twice.
 */
export async function emailNewMessages(env: Env, workspaceId: string, conversationId: string, messages: Message[]): Promise<void> {
  const incoming = messages.filter((m) => m.author.type === "visitor");
  if (incoming.length === 0) return;
  const raw = await env.DB.prepare(
    `SELECT c.subject, c.channel_id, c.agent_id, ag.email AS agent_email, p.seen_at FROM conversations c
     LEFT JOIN agents ag ON ag.workspace_id = c.workspace_id AND ag.id = c.agent_id
     LEFT JOIN console_presence p ON p.workspace_id = c.workspace_id AND p.agent_id = c.agent_id
     WHERE c.workspace_id = ? AND c.id = ?`,
  )
    .bind(workspaceId, conversationId)
    .first();
  if (!raw) return;
  const thread = threadRow.parse(raw);
  const away = thread.seen_at === null || thread.seen_at < Date.now() - AWAY_AFTER_MS;
  if (!away) return;
  const channel = await findChannel(env.DB, workspaceId, thread.channel_id);
  const recipients = [thread.agent_email, channel?.config.notificationEmail ?? null].filter((to): to is string => to !== null);
  for (const to of new Set(recipients)) {
    for (const m of incoming) {
      await queueEmail(
        env,
        {
          workspaceId,
          to,
          idempotencyKey: `notify:${conversationId}:${m.seq}:${to.toLowerCase()}`,
          // An agent answers from their inbox: a reply from an agent's own address is posted as them.
          thread: await conversationThread(env, { kind: "agent", conversationId }, `notify:${conversationId}:${m.seq}:${to.toLowerCase()}`),
        },
        {
          template: "notification",
          data: { conversationId, subject: thread.subject, from: m.author.name, body: m.body || `[${m.attachment?.name ?? "file"}]` },
        },
      );
    }
  }
}
