import { env } from "cloudflare:workers";
import { afterAll, describe, expect, it } from "vitest";
import { LIMITS } from "../../worker/http/rate-limit";
import { quietRooms, remember } from "./console-fixtures";
import { agentOnline, BASE, createWorkspace, freshIp, postJson, signIn } from "./fixtures";
import { expectRefusal, send, settledState, workspaceState } from "./attack-helpers";

afterAll(quietRooms);

/** A 429 as clients rely on it: the rate_limited error and a whole number of seconds to wait, within the window. */
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
    for (let i = 0; i < LIMITS.signIn.max; i++) {
      const res = await postJson("/api/console/session", { email: ws.agentEmail, password: `guess ${i}` }, { "cf-connecting-ip": ip, origin: BASE });
      expect(res.status).toBe(401);
    }
    const locked = await postJson("/api/console/session", { email: ws.agentEmail, password: "correct horse battery" }, { "cf-connecting-ip": ip, origin: BASE });
    expect(locked.headers.get("set-cookie")).toBeNull();
    await expectLimited(locked, LIMITS.signIn.windowSeconds, "the eleventh sign-in");
    const other = await postJson("/api/console/session", { email: ws.agentEmail, password: "correct horse battery" }, { "cf-connecting-ip": freshIp(), origin: BASE });
    expect(other.status).toBe(200);
  });

  it("starting conversations and tickets share one limit per address, and a refused start creates nothing", async () => {
    const ws = await createWorkspace({ config: { ticketSubmission: true } });
    await agentOnline(ws);
    const ip = freshIp();
    const start = () =>
      postJson(`/api/widget/channels/${ws.channelKey}/conversations`, { name: "Ann", email: "ann@example.com", message: { clientId: crypto.randomUUID(), body: "Hi" } }, { "cf-connecting-ip": ip });
    for (let i = 0; i < LIMITS.startConversation.max; i++) {
      const res = await start();
      expect(res.status).toBe(201);
      remember(((await res.json()) as { conversation: { id: string } }).conversation.id);
    }
    const before = await settledState(ws.workspaceId);
    await expectLimited(await start(), LIMITS.startConversation.windowSeconds, "the seventh start");
    const ticket = await postJson(`/api/widget/channels/${ws.channelKey}/tickets`, { name: "Ann", email: "ann@example.com", question: "Call me" }, { "cf-connecting-ip": ip });
    await expectLimited(ticket, LIMITS.startConversation.windowSeconds, "a ticket after six starts");
    expect(await workspaceState(ws.workspaceId)).toEqual(before);
    const elsewhere = await postJson(`/api/widget/channels/${ws.channelKey}/conversations`, { name: "Bo", email: "bo@example.com", message: { clientId: crypto.randomUUID(), body: "Hi" } });
    expect(elsewhere.status).toBe(201);
    remember(((await elsewhere.json()) as { conversation: { id: string } }).conversation.id);
  });

  it("the REST API: a workspace that used up its minute is refused on every key, and the refusal creates nothing", async () => {
    const [ws, other] = await Promise.all([createWorkspace(), createWorkspace()]);
    const created = await send("POST", "/api/console/admin/api-keys", { cookie: await signIn(ws), origin: BASE }, { name: "second" });
    const secondKey = ((await created.json()) as { key: string }).key;
    // Fill the window as 600 calls would; just before the minute turns, wait for the next one.
    const now = Math.floor(Date.now() / 1000);
    if (now % LIMITS.api.windowSeconds > LIMITS.api.windowSeconds - 3) await new Promise((r) => setTimeout(r, 3000));
    const at = Math.floor(Date.now() / 1000);
    await env.DB.prepare("INSERT INTO rate_limits (key, window_start, count) VALUES (?, ?, ?)")
      .bind(`${LIMITS.api.name}:${ws.workspaceId}`, at - (at % LIMITS.api.windowSeconds), LIMITS.api.max)
      .run();
    const before = await workspaceState(ws.workspaceId);
    for (const key of [ws.apiKey, secondKey]) {
      await expectLimited(await send("GET", "/api/v1/conversations", { authorization: `Bearer ${key}` }), LIMITS.api.windowSeconds, "a read");
      const write = await send("POST", "/api/v1/tickets", { authorization: `Bearer ${key}` }, { contact: { name: "T", email: "t@example.com" }, question: "Q" });
      await expectLimited(write, LIMITS.api.windowSeconds, "a write");
    }
    expect(await workspaceState(ws.workspaceId)).toEqual(before);
    expect((await send("GET", "/api/v1/conversations", { authorization: `Bearer ${other.apiKey}` })).status).toBe(200);
  });
});
