import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { queueEmail } from "../../worker/email/outbox";
import { drainEmailOutbox } from "../../worker/email/delivery";
import { LOCALES } from "../../protocol/limits";
import { renderEmail } from "../../worker/email/templates";
import { createWorkspace } from "./fixtures";

afterEach(() => vi.restoreAllMocks());

const withResend = { ...env, RESEND_API_KEY: "re_test_key", EMAIL_FROM: "Acme Support <support@acme.example>" };

type Sent = { url: string; method: string; headers: Headers; body: unknown };

/** Stands in for Resend: records each request and answers with the given responses in turn. */
function resend(responses: (() => Response)[]) {
  const sent: Sent[] = [];
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    sent.push({ url: request.url, method: request.method, headers: request.headers, body: await request.json() });
    return responses[Math.min(sent.length - 1, responses.length - 1)]!();
  });
  return sent;
}

async function outbox(workspaceId: string) {
  const { results } = await env.DB.prepare("SELECT status, attempts, provider_id, last_error, next_attempt_at FROM email_outbox WHERE workspace_id = ?")
    .bind(workspaceId)
    .all<{ status: string; attempts: number; provider_id: string | null; last_error: string | null; next_attempt_at: number | null }>();
  return results;
}

const receipt = { template: "ticket_receipt" as const, data: { reference: "T-1001", question: "Call me?", contactName: "Ann" } };

describe("email", () => {
  it("sends through Resend with an Idempotency-Key, exactly as Resend expects", async () => {
    const { workspaceId } = await createWorkspace();
    const sent = resend([() => Response.json({ id: "re_msg_1" })]);
    await queueEmail(withResend, { workspaceId, to: "ann@example.com", locale: "en", idempotencyKey: "ticket:tk_1" }, receipt);
    expect(sent).toHaveLength(1);
    const [req] = sent;
    expect(req!.url).toBe("https://api.resend.com/emails");
    expect(req!.method).toBe("POST");
    expect(req!.headers.get("authorization")).toBe("Bearer re_test_key");
    expect(req!.headers.get("content-type")).toBe("application/json");
    expect(req!.headers.get("idempotency-key")).toBe(`${workspaceId}/ticket:tk_1`);
    expect(req!.body).toEqual({
      from: "Acme Support <support@acme.example>",
      to: ["ann@example.com"],
      subject: "We received your question (T-1001)",
      html: "<p>Hi Ann, thank you. Your ticket number is T-1001; we will answer by email.</p><blockquote>Call me?</blockquote>",
      text: "Hi Ann, thank you. Your ticket number is T-1001; we will answer by email.\n\n> Call me?",
    });
    expect(await outbox(workspaceId)).toMatchObject([{ status: "sent", attempts: 1, provider_id: "re_msg_1" }]);
  });

  it("queues the same email once however often it is asked for", async () => {
    const { workspaceId } = await createWorkspace();
    const sent = resend([() => Response.json({ id: "re_msg_2" })]);
    for (let i = 0; i < 3; i++) {
      await queueEmail(withResend, { workspaceId, to: "ann@example.com", locale: "en", idempotencyKey: "ticket:tk_2" }, receipt);
    }
    expect(sent).toHaveLength(1);
    expect(await outbox(workspaceId)).toHaveLength(1);
  });

  it("retries on 429 after Retry-After and on 5xx with backoff, then sends", async () => {
    const { workspaceId } = await createWorkspace();
    const sent = resend([
      () => Response.json({ statusCode: 429, name: "rate_limit_exceeded", message: "Too many requests" }, { status: 429, headers: { "retry-after": "7" } }),
      () => Response.json({ statusCode: 500, name: "internal_server_error", message: "oops" }, { status: 500 }),
      () => Response.json({ id: "re_msg_3" }),
    ]);
    const before = Date.now();
    await queueEmail(withResend, { workspaceId, to: "ann@example.com", locale: "en", idempotencyKey: "ticket:tk_3" }, receipt);
    const [first] = await outbox(workspaceId);
    expect(first).toMatchObject({ status: "queued", attempts: 1 });
    expect(first!.next_attempt_at! - before).toBeGreaterThanOrEqual(7000);
    expect(first!.next_attempt_at! - before).toBeLessThan(9000);
    await env.DB.prepare("UPDATE email_outbox SET next_attempt_at = 0 WHERE workspace_id = ?").bind(workspaceId).run();
    await drainEmailOutbox(withResend);
    expect((await outbox(workspaceId))[0]).toMatchObject({ status: "queued", attempts: 2 });
    await env.DB.prepare("UPDATE email_outbox SET next_attempt_at = 0 WHERE workspace_id = ?").bind(workspaceId).run();
    await drainEmailOutbox(withResend);
    expect((await outbox(workspaceId))[0]).toMatchObject({ status: "sent", attempts: 3, provider_id: "re_msg_3" });
    expect(new Set(sent.map((s) => s.headers.get("idempotency-key"))).size).toBe(1);
  });

  it("records a final refusal and does not retry it", async () => {
    const { workspaceId } = await createWorkspace();
    const sent = resend([() => Response.json({ statusCode: 422, name: "validation_error", message: "Invalid `to` field" }, { status: 422 })]);
    await queueEmail(withResend, { workspaceId, to: "ann@example.com", locale: "en", idempotencyKey: "ticket:tk_4" }, receipt);
    await drainEmailOutbox(withResend);
    expect(sent).toHaveLength(1);
    expect((await outbox(workspaceId))[0]).toMatchObject({ status: "failed", last_error: "422: Invalid `to` field" });
  });

  it("keeps every email in the local outbox when no Resend key is set, and calls nobody", async () => {
    const { workspaceId } = await createWorkspace();
    const sent = resend([() => Response.json({ id: "never" })]);
    await queueEmail(env, { workspaceId, to: "ann@example.com", locale: "fi", idempotencyKey: "ticket:tk_5" }, receipt);
    expect(sent).toHaveLength(0);
    const row = await env.DB.prepare("SELECT status, subject FROM email_outbox WHERE workspace_id = ?").bind(workspaceId).first();
    expect(row).toEqual({ status: "local", subject: "Olemme vastaanottaneet kysymyksesi (T-1001)" });
  });

  it("has every template in every locale, with the data in it and HTML escaped", () => {
    for (const locale of LOCALES) {
      const ticketMail = renderEmail(locale, { template: "ticket_receipt", data: { reference: "T-9", question: "<b>x</b>", contactName: "Åsa" } });
      expect(ticketMail.subject, locale).toContain("T-9");
      expect(ticketMail.html, locale).toContain("&lt;b&gt;x&lt;/b&gt;");
      const transcript = renderEmail(locale, { template: "transcript", data: { conversationId: "cv", subject: "Hi", lines: [{ author: "Ann", body: "hello", createdAt: 0 }] } });
      expect(transcript.text, locale).toContain("Ann: hello");
      expect(renderEmail(locale, { template: "survey", data: { conversationId: "cv", subject: "Hi", contactName: "Ann" } }).text, locale).toContain("Ann");
      expect(renderEmail(locale, { template: "notification", data: { conversationId: "cv", subject: "Hi", from: "Ann", body: "b" } }).subject, locale).toContain("Ann");
    }
    const subjects = new Set(LOCALES.map((l) => renderEmail(l, { template: "survey", data: { conversationId: "cv", subject: "s", contactName: "n" } }).subject));
    expect(subjects.size).toBe(LOCALES.length);
  });
});
