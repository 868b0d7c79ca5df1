import { Hono } from "hono";
import { simulateReplyRequest, type InboundEmailList, type SimulateReplyResponse } from "../../protocol/admin";
import type { AppEnv } from "../app-env";
import { outboxThread } from "../db/admin-emails";
import { listInboundEmails } from "../db/inbound-emails";
import { receiveEmail } from "../email/inbound/receive";
import { notFound } from "../http/errors";
import { parseBody } from "../http/validate";

/**
 * Administration's view of email coming in: every reply and what became of it, and, in local
 * development, "Simulate reply", which answers an outbox email as its recipient would, through the
 * same email() path Email Routing uses (a real MIME reply, quoted history and all).
 */
export const inboundEmailRoutes = new Hono<AppEnv>();

inboundEmailRoutes.get("/inbound-emails", async (c) => {
  const body: InboundEmailList = { emails: await listInboundEmails(c.env.DB, c.get("workspaceId")) };
  return c.json(body);
});

inboundEmailRoutes.post("/emails/:id/simulate-reply", async (c) => {
  // Production has real inboxes; there this would let an admin write as a customer.
  if (c.env.PARLEY_ENV !== "development") throw notFound("route");
  const { text } = await parseBody(c, simulateReplyRequest);
  const email = await outboxThread(c.env.DB, c.get("workspaceId"), c.req.param("id"));
  if (!email?.reply_to) throw notFound("email with a reply address");
  const quoted = email.text_body.split("\n").slice(0, 3).map((l) => `> ${l}`).join("\r\n");
  const raw = [
    `From: ${email.to_address}`,
    `To: ${email.reply_to}`,
    `Subject: Re: ${email.subject.replace(/[\r\n]/g, " ")}`,
    `Message-ID: <simulated-${crypto.randomUUID()}@parley.localhost>`,
    ...(email.message_id ? [`In-Reply-To: ${email.message_id}`, `References: ${email.message_id}`] : []),
    "Content-Type: text/plain; charset=utf-8",
    "",
    text.replace(/\r?\n/g, "\r\n"),
    "",
    `On ${new Date().toUTCString()}, Parley wrote:`,
    quoted,
    "",
  ].join("\r\n");
  const bytes = new TextEncoder().encode(raw);
  let refusal: string | null = null;
  const log = await receiveEmail(
    { from: email.to_address, to: email.reply_to, raw: new Response(bytes).body!, rawSize: bytes.byteLength, setReject: (reason) => (refusal = reason) },
    c.env,
  );
  const answer: SimulateReplyResponse = { outcome: log.outcome, reason: refusal ?? log.reason, conversationId: log.conversationId };
  return c.json(answer);
});
