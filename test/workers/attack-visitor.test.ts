import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { StartConversationResponse } from "../../protocol/api";
import type { ConversationResource } from "../../protocol/api-v1";
import type { ConversationDetail } from "../../protocol/console";
import type { Message } from "../../protocol/frames";
import { LIMITS } from "../../protocol/limits";
import { signAttachmentLink } from "../../worker/attachments/signed-link";
import { signConversationToken } from "../../worker/auth/conversation-token";
import { toBase64Url } from "../../worker/auth/encoding";
import { newId } from "../../worker/db/ids";
import { EVIL_ORIGIN, expectRefusal, identityHash, send, settledState, USER_ID, visitorChat, workspaceState } from "./attack-helpers";
import { asAgent } from "./console-fixtures";
import { agentOnline, call, createWorkspace, signIn, startConversation, TestSocket, type Workspace } from "./fixtures";

const DAY = 24 * 3600_000;
const ORIGIN = "https://shop.example";

const tokenQuery = (token: string) => `?token=${encodeURIComponent(token)}`;

function upload(conversationId: string, token: string, name: string, clientId: string, body: string) {
  return send("POST", `/api/widget/conversations/${conversationId}/attachments${tokenQuery(token)}`, {
    "content-type": "text/plain",
    "x-parley-filename": encodeURIComponent(name),
    "x-parley-client-id": clientId,
  }, body);
}

async function uploaded(conversationId: string, token: string, name: string, body = "the bytes"): Promise<Message> {
  const res = await upload(conversationId, token, name, crypto.randomUUID(), body);
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { message: Message }).message;
}

/** What the widget does to show a file: ask for its signed link, then fetch that. */
async function linkOf(conversationId: string, token: string, attachmentId: string): Promise<string> {
  const res = await call(`/api/widget/conversations/${conversationId}/attachments/${attachmentId}/link${tokenQuery(token)}`);
  expect(res.status, await res.clone().text()).toBe(200);
  const { url, expiresAt } = (await res.json()) as { url: string; expiresAt: number };
  expect(url).not.toContain("token=");
  expect(expiresAt - Date.now()).toBeLessThanOrEqual(LIMITS.attachmentLinkMs);
  return url;
}

const tokenRefresh = (conversationId: string, token: string, origin = ORIGIN) =>
  send("POST", `/api/widget/conversations/${conversationId}/token${tokenQuery(token)}`, { origin });

const socketStatus = async (conversationId: string, token: string) =>
  (await call(`/api/widget/conversations/${conversationId}/socket${tokenQuery(token)}`, { headers: { upgrade: "websocket" } })).status;

const claimsOf = (ws: Workspace, conversationId: string) => ({ conversationId, workspaceId: ws.workspaceId, channelId: ws.channelId });

describe("attachments: bytes, names and links", () => {
  it("re-using a clientId with other bytes answers the first message and never swaps its file", async () => {
    const ws = await createWorkspace();
    const { conversation, token } = await startConversation(ws);
    const clientId = crypto.randomUUID();
    const first = await upload(conversation.id, token, "contract.txt", clientId, "the signed contract");
    expect(first.status).toBe(201);
    const { message } = (await first.json()) as { message: Message };
    const before = await settledState(ws.workspaceId);

    const swap = await upload(conversation.id, token, "contract.txt", clientId, "a forged contract, longer");
    expect(swap.status).toBeLessThan(300);
    expect(((await swap.json()) as { message: Message }).message).toEqual(message);

    const after = await settledState(ws.workspaceId);
    expect(after.files).toEqual(before.files);
    expect(after.rows.attachments).toEqual(before.rows.attachments);
    const file = await call(await linkOf(conversation.id, token, message.attachment!.id));
    expect(await file.text()).toBe("the signed contract");
  });

  it("a file the room refuses leaves no bytes and no record behind, with a clear 4xx", async () => {
    const ws = await createWorkspace();
    const { conversation, token } = await startConversation(ws);
    const agentFile = await send("POST", `/api/console/conversations/${conversation.id}/attachments`, {
      cookie: await signIn(ws),
      origin: "https://parley.test",
      "content-type": "text/plain",
      "x-parley-filename": "agent.txt",
      "x-parley-client-id": "agent-client-id-1",
    }, "the agent's");
    expect(agentFile.status).toBe(201);
    const before = await settledState(ws.workspaceId);
    // The agent's clientId: the room refuses to let the visitor's upload pass for the agent's message.
    const res = await upload(conversation.id, token, "x.txt", "agent-client-id-1", "mine now");
    expect(res.status).toBeLessThan(500);
    if (res.status >= 400) await expectRefusal(res, [400, 403, 409], "upload with another author's clientId");
    const after = await settledState(ws.workspaceId);
    expect(after.files).toEqual(before.files);
    expect(after.rows.attachments).toEqual(before.rows.attachments);
  });

  it("an upload over the room's rate is a 429 with Retry-After and leaves no file", async () => {
    const ws = await createWorkspace();
    const { conversation, token } = await startConversation(ws);
    let refused: Response | null = null;
    for (let i = 0; i < LIMITS.frames.visitor.send.burst + 2 && !refused; i++) {
      const res = await upload(conversation.id, token, `f${i}.txt`, crypto.randomUUID(), `file ${i}`);
      if (res.status !== 201) refused = res;
    }
    expect(refused).not.toBeNull();
    expect(Number(refused!.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect((await expectRefusal(refused!, [429], "an upload too many")).code).toBe("rate_limited");
    const state = await settledState(ws.workspaceId);
    expect(state.files).toHaveLength(state.rows.attachments!.length);
  });

  it("file names lose control, bidi and invisible characters and path separators; never empty, capped", async () => {
    const ws = await createWorkspace();
    const cases: [string, string][] = [
      ["invoice\u202Efdp.exe", "invoicefdp.exe"],
      ["\u2066report\u2069\u200E\u200F\u061C.pdf", "report.pdf"],
      ["a\u0000b\u0007c\u001b[31m\u0085\u009b.txt", "abc[31m.txt"],
      ["pay\u200Dpal\u200B.png", "paypal.png"],
      ["../../etc/passwd", ".._.._etc_passwd"],
      ["C:\\Windows\\evil.bat", "C:_Windows_evil.bat"],
      ["  two\u2028lines\t\n  here.txt  ", "two lines here.txt"],
      ["\u202E\u200B\u0000", "file"],
      ["..", "file"],
      ["family 👨\u200D👩\u200D👧.jpg", "family 👨\u200D👩\u200D👧.jpg"],
    ];
    // A visitor's uploads are rate-limited like their messages: a new chat every few files.
    let current: StartConversationResponse | null = null;
    let uploads = 0;
    const chat = async () => {
      if (!current || uploads++ % 6 === 5) current = await startConversation(ws);
      return current;
    };
    for (const [raw, clean] of cases) {
      const { conversation, token } = await chat();
      const message = await uploaded(conversation.id, token, raw);
      expect(message.attachment!.name, JSON.stringify(raw)).toBe(clean);
      const row = await env.DB.prepare("SELECT name FROM attachments WHERE workspace_id = ? AND id = ?")
        .bind(ws.workspaceId, message.attachment!.id)
        .first<{ name: string }>();
      expect(row?.name).toBe(clean);
    }
    const { conversation, token } = await chat();
    const long = await uploaded(conversation.id, token, `${"é".repeat(500)}.pdf`);
    expect(Array.from(long.attachment!.name)).toHaveLength(LIMITS.fileNameLength);
    expect(long.attachment!.name.endsWith("é.pdf")).toBe(true);
    const last = await chat();
    const download = await call(await linkOf(last.conversation.id, last.token, (await uploaded(last.conversation.id, last.token, "x\u202Egpj.exe")).attachment!.id));
    expect(download.headers.get("content-disposition")).toBe("attachment; filename*=UTF-8''xgpj.exe");
  }, 30_000);

  it("a file opens only by its own unexpired signed link or an agent's session", async () => {
    const ws = await createWorkspace();
    const { conversation, token } = await startConversation(ws);
    const message = await uploaded(conversation.id, token, "secret.txt", "only for this chat");
    const other = await uploaded(conversation.id, token, "other.txt", "the other file");
    const bare = message.attachment!.url;
    expect(bare).toBe(`/api/attachments/${conversation.id}/${message.attachment!.id}`);
    const stored = await env.DB.prepare("SELECT body FROM messages WHERE conversation_id = ? AND seq = ?").bind(conversation.id, message.seq).first();
    expect(JSON.stringify(stored ?? {})).not.toContain("token");

    const valid = await linkOf(conversation.id, token, message.attachment!.id);
    const ok = await call(valid);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe("only for this chat");

    expect((await expectRefusal(await call(bare), [401], "no credential")).code).toBe("unauthorized");
    expect((await expectRefusal(await call(`${bare}${tokenQuery(token)}`), [401], "the conversation token")).code).toBe("unauthorized");

    const tampered = new URL(valid, "https://x");
    tampered.searchParams.set("sig", toBase64Url(new Uint8Array(32)));
    expect((await expectRefusal(await call(tampered.pathname + tampered.search), [403], "a forged signature")).code).toBe("invalid_link");
    const later = new URL(valid, "https://x");
    later.searchParams.set("exp", String(Date.now() + 365 * DAY));
    expect((await expectRefusal(await call(later.pathname + later.search), [403], "a stretched expiry")).code).toBe("invalid_link");

    const otherLink = new URL(await linkOf(conversation.id, token, other.attachment!.id), "https://x");
    const borrowed = `${bare}${otherLink.search}`;
    expect((await expectRefusal(await call(borrowed), [403], "another file's signature")).code).toBe("invalid_link");

    const old = await signAttachmentLink(env.TOKEN_SECRET, { workspaceId: ws.workspaceId, conversationId: conversation.id, attachmentId: message.attachment!.id }, Date.now() - LIMITS.attachmentLinkMs - 1000);
    expect((await expectRefusal(await call(old.url), [401], "an expired link")).code).toBe("link_expired");

    // Another conversation's token gets no link to this one's files.
    const stranger = await startConversation(ws, "someone else");
    const foreign = await call(`/api/widget/conversations/${conversation.id}/attachments/${message.attachment!.id}/link${tokenQuery(stranger.token)}`);
    expect((await expectRefusal(foreign, [401], "a link with another chat's token")).code).toBe("invalid_token");
    const wrongFile = await call(`/api/widget/conversations/${stranger.conversation.id}/attachments/${message.attachment!.id}/link${tokenQuery(stranger.token)}`);
    await expectRefusal(wrongFile, [404], "a link to a file of another chat");

    // Agents keep their session.
    expect((await call(bare, { headers: { cookie: await signIn(ws) } })).status).toBe(200);
  });
});

describe("a known customer's email typed by an anonymous visitor", () => {
  async function knownCustomer(ws: Workspace) {
    const accountId = newId("ac");
    const contactId = newId("ct");
    await env.DB.batch([
      env.DB.prepare("INSERT INTO accounts (workspace_id, id, name, created_at) VALUES (?, ?, 'Acme Oy (key account)', ?)").bind(ws.workspaceId, accountId, Date.now()),
      env.DB.prepare(
        "INSERT INTO contacts (workspace_id, id, name, email, account_id, email_verified, created_at) VALUES (?, ?, 'Alice Ahonen', 'alice@acme.example', ?, 1, ?)",
      ).bind(ws.workspaceId, contactId, accountId, Date.now()),
    ]);
    return { contactId, accountId };
  }

  const startAs = (ws: Workspace, body: Record<string, unknown>) =>
    send("POST", `/api/widget/channels/${ws.channelKey}/conversations`, { origin: EVIL_ORIGIN }, {
      name: "Mallory",
      email: "ALICE@acme.example",
      message: { clientId: crypto.randomUUID(), body: "Please change my bank account" },
      ...body,
    });

  it("gets none of the stored contact's data, joins it nowhere, and shows as unverified", async () => {
    const ws = await createWorkspace();
    await agentOnline(ws);
    const alice = await knownCustomer(ws);
    const contactBefore = await env.DB.prepare("SELECT * FROM contacts WHERE workspace_id = ? AND id = ?").bind(ws.workspaceId, alice.contactId).first();

    const res = await startAs(ws, {});
    expect(res.status).toBe(201);
    const text = await res.clone().text();
    expect(text).not.toContain("Alice");
    expect(text).not.toContain("Acme");
    const { conversation, token } = (await res.json()) as StartConversationResponse;
    expect(conversation.contact.name).toBe("Mallory");

    const row = await env.DB.prepare(
      "SELECT ct.id, ct.name, ct.account_id, ct.email_verified FROM conversations c JOIN contacts ct ON ct.workspace_id = c.workspace_id AND ct.id = c.contact_id WHERE c.workspace_id = ? AND c.id = ?",
    )
      .bind(ws.workspaceId, conversation.id)
      .first<{ id: string; name: string; account_id: string | null; email_verified: number }>();
    expect(row).toMatchObject({ name: "Mallory", account_id: null, email_verified: 0 });
    expect(row!.id).not.toBe(alice.contactId);
    expect(await env.DB.prepare("SELECT * FROM contacts WHERE workspace_id = ? AND id = ?").bind(ws.workspaceId, alice.contactId).first()).toEqual(contactBefore);

    // On the visitor's socket too, the visitor is who they typed.
    const socket = await TestSocket.visitor(conversation.id, token);
    const ready = await socket.next<"ready">((f) => f.type === "ready");
    expect(ready.author.name).toBe("Mallory");
    expect(JSON.stringify(socket.frames)).not.toContain("Alice");
    socket.close();

    const agent = asAgent(await signIn(ws));
    const { conversation: detail } = await agent.json<{ conversation: ConversationDetail }>(`/api/console/conversations/${conversation.id}`);
    expect(detail.contact).toMatchObject({ name: "Mallory", emailVerified: false, account: null });
    const api = await call(`/api/v1/conversations/${conversation.id}`, { headers: { authorization: `Bearer ${ws.apiKey}` } });
    expect(((await api.json()) as ConversationResource).contact).toMatchObject({ name: "Mallory", emailVerified: false });

    // A ticket left the same way learns nothing either.
    const ticket = await send("POST", `/api/widget/channels/${ws.channelKey}/tickets`, { origin: EVIL_ORIGIN }, {
      name: "Mallory",
      email: "alice@acme.example",
      question: "What is on my account?",
    });
    if (ticket.status === 201) expect(await ticket.text()).not.toContain("Alice");
  });

  it("an anonymous visitor who comes back with the same name and email keeps one contact", async () => {
    const ws = await createWorkspace();
    await agentOnline(ws);
    const contactOf = async (res: Response) => {
      const { conversation } = (await res.json()) as StartConversationResponse;
      return (await env.DB.prepare("SELECT contact_id FROM conversations WHERE workspace_id = ? AND id = ?").bind(ws.workspaceId, conversation.id).first<{ contact_id: string }>())!.contact_id;
    };
    const first = await contactOf(await startAs(ws, { name: "Visitor V", email: "v@example.com" }));
    expect(await contactOf(await startAs(ws, { name: "Visitor V", email: "v@example.com" }))).toBe(first);
    // A different name for the address is a different, equally unverified, contact.
    expect(await contactOf(await startAs(ws, { name: "Someone Else", email: "v@example.com" }))).not.toBe(first);
  });

  it("a verified identity still merges into its own contact and shows as verified", async () => {
    const ws = await createWorkspace({ identitySecret: "victim-identity-secret" });
    await agentOnline(ws);
    const identity = { userId: USER_ID, userHash: await identityHash(USER_ID) };
    const start = (body: string) =>
      send("POST", `/api/widget/channels/${ws.channelKey}/conversations`, { origin: ORIGIN }, {
        name: "Alice Ahonen",
        email: "alice@acme.example",
        identity,
        message: { clientId: crypto.randomUUID(), body },
      });
    const first = (await (await start("First")).json()) as StartConversationResponse;
    await env.DB.prepare("UPDATE contacts SET name = 'Alice A. (CRM)' WHERE workspace_id = ? AND external_id = ?").bind(ws.workspaceId, USER_ID).run();
    const second = (await (await start("Second")).json()) as StartConversationResponse;
    expect(second.conversation.contact.name).toBe("Alice A. (CRM)");
    const contacts = await env.DB.prepare("SELECT DISTINCT contact_id FROM conversations WHERE workspace_id = ? AND id IN (?, ?)")
      .bind(ws.workspaceId, first.conversation.id, second.conversation.id)
      .all();
    expect(contacts.results).toHaveLength(1);
    const agent = asAgent(await signIn(ws));
    const { conversation: detail } = await agent.json<{ conversation: ConversationDetail }>(`/api/console/conversations/${second.conversation.id}`);
    expect(detail.contact.emailVerified).toBe(true);
  });
});

describe("visitor tokens expire, refresh and can be revoked", () => {
  it("an expired token is a 401 token_expired everywhere and changes nothing", async () => {
    const ws = await createWorkspace();
    const { conversation } = await startConversation(ws);
    const expired = await signConversationToken(env.TOKEN_SECRET, claimsOf(ws, conversation.id), Date.now() - LIMITS.visitorToken.lifetimeMs - 1000);
    const before = await settledState(ws.workspaceId);
    const res = await tokenRefresh(conversation.id, expired);
    expect((await expectRefusal(res, [401], "refresh with an expired token")).code).toBe("token_expired");
    // The page can read why, so the widget forgets the conversation.
    expect(res.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    expect(await socketStatus(conversation.id, expired)).toBe(401);
    expect((await upload(conversation.id, expired, "a.txt", crypto.randomUUID(), "x")).status).toBe(401);
    expect(await workspaceState(ws.workspaceId)).toEqual(before);
  });

  it("revoking refuses every earlier token of that conversation (401 token_revoked) and only of that one", async () => {
    const ws = await createWorkspace();
    const victim = await startConversation(ws, "my chat");
    const bystander = await startConversation(ws, "another chat");
    const revoke = (id: string) => send("POST", `/api/v1/conversations/${id}/revoke-visitor-tokens`, { authorization: `Bearer ${ws.apiKey}` });
    // A socket the leaked token already opened is closed by the revocation, not left listening.
    const open = await TestSocket.visitor(victim.conversation.id, victim.token);
    const closed = new Promise<number>((resolve) => open.ws.addEventListener("close", (e) => resolve(e.code)));

    expect((await revoke(victim.conversation.id)).status).toBe(204);
    expect(await closed).toBe(4401);
    const before = await settledState(ws.workspaceId);
    const refused = await tokenRefresh(victim.conversation.id, victim.token);
    expect((await expectRefusal(refused, [401], "a revoked token")).code).toBe("token_revoked");
    expect(await socketStatus(victim.conversation.id, victim.token)).toBe(401);
    expect((await upload(victim.conversation.id, victim.token, "a.txt", crypto.randomUUID(), "x")).status).toBe(401);
    expect(await workspaceState(ws.workspaceId)).toEqual(before);

    expect((await tokenRefresh(bystander.conversation.id, bystander.token)).status).toBe(200);
    const socket = await TestSocket.visitor(bystander.conversation.id, bystander.token);
    socket.close();

    await expectRefusal(await revoke("cv_nosuchconversation"), [404], "revoking an unknown conversation");
    const stranger = await createWorkspace();
    await expectRefusal(
      await send("POST", `/api/v1/conversations/${bystander.conversation.id}/revoke-visitor-tokens`, { authorization: `Bearer ${stranger.apiKey}` }),
      [404],
      "another workspace's key",
    );
    expect((await tokenRefresh(bystander.conversation.id, bystander.token)).status).toBe(200);
  });

  it("a token a week old is swapped for a fresh one that works; a fresh one is kept", async () => {
    const ws = await createWorkspace();
    const { conversation, token } = await startConversation(ws);
    const kept = await tokenRefresh(conversation.id, token);
    expect(kept.status).toBe(200);
    expect(((await kept.json()) as { token: string }).token).toBe(token);

    const weekOld = await signConversationToken(env.TOKEN_SECRET, claimsOf(ws, conversation.id), Date.now() - LIMITS.visitorToken.refreshAfterMs - 1000);
    const swapped = await tokenRefresh(conversation.id, weekOld);
    const fresh = ((await swapped.json()) as { token: string }).token;
    expect(fresh).not.toBe(weekOld);
    const socket = await TestSocket.visitor(conversation.id, fresh);
    socket.close();
    expect(((await (await tokenRefresh(conversation.id, fresh)).json()) as { token: string }).token).toBe(fresh);
  });

  it("a forged or unreadable token is a readable 401, and a page the channel refuses gets nothing", async () => {
    const ws = await createWorkspace({ allowedOrigins: [ORIGIN] });
    const { conversation, token } = await visitorChat(ws, ORIGIN, "my chat");
    const forged = await signConversationToken("another-secret-another-secret-0000", claimsOf(ws, conversation.id));
    const res = await tokenRefresh(conversation.id, forged);
    expect((await expectRefusal(res, [401], "a forged token")).code).toBe("invalid_token");
    expect(res.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    await expectRefusal(await tokenRefresh(conversation.id, token, EVIL_ORIGIN), [403], "a page the channel does not allow");
  });
});
