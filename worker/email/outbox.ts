import type { Env } from "../env";
import { newId } from "../db/ids";
import { emailEnvelope, emailRequest, type EmailEnvelope, type EmailRequest } from "./email-request";
import { drainEmailOutbox } from "./resend-delivery";
import { renderEmail } from "./templates";

/**
 * The one way to send an email. It is rendered and stored in the outbox first (idempotent by
 * its key), so nothing is lost; with RESEND_API_KEY set it is then handed to Resend, otherwise it
 * stays in the local outbox that admins read in the console.
 */
export async function queueEmail(env: Env, envelope: EmailEnvelope, request: EmailRequest): Promise<void> {
  await storeEmail(env, envelope, request);
  if (env.RESEND_API_KEY) await drainEmailOutbox(env);
}

async function storeEmail(env: Env, envelope: EmailEnvelope, request: EmailRequest): Promise<void> {
  const e = emailEnvelope.parse(envelope);
  const r = emailRequest.parse(request);
  const rendered = renderEmail(e.locale, r);
  const now = Date.now();
  await env.DB.prepare(
    `INSERT INTO email_outbox (workspace_id, id, idempotency_key, to_address, locale, template, subject, text_body, html_body, status, next_attempt_at, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  )
    .bind(
      e.workspaceId,
      newId("em"),
      e.idempotencyKey,
      e.to,
      e.locale,
      r.template,
      rendered.subject,
      rendered.text,
      rendered.html,
      env.RESEND_API_KEY ? "queued" : "local",
      env.RESEND_API_KEY ? now : null,
      now,
    )
    .run();
}
