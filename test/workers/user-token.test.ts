import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { toBase64Url } from "../../worker/auth/encoding";
import { verifyUserToken } from "../../worker/auth/user-token";
import { LIMITS } from "../../protocol/limits";
import { agentOnline, createWorkspace, postJson } from "./fixtures";
import { inSeconds, mintUserToken } from "./user-token-mint";

const SECRET = "channel-identity-secret-0123456789";
const claims = (extra: Record<string, unknown> = {}) => ({ sub: "cust-42", email: "mia@acme.example", name: "Mia", exp: inSeconds(600), ...extra });

describe("verifyUserToken", () => {
  it("accepts a valid HS256 token and returns its claims", async () => {
    const token = await mintUserToken(SECRET, claims({ attributes: { plan: "pro", seats: 12, trial: false }, account_id: "acme", request_id: "R-7" }));
    const result = await verifyUserToken(SECRET, token);
    expect(result).toEqual({ ok: true, claims: expect.objectContaining({ sub: "cust-42", attributes: { plan: "pro", seats: 12, trial: false }, request_id: "R-7" }) });
  });

  it("refuses an expired token, but forgives a clock a little behind", async () => {
    const now = Date.now();
    expect(await verifyUserToken(SECRET, await mintUserToken(SECRET, claims({ exp: inSeconds(-LIMITS.userToken.clockSkewSeconds - 5, now) })), now)).toEqual({
      ok: false,
      reason: "expired",
    });
    const justPast = await mintUserToken(SECRET, claims({ exp: inSeconds(-10, now) }));
    expect((await verifyUserToken(SECRET, justPast, now)).ok).toBe(true);
  });

  it("refuses a token signed with another key, or with its payload changed", async () => {
    expect(await verifyUserToken(SECRET, await mintUserToken("another-secret-entirely-0123456789", claims()))).toEqual({ ok: false, reason: "bad_signature" });
    const [h, , s] = (await mintUserToken(SECRET, claims())).split(".");
    const tampered = `${h}.${toBase64Url(new TextEncoder().encode(JSON.stringify(claims({ sub: "admin" }))))}.${s}`;
    expect(await verifyUserToken(SECRET, tampered)).toEqual({ ok: false, reason: "bad_signature" });
    expect(await verifyUserToken(null, await mintUserToken(SECRET, claims()))).toEqual({ ok: false, reason: "bad_signature" });
  });

  it("refuses alg none (with or without a signature) and every algorithm but HS256", async () => {
    const enc = (v: unknown) => toBase64Url(new TextEncoder().encode(JSON.stringify(v)));
    const unsigned = `${enc({ alg: "none", typ: "JWT" })}.${enc(claims())}.`;
    expect(await verifyUserToken(SECRET, unsigned)).toEqual({ ok: false, reason: "unsupported_alg" });
    for (const alg of ["none", "None", "HS512", "RS256", "hs256"]) {
      const forged = await mintUserToken(SECRET, claims(), { alg, typ: "JWT" });
      expect(await verifyUserToken(SECRET, forged), alg).toEqual({ ok: false, reason: "unsupported_alg" });
    }
    // A header the verifier does not understand (crit, jku) is not silently ignored.
    expect((await verifyUserToken(SECRET, await mintUserToken(SECRET, claims(), { alg: "HS256", crit: ["x"] }))).ok).toBe(false);
  });

  it("refuses an oversized token before doing any cryptography", async () => {
    const big = await mintUserToken(SECRET, claims({ attributes: { note: "x".repeat(400) }, pad: "y".repeat(LIMITS.userToken.maxBytes) }));
    expect(await verifyUserToken(SECRET, big)).toEqual({ ok: false, reason: "too_large" });
    const manyAttributes = Object.fromEntries(Array.from({ length: LIMITS.customAttributes.perSubject + 1 }, (_, i) => [`k${i}`, i]));
    expect(await verifyUserToken(SECRET, await mintUserToken(SECRET, claims({ attributes: manyAttributes })))).toEqual({ ok: false, reason: "bad_claims" });
  });

  it("refuses a token from a clock far ahead (iat or nbf in the future) and one that lives too long", async () => {
    const now = Date.now();
    const ahead = LIMITS.userToken.clockSkewSeconds + 30;
    expect(await verifyUserToken(SECRET, await mintUserToken(SECRET, claims({ iat: inSeconds(ahead, now) })), now)).toEqual({ ok: false, reason: "not_yet_valid" });
    expect(await verifyUserToken(SECRET, await mintUserToken(SECRET, claims({ nbf: inSeconds(ahead, now) })), now)).toEqual({ ok: false, reason: "not_yet_valid" });
    // A few seconds ahead is an ordinary clock.
    expect((await verifyUserToken(SECRET, await mintUserToken(SECRET, claims({ iat: inSeconds(5, now) })), now)).ok).toBe(true);
    const forever = await mintUserToken(SECRET, claims({ exp: inSeconds(LIMITS.userToken.maxLifetimeSeconds + 3600, now) }));
    expect(await verifyUserToken(SECRET, forever, now)).toEqual({ ok: false, reason: "too_long_lived" });
  });

  it("requires sub and exp, and refuses garbage", async () => {
    expect(await verifyUserToken(SECRET, await mintUserToken(SECRET, { sub: "x" }))).toEqual({ ok: false, reason: "bad_claims" });
    expect(await verifyUserToken(SECRET, await mintUserToken(SECRET, { exp: inSeconds(60) }))).toEqual({ ok: false, reason: "bad_claims" });
    for (const junk of ["", "a.b", "a.b.c.d", "!!.??.**", "e30.e30.", `${"a".repeat(10)}..`]) {
      expect((await verifyUserToken(SECRET, junk)).ok, junk).toBe(false);
    }
  });
});

describe("user-token on the widget's routes", () => {
  const start = (channelKey: string, extra: Record<string, unknown>) =>
    postJson(`/api/widget/channels/${channelKey}/conversations`, {
      name: "typed name",
      email: "typed@example.com",
      message: { clientId: crypto.randomUUID(), body: "Help with my invoice" },
      ...extra,
    });

  it("links the conversation to the signed customer, account and request, and keeps signed and unsigned attributes apart", async () => {
    const ws = await createWorkspace({ identitySecret: SECRET });
    await agentOnline(ws);
    const token = await mintUserToken(
      SECRET,
      claims({ account_id: "acme-1", account_name: "Acme Oy", request_id: "R-1042", attributes: { plan: "pro", seats: 12 } }),
    );
    const res = await start(ws.channelKey, { userToken: token, attributes: { plan: "free", cart: "3 items" } });
    expect(res.status).toBe(201);
    const { conversation } = (await res.json()) as { conversation: { id: string; contact: { name: string; email: string } } };
    expect(conversation.contact).toEqual({ name: "Mia", email: "mia@acme.example" });
    const row = await env.DB.prepare(
      `SELECT c.request_id, ct.external_id, ct.email_verified, a.name AS account FROM conversations c JOIN contacts ct ON ct.workspace_id = c.workspace_id AND ct.id = c.contact_id
       LEFT JOIN accounts a ON a.workspace_id = ct.workspace_id AND a.id = ct.account_id WHERE c.workspace_id = ? AND c.id = ?`,
    )
      .bind(ws.workspaceId, conversation.id)
      .first();
    expect(row).toEqual({ request_id: "R-1042", external_id: "cust-42", email_verified: 1, account: "Acme Oy" });
    const { results } = await env.DB.prepare("SELECT subject_type, key, value, verified FROM custom_attributes WHERE workspace_id = ? ORDER BY subject_type, key")
      .bind(ws.workspaceId)
      .all();
    expect(results).toEqual([
      { subject_type: "contact", key: "plan", value: '"pro"', verified: 1 },
      { subject_type: "contact", key: "seats", value: "12", verified: 1 },
      { subject_type: "conversation", key: "cart", value: '"3 items"', verified: 0 },
      { subject_type: "conversation", key: "plan", value: '"free"', verified: 0 },
    ]);
  });

  it("answers 401 with the reason for a bad token, and creates nothing", async () => {
    const ws = await createWorkspace({ identitySecret: SECRET });
    await agentOnline(ws);
    const cases: [string, string][] = [
      [await mintUserToken(SECRET, claims({ exp: inSeconds(-3600) })), "expired"],
      [await mintUserToken("wrong-key-wrong-key-wrong-key-123", claims()), "not signed"],
      [await mintUserToken(SECRET, claims(), { alg: "none" }), "HS256"],
    ];
    for (const [token, words] of cases) {
      const res = await start(ws.channelKey, { userToken: token });
      expect(res.status).toBe(401);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe("user_token_invalid");
      expect(body.error.message).toContain(words);
    }
    const oversized = await start(ws.channelKey, { userToken: "a".repeat(LIMITS.userToken.maxBytes + 1) });
    expect(oversized.status).toBe(400);
    const count = await env.DB.prepare("SELECT COUNT(*) AS n FROM conversations WHERE workspace_id = ?").bind(ws.workspaceId).first<{ n: number }>();
    expect(count?.n).toBe(0);
  });

  it("lists the signed customer's threads for a valid token, and refuses an expired one", async () => {
    const ws = await createWorkspace({ identitySecret: SECRET });
    await agentOnline(ws);
    expect((await start(ws.channelKey, { userToken: await mintUserToken(SECRET, claims()) })).status).toBe(201);
    const ok = await postJson(`/api/widget/channels/${ws.channelKey}/threads`, { userToken: await mintUserToken(SECRET, claims()) });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { threads: unknown[] }).threads).toHaveLength(1);
    const expired = await postJson(`/api/widget/channels/${ws.channelKey}/threads`, { userToken: await mintUserToken(SECRET, claims({ exp: inSeconds(-3600) })) });
    expect(expired.status).toBe(401);
  });
});
