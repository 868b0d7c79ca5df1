import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { emailNewMessages } from "../../worker/db/notifications";
import { readReplyAddress } from "../../worker/email/reply-address";
import { drainEmailOutbox } from "../../worker/email/delivery";
import { receiveEmail } from "../../worker/email/inbound/receive";
import { incoming, mime } from "./email-mime";
import { createWorkspace, postJson, signIn } from "./fixtures";
import { acceptedConversation, eventually, fireTimer, sendMessage, silenceRooms, timer } from "./room-helpers";

afterEach(async () => {
  vi.restoreAllMocks();
  await silenceRooms();
});

type Row = { template: string; to_address: string; subject: string; text_body: string; reply_to: string; message_id: string; references_header: string; from_name: string | null; status: string };

async function emails(workspaceId: string, template = "reply") {
  const { results } = await env.DB.prepare("SELECT * FROM email_outbox WHERE workspace_id = ? AND template = ? ORDER BY created_at")
    .bind(workspaceId, template)
    .all<Row>();
  return results;
}

describe("an agent's reply the customer has not seen goes to their inbox", () => {
  it("a burst of three answers becomes one email, from the channel, answerable and threaded", async () => {
    const live = await acceptedConversation();
    live.visitor.close();
    for (const text of ["Hi Vera,", "try resetting the password", "from the login page."]) await sendMessage(live.agentSocket, text);
    const due = await timer(live.room, "reply_email");
    const first = (await live.room.history(0)).find((m) => m.body === "Hi Vera,")!;
    expect(due).toBe(first.createdAt + 3 * 60_000);
    await fireTimer(live.room, "reply_email");
    const [email, ...more] = await eventually(async () => {
      const rows = await emails(live.ws.workspaceId);
      return rows.length > 0 ? rows : null;
    });
    expect(more).toEqual([]);
    expect(email).toMatchObject({ to_address: "vera@example.com", status: "local" });
    expect(email!.text_body).toMatch(/Hi Vera,\n.*try resetting the password\n.*from the login page\./);
    expect(email!.text_body).toMatch(/Reply to this email/);
    expect(email!.from_name).toBeTruthy();
    // The reply address is this conversation's customer address, signed.
    expect(await readReplyAddress(env, email!.reply_to)).toEqual({ kind: "customer", conversationId: live.conversation.id });
    expect(email!.message_id).toMatch(new RegExp(`^<${live.conversation.id}\\.[^@]+@reply\\.parley\\.localhost>$`));
    expect(email!.references_header).toBe(`<${live.conversation.id}@reply.parley.localhost>`);

    // And the customer's answer to it comes back into the conversation.
    await receiveEmail(incoming(mime.gmailReply({ from: "vera@example.com", to: email!.reply_to, messageId: "<answer-1@mail.gmail.com>", text: "It worked, thanks!" }), { from: "vera@example.com", to: email!.reply_to }), env);
    expect((await live.room.history(0)).at(-1)).toMatchObject({ author: { type: "visitor" }, body: "It worked, thanks!" });
  });

  it("nothing is emailed when the customer read it on the page, and nothing twice", async () => {
    const live = await acceptedConversation();
    const seq = await sendMessage(live.agentSocket, "Read this here");
    live.visitor.send({ type: "read", seq });
    await live.agentSocket.next((f) => f.type === "read" && f.read.visitor >= seq);
    await fireTimer(live.room, "reply_email");
    await fireTimer(live.room, "sync").catch(() => undefined);
    expect(await emails(live.ws.workspaceId)).toEqual([]);

    const unseen = await sendMessage(live.agentSocket, "And this one later");
    await fireTimer(live.room, "reply_email");
    const rows = await eventually(async () => ((await emails(live.ws.workspaceId)).length === 1 ? emails(live.ws.workspaceId) : null));
    expect(rows[0]!.text_body).toMatch(/And this one later/);
    expect(rows[0]!.text_body).toMatch(/> .*Read this here/);
    expect((await live.room.snapshot()).lastSeq).toBeGreaterThanOrEqual(unseen);
    // The timer went with the email; nothing new means nothing more.
    expect(await timer(live.room, "reply_email")).toBeNull();
  });

  it("a conversation an agent starts reaches the customer at once, and their email reply lands in it", async () => {
    const ws = await createWorkspace();
    const cookie = await signIn(ws);
    const res = await postJson(
      "/api/console/conversations",
      {
        channelId: ws.channelId,
        subject: "Your tax return",
        message: { clientId: crypto.randomUUID(), body: "Please send us the receipts for 2026." },
        contact: { name: "Carl Client", email: "carl@example.com" },
      },
      { cookie, origin: "https://parley.test" },
    );
    expect(res.status, await res.clone().text()).toBe(201);
    const { conversation } = (await res.json()) as { conversation: { id: string } };
    const rows = await eventually(async () => {
      const r = await emails(ws.workspaceId);
      return r.length > 0 ? r : null;
    }, 8000);
    expect(rows[0]).toMatchObject({ to_address: "carl@example.com", subject: "Your tax return" });
    expect(rows[0]!.text_body).toMatch(/Please send us the receipts/);
    await receiveEmail(incoming(mime.plain({ from: "carl@example.com", to: rows[0]!.reply_to, messageId: "<carl-1@example.com>", text: "Attached tomorrow." }), { from: "carl@example.com", to: rows[0]!.reply_to }), env);
    const { results } = await env.DB.prepare("SELECT outcome FROM inbound_emails WHERE conversation_id = ?").bind(conversation.id).all<{ outcome: string }>();
    expect(results.map((r) => r.outcome)).toEqual(["accepted"]);
  });
});

describe("a ticket, or a message left while nobody is available, is a conversation that continues by email", () => {
  it("the question waits in the queue as a conversation; the receipt's Reply-To answers into it", async () => {
    const ws = await createWorkspace();
    const res = await postJson(`/api/widget/channels/${ws.channelKey}/tickets`, { name: "Nora Night", email: "nora@example.com", question: "Can I change my plan?\nThanks" });
    expect(res.status, await res.clone().text()).toBe(201);
    const { ticket } = (await res.json()) as { ticket: { id: string } };
    const link = await env.DB.prepare("SELECT conversation_id FROM tickets WHERE id = ?").bind(ticket.id).first<{ conversation_id: string }>();
    const conversation = await env.DB.prepare("SELECT status, subject FROM conversations WHERE id = ?").bind(link!.conversation_id).first();
    expect(conversation).toEqual({ status: "queued", subject: "Can I change my plan?" });
    const receipt = (await emails(ws.workspaceId, "ticket_receipt"))[0]!;
    expect(await readReplyAddress(env, receipt.reply_to)).toEqual({ kind: "customer", conversationId: link!.conversation_id });
    await receiveEmail(incoming(mime.plain({ from: "nora@example.com", to: receipt.reply_to, messageId: "<nora-2@example.com>", text: "Also: annual billing?" }), { from: "nora@example.com", to: receipt.reply_to }), env);
    const { results } = await env.DB.prepare("SELECT outcome FROM inbound_emails WHERE conversation_id = ?").bind(link!.conversation_id).all<{ outcome: string }>();
    expect(results.map((r) => r.outcome)).toEqual(["accepted"]);
  });
});

describe("agents answer from their inbox", () => {
  it("a notification of a customer's message carries the agents' reply address; the agent's answer is posted as them", async () => {
    const live = await acceptedConversation({ notificationEmail: "office@firma.fi" });
    const seq = await sendMessage(live.visitor, "Are you there?");
    const message = (await live.room.history(0)).find((m) => m.seq === seq)!;
    // As the room's sync does once the message is in D1, with the agent away from the console.
    await emailNewMessages(env, live.ws.workspaceId, live.conversation.id, [message]);
    const note = await eventually(async () => (await emails(live.ws.workspaceId, "notification"))[0] ?? null);
    expect(await readReplyAddress(env, note.reply_to)).toEqual({ kind: "agent", conversationId: live.conversation.id });
    expect(note.text_body).toMatch(/Reply to this email to answer the customer/);
    // The office address is not an agent's, so its reply would be refused; the agent's own is posted as them.
    const agentEmail = (await env.DB.prepare("SELECT email FROM agents WHERE id = ?").bind(live.agent.id).first<{ email: string }>())!.email;
    await receiveEmail(incoming(mime.plain({ from: agentEmail, to: note.reply_to, messageId: "<agent-1@example.com>", text: "Yes, one moment." }), { from: agentEmail, to: note.reply_to }), env);
    expect((await live.room.history(0)).at(-1)).toMatchObject({ author: { type: "agent", id: live.agent.id }, body: "Yes, one moment." });
  });
});

describe("every backend sends the reply address and the threading headers", () => {
  const row = async (workspaceId: string) => {
    const { queueEmail } = await import("../../worker/email/outbox");
    const { conversationThread } = await import("../../worker/email/threading");
    return { queueEmail, thread: await conversationThread(env, { kind: "customer", conversationId: "cv_threadtest" }, "k:reply:7"), workspaceId };
  };

  it("Resend gets replyTo, Message-ID, In-Reply-To and References, from the channel's name", async () => {
    const { workspaceId } = await createWorkspace();
    const { queueEmail, thread } = await row(workspaceId);
    const sent: unknown[] = [];
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      sent.push(await new Request(input, init).json());
      return Response.json({ id: "re_1" });
    });
    const withResend = { ...env, RESEND_API_KEY: "re_test", EMAIL_FROM: "Support <support@acme.example>" };
    await queueEmail(withResend, { workspaceId, to: "vera@example.com", idempotencyKey: "k:reply:7", fromName: "Acme Help", thread }, { template: "survey", data: { conversationId: "cv_threadtest", subject: "s", contactName: "Vera" } });
    expect(sent).toEqual([
      expect.objectContaining({
        from: '"Acme Help" <support@acme.example>',
        reply_to: thread.replyTo,
        headers: { "Message-ID": thread.messageId, "In-Reply-To": thread.references[0], References: thread.references[0] },
      }),
    ]);
  });

  it("Cloudflare's send_email binding gets the same, when Resend is not configured", async () => {
    const { workspaceId } = await createWorkspace();
    const { queueEmail, thread } = await row(workspaceId);
    const send = vi.fn(async (_m: unknown) => ({ messageId: "cf-1" }));
    const withBinding = { ...env, EMAIL: { send } as unknown as SendEmail, EMAIL_FROM: "support@acme.example" };
    await queueEmail(withBinding, { workspaceId, to: "vera@example.com", idempotencyKey: "k:reply:8", fromName: "Acme Help", thread }, { template: "survey", data: { conversationId: "cv_threadtest", subject: "s", contactName: "Vera" } });
    await drainEmailOutbox(withBinding);
    expect(send).toHaveBeenCalledTimes(1);
    expect(send.mock.calls[0]![0]).toMatchObject({
      from: { email: "support@acme.example", name: "Acme Help" },
      to: "vera@example.com",
      replyTo: thread.replyTo,
      headers: { "Message-ID": thread.messageId, References: thread.references[0] },
    });
    const status = await env.DB.prepare("SELECT status, provider_id FROM email_outbox WHERE workspace_id = ?").bind(workspaceId).first();
    expect(status).toEqual({ status: "sent", provider_id: "cf-1" });
  });
});
