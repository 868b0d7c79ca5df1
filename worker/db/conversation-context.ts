import type { ConversationContext } from "../../protocol/visitor-context";
import { channelConfig } from "../../protocol/channel";
import { listAttributes } from "./custom-attributes";

/** Earlier conversations the panel lists: the newest few, one click each. */
const PREVIOUS = 10;

type Row = {
  topic: string | null;
  fields: string;
  request_id: string | null;
  satisfied: number | null;
  rating: number | null;
  feedback_comment: string | null;
  contact_id: string;
  contact_name: string;
  contact_email: string;
  email_verified: number;
  external_id: string | null;
  account_id: string | null;
  account_name: string | null;
  channel_config: string | null;
};

/** Everything the context panel shows of one conversation of the workspace; null if there is none. */
export async function getConversationContext(db: D1Database, workspaceId: string, conversationId: string): Promise<ConversationContext | null> {
  const row = await db
    .prepare(
      `SELECT c.topic, c.fields, c.request_id, c.satisfied, c.rating, c.feedback_comment, ct.id AS contact_id, ct.name AS contact_name,
         ct.email AS contact_email, ct.email_verified, ct.external_id, a.id AS account_id, a.name AS account_name, ch.config AS channel_config
       FROM conversations c
       JOIN contacts ct ON ct.workspace_id = c.workspace_id AND ct.id = c.contact_id
       LEFT JOIN accounts a ON a.workspace_id = ct.workspace_id AND a.id = ct.account_id
       LEFT JOIN channels ch ON ch.workspace_id = c.workspace_id AND ch.id = c.channel_id
       WHERE c.workspace_id = ? AND c.id = ?`,
    )
    .bind(workspaceId, conversationId)
    .first<Row>();
  if (!row) return null;
  const [previous, contactAttributes, conversationAttributes] = await Promise.all([
    db
      .prepare(
        `SELECT id, subject, status, created_at FROM conversations WHERE workspace_id = ? AND contact_id = ? AND id != ?
         ORDER BY created_at DESC LIMIT ?`,
      )
      .bind(workspaceId, row.contact_id, conversationId, PREVIOUS)
      .all<{ id: string; subject: string; status: "queued" | "active" | "ended"; created_at: number }>(),
    listAttributes(db, workspaceId, "contact", row.contact_id),
    listAttributes(db, workspaceId, "conversation", conversationId),
  ]);
  const labels = new Map((channelConfig.safeParse(JSON.parse(row.channel_config ?? "{}")).data?.preChatFields ?? []).map((f) => [f.key, f.label]));
  const answers = JSON.parse(row.fields || "{}") as Record<string, string>;
  return {
    topic: row.topic,
    fields: Object.entries(answers).map(([key, value]) => ({ key, label: labels.get(key) ?? key, value })),
    contact: {
      id: row.contact_id,
      name: row.contact_name,
      email: row.contact_email,
      emailVerified: row.email_verified === 1,
      externalId: row.external_id,
    },
    account: row.account_id && row.account_name !== null ? { id: row.account_id, name: row.account_name } : null,
    requestId: row.request_id,
    previous: previous.results.map((p) => ({ id: p.id, subject: p.subject, status: p.status, createdAt: p.created_at })),
    feedback:
      row.satisfied === null && row.rating === null
        ? null
        : { satisfied: row.satisfied === null ? null : row.satisfied === 1, rating: row.rating, comment: row.feedback_comment ?? "" },
    attributes: { contact: contactAttributes, conversation: conversationAttributes },
  };
}
