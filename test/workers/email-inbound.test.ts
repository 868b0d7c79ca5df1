import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { LIMITS } from "../../protocol/limits";
import { receiveEmail } from "../../worker/email/inbound/receive";
import { replyAddress } from "../../worker/email/reply-address";
import worker from "../../worker/index";
import { incoming, mime } from "./email-mime";
import { acceptedConversation, frameAfter, silenceRooms } from "./room-helpers";

afterEach(silenceRooms);

const CUSTOMER = "vera@example.com";

async function inbound(workspaceId: string) {
  const { results } = await env.DB.prepare("SELECT outcome, reason, conversation_id FROM inbound_emails WHERE workspace_id = ? ORDER BY received_at")
    .bind(workspaceId)
    .all<{ outcome: string; reason: string; conversation_id: string }>();
  return results;
}

async function setup() {
  const live = await acceptedConversation();
  const to = await replyAddress(env, { kind: "customer", conversationId: live.conversation.id });
  const before = await live.room.history(0);
  return { ...live, to, before };
}

const msgId = () => `<${crypto.randomUUID()}@mail.gmail.com>`;

describe("a customer answers by email", () => {
  it("a Gmail reply lands in the conversation as the customer's message, without the quoted history, live for the agent, and exactly once", async () => {
    const live = await setup();
    const from = live.agentSocket.frames.length;
    const id = msgId();
    const raw = mime.gmailReply({ from: CUSTOMER, to: live.to, messageId: id, text: "Thanks, that worked!\nSee you." });
    const message = incoming(raw, { from: CUSTOMER, to: live.to });
    await worker.email(message as unknown as ForwardableEmailMessage, env);
    expect(message.setReject).not.toHaveBeenCalled();
    const heard = await frameAfter<"message">(live.agentSocket, from, (f) => f.type === "message");
    expect(heard.message).toMatchObject({ author: { type: "visitor", name: "Vera Visitor" }, body: "Thanks, that worked!\nSee you." });
    expect(heard.message.clientId).toMatch(/^email-/);
    // The same email delivered again (a retry of the mail server) changes nothing.
    await receiveEmail(incoming(raw, { from: CUSTOMER, to: live.to }), env);
    const after = await live.room.history(0);
    expect(after).toHaveLength(live.before.length + 1);
    expect((await inbound(live.ws.workspaceId)).map((r) => r.outcome)).toEqual(["accepted", "accepted"]);
  });

  it("an Outlook HTML-only reply becomes plain text: no tags, no style, no quoted header, entities decoded", async () => {
    const live = await setup();
    const html = "Hello &amp; thanks,<br>it works now <b>really</b>.<script>alert(1)</script><p>Vera</p>";
    await receiveEmail(incoming(mime.outlookHtmlReply({ from: CUSTOMER, to: live.to, messageId: msgId(), html }), { from: CUSTOMER, to: live.to }), env);
    const last = (await live.room.history(0)).at(-1)!;
    expect(last.body).toBe("Hello & thanks,\nit works now really.\nVera");
    expect(last.body).not.toMatch(/[<>]|Old words|color/);
  });

  it("a reply with a PDF posts the text and the file, whose bytes are in R2", async () => {
    const live = await setup();
    const bytes = new TextEncoder().encode("%PDF-1.4 the invoice");
    const raw = mime.withAttachment({ from: CUSTOMER, to: live.to, messageId: msgId(), text: "Here is the invoice.", fileName: "invoice.pdf", bytes });
    await receiveEmail(incoming(raw, { from: CUSTOMER, to: live.to }), env);
    const added = (await live.room.history(0)).slice(live.before.length);
    expect(added.map((m) => m.body)).toEqual(["Here is the invoice.", ""]);
    const file = added[1]!.attachment!;
    expect(file).toMatchObject({ name: "invoice.pdf", contentType: "application/pdf", size: bytes.byteLength });
    const row = await env.DB.prepare("SELECT key FROM attachments WHERE workspace_id = ? AND id = ?").bind(live.ws.workspaceId, file.id).first<{ key: string }>();
    expect(await (await env.FILES.get(row!.key))!.text()).toBe("%PDF-1.4 the invoice");
  });

  it("a reply to an ended conversation opens it again, back with its agent", async () => {
    const live = await setup();
    await live.room.end({ role: "agent", id: live.agent.id, name: live.agent.name });
    await receiveEmail(incoming(mime.plain({ from: CUSTOMER, to: live.to, messageId: msgId(), text: "One more question." }), { from: CUSTOMER, to: live.to }), env);
    const snapshot = await live.room.snapshot();
    expect(snapshot).toMatchObject({ status: "active", agent: { id: live.agent.id }, endedBy: null });
    const added = (await live.room.history(0)).slice(-2);
    expect(added.map((m) => m.body)).toEqual(["The customer replied by email", "One more question."]);
  });

  it("an agent answers a notification from their own address: posted as that agent", async () => {
    const live = await setup();
    const to = await replyAddress(env, { kind: "agent", conversationId: live.conversation.id });
    const agentEmail = (await env.DB.prepare("SELECT email FROM agents WHERE workspace_id = ? AND id = ?").bind(live.ws.workspaceId, live.agent.id).first<{ email: string }>())!.email;
    await receiveEmail(incoming(mime.plain({ from: agentEmail, to, messageId: msgId(), text: "On it, Vera." }), { from: agentEmail, to }), env);
    expect((await live.room.history(0)).at(-1)).toMatchObject({ author: { type: "agent", id: live.agent.id }, body: "On it, Vera." });
    // The customer may not use the agents' address.
    const stranger = incoming(mime.plain({ from: CUSTOMER, to, messageId: msgId(), text: "I am an agent now" }), { from: CUSTOMER, to });
    await receiveEmail(stranger, env);
    expect(stranger.setReject).toHaveBeenCalledWith(expect.stringMatching(/only from the people in the conversation/));
  });
});

describe("what changes nothing", () => {
  async function expectNothing(live: Awaited<ReturnType<typeof setup>>) {
    expect(await live.room.history(0)).toEqual(live.before);
  }

  it("a forged or altered address is refused", async () => {
    const live = await setup();
    const altered = live.to.replace(/-([a-z2-7])([a-z2-7]{15})@/, (_m, c: string, rest: string) => `-${c === "a" ? "b" : "a"}${rest}@`);
    const otherId = live.to.replace(live.conversation.id, "cv_someoneelse00000000");
    for (const to of [altered, otherId, `c-${live.conversation.id}@reply.parley.localhost`, "support@reply.parley.localhost", live.to.replace("reply.parley.localhost", "evil.example")]) {
      const message = incoming(mime.plain({ from: CUSTOMER, to, messageId: msgId(), text: "let me in" }), { from: CUSTOMER, to });
      await receiveEmail(message, env);
      expect(message.setReject, to).toHaveBeenCalledWith("no such address");
    }
    await expectNothing(live);
  });

  it("a stranger is refused; the customer's own address in another case is not a stranger", async () => {
    const live = await setup();
    const message = incoming(mime.plain({ from: "mallory@example.net", to: live.to, messageId: msgId(), text: "spam" }), { from: "mallory@example.net", to: live.to });
    await receiveEmail(message, env);
    expect(message.setReject).toHaveBeenCalledWith(expect.stringMatching(/only from the people/));
    await expectNothing(live);
    await receiveEmail(incoming(mime.plain({ from: "Vera@Example.com", to: live.to, messageId: msgId(), text: "me again" }), { from: "Vera@Example.com", to: live.to }), env);
    expect((await live.room.history(0)).at(-1)!.body).toBe("me again");
  });

  it.each([
    ["an out-of-office reply (Auto-Submitted)", ["Auto-Submitted: auto-replied"]],
    ["an autoresponder (X-Autoreply)", ["X-Autoreply: yes"]],
    ["bulk mail (Precedence)", ["Precedence: bulk"]],
    ["a mailing list", ["List-Id: <news.example.com>"]],
  ])("%s is dropped without a word", async (_what, headers) => {
    const live = await setup();
    const message = incoming(mime.plain({ from: CUSTOMER, to: live.to, messageId: msgId(), text: "I am out of the office", headers }), { from: CUSTOMER, to: live.to });
    await receiveEmail(message, env);
    expect(message.setReject).not.toHaveBeenCalled();
    await expectNothing(live);
    expect((await inbound(live.ws.workspaceId)).map((r) => r.outcome)).toEqual(["dropped"]);
  });

  it("a bounce is dropped, and so is mail from Parley's own sending address", async () => {
    const live = await setup();
    const bounce = incoming(mime.bounce({ to: live.to }), { from: "", to: live.to });
    await receiveEmail(bounce, env);
    const own = incoming(mime.plain({ from: "support@parley.test", to: live.to, messageId: msgId(), text: "loop" }), { from: "support@parley.test", to: live.to });
    await receiveEmail(own, { ...env, EMAIL_FROM: "Parley <support@parley.test>" });
    expect(bounce.setReject).not.toHaveBeenCalled();
    expect(own.setReject).not.toHaveBeenCalled();
    await expectNothing(live);
    expect((await inbound(live.ws.workspaceId)).map((r) => r.reason)).toEqual(["a bounce report", "sent by Parley itself (a loop)"]);
  });

  it("oversized mail is refused before it is read", async () => {
    const live = await setup();
    const message = incoming(mime.plain({ from: CUSTOMER, to: live.to, messageId: msgId(), text: "big" }), { from: CUSTOMER, to: live.to }, LIMITS.email.inboundBytes + 1);
    await receiveEmail(message, env);
    expect(message.setReject).toHaveBeenCalledWith(expect.stringMatching(/too large/));
    await expectNothing(live);
  });

  it("a reply with nothing above the quote is dropped", async () => {
    const live = await setup();
    await receiveEmail(incoming(mime.gmailReply({ from: CUSTOMER, to: live.to, messageId: msgId(), text: "" }), { from: CUSTOMER, to: live.to }), env);
    await expectNothing(live);
  });

  it(`past ${LIMITS.http.inboundEmailConversation.burst} emails into one conversation the sender is told to try later; another conversation is unaffected`, async () => {
    const live = await setup();
    const other = await setup();
    const n = LIMITS.http.inboundEmailConversation.burst;
    const results = [];
    for (let i = 0; i <= n; i++) {
      const message = incoming(mime.plain({ from: CUSTOMER, to: live.to, messageId: msgId(), text: `message ${i}` }), { from: CUSTOMER, to: live.to });
      await receiveEmail(message, env);
      results.push(message.setReject.mock.calls[0]?.[0] ?? "ok");
    }
    expect(results.slice(0, n).every((r) => r === "ok")).toBe(true);
    expect(results[n]).toMatch(/too many emails/);
    expect((await live.room.history(0)).length).toBe(live.before.length + n);
    await receiveEmail(incoming(mime.plain({ from: CUSTOMER, to: other.to, messageId: msgId(), text: "hello" }), { from: CUSTOMER, to: other.to }), env);
    expect((await other.room.history(0)).at(-1)!.body).toBe("hello");
  }, 30_000);
});
