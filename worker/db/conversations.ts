import { z } from "zod";
import type { ConversationSummary } from "../../protocol/api";
import { conversationStatus, type Message } from "../../protocol/frames";
import { resolveContact, type ContactInput } from "./contacts";
import { newId } from "./ids";
import { MESSAGE_COLUMNS, messageValues, NOTE_COLUMNS, noteValues } from "./message-columns";

const summaryRow = z.object({
  id: z.string(),
  channel_id: z.string(),
  subject: z.string(),
  topic: z.string().nullable(),
  status: conversationStatus,
  created_at: z.number(),
  last_message_at: z.number().nullable(),
  last_author_name: z.string().nullable(),
  activity_at: z.number(),
  contact_name: z.string(),
  contact_email: z.string(),
});

const SUMMARY_SELECT = `SELECT c.id, c.channel_id, c.subject, c.topic, c.status, c.created_at, c.last_message_at,
  c.last_author_name, c.activity_at, ct.name AS contact_name, ct.email AS contact_email
  FROM conversations c JOIN contacts ct ON ct.workspace_id = c.workspace_id AND ct.id = c.contact_id`;

function toSummary(row: unknown): ConversationSummary & { channelId: string; activityAt: number } {
  const r = summaryRow.parse(row);
  return {
    id: r.id,
    channelId: r.channel_id,
    subject: r.subject,
    topic: r.topic,
    status: r.status,
    createdAt: r.created_at,
    lastMessageAt: r.last_message_at,
    lastAuthorName: r.last_author_name,
    activityAt: r.activity_at,
    contact: { name: r.contact_name, email: r.contact_email },
  };
}

export async function createConversation(
  db: D1Database,
  input: {
    workspaceId: string;
    channelId: string;
    contact: ContactInput;
    subject: string;
    topic?: string | undefined;
    fields?: Record<string, string>;
    locale?: string | undefined;
    status?: "queued" | "active";
    agentId?: string | null;
    /** A follow-up keeps the contact of the conversation it continues, whatever else shares the email. */
    contactId?: string | undefined;
    followUpOf?: string | undefined;
  },
): Promise<ConversationSummary> {
  const now = Date.now();
  const id = newId("cv");
  const contact = input.contactId
    ? { id: input.contactId, name: input.contact.name, create: null }
    : await resolveContact(db, input.workspaceId, input.contact);
  const insert = db
    .prepare(
      `INSERT INTO conversations (workspace_id, id, channel_id, contact_id, subject, topic, fields, locale, status, agent_id, created_at, activity_at, follow_up_of)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(
      input.workspaceId,
      id,
      input.channelId,
      contact.id,
      input.subject,
      input.topic ?? null,
      JSON.stringify(input.fields ?? {}),
      input.locale ?? null,
      input.status ?? "queued",
      input.agentId ?? null,
      now,
      now,
      input.followUpOf ?? null,
    );
  await db.batch(contact.create ? [contact.create, insert] : [insert]);
  return {
    id,
    subject: input.subject,
    topic: input.topic ?? null,
    status: input.status ?? "queued",
    createdAt: now,
    lastMessageAt: null,
    lastAuthorName: null,
    contact: { name: contact.name, email: input.contact.email },
  };
}

/** What a follow-up takes from the conversation it continues. */
export async function getConversationLink(
  db: D1Database,
  workspaceId: string,
  id: string,
): Promise<{ subject: string; contactId: string } | null> {
  const row = await db
    .prepare("SELECT subject, contact_id FROM conversations WHERE workspace_id = ? AND id = ?")
    .bind(workspaceId, id)
    .first<{ subject: string; contact_id: string }>();
  return row ? { subject: row.subject, contactId: row.contact_id } : null;
}

/** A verified customer's own threads on one channel, newest activity first. */
export async function listContactThreads(db: D1Database, workspaceId: string, channelId: string, externalId: string) {
  const { results } = await db
    .prepare(
      `${SUMMARY_SELECT} WHERE c.workspace_id = ? AND c.channel_id = ? AND ct.external_id = ? AND c.archived = 0
       ORDER BY c.activity_at DESC LIMIT 50`,
    )
    .bind(workspaceId, channelId, externalId)
    .all();
  return results.map(toSummary);
}

export async function getConversation(db: D1Database, workspaceId: string, id: string) {
  const row = await db.prepare(`${SUMMARY_SELECT} WHERE c.workspace_id = ? AND c.id = ?`).bind(workspaceId, id).first();
  return row ? toSummary(row) : null;
}

/**
 * Copies a room's messages into D1. Keyed by (workspace, conversation, seq) and written with
 * ON CONFLICT DO NOTHING, so replaying a batch after a crash is harmless.
 */
export async function writeHistory(
  db: D1Database,
  workspaceId: string,
  conversationId: string,
  messages: Message[],
): Promise<void> {
  const last = messages.at(-1);
  if (!last) return;
  const insert = db.prepare(
    `INSERT INTO messages (workspace_id, conversation_id, ${MESSAGE_COLUMNS}, ${NOTE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  );
  // A private note moves the thread up for agents, but is nobody's last reply to the customer.
  const lastPublic = messages.findLast((m) => m.visibility !== "note");
  await db.batch([
    ...messages.map((m) => insert.bind(workspaceId, conversationId, ...messageValues(m), ...noteValues(m))),
    db
      .prepare(
        `UPDATE conversations SET last_seq = ?, last_message_at = COALESCE(?, last_message_at), last_author_name = COALESCE(?, last_author_name),
           activity_at = ? WHERE workspace_id = ? AND id = ? AND last_seq < ?`,
      )
      .bind(last.seq, lastPublic?.createdAt ?? null, lastPublic?.author.name ?? null, last.createdAt, workspaceId, conversationId, last.seq),
  ]);
}
