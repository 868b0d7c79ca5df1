import { Resend } from "resend";
import type { Env } from "../env";

const DEFAULT_FROM = "Parley <onboarding@resend.dev>";
const MAX_ATTEMPTS = 8;

type OutboxRow = {
  workspace_id: string;
  id: string;
  idempotency_key: string;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string;
  attempts: number;
};

/** Retry-After in seconds (or an HTTP date), else exponential backoff from a minute. */
function retryDelayMs(retryAfter: string | undefined, attempts: number): number {
  const seconds = Number(retryAfter);
  if (retryAfter && Number.isFinite(seconds)) return Math.max(1, seconds) * 1000;
  const date = retryAfter ? Date.parse(retryAfter) : NaN;
  if (Number.isFinite(date)) return Math.max(1000, date - Date.now());
  return Math.min(60_000 * 2 ** attempts, 3600_000);
}

/**
 * Hands one outbox email to Resend. The outbox row's key goes along as Resend's Idempotency-Key,
 * so a retry after a lost answer never sends the email twice. 429 and 5xx are retried later
 * (honouring Retry-After); any other refusal is final and recorded.
 */
export async function deliverEmail(env: Env, row: OutboxRow): Promise<void> {
  const resend = new Resend(env.RESEND_API_KEY);
  const attempts = row.attempts + 1;
  const { data, error, headers } = await resend.emails.send(
    {
      from: env.EMAIL_FROM || DEFAULT_FROM,
      to: [row.to_address],
      subject: row.subject,
      html: row.html_body,
      text: row.text_body,
    },
    { idempotencyKey: `${row.workspace_id}/${row.idempotency_key}` },
  );
  const update = (status: string, nextAttemptAt: number | null, providerId: string | null, lastError: string | null) =>
    env.DB.prepare(
      "UPDATE email_outbox SET status = ?, attempts = ?, next_attempt_at = ?, provider_id = ?, last_error = ? WHERE workspace_id = ? AND id = ?",
    )
      .bind(status, attempts, nextAttemptAt, providerId, lastError, row.workspace_id, row.id)
      .run();
  if (data) {
    await update("sent", null, data.id, null);
    return;
  }
  const status = (error as { statusCode?: number | null } | null)?.statusCode ?? null;
  const retryable = status === null || status === 429 || status >= 500;
  const message = `${status ?? "network"}: ${error?.message ?? "no answer"}`;
  if (retryable && attempts < MAX_ATTEMPTS) {
    await update("queued", Date.now() + retryDelayMs(headers?.["retry-after"], attempts), null, message);
  } else {
    await update("failed", null, null, message);
  }
}

/** Sends every queued email that is due; run right after queueing and by the minutely cron. */
export async function drainEmailOutbox(env: Env, limit = 50): Promise<void> {
  if (!env.RESEND_API_KEY) return;
  const { results } = await env.DB.prepare(
    `SELECT workspace_id, id, idempotency_key, to_address, subject, text_body, html_body, attempts FROM email_outbox
     WHERE status = 'queued' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?`,
  )
    .bind(Date.now(), limit)
    .all<OutboxRow>();
  for (const row of results) await deliverEmail(env, row);
}
