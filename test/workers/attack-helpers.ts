import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import type { StartConversationResponse } from "../../protocol/api";
import type { Message } from "../../protocol/frames";
import { sha256Hex } from "../../worker/auth/encoding";
import { receiveEmail } from "../../worker/email/inbound/receive";
import { replyAddress } from "../../worker/email/reply-address";
import { roomFor } from "../../worker/rooms";
import { signatureHeader } from "../../worker/webhooks/signature";
import { adminClient, newPlainAgent } from "./console-admin-helpers";
import { incoming, mime } from "./email-mime";
import { agentOnline, BASE, call, createWorkspace, freshIp, signIn, startConversation, type Workspace } from "./fixtures";

export const EVIL_ORIGIN = "https://evil.example";
export const VICTIM_ORIGIN = "https://victim-shop.example";
export const USER_ID = "customer-42";
const IDENTITY_SECRET = "victim-identity-secret";

export type HeaderMap = Record<string, string>;
export type ErrorBody = { error: { code: string; message: string } };

/** One HTTP request to the Worker; a JSON `body` is sent as application/json, a string as is. */
export function send(method: string, path: string, headers: HeaderMap = {}, body?: unknown): Promise<Response> {
  const json = body !== undefined && typeof body !== "string" && !(body instanceof Uint8Array);
  return call(path, {
    method,
    headers: { "cf-connecting-ip": freshIp(), ...(json ? { "content-type": "application/json" } : {}), ...headers },
    ...(body === undefined ? {} : { body: json ? JSON.stringify(body) : (body as BodyInit) }),
  });
}

/**
 * A refusal as clients rely on it: one of the expected statuses and `{error:{code,message}}` with
 * both filled in. Returns the error for further checks.
 */
export async function expectRefusal(res: Response, statuses: number[], what: string): Promise<ErrorBody["error"]> {
  const text = await res.text();
  expect(statuses, `${what}: status ${res.status} ${text.slice(0, 300)}`).toContain(res.status);
  expect(res.headers.get("content-type") ?? "", `${what}: content type`).toMatch(/^application\/json/);
  const body = JSON.parse(text) as ErrorBody;
  expect(typeof body.error?.code, `${what}: error.code`).toBe("string");
  expect(body.error.code.length, `${what}: error.code`).toBeGreaterThan(0);
  expect(typeof body.error.message, `${what}: error.message`).toBe("string");
  expect(body.error.message.trim().length, `${what}: error.message`).toBeGreaterThan(0);
  return body.error;
}

/** Nothing a request sent reached the prototype every object shares. */
export function prototypeIntact(): boolean {
  const probe = {} as Record<string, unknown>;
  return probe.polluted === undefined && probe.isAdmin === undefined && Object.keys(Object.prototype).length === 0;
}

/** The state each workspace was last seen in by `expectHarmless`, so that a run of requests reads it once per request. */
const lastSeen = new Map<string, WorkspaceState>();

/**
 * The properties every request must keep, however bad its input: no 5xx, a clear error when it is
 * refused, and a refused request changes nothing in the workspace. An accepted one may change
 * things; the rooms are let settle before the next request is compared. Meant for a run of
 * requests to one workspace that nothing else changes meanwhile.
 */
export async function expectHarmless(workspaceId: string, request: () => Promise<Response>, what: string): Promise<number> {
  const before = lastSeen.get(workspaceId) ?? (await settledState(workspaceId));
  const res = await request();
  expect(res.status, `${what}: ${await res.clone().text().then((t) => t.slice(0, 300))}`).toBeLessThan(500);
  if (res.status >= 400) {
    await expectRefusal(res, [res.status], what);
    const after = await workspaceState(workspaceId);
    expect(after, `${what}: a refused request changed the workspace`).toEqual(before);
    lastSeen.set(workspaceId, after);
  } else {
    closeSocket(res);
    await res.body?.cancel();
    lastSeen.set(workspaceId, await settledState(workspaceId));
  }
  expect(prototypeIntact(), `${what}: Object.prototype was polluted`).toBe(true);
  return res.status;
}

/** Sockets opened by a probe are closed at once, so they do not pile up in the rooms. */
export function closeSocket(res: Response): void {
  if (!res.webSocket) return;
  res.webSocket.accept();
  res.webSocket.close(1000, "probe done");
}

/**
 * Tables that hold a workspace's data. Left out on purpose: rate_limits and mx_cache (not per
 * workspace), sessions and console_presence (signing in and polling touch them by design), and
 * idempotency_keys (the stored answer to a keyed request, replayed by design even when it was a 4xx).
 */
const WORKSPACE_TABLES = [
  "channels",
  "agents",
  "api_keys",
  "contacts",
  "conversations",
  "messages",
  "faqs",
  "tickets",
  "attachments",
  "email_outbox",
  "accounts",
  "conversation_reads",
  "notifications",
  "teams",
  "team_members",
  "webhook_endpoints",
  "webhook_deliveries",
  "inbound_hooks",
  "inbound_deliveries",
  "labels",
  "conversation_labels",
  "canned_responses",
  "conversation_facts",
] as const;

export type WorkspaceState = {
  rows: Record<string, unknown[]>;
  files: string[];
  /** Each room's snapshot: any message it takes moves `lastSeq`, any change of state shows. */
  rooms: Record<string, unknown>;
};

/** Everything a workspace holds: its D1 rows, its files in R2, and each conversation's room. */
export async function workspaceState(workspaceId: string): Promise<WorkspaceState> {
  const results = await env.DB.batch(
    WORKSPACE_TABLES.map((t) => env.DB.prepare(`SELECT * FROM ${t} WHERE workspace_id = ? ORDER BY rowid`).bind(workspaceId)),
  );
  const rows = Object.fromEntries(WORKSPACE_TABLES.map((t, i) => [t, results[i]!.results]));
  const listed = await env.FILES.list({ prefix: `${workspaceId}/` });
  const ids = (rows.conversations as { id: string }[]).map((c) => c.id);
  const snapshots = await Promise.all(ids.map((id) => roomFor(env, id).snapshot().catch(() => "gone")));
  return { rows, files: listed.objects.map((o) => `${o.key}:${o.size}:${o.etag}`), rooms: Object.fromEntries(ids.map((id, i) => [id, snapshots[i]])) };
}

/**
 * Runs each room's pending copy into D1 now instead of on its alarm a moment later, so that a
 * state read next sees it: a room's work lands in D1 on its own schedule, not the test's.
 */
async function flushRooms(conversationIds: string[]): Promise<void> {
  await Promise.all(
    conversationIds.map(async (id) => {
      const room = roomFor(env, id);
      const pending = await runInDurableObject(room, (_room, state) => {
        try {
          return state.storage.sql.exec("UPDATE schedule SET due_at = ? WHERE name = 'sync'", Date.now() - 1).rowsWritten > 0;
        } catch {
          return false;
        }
      });
      if (!pending) return;
      // The room keeps its timers in memory: a fresh instance reads the one moved here.
      await evictDurableObject(room);
      await runDurableObjectAlarm(room);
    }),
  );
}

/** The workspace once its rooms have copied their work into D1 and nothing moves any more. */
export async function settledState(workspaceId: string): Promise<WorkspaceState> {
  let before = await workspaceState(workspaceId);
  for (let i = 0; i < 50; i++) {
    await flushRooms(Object.keys(before.rooms));
    await new Promise((r) => setTimeout(r, 20));
    const now = await workspaceState(workspaceId);
    if (JSON.stringify(now) === JSON.stringify(before)) return now;
    before = now;
  }
  throw new Error("the workspace never settled");
}

/** A session cookie whose session has expired (its row says so), as after a week away. */
export async function expiredCookie(ws: Workspace): Promise<string> {
  const cookie = await signIn(ws);
  const token = cookie.slice(cookie.indexOf("=") + 1);
  await env.DB.prepare("UPDATE sessions SET expires_at = ? WHERE token_hash = ?")
    .bind(Date.now() - 1000, await sha256Hex(token))
    .run();
  return cookie;
}

/** Starts a visitor's chat from a page on `origin`. */
export async function visitorChat(ws: Workspace, origin: string, body: string): Promise<StartConversationResponse> {
  await agentOnline(ws);
  const res = await send("POST", `/api/widget/channels/${ws.channelKey}/conversations`, { origin }, {
    name: "Vera Victim",
    email: "vera.victim@example.com",
    message: { clientId: crypto.randomUUID(), body },
  });
  if (res.status !== 201) throw new Error(`start failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as StartConversationResponse;
}

export async function identityHash(userId: string, secret = IDENTITY_SECRET): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const sig = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(userId));
  return [...new Uint8Array(sig)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export async function signedHook(secret: string, body: string, at = Math.floor(Date.now() / 1000)): Promise<HeaderMap> {
  return { "content-type": "application/json", "parley-signature": await signatureHeader(secret, body, at) };
}

async function json<T>(res: Promise<Response>, status: number): Promise<T> {
  const r = await res;
  const text = await r.text();
  if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${text}`);
  return JSON.parse(text) as T;
}

/**
 * A workspace with one of everything an attacker could aim at: two visitors' chats (A with a file),
 * an account with a contact, a FAQ, a team, a second (plain) agent, API keys (one revoked), an
 * email, a webhook, an inbound hook and a ticket. Its widget may be embedded only on VICTIM_ORIGIN.
 */
export async function buildVictim() {
  const ws = await createWorkspace({
    allowedOrigins: [VICTIM_ORIGIN],
    identitySecret: IDENTITY_SECRET,
    config: { ticketSubmission: true, faqSuggestions: true },
  });
  const cookie = await signIn(ws);
  const admin = adminClient(ws, cookie);
  const plain = await newPlainAgent(admin);
  const a = await visitorChat(ws, VICTIM_ORIGIN, "A's private question");
  const b = await visitorChat(ws, VICTIM_ORIGIN, "B's private question");
  const upload = await send(
    "POST",
    `/api/widget/conversations/${a.conversation.id}/attachments?token=${encodeURIComponent(a.token)}`,
    { origin: VICTIM_ORIGIN, "content-type": "text/plain", "x-parley-client-id": crypto.randomUUID(), "x-parley-filename": "a.txt" },
    "A's private file",
  );
  const { message } = await json<{ message: Message }>(Promise.resolve(upload), 201);
  const replyTo = await replyAddress(env, { kind: "customer", conversationId: a.conversation.id });
  const emailed = mime.plain({ from: "vera.victim@example.com", to: replyTo, messageId: `<${crypto.randomUUID()}@mail.example>`, text: "A's emailed words" });
  await receiveEmail(incoming(emailed, { from: "vera.victim@example.com", to: replyTo }), env);
  const emailClientId = (await roomFor(env, a.conversation.id).history(0)).at(-1)!.clientId;
  const asAgent = { cookie, origin: BASE };
  const { account } = await json<{ account: { id: string } }>(send("POST", "/api/console/accounts", asAgent, { name: "Victim Ltd" }), 201);
  const { contact } = await json<{ contact: { id: string } }>(
    send("POST", `/api/console/accounts/${account.id}/contacts`, asAgent, { name: "Vic Contact", email: "vic@example.com" }),
    201,
  );
  const { faq } = await admin.json<{ faq: { id: string } }>("POST", "/faqs", { question: "How do refunds work?", answer: "Ask us." }, 201);
  const { team } = await admin.json<{ team: { id: string } }>("POST", "/teams", { name: "Victim team", memberIds: [] }, 201);
  const second = await admin.json<{ apiKey: { id: string }; key: string }>("POST", "/api-keys", { name: "second" }, 201);
  const revoked = await admin.json<{ key: string }>("POST", "/api-keys", { name: "revoked" }, 201);
  const revokedId = (await admin.json<{ apiKeys: { id: string; name: string }[] }>("GET", "/api-keys")).apiKeys.find((k) => k.name === "revoked")!.id;
  await admin.json("POST", `/api-keys/${revokedId}/revoke`, undefined, 200);
  const api = { authorization: `Bearer ${ws.apiKey}` };
  const ticket = await json<{ id: string }>(
    send("POST", "/api/v1/tickets", api, { contact: { name: "Tia Ticket", email: "tia@example.com" }, question: "Victim's ticket" }),
    201,
  );
  const email = await env.DB.prepare("SELECT id FROM email_outbox WHERE workspace_id = ? LIMIT 1").bind(ws.workspaceId).first<{ id: string }>();
  const webhook = await json<{ id: string }>(
    send("POST", "/api/v1/webhooks", api, { url: "https://receiver.invalid/hook", events: ["conversation.deleted"] }),
    201,
  );
  const deliveryId = `dlv_${webhook.id}`;
  await env.DB.prepare(
    `INSERT INTO webhook_deliveries (workspace_id, id, endpoint_id, event_type, ordering_key, payload, status, attempts, created_at, delivered_at)
     VALUES (?, ?, ?, 'conversation.deleted', 'cv_gone', '{}', 'delivered', 1, ?, ?)`,
  )
    .bind(ws.workspaceId, deliveryId, webhook.id, Date.now(), Date.now())
    .run();
  const hook = await json<{ id: string; secret: string }>(send("POST", "/api/v1/inbound-hooks", api, { name: "CRM" }), 201);
  const { label } = await json<{ label: { id: string } }>(send("POST", "/api/console/labels", asAgent, { name: "Victim label", color: "#aa3300" }), 201);
  await json(send("POST", `/api/console/conversations/${a.conversation.id}/labels`, asAgent, { labelId: label.id }), 200);
  const { cannedResponse } = await json<{ cannedResponse: { id: string } }>(
    send("POST", "/api/console/canned-responses", asAgent, { shortcut: "victim", title: "Victim's reply", body: "Victim's saved words", scope: "shared" }),
    201,
  );
  const apiCanned = await json<{ cannedResponse: { id: string } }>(
    send("POST", "/api/v1/canned-responses", api, { shortcut: "victim-api", title: "Victim's API reply", body: "Victim's saved words" }),
    201,
  );
  // A third chat for bulk actions: an outsider's bulk request names it, and the answer may echo the id it was sent.
  const bulkTarget = await visitorChat(ws, VICTIM_ORIGIN, "C's question");
  await json(send("PUT", "/api/v1/accounts/acct-ext-1", api, { name: "External account" }), 200);
  await json(send("PUT", "/api/v1/contacts/cust-ext-1", api, { name: "External contact", email: "ext@example.com" }), 200);
  return {
    ws,
    cookie,
    plain,
    a,
    b,
    attachmentId: message.attachment!.id,
    accountId: account.id,
    contactId: contact.id,
    faqId: faq.id,
    teamId: team.id,
    apiKeyId: second.apiKey.id,
    revokedKey: revoked.key,
    emailId: email!.id,
    ticketId: ticket.id,
    webhookId: webhook.id,
    deliveryId,
    hook,
    labelId: label.id,
    cannedResponseId: cannedResponse.id,
    apiCannedResponseId: apiCanned.cannedResponse.id,
    bulkTargetId: bulkTarget.conversation.id,
    emailClientId,
    userHash: await identityHash(USER_ID),
  };
}
export type Victim = Awaited<ReturnType<typeof buildVictim>>;

/** Someone from another workspace: its admin, its API key, a visitor's token and an inbound hook. */
export async function buildIntruder() {
  const ws = await createWorkspace();
  const cookie = await signIn(ws);
  const chat = await startConversation(ws, "Intruder's own chat");
  const hook = await json<{ id: string; secret: string }>(
    send("POST", "/api/v1/inbound-hooks", { authorization: `Bearer ${ws.apiKey}` }, { name: "Intruder hook" }),
    201,
  );
  return { ws, cookie, token: chat.token, conversationId: chat.conversation.id, hook };
}
export type Intruder = Awaited<ReturnType<typeof buildIntruder>>;
