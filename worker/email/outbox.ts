import { LIMITS } from "../../protocol/limits";
import type { Env } from "../env";
import { newId } from "../db/ids";
import { emailEnvelope, emailRequest, type EmailEnvelope, type EmailRequest } from "./email-request";
import { drainEmailOutbox, hasSender } from "./delivery";
import { renderEmail } from "./templates";

const DAY_MS = 24 * 3600 * 1000;

/**
 * The address as the per-recipient cap counts it: `Vera+1@x` and `vera+2@x` reach one inbox, so
 * they share one daily count.
 *
 * @example
 * recipientKey("Vera.V+shop@Example.com") // "vera.v@example.com"
 */
export function recipientKey(address: string): string {
  const at = address.lastIndexOf("@");
  const local = address.slice(0, at).split("+")[0];
  return `${local}${address.slice(at)}`.toLowerCase();
}

/**
 * The one way to send an email. It is rendered and stored in the outbox first (idempotent by
 * its key), so nothing is lost; with RESEND_API_KEY set it is then handed to Resend, otherwise it
 * stays in the local outbox that admins read in the console. An email over a daily cap
 * (LIMITS.email) is stored as `suppressed` with the reason and never sent; that is not an error,
 * so a caller that retries until this succeeds (a room's sync) is never stuck on a cap.
 */
export async function queueEmail(env: Env, envelope: EmailEnvelope, request: EmailRequest): Promise<void> {
  await storeEmail(env, envelope, request);
  if (hasSender(env)) await drainEmailOutbox(env);
}

/**
 * One statement, so the caps are counted and the row written in the same step of D1's single
 * writer: concurrent senders cannot all see room under a cap and pass it together.
 */
async function storeEmail(env: Env, envelope: EmailEnvelope, request: EmailRequest): Promise<void> {
  const e = emailEnvelope.parse(envelope);
  const r = emailRequest.parse(request);
  const rendered = renderEmail(e.locale, r);
  const now = Date.now();
  const since = now - DAY_MS;
  const sending = hasSender(env) ? "queued" : "local";
  const { perRecipientPerDay, perWorkspacePerDay } = LIMITS.email;
  await env.DB.prepare(
    `WITH sent AS (
       SELECT
         (SELECT COUNT(*) FROM email_outbox WHERE workspace_id = ?1 AND recipient = ?2 AND created_at > ?3 AND status != 'suppressed') AS to_recipient,
         (SELECT COUNT(*) FROM email_outbox WHERE workspace_id = ?1 AND created_at > ?3 AND status != 'suppressed') AS from_workspace
     ), verdict AS (
       SELECT CASE WHEN to_recipient >= ?4 THEN ?16 WHEN from_workspace >= ?5 THEN ?17 END AS reason FROM sent
     )
     INSERT INTO email_outbox (workspace_id, id, idempotency_key, to_address, recipient, locale, template, subject, text_body, html_body,
       status, next_attempt_at, last_error, created_at, from_name, reply_to, message_id, references_header)
     SELECT ?1, ?6, ?7, ?8, ?2, ?9, ?10, ?11, ?12, ?13,
       CASE WHEN reason IS NULL THEN ?14 ELSE 'suppressed' END,
       CASE WHEN reason IS NULL AND ?14 = 'queued' THEN ?15 END,
       reason, ?15, ?18, ?19, ?20, ?21
     FROM verdict WHERE true
     ON CONFLICT DO NOTHING`,
  )
    .bind(
      e.workspaceId,
      recipientKey(e.to),
      since,
      perRecipientPerDay,
      perWorkspacePerDay,
      newId("em"),
      e.idempotencyKey,
      e.to,
      e.locale,
      r.template,
      rendered.subject,
      rendered.text,
      rendered.html,
      sending,
      now,
      `daily limit of ${perRecipientPerDay} emails to this address reached`,
      `daily limit of ${perWorkspacePerDay} emails from this workspace reached`,
      e.fromName ?? null,
      e.thread?.replyTo ?? null,
      e.thread?.messageId ?? null,
      e.thread?.references.join(" ") ?? null,
    )
    .run();
}
