import { z } from "zod";
import type { ConsoleInboxQuery, ConversationDetail, InboxConversation } from "../../protocol/console";
import { attention } from "../../protocol/console";
import { locale } from "../../protocol/channel";
import { conversationStatus } from "../../protocol/frames";
import { label } from "../../protocol/labels";
import { LIMITS } from "../../protocol/limits";
import { ftsQuery } from "./fts-query";

const inboxRow = z.object({
  id: z.string(),
  channel_id: z.string(),
  subject: z.string(),
  topic: z.string().nullable(),
  status: conversationStatus,
  attention,
  archived: z.number(),
  created_at: z.number(),
  last_message_at: z.number().nullable(),
  last_author_name: z.string().nullable(),
  last_author_type: z.enum(["visitor", "agent"]).nullable(),
  activity_at: z.number(),
  contact_id: z.string(),
  contact_name: z.string(),
  contact_email: z.string(),
  contact_email_verified: z.number(),
  account_id: z.string().nullable(),
  account_name: z.string().nullable(),
  agent_id: z.string().nullable(),
  agent_name: z.string().nullable(),
  unread: z.number(),
  labels: z.string().transform((s) => z.array(label).parse(JSON.parse(s))),
});

/**
 * A conversation with its contact, account, responsible agent, its last reply (who and when: a
 * person's to the other side, never a system line such as "Dana joined the chat" nor a private
 * note), and how many messages the reading agent (the first bound parameter) has not read: those
 * after their read mark that others wrote. Unread counts belong to the agents the conversation
 * concerns: its responsible agent and their teammates, whoever has opened it, and everyone while
 * nobody is responsible yet; for the rest of the workspace it is 0.
 */
const ROW_SELECT = `SELECT c.id, c.channel_id, c.subject, c.topic, c.status, c.attention, c.archived, c.created_at,
  c.activity_at, c.locale,
  (SELECT m.created_at FROM messages m WHERE m.workspace_id = c.workspace_id AND m.conversation_id = c.id
    AND m.author_type != 'system' AND m.visibility = 'public' ORDER BY m.seq DESC LIMIT 1) AS last_message_at,
  (SELECT m.author_name FROM messages m WHERE m.workspace_id = c.workspace_id AND m.conversation_id = c.id
    AND m.author_type != 'system' AND m.visibility = 'public' ORDER BY m.seq DESC LIMIT 1) AS last_author_name,
  (SELECT m.author_type FROM messages m WHERE m.workspace_id = c.workspace_id AND m.conversation_id = c.id
    AND m.author_type != 'system' AND m.visibility = 'public' ORDER BY m.seq DESC LIMIT 1) AS last_author_type,
  ct.id AS contact_id, ct.name AS contact_name, ct.email AS contact_email, ct.email_verified AS contact_email_verified, ct.account_id, a.name AS account_name,
  c.agent_id, ag.name AS agent_name,
  CASE WHEN c.agent_id IS NULL OR c.agent_id = r0.agent_id OR r.read_seq IS NOT NULL OR EXISTS (
      SELECT 1 FROM team_members mine JOIN team_members theirs ON theirs.workspace_id = mine.workspace_id AND theirs.team_id = mine.team_id
      WHERE mine.workspace_id = c.workspace_id AND mine.agent_id = r0.agent_id AND theirs.agent_id = c.agent_id)
    THEN (SELECT COUNT(*) FROM messages m
      WHERE m.workspace_id = c.workspace_id AND m.conversation_id = c.id AND m.seq > COALESCE(r.read_seq, 0)
        AND m.author_type != 'system' AND (m.author_type != 'agent' OR m.author_id IS NOT r0.agent_id))
    ELSE 0 END AS unread,
  (SELECT json_group_array(json_object('id', l.id, 'name', l.name, 'color', l.color)) FROM (
    SELECT l.id, l.name, l.color FROM conversation_labels cl CROSS JOIN labels l ON l.workspace_id = cl.workspace_id AND l.id = cl.label_id
    WHERE cl.workspace_id = c.workspace_id AND cl.conversation_id = c.id ORDER BY l.name COLLATE NOCASE) l) AS labels
  FROM (SELECT ? AS agent_id) r0
  JOIN conversations c
  JOIN contacts ct ON ct.workspace_id = c.workspace_id AND ct.id = c.contact_id
  LEFT JOIN accounts a ON a.workspace_id = ct.workspace_id AND a.id = ct.account_id
  LEFT JOIN agents ag ON ag.workspace_id = c.workspace_id AND ag.id = c.agent_id
  LEFT JOIN conversation_reads r ON r.workspace_id = c.workspace_id AND r.conversation_id = c.id AND r.agent_id = r0.agent_id`;

/**
 * How the console names the customer on their messages: the contact's name once the contact
 * belongs to a customer account, else the email address they wrote from.
 */
function customerLabel(r: { contact_name: string; contact_email: string; account_id: string | null }): string {
  return r.account_id ? r.contact_name : r.contact_email;
}

function toInboxConversation(row: unknown): InboxConversation {
  const r = inboxRow.parse(row);
  return {
    id: r.id,
    channelId: r.channel_id,
    subject: r.subject,
    topic: r.topic,
    status: r.status,
    attention: r.attention,
    archived: r.archived === 1,
    createdAt: r.created_at,
    lastMessageAt: r.last_message_at,
    lastAuthorName: r.last_author_type === "visitor" ? customerLabel(r) : r.last_author_name,
    activityAt: r.activity_at,
    unread: r.unread,
    labels: r.labels,
    responsibleAgent: r.agent_id ? { id: r.agent_id, name: r.agent_name ?? "" } : null,
    contact: {
      id: r.contact_id,
      name: r.contact_name,
      email: r.contact_email,
      emailVerified: r.contact_email_verified === 1,
      account: r.account_id ? { id: r.account_id, name: r.account_name ?? "" } : null,
      label: customerLabel(r),
    },
  };
}

/**
 * One page of the inbox, latest activity first. The cursor is the last row's (activity, id), so a
 * thread that moves to the top while someone pages is neither skipped nor shown twice below.
 */
export async function listInboxPage(
  db: D1Database,
  workspaceId: string,
  agentId: string,
  query: ConsoleInboxQuery,
): Promise<{ conversations: InboxConversation[]; nextCursor: string | null }> {
  const where = ["c.workspace_id = ?"];
  const params: (string | number)[] = [agentId, workspaceId];
  if (query.filter === "active") where.push("c.archived = 0");
  if (query.filter === "archived") where.push("c.archived = 1");
  if (query.attention) {
    where.push("c.attention = ?");
    params.push(query.attention);
  }
  if (query.accountId) {
    where.push("ct.account_id = ?");
    params.push(query.accountId);
  }
  // Every chosen label, like the other filters: each one narrows the list.
  for (const labelId of query.labels) {
    where.push("EXISTS (SELECT 1 FROM conversation_labels cl WHERE cl.workspace_id = c.workspace_id AND cl.conversation_id = c.id AND cl.label_id = ?)");
    params.push(labelId);
  }
  if (query.cursor) {
    where.push("(c.activity_at < ? OR (c.activity_at = ? AND c.id < ?))");
    params.push(query.cursor.activityAt, query.cursor.activityAt, query.cursor.id);
  }
  const match = query.q ? ftsQuery(query.q) : null;
  if (query.q && !match) return { conversations: [], nextCursor: null };
  if (match) {
    // CROSS JOIN keeps the contacts' full-text hits as the outer loop, so their threads are looked up
    // through conversations_contact; left to itself, SQLite walks every thread of the workspace.
    where.push(`c.id IN (
      SELECT conversation_id FROM conversations_fts WHERE conversations_fts MATCH ? AND workspace_id = ?
      UNION SELECT conversation_id FROM messages_fts WHERE messages_fts MATCH ? AND workspace_id = ?
      UNION SELECT c2.id FROM contacts_fts CROSS JOIN conversations c2 ON c2.workspace_id = ? AND c2.contact_id = contacts_fts.contact_id
        WHERE contacts_fts MATCH ? AND contacts_fts.workspace_id = ?
      UNION SELECT cl.conversation_id FROM labels l CROSS JOIN conversation_labels cl ON cl.workspace_id = l.workspace_id AND cl.label_id = l.id
        WHERE l.workspace_id = ? AND l.name >= ? COLLATE NOCASE AND l.name < ? COLLATE NOCASE)`);
    // Labels whose name starts with the query, as a range on labels_name (case folded like the index).
    params.push(match, workspaceId, match, workspaceId, workspaceId, match, workspaceId, workspaceId, query.q ?? "", `${query.q ?? ""}\u{10ffff}`);
  }
  const unreadOnly = query.filter === "unread" ? "WHERE unread > 0" : "";
  const { results } = await db
    .prepare(
      `SELECT * FROM (${ROW_SELECT} WHERE ${where.join(" AND ")}) ${unreadOnly} ORDER BY activity_at DESC, id DESC LIMIT ?`,
    )
    .bind(...params, query.limit + 1)
    .all();
  const rows = results.slice(0, query.limit).map(toInboxConversation);
  const last = rows.at(-1);
  return { conversations: rows, nextCursor: results.length > query.limit && last ? `${last.activityAt}~${last.id}` : null };
}

/**
 * The request note, one line per message in order, a file shown by its name. Built when read, one
 * row per line: a stored note rewritten on every message made copying a conversation O(n²), and
 * one string for the whole transcript could outgrow D1's limit on a value's size. Only its first
 * LIMITS.requestNoteLines lines (the request is at the start); one more is read to tell that the
 * thread goes on, and the whole of it is streamed by the thread's transcript.txt.
 */
const REQUEST_NOTE_LINES = `SELECT '[' || strftime('%Y-%m-%d %H:%M', created_at / 1000, 'unixepoch') || ' UTC] '
  || CASE WHEN visibility = 'note' THEN '(private note) ' ELSE '' END || author_name || ': '
  || CASE WHEN body = '' THEN '[' || COALESCE(json_extract(attachment, '$.name'), 'file') || ']' ELSE body END AS line
  FROM messages WHERE workspace_id = ? AND conversation_id = ? ORDER BY seq LIMIT ${LIMITS.requestNoteLines + 1}`;

const noteMore = (conversationId: string) =>
  `[…] The thread goes on: the whole transcript is at /api/console/conversations/${encodeURIComponent(conversationId)}/transcript.txt\n`;

const noteLine = z.object({ line: z.string() });

/** A conversation in the agent's workspace, with everything its thread header shows but the note. */
export type ConversationHeader = Omit<ConversationDetail, "requestNote" | "followUpOf" | "followUps">;

function toHeader(row: Record<string, unknown>): ConversationHeader {
  const parsedLocale = locale.safeParse(row.locale);
  return { ...toInboxConversation(row), locale: parsedLocale.success ? parsedLocale.data : null };
}

/** One row read by key: cheap enough for every access check, however long the thread. */
export async function getConversationHeader(
  db: D1Database,
  workspaceId: string,
  agentId: string,
  conversationId: string,
): Promise<ConversationHeader | null> {
  const row = await db
    .prepare(`${ROW_SELECT} WHERE c.workspace_id = ? AND c.id = ?`)
    .bind(agentId, workspaceId, conversationId)
    .first<Record<string, unknown>>();
  return row ? toHeader(row) : null;
}

/** The header and the request note, which reads every message of the thread: for showing it only. */
/** The conversation a follow-up continues, and the follow-ups of this one (a handful at most: one per later email thread). */
const FOLLOW_UP_LINKS = `SELECT 'of' AS direction, p.id, p.subject FROM conversations c
    JOIN conversations p ON p.workspace_id = c.workspace_id AND p.id = c.follow_up_of
    WHERE c.workspace_id = ? AND c.id = ?
  UNION ALL SELECT 'by', f.id, f.subject FROM conversations f WHERE f.workspace_id = ? AND f.follow_up_of = ?
  LIMIT 20`;
const followUpLink = z.object({ direction: z.enum(["of", "by"]), id: z.string(), subject: z.string() });

export async function getConversationDetail(
  db: D1Database,
  workspaceId: string,
  agentId: string,
  conversationId: string,
): Promise<ConversationDetail | null> {
  const [conversation, note, links] = await db.batch<Record<string, unknown>>([
    db.prepare(`${ROW_SELECT} WHERE c.workspace_id = ? AND c.id = ?`).bind(agentId, workspaceId, conversationId),
    db.prepare(REQUEST_NOTE_LINES).bind(workspaceId, conversationId),
    db.prepare(FOLLOW_UP_LINKS).bind(workspaceId, conversationId, workspaceId, conversationId),
  ]);
  const row = conversation?.results[0];
  if (!row || !note || !links) return null;
  const lines = note.results.slice(0, LIMITS.requestNoteLines).map((r) => `${noteLine.parse(r).line}\n`);
  if (note.results.length > LIMITS.requestNoteLines) lines.push(noteMore(conversationId));
  const linked = links.results.map((r) => followUpLink.parse(r));
  const previous = linked.find((l) => l.direction === "of");
  return {
    ...toHeader(row),
    requestNote: lines.join(""),
    followUpOf: previous ? { id: previous.id, subject: previous.subject } : null,
    followUps: linked.filter((l) => l.direction === "by").map(({ id, subject }) => ({ id, subject })),
  };
}

/** Moves the agent's read mark forward (never back) and clears their notification for the thread. */
export async function markRead(db: D1Database, workspaceId: string, agentId: string, conversationId: string, seq: number) {
  const now = Date.now();
  await db.batch([
    db
      .prepare(
        `INSERT INTO conversation_reads (workspace_id, conversation_id, agent_id, read_seq, read_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (workspace_id, conversation_id, agent_id) DO UPDATE SET
           read_seq = MAX(read_seq, excluded.read_seq), read_at = excluded.read_at`,
      )
      .bind(workspaceId, conversationId, agentId, seq, now),
    db
      .prepare("UPDATE notifications SET seen_at = ? WHERE workspace_id = ? AND agent_id = ? AND conversation_id = ?")
      .bind(now, workspaceId, agentId, conversationId),
  ]);
}
