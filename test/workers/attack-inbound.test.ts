import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LIMITS, type Rate } from "../../protocol/limits";
import { quietRooms, remember } from "./console-fixtures";
import { agentOnline, BASE, createWorkspace, freshIp, postJson, signIn, type Workspace } from "./fixtures";
import { EVIL_ORIGIN, expectRefusal, send, settledState, VICTIM_ORIGIN, visitorChat, workspaceState, type WorkspaceState } from "./attack-helpers";

/**
 * What browsers and scripts can throw at the HTTP endpoints from outside: forged cross-site
 * requests, pages on origins a channel does not allow, and floods.
 */

/** Origins a cross-site page could send, some dressed up to look like the console's own. */
const FOREIGN_ORIGINS = [EVIL_ORIGIN, "null", "http://parley.test", "https://parley.test.evil.example", "https://parley.test:8443", "https://evil-parley.test"];

afterAll(quietRooms);

describe("console endpoints are safe from cross-site request forgery", () => {
  let ws: Workspace;
  let cookie: string;
  let conversationId: string;
  let accountId: string;
  let before: WorkspaceState;

  beforeAll(async () => {
    ws = await createWorkspace();
    cookie = await signIn(ws);
    const chat = await visitorChat(ws, BASE, "Please help");
    conversationId = chat.conversation.id;
    remember(conversationId);
    const created = await send("POST", "/api/console/accounts", { cookie, origin: BASE }, { name: "Acme" });
    accountId = ((await created.json()) as { account: { id: string } }).account.id;
    before = await settledState(ws.workspaceId);
  });

  /** The changes a forged request would most like to make, with bodies the console itself sends. */
  const changes = (): [string, string, unknown][] => [
    ["PATCH", `/api/console/conversations/${conversationId}`, { archived: true }],
    ["POST", `/api/console/conversations/${conversationId}/transcript`, { to: "thief@example.com" }],
    ["POST", `/api/console/conversations/${conversationId}/end`, undefined],
    ["DELETE", `/api/console/conversations/${conversationId}`, undefined],
    ["PATCH", `/api/console/accounts/${accountId}`, { name: "Pwned" }],
    ["POST", "/api/console/admin/api-keys", { name: "exfiltrate" }],
    ["POST", "/api/console/admin/agents", { name: "Backdoor", email: "backdoor@example.com", role: "admin", password: "long enough password" }],
  ];

  it("the session cookie is __Host-, HttpOnly, SameSite=Strict, Secure over HTTPS and for the whole site", async () => {
    const res = await postJson("/api/console/session", { email: ws.agentEmail, password: "correct horse battery" }, { origin: BASE });
    const attributes = (res.headers.get("set-cookie") ?? "").split(";").map((a) => a.trim().toLowerCase());
    expect(attributes[0]).toMatch(/^__host-parley_session=.{20,}/);
    expect(attributes).toEqual(expect.arrayContaining(["httponly", "samesite=strict", "secure", "path=/"]));
  });

  it.each(FOREIGN_ORIGINS)("a change sent with the agent's cookie from %s is refused and changes nothing", async (origin) => {
    for (const [method, path, body] of changes()) {
      const error = await expectRefusal(await send(method, path, { cookie, origin }, body), [403], `${method} ${path} from ${origin}`);
      expect(error.code).toBe("cross_origin");
    }
    expect(await workspaceState(ws.workspaceId)).toEqual(before);
  });

  it("signing in or out from another site is refused (no login CSRF)", async () => {
    const signInElsewhere = await postJson("/api/console/session", { email: ws.agentEmail, password: "correct horse battery" }, { origin: EVIL_ORIGIN });
    await expectRefusal(signInElsewhere, [403], "sign-in from another site");
    expect(signInElsewhere.headers.get("set-cookie")).toBeNull();
    await expectRefusal(await send("DELETE", "/api/console/session", { cookie, origin: EVIL_ORIGIN }), [403], "sign-out from another site");
    expect((await send("GET", "/api/console/me", { cookie })).status).toBe(200);
  });

  it("bodies a plain HTML form can send (text/plain, urlencoded, multipart) are refused with 415 and change nothing", async () => {
    const formTypes = ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""];
    for (const [method, path, body] of changes().filter(([, , b]) => b !== undefined)) {
      for (const type of formTypes) {
        const res = await send(method, path, { cookie, "content-type": type }, JSON.stringify(body));
        const error = await expectRefusal(res, [415], `${method} ${path} as ${type || "no content type"}`);
        expect(error.code).toBe("unsupported_media_type");
      }
    }
    const signInForm = await send("POST", "/api/console/session", { "content-type": "application/x-www-form-urlencoded" }, `email=${ws.agentEmail}&password=x`);
    await expectRefusal(signInForm, [415], "sign-in as a form");
    expect(await workspaceState(ws.workspaceId)).toEqual(before);
  });

  it("a page on another site cannot open the agent's sockets (cross-site WebSocket hijacking)", async () => {
    const sockets = [`/api/console/conversations/${conversationId}/socket`, `/api/console/channels/${ws.channelId}/lobby`];
    for (const path of sockets) {
      for (const origin of FOREIGN_ORIGINS) {
        const res = await send("GET", path, { cookie, origin, upgrade: "websocket" });
        expect(res.webSocket, `${path} from ${origin}`).toBeNull();
        await expectRefusal(res, [403], `${path} from ${origin}`);
      }
    }
  });

  it("console answers are never readable by another site (no CORS headers, even on a preflight)", async () => {
    for (const [method, path] of [
      ["GET", "/api/console/me"],
      ["GET", `/api/console/conversations/${conversationId}`],
      ["OPTIONS", "/api/console/conversations"],
      ["OPTIONS", "/api/console/session"],
    ] as const) {
      const res = await send(method, path, { cookie, origin: EVIL_ORIGIN, "access-control-request-method": "PATCH" });
      expect(res.headers.get("access-control-allow-origin"), `${method} ${path}`).toBeNull();
      expect(res.headers.get("access-control-allow-credentials"), `${method} ${path}`).toBeNull();
    }
  });
});

describe("the widget's CORS follows the channel's allowed origins", () => {
  let ws: Workspace;
  let cookie: string;
  const conversationsOf = async () => (await workspaceState(ws.workspaceId)).rows.conversations!.length;
  const start = (origin: string | undefined) =>
    send("POST", `/api/widget/channels/${ws.channelKey}/conversations`, origin ? { origin } : {}, {
      name: "Cora",
      email: "cora@example.com",
      message: { clientId: crypto.randomUUID(), body: "Hello" },
    });

  beforeAll(async () => {
    ws = await createWorkspace({ allowedOrigins: [VICTIM_ORIGIN] });
    cookie = await signIn(ws);
    await agentOnline(ws);
  });

  it("an allowed page gets its own origin back, with Vary: Origin and never credentials", async () => {
    for (const res of [await send("GET", `/api/widget/channels/${ws.channelKey}`, { origin: VICTIM_ORIGIN }), await start(VICTIM_ORIGIN)]) {
      expect(res.status).toBeLessThan(300);
      expect(res.headers.get("access-control-allow-origin")).toBe(VICTIM_ORIGIN);
      expect(res.headers.get("vary")).toMatch(/origin/i);
      expect(res.headers.get("access-control-allow-credentials")).toBeNull();
    }
    const started = (await (await start(VICTIM_ORIGIN)).json()) as { conversation: { id: string } };
    remember(started.conversation.id);
  });

  const lookalikes = [
    EVIL_ORIGIN,
    "null",
    "http://victim-shop.example",
    "https://victim-shop.example:8443",
    "https://shop.victim-shop.example",
    "https://victim-shop.example.evil.example",
    "https://victim-shop.exampl",
  ];

  it.each(lookalikes)("a page on %s is refused without CORS headers, and starts nothing", async (origin) => {
    const count = await conversationsOf();
    for (const res of [
      await send("GET", `/api/widget/channels/${ws.channelKey}`, { origin }),
      await send("GET", `/api/widget/channels/${ws.channelKey}/faqs?q=hello`, { origin }),
      await start(origin),
    ]) {
      expect(res.headers.get("access-control-allow-origin"), origin).toBeNull();
      expect((await expectRefusal(res, [403], origin)).code).toBe("origin_not_allowed");
    }
    expect(await conversationsOf()).toBe(count);
  });

  it("a request with no Origin is refused when the channel names its origins", async () => {
    await expectRefusal(await start(undefined), [403], "no origin");
  });

  it("preflights: allowed pages get the methods and headers the widget uses; others are refused", async () => {
    const ok = await send("OPTIONS", `/api/widget/channels/${ws.channelKey}/conversations`, {
      origin: VICTIM_ORIGIN,
      "access-control-request-method": "POST",
      "access-control-request-headers": "content-type",
    });
    expect(ok.status).toBe(204);
    expect(ok.headers.get("access-control-allow-origin")).toBe(VICTIM_ORIGIN);
    expect(ok.headers.get("access-control-allow-methods")).toBe("GET, POST");
    expect(ok.headers.get("access-control-allow-headers")).toBe("Content-Type, X-Parley-Client-Id, X-Parley-Filename");
    expect(Number(ok.headers.get("access-control-max-age"))).toBeGreaterThan(0);
    for (const origin of lookalikes) {
      const denied = await send("OPTIONS", `/api/widget/channels/${ws.channelKey}/conversations`, { origin, "access-control-request-method": "POST" });
      expect(denied.headers.get("access-control-allow-origin"), origin).toBeNull();
      await expectRefusal(denied, [403], origin);
    }
  });

  it("the conversation's own routes check the page too: the token is not enough from another site", async () => {
    const chat = await visitorChat(ws, VICTIM_ORIGIN, "Files?");
    remember(chat.conversation.id);
    const path = `/api/widget/conversations/${chat.conversation.id}/attachments?token=${encodeURIComponent(chat.token)}`;
    const preflight = await send("OPTIONS", path, { origin: VICTIM_ORIGIN, "access-control-request-method": "POST" });
    expect(preflight.headers.get("access-control-allow-origin")).toBe(VICTIM_ORIGIN);
    const foreign = await send("OPTIONS", path, { origin: EVIL_ORIGIN, "access-control-request-method": "POST" });
    expect(foreign.headers.get("access-control-allow-origin")).toBeNull();
    const upload = await send("POST", path, { origin: EVIL_ORIGIN, "content-type": "text/plain", "x-parley-client-id": crypto.randomUUID(), "x-parley-filename": "x.txt" }, "x");
    await expectRefusal(upload, [403], "upload from another site");
  });

  it("a change to the allowed origins takes effect at once", async () => {
    const moved = "https://new-shop.example";
    const update = await send("PUT", `/api/console/admin/channels/${ws.channelId}`, { cookie, origin: BASE }, {
      key: ws.channelKey,
      name: "Support",
      allowedOrigins: [moved],
      config: {},
    });
    expect(update.status).toBe(200);
    await expectRefusal(await send("GET", `/api/widget/channels/${ws.channelKey}`, { origin: VICTIM_ORIGIN }), [403], "the old origin");
    const now = await send("GET", `/api/widget/channels/${ws.channelKey}`, { origin: moved });
    expect(now.headers.get("access-control-allow-origin")).toBe(moved);
  });

  it("a channel open to any page ('*') echoes the page's origin, still without credentials", async () => {
    const open = await createWorkspace({ allowedOrigins: ["*"] });
    const res = await send("GET", `/api/widget/channels/${open.channelKey}`, { origin: "https://anyone.example" });
    expect(res.headers.get("access-control-allow-origin")).toBe("https://anyone.example");
    expect(res.headers.get("access-control-allow-credentials")).toBeNull();
  });
});


/** Seconds until an empty bucket holds one token again: the longest a refusal may ask a client to wait. */
const refillSeconds = (rate: Rate) => Math.ceil(1 / rate.perSecond);

/** A 429 as clients rely on it: the rate_limited error and a whole number of seconds to wait, no longer than a refill. */
async function expectLimited(res: Response, windowSeconds: number, what: string): Promise<void> {
  const retryAfter = res.headers.get("retry-after");
  expect((await expectRefusal(res, [429], what)).code).toBe("rate_limited");
  expect(retryAfter, `${what}: Retry-After`).toMatch(/^\d+$/);
  expect(Number(retryAfter)).toBeGreaterThan(0);
  expect(Number(retryAfter)).toBeLessThanOrEqual(windowSeconds);
}

describe("rate limits answer 429 with Retry-After", () => {
  it("sign-in: guessing one agent's password from one address stops after ten tries; others are not locked out", async () => {
    const ws = await createWorkspace();
    const ip = freshIp();
    for (let i = 0; i < LIMITS.http.signIn.burst; i++) {
      const res = await postJson("/api/console/session", { email: ws.agentEmail, password: `guess ${i}` }, { "cf-connecting-ip": ip, origin: BASE });
      expect(res.status).toBe(401);
    }
    const locked = await postJson("/api/console/session", { email: ws.agentEmail, password: "correct horse battery" }, { "cf-connecting-ip": ip, origin: BASE });
    expect(locked.headers.get("set-cookie")).toBeNull();
    await expectLimited(locked, refillSeconds(LIMITS.http.signIn), "the eleventh sign-in");
    const other = await postJson("/api/console/session", { email: ws.agentEmail, password: "correct horse battery" }, { "cf-connecting-ip": freshIp(), origin: BASE });
    expect(other.status).toBe(200);
  });

  it("starting conversations and tickets share one limit per address, and a refused start creates nothing", async () => {
    const ws = await createWorkspace({ config: { ticketSubmission: true } });
    await agentOnline(ws);
    const ip = freshIp();
    const start = () =>
      postJson(`/api/widget/channels/${ws.channelKey}/conversations`, { name: "Ann", email: "ann@example.com", message: { clientId: crypto.randomUUID(), body: "Hi" } }, { "cf-connecting-ip": ip });
    for (let i = 0; i < LIMITS.http.startConversation.burst; i++) {
      const res = await start();
      expect(res.status).toBe(201);
      remember(((await res.json()) as { conversation: { id: string } }).conversation.id);
    }
    const before = await settledState(ws.workspaceId);
    await expectLimited(await start(), refillSeconds(LIMITS.http.startConversation), "the seventh start");
    const ticket = await postJson(`/api/widget/channels/${ws.channelKey}/tickets`, { name: "Ann", email: "ann@example.com", question: "Call me" }, { "cf-connecting-ip": ip });
    await expectLimited(ticket, refillSeconds(LIMITS.http.startConversation), "a ticket after six starts");
    expect(await workspaceState(ws.workspaceId)).toEqual(before);
    const elsewhere = await postJson(`/api/widget/channels/${ws.channelKey}/conversations`, { name: "Bo", email: "bo@example.com", message: { clientId: crypto.randomUUID(), body: "Hi" } });
    expect(elsewhere.status).toBe(201);
    remember(((await elsewhere.json()) as { conversation: { id: string } }).conversation.id);
  });

  it("the REST API: a workspace that used up its burst is refused on every key, and the refusal creates nothing", async () => {
    const [ws, other] = await Promise.all([createWorkspace(), createWorkspace()]);
    const created = await send("POST", "/api/console/admin/api-keys", { cookie: await signIn(ws), origin: BASE }, { name: "second" });
    const secondKey = ((await created.json()) as { key: string }).key;
    // Empty the bucket as 600 calls in a burst would, dated a minute ahead so it does not refill mid-test.
    await env.DB.prepare("INSERT INTO token_buckets (key, tokens, at, taken) VALUES (?, 0, ?, 0)").bind(`api:${ws.workspaceId}`, Date.now() + 60_000).run();
    const before = await workspaceState(ws.workspaceId);
    for (const key of [ws.apiKey, secondKey]) {
      await expectLimited(await send("GET", "/api/v1/conversations", { authorization: `Bearer ${key}` }), refillSeconds(LIMITS.http.api), "a read");
      const write = await send("POST", "/api/v1/tickets", { authorization: `Bearer ${key}` }, { contact: { name: "T", email: "t@example.com" }, question: "Q" });
      await expectLimited(write, refillSeconds(LIMITS.http.api), "a write");
    }
    expect(await workspaceState(ws.workspaceId)).toEqual(before);
    expect((await send("GET", "/api/v1/conversations", { authorization: `Bearer ${other.apiKey}` })).status).toBe(200);
  });
});
