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
  from_name: string | null;
  reply_to: string | null;
  message_id: string | null;
  references_header: string | null;
};

/** What a backend made of one email: sent (with the provider's id), or refused, maybe for now only. */
type Outcome = { sent: true; providerId: string } | { sent: false; retryable: boolean; message: string; retryAfter?: string | undefined };

/** Whether email leaves the outbox at all: through Resend when its key is set, else Cloudflare's send_email binding. */
export function hasSender(env: Env): boolean {
  return Boolean(env.RESEND_API_KEY || (env.EMAIL && env.EMAIL_FROM));
}

/** Retry-After in seconds (or an HTTP date), else exponential backoff from a minute. */
function retryDelayMs(retryAfter: string | undefined, attempts: number): number {
  const seconds = Number(retryAfter);
  if (retryAfter && Number.isFinite(seconds)) return Math.max(1, seconds) * 1000;
  const date = retryAfter ? Date.parse(retryAfter) : NaN;
  if (Number.isFinite(date)) return Math.max(1000, date - Date.now());
  return Math.min(60_000 * 2 ** attempts, 3600_000);
}

/** "Acme Support <support@acme.example>" keeps its address and takes the channel's name. */
function fromOf(env: Env, name: string | null): { address: string; display: string } {
  const configured = env.EMAIL_FROM || DEFAULT_FROM;
  const address = (/<([^>]+)>/.exec(configured)?.[1] ?? configured).trim();
  if (name === null) return { address, display: configured };
  const safe = name.replace(/["\\\r\n<>]/g, "").trim();
  return { address, display: safe ? `"${safe}" <${address}>` : address };
}

/** The threading headers every backend sends along, so a reply lands in the same conversation. */
function threadHeaders(row: OutboxRow): Record<string, string> {
  const headers: Record<string, string> = {};
  if (row.message_id) headers["Message-ID"] = row.message_id;
  if (row.references_header) {
    headers["In-Reply-To"] = row.references_header.split(" ").at(-1)!;
    headers.References = row.references_header;
  }
  return headers;
}

/**
 * Resend: the outbox row's key goes along as Resend's Idempotency-Key, so a retry after a lost
 * answer never sends the email twice. 429 and 5xx are retried later (honouring Retry-After).
 */
async function viaResend(env: Env, row: OutboxRow): Promise<Outcome> {
  const resend = new Resend(env.RESEND_API_KEY);
  const headers = threadHeaders(row);
  const { data, error, headers: answer } = await resend.emails.send(
    {
      from: fromOf(env, row.from_name).display,
      to: [row.to_address],
      subject: row.subject,
      html: row.html_body,
      text: row.text_body,
      ...(row.reply_to ? { replyTo: row.reply_to } : {}),
      ...(Object.keys(headers).length > 0 ? { headers } : {}),
    },
    { idempotencyKey: `${row.workspace_id}/${row.idempotency_key}` },
  );
  if (data) return { sent: true, providerId: data.id };
  const status = (error as { statusCode?: number | null } | null)?.statusCode ?? null;
  return {
    sent: false,
    retryable: status === null || status === 429 || status >= 500,
    message: `${status ?? "network"}: ${error?.message ?? "no answer"}`,
    retryAfter: answer?.["retry-after"],
  };
}

/** Cloudflare Email Service through the `EMAIL` send_email binding: the second backend, no API key needed. */
async function viaBinding(env: Env, row: OutboxRow): Promise<Outcome> {
  const from = fromOf(env, row.from_name);
  try {
    const result = await env.EMAIL!.send({
      from: row.from_name ? { email: from.address, name: row.from_name.replace(/[\r\n]/g, " ") } : from.address,
      to: row.to_address,
      subject: row.subject,
      html: row.html_body,
      text: row.text_body,
      ...(row.reply_to ? { replyTo: row.reply_to } : {}),
      headers: threadHeaders(row),
    });
    return { sent: true, providerId: result.messageId };
  } catch (err) {
    // The binding throws for refusals it will not retry (a bad address) and for outages alike.
    const message = String((err as Error)?.message ?? err);
    return { sent: false, retryable: !/invalid|not allowed|not verified|rejected/i.test(message), message: `send_email: ${message}` };
  }
}

/** Hands one outbox email to the configured backend and records the outcome; refusals are final unless retryable. */
export async function deliverEmail(env: Env, row: OutboxRow): Promise<void> {
  const attempts = row.attempts + 1;
  const outcome = env.RESEND_API_KEY ? await viaResend(env, row) : await viaBinding(env, row);
  const update = (status: string, nextAttemptAt: number | null, providerId: string | null, lastError: string | null) =>
    env.DB.prepare(
      "UPDATE email_outbox SET status = ?, attempts = ?, next_attempt_at = ?, provider_id = ?, last_error = ? WHERE workspace_id = ? AND id = ?",
    )
      .bind(status, attempts, nextAttemptAt, providerId, lastError, row.workspace_id, row.id)
      .run();
  if (outcome.sent) {
    await update("sent", null, outcome.providerId, null);
  } else if (outcome.retryable && attempts < MAX_ATTEMPTS) {
    await update("queued", Date.now() + retryDelayMs(outcome.retryAfter, attempts), null, outcome.message);
  } else {
    await update("failed", null, null, outcome.message);
  }
}

/** Sends every queued email that is due; run right after queueing and by the minutely cron. */
export async function drainEmailOutbox(env: Env, limit = 50): Promise<void> {
  if (!hasSender(env)) return;
  const { results } = await env.DB.prepare(
    `SELECT workspace_id, id, idempotency_key, to_address, subject, text_body, html_body, attempts,
       from_name, reply_to, message_id, references_header FROM email_outbox
     WHERE status = 'queued' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?`,
  )
    .bind(Date.now(), limit)
    .all<OutboxRow>();
  for (const row of results) await deliverEmail(env, row);
}
