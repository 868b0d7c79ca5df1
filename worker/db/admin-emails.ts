import { z } from "zod";
import { outboxEmail, type OutboxEmail, type OutboxEmailDetail, type OutboxList, type OutboxQuery } from "../../protocol/admin";

const emailRow = z.object({
  id: z.string(),
  to_address: z.string(),
  subject: z.string(),
  template: z.string(),
  locale: z.string(),
  status: outboxEmail.shape.status,
  attempts: z.number(),
  last_error: z.string().nullable(),
  created_at: z.number(),
});
const detailRow = emailRow.extend({ text_body: z.string(), html_body: z.string(), reply_to: z.string().nullable() });

function toEmail(row: unknown): OutboxEmail {
  const r = emailRow.parse(row);
  return {
    id: r.id,
    to: r.to_address,
    subject: r.subject,
    template: r.template,
    locale: r.locale,
    status: r.status,
    attempts: r.attempts,
    lastError: r.last_error,
    createdAt: r.created_at,
  };
}

const COLUMNS = "id, to_address, subject, template, locale, status, attempts, last_error, created_at";

/** Newest first; the cursor is the (created_at, id) of the last email of the previous page. */
export async function listOutbox(db: D1Database, workspaceId: string, query: OutboxQuery): Promise<OutboxList> {
  const [at, id] = query.cursor ? query.cursor.split(":") : [];
  const after = at !== undefined && id !== undefined;
  const { results } = await db
    .prepare(
      `SELECT ${COLUMNS} FROM email_outbox WHERE workspace_id = ?
       ${after ? "AND (created_at < ? OR (created_at = ? AND id < ?))" : ""}
       ORDER BY created_at DESC, id DESC LIMIT ?`,
    )
    .bind(workspaceId, ...(after ? [Number(at), Number(at), id] : []), query.limit + 1)
    .all();
  const emails = results.slice(0, query.limit).map(toEmail);
  const last = emails.at(-1);
  return { emails, nextCursor: results.length > query.limit && last ? `${last.createdAt}:${last.id}` : null };
}

export async function getOutboxEmail(db: D1Database, workspaceId: string, id: string, canSimulate: boolean): Promise<OutboxEmailDetail | null> {
  const row = await db
    .prepare(`SELECT ${COLUMNS}, text_body, html_body, reply_to FROM email_outbox WHERE workspace_id = ? AND id = ?`)
    .bind(workspaceId, id)
    .first();
  if (!row) return null;
  const r = detailRow.parse(row);
  return { ...toEmail(row), textBody: r.text_body, htmlBody: r.html_body, replyTo: r.reply_to, canSimulateReply: canSimulate && r.reply_to !== null };
}

/** What a simulated reply needs of the email it answers. */
export async function outboxThread(db: D1Database, workspaceId: string, id: string) {
  return db
    .prepare("SELECT to_address, subject, reply_to, message_id, text_body FROM email_outbox WHERE workspace_id = ? AND id = ?")
    .bind(workspaceId, id)
    .first<{ to_address: string; subject: string; reply_to: string | null; message_id: string | null; text_body: string }>();
}
