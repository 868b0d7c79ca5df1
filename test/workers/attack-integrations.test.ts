import { createExecutionContext, runDurableObjectAlarm, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { app } from "../../worker/app";
import { sha256Hex } from "../../worker/auth/encoding";
import type { Env } from "../../worker/env";
import { blockedAddress } from "../../worker/webhooks/address-ranges";
import { dispatcherFor } from "../../worker/webhooks/emit";
import { webhookUrlRefusal } from "../../worker/webhooks/url-policy";
import { expectRefusal, send, signedHook } from "./attack-helpers";
import { BASE, createWorkspace, type Workspace } from "./fixtures";

/**
 * What an integrator's endpoints could be turned into: a webhook aimed back into Parley's own
 * network (SSRF, by literal address in any notation or by a name that resolves there, now or
 * later), an Idempotency-Key that leaks another key's answer or a once-shown secret, and inbound
 * hook deliveries that collide or get lost in a crash.
 */

afterEach(() => vi.restoreAllMocks());

const RECEIVER_HOST = "receiver.integrations.example";
const RECEIVER = `https://${RECEIVER_HOST}/parley`;
const PUBLIC_V4 = "93.184.215.14";

type Answers = Record<string, { A?: string[]; AAAA?: string[]; Status?: number }>;

/**
 * Stands in for the network: the resolver answers from `answers` (other names as setup.ts does),
 * and every other request is recorded and answered by `reply`. Change `answers` to make a name
 * resolve elsewhere later.
 */
function network(answers: Answers, reply: (url: string) => Response = () => new Response("ok")) {
  const sent: string[] = [];
  const resolver = globalThis.fetch;
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    if (!url.startsWith(env.DOH_URL)) {
      sent.push(url);
      return reply(url);
    }
    const q = new URL(url).searchParams;
    const entry = answers[q.get("name")!];
    if (!entry) return resolver(input, init);
    const type = q.get("type") as "A" | "AAAA";
    return Response.json({ Status: entry.Status ?? 0, Answer: (entry[type] ?? []).map((data) => ({ type: type === "A" ? 1 : 28, data })) });
  });
  return { sent };
}

const apiAuth = (ws: Workspace, key = ws.apiKey) => ({ authorization: `Bearer ${key}` });

async function endpoints(ws: Workspace): Promise<string[]> {
  const { results } = await env.DB.prepare("SELECT url FROM webhook_endpoints WHERE workspace_id = ? ORDER BY created_at").bind(ws.workspaceId).all<{ url: string }>();
  return results.map((r) => r.url);
}

async function register(ws: Workspace, url: string, events = ["ticket.created"]): Promise<Response> {
  return send("POST", "/api/v1/webhooks", apiAuth(ws), { url, events });
}

/** The same request to the whole Worker with some bindings changed (an environment, a fault). */
async function withEnv(changes: Partial<Env>, request: Request): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await app.fetch(request, { ...env, ...changes }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

/** Makes the endpoint's queued deliveries due and runs its alarm until none is due any more. */
async function deliverNow(ws: Workspace, endpointId: string) {
  const stub = dispatcherFor(env, ws.workspaceId, endpointId);
  await runInDurableObject(stub, async (_o, state) => {
    state.storage.sql.exec("UPDATE queue SET next_attempt_at = 1");
    await state.storage.setAlarm(Date.now());
  });
  for (let i = 0; i < 100; i++) {
    await runDurableObjectAlarm(stub);
    const due = await runInDurableObject(stub, (_o, state) => state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM queue WHERE next_attempt_at = 1").one().n);
    if (due === 0) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error("the dispatcher never ran");
}

type Delivery = { status: string; attempts: number; lastStatusCode: number | null; lastError: string | null };

async function deliveries(ws: Workspace, endpointId: string): Promise<Delivery[]> {
  const res = await send("GET", `/api/v1/webhooks/${endpointId}/deliveries`, apiAuth(ws));
  return ((await res.json()) as { deliveries: Delivery[] }).deliveries;
}

const ticket = { contact: { name: "T", email: "t@example.com" }, question: "Call me" };

/** Literal hosts that all lead into a private, loopback, link-local or otherwise special network. */
const LITERAL_INTERNAL = [
  "https://[::7f00:1]/hook",
  "https://[fe90::1]/hook",
  "https://[64:ff9b::a9fe:a9fe]/hook",
  "https://[64:ff9b:1::a00:1]/hook",
  "https://[::ffff:127.0.0.1]/hook",
  "https://[::ffff:7f00:1]/hook",
  "https://[0:0:0:0:0:ffff:169.254.169.254]/hook",
  "https://[2002:7f00:1::]/hook",
  "https://[2002:a9fe:a9fe::1]/hook",
  "https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/hook",
  "https://[::127.0.0.1]/hook",
  "https://[100::1]/hook",
  "https://[fec0::1]/hook",
  "https://[ff02::1]/hook",
  "https://[fd00:ec2::254]/hook",
  "https://[2001:db8::1]/hook",
  "https://[3fff::1]/hook",
  "https://[4000::1]/hook",
  "https://2130706433/hook",
  "https://0x7f.1/hook",
  "https://017700000001/hook",
  "https://0x7f000001/hook",
  "https://127.0.0.1./hook",
  "https://127.1/hook",
  "https://0/hook",
  "https://169.254.169.254/latest/meta-data",
  "https://192.0.0.170/hook",
  "https://192.88.99.1/hook",
  "https://198.18.0.1/hook",
  "https://203.0.113.9/hook",
  "https://224.0.0.1/hook",
  "https://255.255.255.255/hook",
  "https://240.0.0.1/hook",
];

describe("webhook URLs: literal addresses in every notation, refused at registration", () => {
  it.each(LITERAL_INTERNAL)("%s is refused with a 400 naming the address, and nothing is registered", async (url) => {
    const ws = await createWorkspace();
    const { sent } = network({});
    const error = await expectRefusal(await register(ws, url), [400], url);
    expect(error.code).toBe("invalid_request");
    expect(error.message, url).toMatch(/^url: must be a public host, not a private or local address: .+ is .+\(.+\/\d+\)$/);
    expect(await endpoints(ws)).toEqual([]);
    expect(sent).toEqual([]);
  });

  it("an honest integrator in the same workspace registers a public host, by name and by address", async () => {
    const ws = await createWorkspace();
    network({});
    for (const url of LITERAL_INTERNAL.slice(0, 5)) await expectRefusal(await register(ws, url), [400], url);
    for (const url of [RECEIVER, "https://8.8.8.8/hook", "https://[2606:4700:4700::1111]/hook", "https://[::ffff:8.8.4.4]/hook"]) {
      expect((await register(ws, url)).status, url).toBe(201);
    }
    expect(await endpoints(ws)).toEqual([RECEIVER, "https://8.8.8.8/hook", "https://[2606:4700:4700::1111]/hook", "https://[::ffff:808:404]/hook"]);
  });
});

describe("webhook URLs: names are resolved (A and AAAA over DNS over HTTPS)", () => {
  it.each<[string, Answers[string], RegExp]>([
    ["resolves to 127.0.0.1", { A: ["127.0.0.1"] }, /resolves to 127\.0\.0\.1, loopback \(127\.0\.0\.0\/8\)$/],
    ["has one private address among public ones", { A: [PUBLIC_V4, "10.1.2.3"] }, /resolves to 10\.1\.2\.3, private/],
    ["has a public A but a link-local AAAA", { A: [PUBLIC_V4], AAAA: ["fe80::1"] }, /resolves to fe80::1, link-local/],
    ["resolves to the cloud metadata address through IPv4-mapped IPv6", { AAAA: ["::ffff:169.254.169.254"] }, /IPv4-mapped link-local/],
    ["answers with something that is not an address", { A: ["not-an-ip"] }, /not an IP address/],
  ])("a name that %s is refused at registration", async (_what, answer, reason) => {
    const ws = await createWorkspace();
    network({ "rebind.attacker.example": answer });
    const error = await expectRefusal(await register(ws, "https://rebind.attacker.example/hook"), [400], "rebind");
    expect(error.message).toMatch(/^url: must be a public host, not a private or local address: rebind\.attacker\.example /);
    expect(error.message).toMatch(reason);
    expect(await endpoints(ws)).toEqual([]);
  });

  it("a name that does not resolve is refused; a resolver that is down gets a 503 with Retry-After", async () => {
    const ws = await createWorkspace();
    network({ "nowhere.example": { Status: 3 }, "empty.example": {}, "flaky.example": { Status: 2 } });
    for (const host of ["nowhere.example", "empty.example"]) {
      const error = await expectRefusal(await register(ws, `https://${host}/hook`), [400], host);
      expect(error.message).toBe(`url: ${host} does not resolve to any address`);
    }
    const down = await register(ws, "https://flaky.example/hook");
    const error = await expectRefusal(down, [503], "resolver down");
    expect(error.code).toBe("dns_unavailable");
    expect(Number(down.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await endpoints(ws)).toEqual([]);
  });

  it("local names are refused without asking anyone, trailing dots or not", async () => {
    const ws = await createWorkspace();
    const { sent } = network({});
    for (const url of ["https://localhost/hook", "https://localhost./hook", "https://api.localhost/x", "https://db.internal./x", "https://nas.local/x", "https://router.home.arpa/x"]) {
      const error = await expectRefusal(await register(ws, url), [400], url);
      expect(error.message, url).toMatch(/is a local name$/);
    }
    expect(sent).toEqual([]);
    expect(await endpoints(ws)).toEqual([]);
  });

  it("PARLEY_ENV=development lets a developer's local receiver through; any other value guards", async () => {
    const ws = await createWorkspace();
    const request = () =>
      new Request(`${BASE}/api/v1/webhooks`, {
        method: "POST",
        headers: { ...apiAuth(ws), "content-type": "application/json" },
        body: JSON.stringify({ url: "http://localhost:9000/hook", events: ["ticket.created"] }),
      });
    for (const guarded of ["production", "staging", "test", ""]) {
      await expectRefusal(await withEnv({ PARLEY_ENV: guarded }, request()), [400], guarded);
    }
    expect((await withEnv({ PARLEY_ENV: "development" }, request())).status).toBe(201);
    expect(await endpoints(ws)).toEqual(["http://localhost:9000/hook"]);
    const dev = { PARLEY_ENV: "development", DOH_URL: "" };
    expect(await webhookUrlRefusal("http://127.0.0.1:8787/hook", dev)).toBeNull();
    expect(await webhookUrlRefusal("https://[::1]/hook", dev)).toBeNull();
    expect(await webhookUrlRefusal("https://user:pw@localhost/", dev)).toMatchObject({ kind: "blocked" });
  });
});

describe("webhook deliveries: the host is checked again before each round", () => {
  it("a name that resolved publicly at registration and to 127.0.0.1 at delivery: nothing is sent, the log says why", async () => {
    const ws = await createWorkspace();
    const answers: Answers = { [RECEIVER_HOST]: { A: [PUBLIC_V4] }, "honest.example": { A: ["8.8.8.8"] } };
    const { sent } = network(answers);
    const evil = (await (await register(ws, RECEIVER)).json()) as { id: string };
    const honest = (await (await register(ws, "https://honest.example/hook")).json()) as { id: string };
    answers[RECEIVER_HOST] = { A: ["127.0.0.1"] };
    expect((await send("POST", "/api/v1/tickets", apiAuth(ws), ticket)).status).toBe(201);
    await deliverNow(ws, evil.id);
    await deliverNow(ws, honest.id);
    expect(sent).toEqual(["https://honest.example/hook"]);
    expect(await deliveries(ws, evil.id)).toMatchObject([
      {
        status: "failed",
        attempts: 1,
        lastStatusCode: null,
        lastError: `not sent: url: must be a public host, not a private or local address: ${RECEIVER_HOST} resolves to 127.0.0.1, loopback (127.0.0.0/8)`,
      },
    ]);
    expect(await deliveries(ws, honest.id)).toMatchObject([{ status: "delivered", attempts: 1, lastStatusCode: 200 }]);
    const queued = await runInDurableObject(dispatcherFor(env, ws.workspaceId, evil.id), (o) => (o as { pendingCount(): number }).pendingCount());
    expect(queued).toBe(0);
  });

  it("a name that stops resolving is not sent to and is retried later, like a receiver that is down", async () => {
    const ws = await createWorkspace();
    const answers: Answers = { [RECEIVER_HOST]: { A: [PUBLIC_V4] } };
    const { sent } = network(answers);
    const { id } = (await (await register(ws, RECEIVER)).json()) as { id: string };
    answers[RECEIVER_HOST] = { Status: 3 };
    await send("POST", "/api/v1/tickets", apiAuth(ws), ticket);
    await deliverNow(ws, id);
    expect(sent).toEqual([]);
    // The endpoint's own alarm may have tried first, so count the tries rather than expect one.
    const [pending] = await deliveries(ws, id);
    expect(pending).toMatchObject({ status: "pending", lastStatusCode: null, lastError: `not sent: url: ${RECEIVER_HOST} does not resolve to any address` });
    answers[RECEIVER_HOST] = { A: [PUBLIC_V4] };
    await deliverNow(ws, id);
    expect(sent).toEqual([RECEIVER]);
    expect(await deliveries(ws, id)).toMatchObject([{ status: "delivered", attempts: pending!.attempts + 1 }]);
  });

  it("a redirect is never followed, even to the metadata address, and counts as a failure", async () => {
    const ws = await createWorkspace();
    const { sent } = network({ [RECEIVER_HOST]: { A: [PUBLIC_V4] } }, (url) =>
      url === RECEIVER ? new Response(null, { status: 302, headers: { location: "http://169.254.169.254/latest/meta-data" } }) : new Response("leaked"),
    );
    const { id } = (await (await register(ws, RECEIVER)).json()) as { id: string };
    await send("POST", "/api/v1/tickets", apiAuth(ws), ticket);
    await deliverNow(ws, id);
    // Each try (the endpoint's own alarm may have made one first) went to the receiver only.
    expect(sent.length).toBeGreaterThan(0);
    expect(new Set(sent)).toEqual(new Set([RECEIVER]));
    expect(await deliveries(ws, id)).toMatchObject([
      { status: "pending", attempts: sent.length, lastStatusCode: 302, lastError: "HTTP 302: redirects are not followed (to http://169.254.169.254/latest/meta-data)" },
    ]);
  });
});

/**
 * The reference: the IANA special-purpose registries as the issue lists them, matched bit by bit
 * on strings of 0s and 1s: a second, independent reading of the same tables.
 */
const REFERENCE_V4 = ["0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4", "255.255.255.255/32"];
const REFERENCE_V6 = ["::/128", "::1/128", "::/96", "64:ff9b::/96", "64:ff9b:1::/48", "100::/64", "100:0:0:1::/64", "2001::/23", "2001:db8::/32", "2002::/16", "3fff::/20", "5f00::/16", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8"];

const v4Bits = (dotted: string) => dotted.split(".").map((p) => Number(p).toString(2).padStart(8, "0")).join("");
function v6Groups(text: string): number[] {
  const [head = "", tail] = text.split("::");
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const groups = tail === undefined ? h : [...h, ...new Array(8 - h.length - t.length).fill("0"), ...t];
  return groups.map((g) => parseInt(g, 16));
}
const v6Bits = (groups: number[]) => groups.map((g) => g.toString(2).padStart(16, "0")).join("");
const cidrBits = (cidr: string, bits: (base: string) => string) => {
  const [base, len] = cidr.split("/");
  return bits(base!).slice(0, Number(len));
};
const V4_PREFIXES = REFERENCE_V4.map((c) => cidrBits(c, v4Bits));
const V6_PREFIXES = REFERENCE_V6.map((c) => cidrBits(c, (b) => v6Bits(v6Groups(b))));
const referenceV4 = (bits: string) => V4_PREFIXES.some((p) => bits.startsWith(p));
function referenceV6(bits: string): boolean {
  if (bits.startsWith(`${"0".repeat(80)}${"1".repeat(16)}`)) return referenceV4(bits.slice(96));
  return V6_PREFIXES.some((p) => bits.startsWith(p)) || !bits.startsWith("001");
}

const u32 = fc.integer({ min: 0, max: 0xffffffff });
/** Mostly addresses at and around the edges of the listed ranges, where a classifier goes wrong. */
const v4Address = fc.oneof(
  u32,
  fc.constantFrom(...REFERENCE_V4).chain((cidr) => {
    const [base, len] = cidr.split("/");
    const start = parseInt(v4Bits(base!), 2);
    const size = 2 ** (32 - Number(len));
    return fc.integer({ min: Math.max(0, start - 2), max: Math.min(0xffffffff, start + size + 1) });
  }),
);
const dotted = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
const group = fc.integer({ min: 0, max: 0xffff });
const firstGroup = fc.oneof(group, fc.constantFrom(0, 0x64, 0x100, 0x2001, 0x2002, 0x2000, 0x3fff, 0x4000, 0x5f00, 0x1fff, 0xfc00, 0xfdff, 0xfe80, 0xfebf, 0xfec0, 0xff00));
const secondGroup = fc.oneof(group, fc.constantFrom(0, 1, 0xff9b, 0xdb8, 0x1ff, 0x200, 0xfff, 0x1000));
const v6Address = fc.oneof(
  fc.tuple(firstGroup, secondGroup, fc.array(fc.oneof(fc.constant(0), group), { minLength: 6, maxLength: 6 })).map(([a, b, rest]) => [a, b, ...rest]),
  fc.tuple(fc.constantFrom(0, 0xffff), v4Address).map(([marker, v4]) => [0, 0, 0, 0, 0, marker, v4 >>> 16, v4 & 0xffff]),
  fc.tuple(fc.constantFrom([0x64, 0xff9b, 0], [0x64, 0xff9b, 1]), v4Address).map(([prefix, v4]) => [...prefix, 0, 0, 0, v4 >>> 16, v4 & 0xffff]),
);

describe("the address classifier against the reference (fast-check)", () => {
  it("agrees on IPv4 addresses, most of them near a range's edge", () => {
    fc.assert(
      fc.property(v4Address, (n) => {
        expect(blockedAddress(dotted(n)) !== null, dotted(n)).toBe(referenceV4(n.toString(2).padStart(32, "0")));
      }),
      { numRuns: 3000 },
    );
  });

  it("agrees on IPv6 addresses written out in full and as URL parsing shortens them", () => {
    fc.assert(
      fc.property(v6Address, (groups) => {
        const full = groups.map((g) => g.toString(16)).join(":");
        const short = new URL(`https://[${full}]/`).hostname;
        const expected = referenceV6(v6Bits(groups));
        expect(blockedAddress(full) !== null, full).toBe(expected);
        expect(blockedAddress(short) !== null, short).toBe(expected);
      }),
      { numRuns: 3000 },
    );
  });
});

/** One IPv4 address in one of the notations URL parsing accepts: 1 to 4 parts, each in decimal, octal or hex. */
function encodings(n: number): fc.Arbitrary<string> {
  const radix = (value: number) =>
    fc.constantFrom(String(value), `0${value.toString(8)}`, `0x${value.toString(16)}`, `0X${value.toString(16).toUpperCase()}`);
  const forms = [
    fc.tuple(radix(n)),
    fc.tuple(radix(n >>> 24), radix(n & 0xffffff)),
    fc.tuple(radix(n >>> 24), radix((n >>> 16) & 255), radix(n & 0xffff)),
    fc.tuple(radix(n >>> 24), radix((n >>> 16) & 255), radix((n >>> 8) & 255), radix(n & 255)),
  ];
  const hex = (v: number) => (v >>> 0).toString(16);
  const v6 = [
    `[::ffff:${dotted(n)}]`,
    `[::ffff:${hex(n >>> 16)}:${hex(n & 0xffff)}]`,
    `[0:0:0:0:0:FFFF:${dotted(n)}]`,
    `[::${dotted(n)}]`,
    `[64:ff9b::${dotted(n)}]`,
    `[2002:${hex(n >>> 16)}:${hex(n & 0xffff)}::1]`,
  ];
  return fc.oneof(
    fc.tuple(fc.oneof(...forms), fc.boolean()).map(([parts, dot]) => `${parts.join(".")}${dot ? "." : ""}`),
    fc.constantFrom(...v6),
  );
}

const guarded = { PARLEY_ENV: "production", DOH_URL: "" };

describe("private IPv4 addresses in random notations (fast-check)", () => {
  const privateV4 = v4Address.filter((n) => referenceV4(n.toString(2).padStart(32, "0")));
  const publicV4 = v4Address.filter((n) => !referenceV4(n.toString(2).padStart(32, "0")));

  it("every encoding of a special address is refused, without a DNS lookup", async () => {
    await fc.assert(
      fc.asyncProperty(privateV4.chain(encodings), async (host) => {
        const refusal = await webhookUrlRefusal(`https://${host}/hook`, guarded);
        expect(refusal, host).toMatchObject({ kind: "blocked", message: expect.stringMatching(/^url: must be a public host/) });
      }),
      { numRuns: 1500 },
    );
  });

  it("plain encodings of a public address are accepted (the classifier does not over-refuse)", async () => {
    const mapped = (h: string) => /^\[(::|0:0:0:0:0:)ffff:/i.test(h);
    const plain = (n: number) => encodings(n).filter((h) => !h.startsWith("[") || mapped(h));
    await fc.assert(
      fc.asyncProperty(publicV4.chain(plain), async (host) => {
        expect(await webhookUrlRefusal(`https://${host}/hook`, guarded), host).toBeNull();
      }),
      { numRuns: 500 },
    );
  });
});

describe("Idempotency-Key", () => {
  async function secondKey(ws: Workspace): Promise<string> {
    const key = `key-second-${crypto.randomUUID()}`;
    await env.DB.prepare("INSERT INTO api_keys (key_hash, workspace_id, id, name, created_at) VALUES (?, ?, ?, 'second', ?)")
      .bind(await sha256Hex(key), ws.workspaceId, `key_${crypto.randomUUID()}`, Date.now())
      .run();
    return key;
  }

  const keyed = (ws: Workspace, key: string, apiKey = ws.apiKey, body: unknown = ticket, path = "/api/v1/tickets") =>
    send("POST", path, { ...apiAuth(ws, apiKey), "idempotency-key": key }, body);

  async function tickets(ws: Workspace): Promise<number> {
    return (await env.DB.prepare("SELECT COUNT(*) AS n FROM tickets WHERE workspace_id = ?").bind(ws.workspaceId).first<{ n: number }>())!.n;
  }

  it("is scoped per API key: another key of the same workspace with the same Idempotency-Key gets its own answer", async () => {
    const ws = await createWorkspace();
    const other = await secondKey(ws);
    const mine = await keyed(ws, "order-1");
    const theirs = await keyed(ws, "order-1", other, { ...ticket, question: "Another question" });
    expect([mine.status, theirs.status]).toEqual([201, 201]);
    expect(theirs.headers.get("idempotent-replayed")).toBeNull();
    const [a, b] = [(await mine.json()) as { id: string }, (await theirs.json()) as { id: string }];
    expect(a.id).not.toBe(b.id);
    expect(await tickets(ws)).toBe(2);
    const replay = await keyed(ws, "order-1");
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(((await replay.json()) as { id: string }).id).toBe(a.id);
    expect(await tickets(ws)).toBe(2);
  });

  it("a claim in progress answers 409 with Retry-After until its lease runs out; then a retry takes it over", async () => {
    const ws = await createWorkspace();
    const body = JSON.stringify(ticket);
    // What a request that died mid-way leaves behind: the key claimed, no answer.
    await env.DB.prepare(
      "INSERT INTO idempotency_keys (workspace_id, api_key_hash, key, request_hash, claim, status, body, created_at) VALUES (?, ?, 'crashed-1', ?, 'dead', 0, NULL, ?)",
    )
      .bind(ws.workspaceId, await sha256Hex(ws.apiKey), await sha256Hex(`POST /api/v1/tickets\n${body}`), Date.now())
      .run();
    const busy = await keyed(ws, "crashed-1");
    const error = await expectRefusal(busy, [409], "in progress");
    expect(error.code).toBe("idempotency_in_progress");
    const wait = Number(busy.headers.get("retry-after"));
    expect(wait).toBeGreaterThan(50);
    expect(wait).toBeLessThanOrEqual(60);
    expect(await tickets(ws)).toBe(0);
    // A different request under the stale key is still refused: it never belonged to it.
    await env.DB.prepare("UPDATE idempotency_keys SET created_at = ? WHERE workspace_id = ?").bind(Date.now() - 61_000, ws.workspaceId).run();
    expect((await expectRefusal(await keyed(ws, "crashed-1", ws.apiKey, { ...ticket, question: "Other" }), [422], "other body")).code).toBe("idempotency_key_reused");
    const takeover = await keyed(ws, "crashed-1");
    expect(takeover.status).toBe(201);
    expect(await tickets(ws)).toBe(1);
    const replay = await keyed(ws, "crashed-1");
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(await replay.json()).toEqual(await takeover.json());
    expect(await tickets(ws)).toBe(1);
  });

  it("expires after 24 hours: before, a different request is refused (422); after, the key is free again", async () => {
    const ws = await createWorkspace();
    expect((await keyed(ws, "daily")).status).toBe(201);
    const other = { ...ticket, question: "Tomorrow's question" };
    const error = await expectRefusal(await keyed(ws, "daily", ws.apiKey, other), [422], "reused");
    expect(error.code).toBe("idempotency_key_reused");
    await env.DB.prepare("UPDATE idempotency_keys SET created_at = created_at - ? WHERE workspace_id = ?").bind(23 * 3600_000, ws.workspaceId).run();
    await expectRefusal(await keyed(ws, "daily", ws.apiKey, other), [422], "after 23 h");
    await env.DB.prepare("UPDATE idempotency_keys SET created_at = created_at - ? WHERE workspace_id = ?").bind(3600_000, ws.workspaceId).run();
    const fresh = await keyed(ws, "daily", ws.apiKey, other);
    expect(fresh.status).toBe(201);
    expect(fresh.headers.get("idempotent-replayed")).toBeNull();
    expect(await tickets(ws)).toBe(2);
  });

  it.each([
    ["/api/v1/webhooks", { url: RECEIVER, events: ["ticket.created"] }, "webhook_endpoints"],
    ["/api/v1/inbound-hooks", { name: "CRM" }, "inbound_hooks"],
  ])("the answer of POST %s holds a once-shown secret: never stored, a replay answers 410 and creates nothing", async (path, body, table) => {
    const ws = await createWorkspace();
    network({});
    const first = await keyed(ws, "secret-1", ws.apiKey, body, path);
    expect(first.status).toBe(201);
    const { secret } = (await first.json()) as { secret: string };
    expect(secret).toMatch(/^whsec_/);
    const { results } = await env.DB.prepare("SELECT * FROM idempotency_keys WHERE workspace_id = ?").bind(ws.workspaceId).all();
    expect(results).toMatchObject([{ key: "secret-1", status: 201, body: null }]);
    expect(JSON.stringify(results)).not.toContain(secret);
    expect(JSON.stringify(results)).not.toContain(ws.apiKey);
    const replay = await keyed(ws, "secret-1", ws.apiKey, body, path);
    const text = await replay.clone().text();
    const error = await expectRefusal(replay, [410], "replay");
    expect(error.code).toBe("idempotency_result_not_kept");
    expect(error.message).toMatch(/HTTP 201.*secret that is shown only once/);
    expect(text).not.toContain(secret);
    const rows = await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE workspace_id = ?`).bind(ws.workspaceId).first<{ n: number }>();
    expect(rows!.n).toBe(1);
    // Answers without a secret are kept and replayed as before.
    const plain = await keyed(ws, "plain-1");
    expect((await keyed(ws, "plain-1")).headers.get("idempotent-replayed")).toBe("true");
    expect(plain.status).toBe(201);
  });
});

describe("inbound hooks", () => {
  async function setUp() {
    const ws = await createWorkspace();
    const hook = (await (await send("POST", "/api/v1/inbound-hooks", apiAuth(ws), { name: "CRM" })).json()) as { id: string; secret: string };
    const created = await send("POST", "/api/v1/conversations", apiAuth(ws), { contact: { name: "A", email: "a@example.com" }, message: "hi" });
    const conversation = (await created.json()) as { id: string };
    return { ws, hook, conversationId: conversation.id };
  }

  async function deliver(hook: { id: string; secret: string }, envelope: unknown, changes?: Partial<Env>): Promise<Response> {
    const body = JSON.stringify(envelope);
    const headers = await signedHook(hook.secret, body);
    if (!changes) return send("POST", `/hooks/${hook.id}`, headers, body);
    return withEnv(changes, new Request(`${BASE}/hooks/${hook.id}`, { method: "POST", headers, body }));
  }

  const message = (id: string, conversationId: string, body: string) => ({ id, type: "message.create", data: { conversationId, author: "customer", body } });

  async function bodies(ws: Workspace, conversationId: string): Promise<string[]> {
    const res = await send("GET", `/api/v1/conversations/${conversationId}/messages`, apiAuth(ws));
    return ((await res.json()) as { messages: { body: string }[] }).messages.map((m) => m.body);
  }

  async function recorded(ws: Workspace): Promise<string[]> {
    const { results } = await env.DB.prepare("SELECT delivery_id FROM inbound_deliveries WHERE workspace_id = ? ORDER BY delivery_id").bind(ws.workspaceId).all<{ delivery_id: string }>();
    return results.map((r) => r.delivery_id);
  }

  it("two delivery ids that share a long prefix are two deliveries, both applied, each once", async () => {
    const { ws, hook, conversationId } = await setUp();
    const prefix = `crm-${"x".repeat(100)}`;
    const [a, b] = [`${prefix}-a`, `${prefix}-b`];
    expect(await (await deliver(hook, message(a, conversationId, "first"))).json()).toEqual({ status: "applied", id: a });
    expect(await (await deliver(hook, message(b, conversationId, "second"))).json()).toEqual({ status: "applied", id: b });
    expect(await (await deliver(hook, message(a, conversationId, "first"))).json()).toEqual({ status: "duplicate", id: a });
    expect(await bodies(ws, conversationId)).toEqual(["hi", "first", "second"]);
    expect(await recorded(ws)).toEqual([a, b]);
  });

  /**
   * A Worker that dies at the room call: before the room applies the message, or right after. Once
   * it is dead nothing else of that request happens, as when the isolate is gone: no D1 write, no
   * clean-up in a catch.
   */
  function crashingAt(point: "before the room applies it" | "after the room applied it"): Partial<Env> {
    let dead = false;
    const die = () => {
      dead = true;
      throw new Error("the Worker died");
    };
    const ROOM = {
      idFromName: (name: string) => env.ROOM.idFromName(name),
      get: (id: DurableObjectId) => ({
        post: async (...args: Parameters<ReturnType<Env["ROOM"]["get"]>["post"]>) => {
          if (point === "after the room applied it") await env.ROOM.get(id).post(...args);
          return die();
        },
      }),
    } as unknown as Env["ROOM"];
    const DB = new Proxy(env.DB, {
      get(target, prop) {
        if (dead) throw new Error("the Worker is dead");
        const value = Reflect.get(target, prop);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    return { ROOM, DB };
  }

  it("a crash between claim and apply loses nothing: the retry applies it exactly once", async () => {
    const { ws, hook, conversationId } = await setUp();
    const envelope = message("crm-evt-crash-1", conversationId, "survives a crash");
    expect((await deliver(hook, envelope, crashingAt("before the room applies it"))).status).toBe(500);
    expect(await bodies(ws, conversationId)).toEqual(["hi"]);
    expect(await recorded(ws)).toEqual([]);
    expect(await (await deliver(hook, envelope)).json()).toEqual({ status: "applied", id: "crm-evt-crash-1" });
    expect(await (await deliver(hook, envelope)).json()).toEqual({ status: "duplicate", id: "crm-evt-crash-1" });
    expect(await bodies(ws, conversationId)).toEqual(["hi", "survives a crash"]);
    expect(await recorded(ws)).toEqual(["crm-evt-crash-1"]);
  });

  it("a crash after the apply but before it is recorded: the retry finds the message and stores it once", async () => {
    const { ws, hook, conversationId } = await setUp();
    const envelope = message("crm-evt-crash-2", conversationId, "applied before the crash");
    expect((await deliver(hook, envelope, crashingAt("after the room applied it"))).status).toBe(500);
    expect(await bodies(ws, conversationId)).toEqual(["hi", "applied before the crash"]);
    expect(await recorded(ws)).toEqual([]);
    expect(await (await deliver(hook, envelope)).json()).toEqual({ status: "duplicate", id: "crm-evt-crash-2" });
    expect(await bodies(ws, conversationId)).toEqual(["hi", "applied before the crash"]);
    expect(await recorded(ws)).toEqual(["crm-evt-crash-2"]);
    // The honest integrator's next delivery to the same conversation goes through as usual.
    expect(await (await deliver(hook, message("crm-evt-next", conversationId, "next"))).json()).toEqual({ status: "applied", id: "crm-evt-next" });
    expect(await bodies(ws, conversationId)).toEqual(["hi", "applied before the crash", "next"]);
  });
});
