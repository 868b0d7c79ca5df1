import { z } from "zod";
import type { ConversationResource } from "../../protocol/api-v1";
import { conversationStatus } from "../../protocol/frames";
import { fromBase64Url, toBase64Url } from "../auth/encoding";
import { attributeFilter } from "./custom-attributes";
import { newId } from "./ids";

/** Reads and writes of the REST API that the console does not share. */

const resourceRow = z.object({
  id: z.string(),
  channel_id: z.string(),
  subject: z.string(),
  topic: z.string().nullable(),
  status: conversationStatus,
  archived: z.number(),
  agent_id: z.string().nullable(),
  attention: z.enum(["attentive", "answered"]),
  created_at: z.number(),
  activity_at: z.number(),
  last_message_at: z.number().nullable(),
  last_author_name: z.string().nullable(),
  satisfied: z.number().nullable(),
  rating: z.number().nullable(),
  feedback_comment: z.string().nullable(),
  contact_name: z.string(),
  contact_email: z.string(),
  contact_email_verified: z.number(),
});

const RESOURCE_SELECT = `SELECT c.id, c.channel_id, c.subject, c.topic, c.status, c.archived, c.agent_id, c.attention, c.created_at,
  c.activity_at, c.last_message_at, c.last_author_name, c.satisfied, c.rating, c.feedback_comment,
  ct.name AS contact_name, ct.email AS contact_email, ct.email_verified AS contact_email_verified
  FROM conversations c JOIN contacts ct ON ct.workspace_id = c.workspace_id AND ct.id = c.contact_id`;

function toResource(row: unknown): ConversationResource & { activityAt: number } {
  const r = resourceRow.parse(row);
  const gaveFeedback = r.satisfied !== null || r.rating !== null || r.feedback_comment !== null;
  return {
    id: r.id,
    channelId: r.channel_id,
    subject: r.subject,
    topic: r.topic,
    status: r.status,
    archived: r.archived === 1,
    agentId: r.agent_id,
    attention: r.attention,
    createdAt: r.created_at,
    lastMessageAt: r.last_message_at,
    lastAuthorName: r.last_author_name,
    contact: { name: r.contact_name, email: r.contact_email, emailVerified: r.contact_email_verified === 1 },
    feedback: gaveFeedback
      ? { satisfied: r.satisfied === null ? null : r.satisfied === 1, rating: r.rating, comment: r.feedback_comment ?? "" }
      : null,
    activityAt: r.activity_at,
  };
}

export async function getConversationResource(db: D1Database, workspaceId: string, id: string) {
  const row = await db.prepare(`${RESOURCE_SELECT} WHERE c.workspace_id = ? AND c.id = ?`).bind(workspaceId, id).first();
  if (!row) return null;
  const { activityAt: _, ...resource } = toResource(row);
  return resource;
}

const cursorSchema = z.object({ a: z.number(), i: z.string() });

export function decodeCursor(cursor: string | undefined): { a: number; i: string } | null | "invalid" {
  if (!cursor) return null;
  const bytes = fromBase64Url(cursor);
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(new TextDecoder().decode(bytes ?? new Uint8Array())));
    return parsed.success ? parsed.data : "invalid";
  } catch {
    return "invalid";
  }
}

/** Newest activity first, paged by (activity, id) so rows moving meanwhile are neither lost nor repeated twice in a page. */
export async function listConversationResources(
  db: D1Database,
  workspaceId: string,
  q: {
    status?: string | undefined;
    archived?: boolean | undefined;
    contactExternalId?: string | undefined;
    /** `attribute.<key>=<value>`: the conversation's own attribute, or else its contact's. */
    attributes?: Map<string, string> | undefined;
    limit: number;
    after: { a: number; i: string } | null;
  },
) {
  const where = ["c.workspace_id = ?"];
  const binds: unknown[] = [workspaceId];
  for (const [key, value] of q.attributes ?? []) {
    const own = attributeFilter("conversation", "c.id", "c.workspace_id", { [key]: value });
    const contacts = attributeFilter("contact", "c.contact_id", "c.workspace_id", { [key]: value });
    where.push(`(${own.sql} OR ${contacts.sql})`);
    binds.push(...own.params, ...contacts.params);
  }
  if (q.archived !== undefined) (where.push("c.archived = ?"), binds.push(q.archived ? 1 : 0));
  if (q.status) (where.push("c.status = ?"), binds.push(q.status));
  if (q.contactExternalId) (where.push("ct.external_id = ?"), binds.push(q.contactExternalId));
  if (q.after) (where.push("(c.activity_at < ? OR (c.activity_at = ? AND c.id < ?))"), binds.push(q.after.a, q.after.a, q.after.i));
  const { results } = await db
    .prepare(`${RESOURCE_SELECT} WHERE ${where.join(" AND ")} ORDER BY c.activity_at DESC, c.id DESC LIMIT ?`)
    .bind(...binds, q.limit + 1)
    .all();
  const rows = results.map(toResource);
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  const nextCursor =
    rows.length > q.limit && last ? toBase64Url(new TextEncoder().encode(JSON.stringify({ a: last.activityAt, i: last.id }))) : null;
  return { conversations: page.map(({ activityAt: _, ...r }) => r), nextCursor };
}

const contactRow = z.object({
  id: z.string(),
  external_id: z.string().nullable(),
  name: z.string(),
  email: z.string(),
  account_id: z.string().nullable(),
  created_at: z.number(),
});
const toContact = (row: unknown) => {
  const r = contactRow.parse(row);
  return { id: r.id, externalId: r.external_id, name: r.name, email: r.email, accountId: r.account_id, createdAt: r.created_at };
};

export async function upsertAccount(db: D1Database, workspaceId: string, externalId: string, name: string) {
  const row = await db
    .prepare(
      `INSERT INTO accounts (workspace_id, id, name, external_id, created_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (workspace_id, external_id) WHERE external_id IS NOT NULL DO UPDATE SET name = excluded.name
       RETURNING id, external_id, name, created_at`,
    )
    .bind(workspaceId, newId("ac"), name, externalId, Date.now())
    .first<{ id: string; external_id: string | null; name: string; created_at: number }>();
  return { id: row!.id, externalId: row!.external_id, name: row!.name, createdAt: row!.created_at };
}

export async function getAccountByExternalId(db: D1Database, workspaceId: string, externalId: string) {
  const row = await db
    .prepare("SELECT id, external_id, name, created_at FROM accounts WHERE workspace_id = ? AND external_id = ?")
    .bind(workspaceId, externalId)
    .first<{ id: string; external_id: string | null; name: string; created_at: number }>();
  return row ? { id: row.id, externalId: row.external_id, name: row.name, createdAt: row.created_at } : null;
}

export async function upsertContact(
  db: D1Database,
  workspaceId: string,
  externalId: string,
  c: { name: string; email: string; accountId: string | null },
) {
  const row = await db
    .prepare(
      `INSERT INTO contacts (workspace_id, id, name, email, external_id, account_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (workspace_id, external_id) WHERE external_id IS NOT NULL
       DO UPDATE SET name = excluded.name, email = excluded.email, account_id = COALESCE(excluded.account_id, account_id)
       RETURNING id, external_id, name, email, account_id, created_at`,
    )
    .bind(workspaceId, newId("ct"), c.name, c.email, externalId, c.accountId, Date.now())
    .first();
  return toContact(row);
}

export async function getContactByExternalId(db: D1Database, workspaceId: string, externalId: string) {
  const row = await db
    .prepare("SELECT id, external_id, name, email, account_id, created_at FROM contacts WHERE workspace_id = ? AND external_id = ?")
    .bind(workspaceId, externalId)
    .first();
  return row ? toContact(row) : null;
}

const ticketRow = z.object({
  id: z.string(),
  number: z.number(),
  status: z.enum(["open", "closed"]),
  created_at: z.number(),
  question: z.string(),
  topic: z.string().nullable(),
  contact_name: z.string(),
  contact_email: z.string(),
});
const TICKET_SELECT = `SELECT t.id, t.number, t.status, t.created_at, t.question, t.topic, ct.name AS contact_name, ct.email AS contact_email
  FROM tickets t JOIN contacts ct ON ct.workspace_id = t.workspace_id AND ct.id = t.contact_id`;
const toTicket = (row: unknown) => {
  const r = ticketRow.parse(row);
  return {
    id: r.id,
    reference: `T-${r.number}`,
    status: r.status,
    createdAt: r.created_at,
    question: r.question,
    topic: r.topic,
    contact: { name: r.contact_name, email: r.contact_email },
  };
};

export async function listTickets(db: D1Database, workspaceId: string, limit = 100) {
  const { results } = await db.prepare(`${TICKET_SELECT} WHERE t.workspace_id = ? ORDER BY t.number DESC LIMIT ?`).bind(workspaceId, limit).all();
  return results.map(toTicket);
}

export async function getTicket(db: D1Database, workspaceId: string, id: string) {
  const row = await db.prepare(`${TICKET_SELECT} WHERE t.workspace_id = ? AND t.id = ?`).bind(workspaceId, id).first();
  return row ? toTicket(row) : null;
}

export async function findFirstChannelId(db: D1Database, workspaceId: string, key?: string): Promise<string | null> {
  const row = key
    ? await db.prepare("SELECT id FROM channels WHERE workspace_id = ? AND key = ?").bind(workspaceId, key).first<{ id: string }>()
    : await db.prepare("SELECT id FROM channels WHERE workspace_id = ? ORDER BY created_at LIMIT 1").bind(workspaceId).first<{ id: string }>();
  return row?.id ?? null;
}
