import { env } from "cloudflare:workers";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { LIMITS, MAX_ATTACHMENT_BYTES, type Rate } from "../../protocol/limits";
import { clientAddress, clientWideNetwork } from "../../worker/http/rate-limit";
import { expectRefusal, settledState, workspaceState } from "./attack-helpers";
import { quietRooms, remember } from "./console-fixtures";
import { agentOnline, BASE, call, createWorkspace, freshIp, postJson, signIn, type Workspace } from "./fixtures";

/**
 * What an anonymous attacker on the open internet throws at the Worker's edges: addresses rotated
 * to escape the start limit, bodies too large to hold, a flood of the one public GET, and pages
 * hoping for a missing security header.
 */

afterAll(quietRooms);
afterEach(() => vi.restoreAllMocks());

const ip = (address: string) => new Headers({ "cf-connecting-ip": address });
const refillSeconds = (rate: Rate) => Math.ceil(1 / rate.perSecond);

async function expectLimited(res: Response, rate: Rate, what: string): Promise<void> {
  const retryAfter = res.headers.get("retry-after");
  expect((await expectRefusal(res, [429], what)).code).toBe("rate_limited");
  expect(retryAfter, `${what}: Retry-After`).toMatch(/^\d+$/);
  expect(Number(retryAfter)).toBeGreaterThan(0);
  expect(Number(retryAfter)).toBeLessThanOrEqual(refillSeconds(rate));
}

async function conversationCount(workspaceId: string): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM conversations WHERE workspace_id = ?").bind(workspaceId).first<{ n: number }>();
  return row!.n;
}

function start(ws: Workspace, address: string): Promise<Response> {
  return postJson(
    `/api/widget/channels/${ws.channelKey}/conversations`,
    { name: "Mallory", email: "mallory@example.com", message: { clientId: crypto.randomUUID(), body: "Hello?" } },
    { "cf-connecting-ip": address },
  );
}

async function expectStarted(res: Response, what: string): Promise<void> {
  expect(res.status, `${what}: ${await res.clone().text()}`).toBe(201);
  remember(((await res.json()) as { conversation: { id: string } }).conversation.id);
}

describe("addresses are grouped the way networks are handed out", () => {
  it("one IPv6 host is one /64 however it spells or rotates its address; IPv4 is the address", () => {
    const one64 = ["2001:db8:1:2::1", "2001:0DB8:0001:0002:0000:0000:0000:0001", "2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2:abcd::9"];
    for (const a of one64) expect(clientAddress(ip(a)), a).toBe("2001:db8:1:2::/64");
    expect(clientAddress(ip("2001:db8:1:3::1"))).toBe("2001:db8:1:3::/64");
    expect(clientAddress(ip("::1"))).toBe("0:0:0:0::/64");
    expect(clientAddress(ip("203.0.113.7"))).toBe("203.0.113.7");
    expect(clientAddress(ip("203.0.113.8"))).toBe("203.0.113.8");
  });

  it("an IPv4-mapped IPv6 address is the IPv4 host it maps", () => {
    for (const a of ["::ffff:203.0.113.7", "::FFFF:cb00:7107", "0:0:0:0:0:ffff:203.0.113.7"]) {
      expect(clientAddress(ip(a)), a).toBe("203.0.113.7");
      expect(clientWideNetwork(ip(a)), a).toBe("203.0.113.0/24");
    }
  });

  it("the wide network is the IPv4 /24 and the IPv6 /48", () => {
    expect(clientWideNetwork(ip("203.0.113.7"))).toBe("203.0.113.0/24");
    expect(clientWideNetwork(ip("203.0.113.250"))).toBe("203.0.113.0/24");
    expect(clientWideNetwork(ip("2001:db8:1:2::1"))).toBe("2001:db8:1::/48");
    expect(clientWideNetwork(ip("2001:db8:1:ffff::1"))).toBe("2001:db8:1::/48");
  });

  it("a missing or garbage CF-Connecting-IP falls into one shared bucket, never a fresh one", () => {
    const garbage = ["", "   ", "local", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.4/24", "2001:db8::1::2", "2001:db8:1:2:3:4:5:6:7", "2001:db8:1:2:3:4:5", "2001:db8::g", "fe80::1%eth0", ":::", "12345::", "::ffff:300.1.1.1", `${"1:".repeat(500)}1`];
    for (const a of garbage) {
      expect(clientAddress(ip(a)), JSON.stringify(a)).toBe("unknown");
      expect(clientWideNetwork(ip(a)), JSON.stringify(a)).toBe("unknown");
    }
    expect(clientAddress(new Headers())).toBe("unknown");
  });
});

describe("starting conversations: neither rotating addresses nor a shared NAT defeats the limit", () => {
  const perAddress = LIMITS.http.startConversation;
  const perNetwork = LIMITS.http.startConversationWide;

  it("rotating through one IPv6 /64 is one address: refused after the burst, nothing created, a neighbour /64 unaffected", async () => {
    const ws = await createWorkspace();
    await agentOnline(ws);
    for (let i = 0; i < perAddress.burst; i++) await expectStarted(await start(ws, `2001:db8:7:1::${(i + 1).toString(16)}`), `start ${i + 1}`);
    const before = await settledState(ws.workspaceId);
    for (const rotated of ["2001:db8:7:1::ffff", "2001:db8:7:1:dead:beef:0:1", "2001:0db8:0007:0001:0000:0000:0000:0042"]) {
      await expectLimited(await start(ws, rotated), perAddress, `a start from ${rotated}`);
    }
    expect(await workspaceState(ws.workspaceId)).toEqual(before);
    await expectStarted(await start(ws, "2001:db8:7:2::1"), "the next /64");
  });

  it("rotating through one IPv4 /24 hits the network's ceiling: refused, nothing created, another /24 unaffected", async () => {
    const ws = await createWorkspace({ config: { ticketSubmission: true } });
    await agentOnline(ws);
    const net = `10.${200 + Math.floor(Math.random() * 50)}.${Math.floor(Math.random() * 250)}`;
    const addresses = perNetwork.burst / perAddress.burst;
    for (let a = 0; a < addresses; a++) {
      for (let i = 0; i < perAddress.burst; i++) await expectStarted(await start(ws, `${net}.${a + 1}`), `start ${i + 1} from ${net}.${a + 1}`);
    }
    const before = await settledState(ws.workspaceId);
    await expectLimited(await start(ws, `${net}.200`), perNetwork, "a start from a fresh address in the full /24");
    const ticket = await postJson(`/api/widget/channels/${ws.channelKey}/tickets`, { name: "M", email: "m@example.com", question: "Q" }, { "cf-connecting-ip": `${net}.201` });
    await expectLimited(ticket, perNetwork, "a ticket from the full /24");
    await expectLimited(await start(ws, `::ffff:${net}.202`), perNetwork, "the same /24 spelled as IPv4-mapped IPv6");
    expect(await workspaceState(ws.workspaceId)).toEqual(before);
    await expectStarted(await start(ws, freshIp()), "a visitor on another /24");
  }, 60_000);

  it("rotating through the /64s of one IPv6 /48 hits the same ceiling", async () => {
    const ws = await createWorkspace();
    await agentOnline(ws);
    const site = `2001:db8:${(0x1000 + Math.floor(Math.random() * 0xe000)).toString(16)}`;
    const subnets = perNetwork.burst / perAddress.burst;
    for (let s = 0; s < subnets; s++) {
      for (let i = 0; i < perAddress.burst; i++) await expectStarted(await start(ws, `${site}:${s.toString(16)}::${i + 1}`), `start from /64 ${s}`);
    }
    const before = await conversationCount(ws.workspaceId);
    await expectLimited(await start(ws, `${site}:ffff::1`), perNetwork, "a start from a fresh /64 in the full /48");
    expect(await conversationCount(ws.workspaceId)).toBe(before);
    await expectStarted(await start(ws, `2001:db8:${(0x1000 + Math.floor(Math.random() * 0xe000)).toString(16)}:1::1`), "another /48");
  }, 60_000);

  it("behind one office NAT, the address that used up its starts does not lock out colleagues on the office's other addresses", async () => {
    const ws = await createWorkspace();
    await agentOnline(ws);
    const office = `10.${150 + Math.floor(Math.random() * 50)}.${Math.floor(Math.random() * 250)}`;
    for (let i = 0; i < perAddress.burst; i++) await expectStarted(await start(ws, `${office}.10`), `start ${i + 1}`);
    const before = await conversationCount(ws.workspaceId);
    await expectLimited(await start(ws, `${office}.10`), perAddress, "one more from the NAT address");
    expect(await conversationCount(ws.workspaceId)).toBe(before);
    await expectStarted(await start(ws, `${office}.11`), "a colleague on the office's next address");
    await expectStarted(await start(ws, `${office}.12`), "another colleague");
  });
});

/** A body that counts how much of it the Worker pulled: `chunks` pieces of `chunkBytes` each. */
function countedBody(chunks: number, chunkBytes: number, piece = (i: number) => new Uint8Array(chunkBytes).fill(0x20 + (i % 90))) {
  const read = { chunks: 0 };
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (read.chunks >= chunks) return controller.close();
        controller.enqueue(piece(read.chunks++));
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, read };
}

function post(path: string, body: BodyInit, headers: Record<string, string>): Promise<Response> {
  return call(path, { method: "POST", headers: { "cf-connecting-ip": freshIp(), ...headers }, body, duplex: "half" } as RequestInit);
}

async function expectTooLarge(res: Response, what: string): Promise<void> {
  expect((await expectRefusal(res, [413], what)).code).toBe("payload_too_large");
}

describe("bodies over their route's cap are refused, read no further than the cap", () => {
  it("the caps: sign-in small, JSON 64 KB, hooks 64 KB, uploads the largest file plus a little", () => {
    expect(LIMITS.body.signIn).toBeLessThanOrEqual(4096);
    expect(LIMITS.body.json).toBe(64 * 1024);
    expect(LIMITS.body.inboundHook).toBe(64 * 1024);
    expect(LIMITS.body.upload).toBeGreaterThan(MAX_ATTACHMENT_BYTES);
    expect(LIMITS.body.upload).toBeLessThanOrEqual(MAX_ATTACHMENT_BYTES + 64 * 1024);
  });

  it("a declared Content-Length over the cap is refused before the body is read, on every route family", async () => {
    const ws = await createWorkspace();
    await agentOnline(ws);
    const cookie = await signIn(ws);
    const targets: [string, number, Record<string, string>][] = [
      ["/api/console/session", LIMITS.body.signIn, { "content-type": "application/json", origin: BASE }],
      [`/api/widget/channels/${ws.channelKey}/conversations`, LIMITS.body.json, { "content-type": "application/json" }],
      ["/api/console/conversations", LIMITS.body.json, { "content-type": "application/json", origin: BASE, cookie }],
      ["/api/v1/tickets", LIMITS.body.json, { "content-type": "application/json", authorization: `Bearer ${ws.apiKey}`, "idempotency-key": "k1" }],
      ["/hooks/hk_made_up", LIMITS.body.inboundHook, { "content-type": "application/json" }],
      ["/api/console/conversations/c_1/attachments", LIMITS.body.upload, { "content-type": "text/plain", origin: BASE, cookie }],
      ["/api/widget/conversations/c_1/attachments?token=x", LIMITS.body.upload, { "content-type": "text/plain" }],
    ];
    const before = await settledState(ws.workspaceId);
    for (const [path, cap, headers] of targets) {
      const chunkBytes = 64 * 1024;
      const chunks = Math.ceil((cap + 1) / chunkBytes);
      const { stream, read } = countedBody(chunks, chunkBytes);
      await expectTooLarge(await post(path, stream, { ...headers, "content-length": String(chunks * chunkBytes) }), `POST ${path}`);
      // The runtime may have buffered one piece on its way in; the Worker read none of the rest.
      expect(read.chunks, `POST ${path}: pieces pulled`).toBeLessThanOrEqual(1);
    }
    expect(await workspaceState(ws.workspaceId)).toEqual(before);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM idempotency_keys WHERE workspace_id = ?").bind(ws.workspaceId).first("n")).toBe(0);
  });

  it("a sign-in with a huge password is refused unread, and sets no cookie even when the password is right", async () => {
    const ws = await createWorkspace();
    const body = JSON.stringify({ email: ws.agentEmail, password: "correct horse battery", pad: "x".repeat(LIMITS.body.signIn) });
    const res = await postJson("/api/console/session", JSON.parse(body), { origin: BASE });
    expect(res.headers.get("set-cookie")).toBeNull();
    await expectTooLarge(res, "a padded sign-in");
    expect(await env.DB.prepare("SELECT count(*) AS n FROM sessions WHERE workspace_id = ?").bind(ws.workspaceId).first("n")).toBe(0);
  });

  it("a chunked body with no length is cut at the cap, not buffered whole", async () => {
    const ws = await createWorkspace();
    await agentOnline(ws);
    const targets: [string, number, Record<string, string>, number][] = [
      ["/api/console/session", LIMITS.body.signIn, { "content-type": "application/json", origin: BASE }, 1024],
      [`/api/widget/channels/${ws.channelKey}/conversations`, LIMITS.body.json, { "content-type": "application/json" }, 16 * 1024],
      ["/api/v1/tickets", LIMITS.body.json, { "content-type": "application/json", authorization: `Bearer ${ws.apiKey}`, "idempotency-key": "k2" }, 16 * 1024],
      ["/hooks/hk_made_up", LIMITS.body.inboundHook, { "content-type": "application/json" }, 16 * 1024],
      ["/api/widget/conversations/c_1/attachments?token=x", LIMITS.body.upload, { "content-type": "text/plain" }, 1024 * 1024],
    ];
    const before = await settledState(ws.workspaceId);
    for (const [path, cap, headers, chunkBytes] of targets) {
      // Ten times the cap on offer; an honest reader stops one piece past it.
      const offered = Math.ceil((cap * 10) / chunkBytes);
      const { stream, read } = countedBody(offered, chunkBytes);
      await expectTooLarge(await post(path, stream, headers), `chunked POST ${path}`);
      expect(read.chunks, `chunked POST ${path}: pieces pulled`).toBeLessThanOrEqual(Math.ceil(cap / chunkBytes) + 2);
    }
    expect(await workspaceState(ws.workspaceId)).toEqual(before);
  });

  it("an honest chunked body under the cap still starts a chat", async () => {
    const ws = await createWorkspace();
    await agentOnline(ws);
    const json = new TextEncoder().encode(JSON.stringify({ name: "Ann", email: "ann@example.com", message: { clientId: crypto.randomUUID(), body: "Chunked hello" } }));
    const pieces = [json.slice(0, 10), json.slice(10, 40), json.slice(40)];
    const { stream } = countedBody(pieces.length, 0, (i) => pieces[i]!);
    await expectStarted(await post(`/api/widget/channels/${ws.channelKey}/conversations`, stream, { "content-type": "application/json" }), "a chunked start");
  });

  it("a file just over the channel's own limit still gets the clearer file_too_large", async () => {
    const ws = await createWorkspace();
    await agentOnline(ws);
    const started = await postJson(`/api/widget/channels/${ws.channelKey}/conversations`, { name: "Ann", email: "ann@example.com", message: { clientId: crypto.randomUUID(), body: "A file" } });
    const { conversation, token } = (await started.json()) as { conversation: { id: string }; token: string };
    remember(conversation.id);
    const res = await post(`/api/widget/conversations/${conversation.id}/attachments?token=${encodeURIComponent(token)}`, new Uint8Array(MAX_ATTACHMENT_BYTES + 1), {
      "content-type": "text/plain",
      "x-parley-filename": "big.txt",
      "x-parley-client-id": crypto.randomUUID(),
    });
    expect((await expectRefusal(res, [413], "a file one byte over")).code).toBe("file_too_large");
  });
});

describe("the public channel configuration is cached briefly and rate-limited", () => {
  const config = (ws: Workspace, address: string, key = ws.channelKey) => call(`/api/widget/channels/${key}`, { headers: { "cf-connecting-ip": address } });

  it("a flood from one address is refused with 429 after the burst; a visitor elsewhere still loads the widget", async () => {
    const ws = await createWorkspace();
    const attacker = freshIp();
    const rate = LIMITS.http.channelConfig;
    const startedAt = Date.now();
    const flood = await Promise.all(Array.from({ length: rate.burst + 40 }, () => config(ws, attacker)));
    const ok = flood.filter((r) => r.status === 200);
    const refused = flood.filter((r) => r.status !== 200);
    // The bucket refills while the flood is answered, and by no more than that.
    expect(ok.length).toBeGreaterThanOrEqual(rate.burst);
    expect(ok.length).toBeLessThanOrEqual(rate.burst + Math.ceil(((Date.now() - startedAt) / 1000) * rate.perSecond));
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) await expectLimited(r, rate, "a request of the flood");
    for (const r of ok) await r.body?.cancel();
    // Made-up keys draw on the same bucket: the limit comes before the lookup.
    let madeUp = await config(ws, attacker, "made-up-key");
    for (let i = 0; madeUp.status !== 429 && i < 3; i++) madeUp = await config(ws, attacker, "made-up-key");
    await expectLimited(madeUp, rate, "a made-up key from the flooding address");
    const honest = await config(ws, freshIp());
    expect(honest.status).toBe(200);
    const maxAge = /^max-age=(\d+)$/.exec(honest.headers.get("cache-control") ?? "");
    expect(maxAge, "Cache-Control").not.toBeNull();
    expect(Number(maxAge![1])).toBeLessThanOrEqual(LIMITS.channelConfigCacheSeconds);
    expect(honest.headers.get("vary")).toContain("Origin");
  });

  it("the lobby is asked once per channel per few seconds, not once per request", async () => {
    const ws = await createWorkspace();
    const lobbies = vi.spyOn(env.LOBBY, "get");
    const responses = await Promise.all(Array.from({ length: 40 }, () => config(ws, freshIp())));
    for (const r of responses) {
      expect(r.status).toBe(200);
      expect(((await r.json()) as { channel: { availability: unknown } }).channel.availability).toEqual({ available: false, reason: "no_agents" });
    }
    expect(lobbies.mock.calls.length).toBe(1);
    // Starting a chat asks the lobby afresh: an agent who just came online is seen at once.
    await agentOnline(ws);
    const calls = lobbies.mock.calls.length;
    await expectStarted(await start(ws, freshIp()), "a start right after the agent came online");
    expect(lobbies.mock.calls.length).toBeGreaterThan(calls);
    // And the public configuration catches up once its few seconds are over.
    await new Promise((r) => setTimeout(r, LIMITS.channelConfigCacheSeconds * 1000 + 50));
    const fresh = (await (await config(ws, freshIp())).json()) as { channel: { availability: unknown } };
    expect(fresh.channel.availability).toEqual({ available: true, reason: null });
  }, 30_000);
});

describe("security headers on every response that needs them", () => {
  const everywhere = (res: Response, what: string) => {
    expect(res.headers.get("x-content-type-options"), `${what}: nosniff`).toBe("nosniff");
    expect(res.headers.get("referrer-policy"), `${what}: Referrer-Policy`).toBe("same-origin");
    expect(res.headers.get("content-security-policy") ?? "", `${what}: frame-ancestors`).toMatch(/frame-ancestors 'none'|sandbox/);
  };

  it("the console page (under either name) runs only its own scripts and cannot be framed", async () => {
    for (const path of ["/console", "/console.html"]) {
      const res = await call(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get("content-type"), path).toMatch(/^text\/html/);
      everywhere(res, path);
      const csp = res.headers.get("content-security-policy")!;
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain("unsafe");
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      await res.body?.cancel();
    }
  });

  it("JSON, errors, redirects and the API reference carry them too", async () => {
    const ws = await createWorkspace();
    const cases: [string, RequestInit, string][] = [
      [`/api/widget/channels/${ws.channelKey}`, {}, "default-src 'none'"],
      ["/api/widget/channels/no-such-channel", {}, "default-src 'none'"],
      ["/api/nothing-here", {}, "default-src 'none'"],
      ["/api/console/session", { method: "POST", headers: { "content-type": "application/json", origin: BASE }, body: "x".repeat(LIMITS.body.signIn + 1) }, "default-src 'none'"],
      ["/api/v1/openapi.json", {}, "default-src 'none'"],
      ["/", { redirect: "manual" }, "script-src 'self'"],
    ];
    for (const [path, init, policy] of cases) {
      const res = await call(path, init);
      everywhere(res, `${init.method ?? "GET"} ${path} (${res.status})`);
      expect(res.headers.get("content-security-policy"), path).toContain(policy);
      await res.body?.cancel();
    }
    const reference = await call("/api/v1/docs");
    everywhere(reference, "/api/v1/docs");
    const csp = reference.headers.get("content-security-policy")!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain("script-src");
    await reference.body?.cancel();
  });

  it("widget.js and its chunks stay loadable by host pages on any origin", async () => {
    const res = await call("/widget.js", { headers: { origin: "https://customer-portal.example" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/javascript/);
    everywhere(res, "/widget.js");
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("cross-origin-resource-policy")).toBe("cross-origin");
    const chunk = /from\s*"\.\/(widget-[\w-]+\.js)"|import\("\.\/(widget-[\w-]+\.js)"\)/.exec(await res.text());
    expect(chunk, "widget.js imports a chunk").not.toBeNull();
    const chunkRes = await call(`/${chunk![1] ?? chunk![2]}`, { headers: { origin: "https://customer-portal.example" } });
    expect(chunkRes.status).toBe(200);
    expect(chunkRes.headers.get("cross-origin-resource-policy")).toBe("cross-origin");
    expect(chunkRes.headers.get("access-control-allow-origin")).toBe("*");
    await chunkRes.body?.cancel();
  });
});
