import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ConversationDetail } from "../../protocol/console";
import type { Message } from "../../protocol/frames";
import { asAgent } from "./console-fixtures";
import { agentOnline, call, createWorkspace, postJson, signIn, startConversation } from "./fixtures";

type ErrorBody = { error: { code: string; message: string } };

const faqChannel = {
  faqSuggestions: true,
  topics: ["Invoicing", "Payroll"],
  preChatFields: [
    { key: "company", label: "Company", required: true },
    { key: "plan", label: "Plan", type: "select", options: ["Basic", "Pro"] },
  ],
};

async function addFaq(workspaceId: string, id: string, question: string, answer: string) {
  await env.DB.prepare("INSERT INTO faqs (workspace_id, id, channel_id, question, answer, created_at) VALUES (?, ?, NULL, ?, ?, ?)")
    .bind(workspaceId, id, question, answer, Date.now())
    .run();
}

const start = (extra: Record<string, unknown> = {}) => ({
  name: "Ann",
  email: "ann@example.com",
  message: { clientId: crypto.randomUUID(), body: "Where is my invoice?" },
  ...extra,
});

afterEach(() => vi.restoreAllMocks());

describe("the widget's view of a channel", () => {
  it("gives the widget its settings, never its secrets", async () => {
    const ws = await createWorkspace({ config: { ...faqChannel, notificationEmail: "ops@example.com" }, identitySecret: "s3cret-identity" });
    // Someone is available, so the widget offers a live chat rather than "Leave a message".
    await agentOnline(ws);
    const res = await call(`/api/widget/channels/${ws.channelKey}`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain("s3cret-identity");
    expect(text).not.toContain("ops@example.com");
    const { channel } = JSON.parse(text) as { channel: Record<string, unknown> };
    expect(channel).toMatchObject({ key: ws.channelKey, topics: ["Invoicing", "Payroll"], faqSuggestions: true, ticketSubmission: false });
    expect(channel.preChatFields).toEqual([
      { key: "company", label: "Company", type: "text", required: true },
      { key: "plan", label: "Plan", type: "select", required: false, options: ["Basic", "Pro"] },
    ]);
  });

  it("says the channel is closed outside its opening hours, and refuses to start a chat", async () => {
    const ws = await createWorkspace({ config: { openingHours: { timeZone: "Europe/Helsinki", days: {} }, ticketSubmission: true } });
    await agentOnline(ws);
    const { channel } = (await (await call(`/api/widget/channels/${ws.channelKey}`)).json()) as {
      channel: { availability: unknown };
    };
    expect(channel.availability).toEqual({ available: false, reason: "closed" });
    const res = await postJson(`/api/widget/channels/${ws.channelKey}/conversations`, start());
    expect(res.status).toBe(409);
    expect(((await res.json()) as ErrorBody).error.code).toBe("unavailable");
  });

  it("says nobody is available when no agent has switched on", async () => {
    const ws = await createWorkspace();
    const { channel } = (await (await call(`/api/widget/channels/${ws.channelKey}`)).json()) as {
      channel: { availability: unknown };
    };
    expect(channel.availability).toEqual({ available: false, reason: "no_agents" });
  });
});

describe("FAQ suggestions", () => {
  it("finds the matching entry by full-text search", async () => {
    const ws = await createWorkspace({ config: { faqSuggestions: true } });
    await addFaq(ws.workspaceId, "faq_pw", "I forgot my password", "Use the reset link on the sign-in page.");
    await addFaq(ws.workspaceId, "faq_vat", "When is VAT due?", "On the 12th.");
    const res = await call(`/api/widget/channels/${ws.channelKey}/faqs?q=${encodeURIComponent("Forgot my passw")}`);
    const { faqs } = (await res.json()) as { faqs: { id: string }[] };
    expect(faqs.map((f) => f.id)).toEqual(["faq_pw"]);
  });

  it("treats FTS syntax typed by a visitor as plain words", async () => {
    const ws = await createWorkspace({ config: { faqSuggestions: true } });
    await addFaq(ws.workspaceId, "faq_pw", "Password reset", "Use the link.");
    for (const q of ['"unbalanced', "password AND NOT (", "* OR NEAR(", "^password"]) {
      const res = await call(`/api/widget/channels/${ws.channelKey}/faqs?q=${encodeURIComponent(q)}`);
      expect(res.status, q).toBe(200);
    }
  });

  it("stays silent when the channel has suggestions off, and needs a query", async () => {
    const ws = await createWorkspace();
    await addFaq(ws.workspaceId, "faq_pw", "Password reset", "Use the link.");
    expect(await (await call(`/api/widget/channels/${ws.channelKey}/faqs?q=password`)).json()).toEqual({ faqs: [] });
    expect((await call(`/api/widget/channels/${ws.channelKey}/faqs`)).status).toBe(400);
  });

  it("never shows another workspace's entries", async () => {
    const x = await createWorkspace({ config: { faqSuggestions: true } });
    const y = await createWorkspace({ config: { faqSuggestions: true } });
    await addFaq(y.workspaceId, "faq_y", "Password reset", "Y's secret answer");
    expect(await (await call(`/api/widget/channels/${x.channelKey}/faqs?q=password`)).json()).toEqual({ faqs: [] });
  });
});

describe("pre-chat checks", () => {
  it("requires the channel's required fields and known options, naming the field", async () => {
    const ws = await createWorkspace({ config: faqChannel });
    await agentOnline(ws);
    const url = `/api/widget/channels/${ws.channelKey}/conversations`;
    const missing = await postJson(url, start());
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as ErrorBody).error.message).toBe("fields.company: Company is required");
    const badOption = await postJson(url, start({ fields: { company: "Acme", plan: "Gold" } }));
    expect(((await badOption.json()) as ErrorBody).error.message).toContain("fields.plan");
    const badTopic = await postJson(url, start({ fields: { company: "Acme" }, topic: "Weather" }));
    expect(((await badTopic.json()) as ErrorBody).error.message).toContain("topic");
    const ok = await postJson(url, start({ fields: { company: "Acme", plan: "Pro", ignored: "x" }, topic: "Payroll" }));
    expect(ok.status).toBe(201);
    const { conversation } = (await ok.json()) as { conversation: { id: string; topic: string } };
    expect(conversation.topic).toBe("Payroll");
    const row = await env.DB.prepare("SELECT fields FROM conversations WHERE id = ?").bind(conversation.id).first<{ fields: string }>();
    expect(JSON.parse(row!.fields)).toEqual({ company: "Acme", plan: "Pro" });
  });

  it("refuses an email whose domain cannot receive mail, and creates nothing", async () => {
    const ws = await createWorkspace();
    await agentOnline(ws);
    const fetchSpy = vi.spyOn(globalThis, "fetch").mockImplementation(async () => Response.json({ Status: 3 }));
    const res = await postJson(`/api/widget/channels/${ws.channelKey}/conversations`, start({ email: "ann@no-such-domain.example" }));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: { code: "email_undeliverable", message: "email: no-such-domain.example cannot receive email; check the address" },
    });
    expect(fetchSpy.mock.calls.some(([url]) => String(url).includes("name=no-such-domain.example&type=MX"))).toBe(true);
    const count = await env.DB.prepare("SELECT COUNT(*) AS n FROM conversations WHERE workspace_id = ?").bind(ws.workspaceId).first<{ n: number }>();
    expect(count?.n).toBe(0);
  });

  it("lets the visitor through when the lookup itself fails, and caches answers", async () => {
    const ws = await createWorkspace();
    await agentOnline(ws);
    const failing = vi.spyOn(globalThis, "fetch").mockRejectedValue(new TypeError("network down"));
    expect((await postJson(`/api/widget/channels/${ws.channelKey}/conversations`, start({ email: "a@offline.example" }))).status).toBe(201);
    failing.mockImplementation(async () => Response.json({ Status: 0, Answer: [{ type: 15, data: "10 mx.mail.example." }] }));
    expect((await postJson(`/api/widget/channels/${ws.channelKey}/conversations`, start({ email: "b@mail.example" }))).status).toBe(201);
    const lookups = () => failing.mock.calls.filter(([url]) => String(url).includes("name=mail.example")).length;
    expect(lookups()).toBe(1);
    expect((await postJson(`/api/widget/channels/${ws.channelKey}/conversations`, start({ email: "c@mail.example" }))).status).toBe(201);
    expect(lookups()).toBe(1);
  });

  it("treats a null MX (RFC 7505) as a domain that takes no mail", async () => {
    const ws = await createWorkspace();
    await agentOnline(ws);
    vi.spyOn(globalThis, "fetch").mockImplementation(async () => Response.json({ Status: 0, Answer: [{ type: 15, data: "0 ." }] }));
    const res = await postJson(`/api/widget/channels/${ws.channelKey}/conversations`, start({ email: "x@nullmx.example" }));
    expect(((await res.json()) as ErrorBody).error.code).toBe("email_undeliverable");
  });
});

describe("tickets while closed", () => {
  it("numbers tickets per workspace and emails a receipt through the outbox", async () => {
    const ws = await createWorkspace({ config: { ticketSubmission: true } });
    const body = { name: "Ann", email: "ann@example.com", question: "Please call me about payroll" };
    const first = await postJson(`/api/widget/channels/${ws.channelKey}/tickets`, body);
    expect(first.status).toBe(201);
    const second = await postJson(`/api/widget/channels/${ws.channelKey}/tickets`, body);
    const refs = [((await first.json()) as { ticket: { reference: string } }).ticket.reference, ((await second.json()) as { ticket: { reference: string } }).ticket.reference];
    expect(refs).toEqual(["T-1001", "T-1002"]);
    const emails = await env.DB.prepare("SELECT to_address, template, status, subject FROM email_outbox WHERE workspace_id = ? ORDER BY created_at")
      .bind(ws.workspaceId)
      .all();
    expect(emails.results).toEqual([
      { to_address: "ann@example.com", template: "ticket_receipt", status: "local", subject: "We received your question (T-1001)" },
      { to_address: "ann@example.com", template: "ticket_receipt", status: "local", subject: "We received your question (T-1002)" },
    ]);
  });

  it("is refused where the channel does not take tickets, and for an empty question", async () => {
    const off = await createWorkspace({ config: { leaveMessage: false } });
    expect((await postJson(`/api/widget/channels/${off.channelKey}/tickets`, { name: "A", email: "a@example.com", question: "q" })).status).toBe(403);
    // "Leave a message" (on by default) takes the question while nobody is available, and only then.
    const staffed = await createWorkspace();
    const lobby = await agentOnline(staffed);
    expect((await postJson(`/api/widget/channels/${staffed.channelKey}/tickets`, { name: "A", email: "a@example.com", question: "q" })).status).toBe(403);
    lobby.close();
    const unstaffed = await createWorkspace();
    expect((await postJson(`/api/widget/channels/${unstaffed.channelKey}/tickets`, { name: "A", email: "a@example.com", question: "q" })).status).toBe(201);
    const on = await createWorkspace({ config: { ticketSubmission: true } });
    const res = await postJson(`/api/widget/channels/${on.channelKey}/tickets`, { name: "A", email: "a@example.com", question: "  " });
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorBody).error.message).toBe("question: question is required");
  });
});

async function hmacHex(secret: string, text: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const sig = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(text));
  return [...new Uint8Array(sig)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

describe("signed-in customers", () => {
  it("lists a verified customer's own threads, each with a token, and nobody else's", async () => {
    const secret = "identity-secret-for-tests";
    const ws = await createWorkspace({ identitySecret: secret });
    await agentOnline(ws);
    const identity = { userId: "cust-1", userHash: await hmacHex(secret, "cust-1") };
    const url = `/api/widget/channels/${ws.channelKey}/conversations`;
    expect((await postJson(url, start({ identity }))).status).toBe(201);
    expect((await postJson(url, start({ identity, message: { clientId: crypto.randomUUID(), body: "Second thread" } }))).status).toBe(201);
    await startConversation(ws, "An anonymous visitor with the same email");
    const res = await postJson(`/api/widget/channels/${ws.channelKey}/threads`, { identity });
    const { threads } = (await res.json()) as { threads: { conversation: { subject: string }; token: string }[] };
    expect(threads.map((t) => t.conversation.subject).sort()).toEqual(["Second thread", "Where is my invoice?"]);
    expect(threads.every((t) => t.token.length > 20)).toBe(true);
  });

  it("ignores an identity whose hash does not verify", async () => {
    const ws = await createWorkspace({ identitySecret: "right-secret" });
    await agentOnline(ws);
    const forged = { userId: "cust-1", userHash: await hmacHex("wrong-secret", "cust-1") };
    const started = await postJson(`/api/widget/channels/${ws.channelKey}/conversations`, start({ identity: forged }));
    expect(started.status).toBe(201);
    const { conversation } = (await started.json()) as { conversation: { id: string } };
    const contact = await env.DB.prepare(
      "SELECT ct.external_id FROM conversations c JOIN contacts ct ON ct.id = c.contact_id WHERE c.id = ?",
    )
      .bind(conversation.id)
      .first<{ external_id: string | null }>();
    expect(contact?.external_id).toBeNull();
    const threads = await postJson(`/api/widget/channels/${ws.channelKey}/threads`, { identity: forged });
    expect(threads.status).toBe(401);
  });
});

describe("attachments", () => {
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

  /** What the widget puts in <img src> and download links. */
  async function signedLink(conversationId: string, token: string, attachmentId: string): Promise<string> {
    const res = await call(`/api/widget/conversations/${conversationId}/attachments/${attachmentId}/link?token=${encodeURIComponent(token)}`);
    expect(res.status).toBe(200);
    return ((await res.json()) as { url: string }).url;
  }

  async function upload(conversationId: string, token: string, body: BodyInit, headers: Record<string, string>) {
    return call(`/api/widget/conversations/${conversationId}/attachments?token=${encodeURIComponent(token)}`, {
      method: "POST",
      headers,
      body,
    });
  }

  it("stores a file in R2, posts it as a message, and serves it back to the token holder only", async () => {
    const ws = await createWorkspace();
    const { conversation, token } = await startConversation(ws);
    const clientId = crypto.randomUUID();
    const headers = { "content-type": "image/png", "x-parley-filename": encodeURIComponent("screen shot.png"), "x-parley-client-id": clientId };
    const res = await upload(conversation.id, token, png, headers);
    expect(res.status).toBe(201);
    const { message } = (await res.json()) as { message: Message };
    expect(message.seq).toBe(2);
    expect(message.attachment).toMatchObject({ name: "screen shot.png", contentType: "image/png", size: png.length });

    const again = await upload(conversation.id, token, png, headers);
    expect(((await again.json()) as { message: Message }).message.seq).toBe(2);
    // Its D1 copy keeps the file too.
    for (let i = 0; i < 100; i++) {
      const row = await env.DB.prepare("SELECT attachment FROM messages WHERE conversation_id = ? AND seq = 2").bind(conversation.id).first<{ attachment: string }>();
      if (row) {
        expect(JSON.parse(row.attachment)).toEqual(message.attachment);
        const agent = asAgent(await signIn(ws));
        const { conversation: detail } = await agent.json<{ conversation: ConversationDetail }>(`/api/console/conversations/${conversation.id}`);
        expect(detail.requestNote.trimEnd().split("\n").at(-1)).toMatch(/Vera Visitor: \[screen shot\.png\]$/);
        break;
      }
      expect(i).toBeLessThan(99);
      await new Promise((r) => setTimeout(r, 50));
    }

    const file = await call(await signedLink(conversation.id, token, message.attachment!.id));
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toBe("image/png");
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(png);
    expect((await call(message.attachment!.url)).status).toBe(401);
    // The conversation token itself never opens a file: links are signed per file (attack-visitor.test.ts).
    expect((await call(`${message.attachment!.url}?token=${encodeURIComponent(token)}`)).status).toBe(401);
    const other = await startConversation(ws, "someone else");
    const link = await call(`/api/widget/conversations/${conversation.id}/attachments/${message.attachment!.id}/link?token=${encodeURIComponent(other.token)}`);
    expect(link.status).toBe(401);
  });

  it("refuses files over the channel's size or of a type it does not take, clearly", async () => {
    const ws = await createWorkspace({ config: { attachments: { maxBytes: 10, types: ["image/*"] } } });
    const { conversation, token } = await startConversation(ws);
    const base = { "x-parley-filename": "a.png", "x-parley-client-id": crypto.randomUUID() };
    const big = await upload(conversation.id, token, new Uint8Array(11), { ...base, "content-type": "image/png" });
    expect(big.status).toBe(413);
    expect(((await big.json()) as ErrorBody).error.code).toBe("file_too_large");
    const exe = await upload(conversation.id, token, new Uint8Array(5), { ...base, "content-type": "application/x-msdownload" });
    expect(exe.status).toBe(415);
    expect(((await exe.json()) as ErrorBody).error.message).toContain("image/*");
    const noName = await upload(conversation.id, token, new Uint8Array(5), { "content-type": "image/png", "x-parley-client-id": crypto.randomUUID() });
    expect(noName.status).toBe(400);
    const listed = await env.FILES.list({ prefix: `${ws.workspaceId}/` });
    expect(listed.objects).toHaveLength(0);
  });

  it("serves anything but plain images as a sandboxed download", async () => {
    const ws = await createWorkspace({ config: { attachments: { types: ["image/*", "text/html"] } } });
    const { conversation, token } = await startConversation(ws);
    const res = await upload(conversation.id, token, "<script>alert(1)</script>", {
      "content-type": "image/svg+xml",
      "x-parley-filename": "x.svg",
      "x-parley-client-id": crypto.randomUUID(),
    });
    const { message } = (await res.json()) as { message: Message };
    const file = await call(await signedLink(conversation.id, token, message.attachment!.id));
    expect(file.headers.get("content-type")).toBe("application/octet-stream");
    expect(file.headers.get("content-disposition")).toMatch(/^attachment/);
    expect(file.headers.get("content-security-policy")).toContain("sandbox");
  });
});
