import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { RoomContext } from "../../durable-objects/room-context";
import { LIMITS } from "../../protocol/limits";
import type { ServerFrame, VisitorContext } from "../../protocol/frames";
import { createWorkspace, signIn, startConversation, TestSocket } from "./fixtures";

const pageFrame = (url: string, title: string) => ({ type: "page" as const, url, title });
type ContextFrame = Extract<ServerFrame, { type: "context" }>;
const page = (url: string, title = "Pricing") => ({ type: "page", url, title, referrer: "https://search.example/?q=parley", language: "fi-FI", timeZone: "Europe/Helsinki", device: "mobile" });

async function setUp(config: Record<string, unknown> = {}) {
  const ws = await createWorkspace({ config });
  const { conversation, token } = await startConversation(ws);
  const visitor = await TestSocket.visitor(conversation.id, token);
  const agent = await TestSocket.agent(conversation.id, await signIn(ws));
  return { ws, conversation, visitor, agent };
}

/** The newest context an agent socket has been sent once `n` context frames have come. */
async function contextAfter(agent: TestSocket, n: number): Promise<VisitorContext> {
  await agent.next(() => agent.ofType("context").length >= n);
  return (agent.ofType("context").at(-1) as ContextFrame).context;
}

describe("the visitor's page trail", () => {
  it("greets an agent with the context and pushes each new page to them live", async () => {
    const { visitor, agent } = await setUp();
    expect(await contextAfter(agent, 1)).toEqual({ page: null, trail: [], referrer: null, language: null, timeZone: null, device: null });
    visitor.send(page("https://shop.example/pricing?plan=pro"));
    const first = await contextAfter(agent, 2);
    expect(first).toMatchObject({
      page: { url: "https://shop.example/pricing?plan=pro", title: "Pricing" },
      referrer: "https://search.example/?q=parley",
      language: "fi-FI",
      timeZone: "Europe/Helsinki",
      device: "mobile",
    });
    // The same page again (a reload, a second tab) only updates its title.
    visitor.send(page("https://shop.example/pricing?plan=pro", "Pricing - Pro"));
    visitor.send(page("https://shop.example/checkout", "Checkout"));
    const later = await contextAfter(agent, 4);
    expect(later.trail.map((p) => [p.url, p.title])).toEqual([
      ["https://shop.example/pricing?plan=pro", "Pricing - Pro"],
      ["https://shop.example/checkout", "Checkout"],
    ]);
    expect(later.page?.url).toBe("https://shop.example/checkout");
  });

  it("keeps at most the newest trailPages pages, each stored once", async () => {
    const { conversation } = await setUp();
    const stub = env.ROOM.get(env.ROOM.idFromName(conversation.id));
    await runInDurableObject(stub, async (_room, state) => {
      const context = new RoomContext(state.storage.sql);
      const total = LIMITS.visitorContext.trailPages + 25;
      for (let i = 0; i < total; i++) context.record(pageFrame(`https://shop.example/p/${i}`, `Page ${i}`), 1000 + i);
      const trail = new RoomContext(state.storage.sql).get().trail;
      expect(trail).toHaveLength(LIMITS.visitorContext.trailPages);
      expect(trail[0]?.url).toBe(`https://shop.example/p/${total - LIMITS.visitorContext.trailPages}`);
      expect(trail.at(-1)?.url).toBe(`https://shop.example/p/${total - 1}`);
      expect(context.record(pageFrame(`https://shop.example/p/${total - 1}`, `Page ${total - 1}`), 9999)).toBe(false);
    });
  });

  it("slows a visitor who floods page frames, with retry_after_ms, and takes nothing meanwhile", async () => {
    const { visitor, agent } = await setUp();
    const burst = LIMITS.frames.visitor.page.burst;
    for (let i = 0; i < burst + 5; i++) visitor.send(page(`https://shop.example/f/${i}`));
    const error = await visitor.next((f) => f.type === "error" && f.code === "rate_limited");
    expect(error.type === "error" && error.retry_after_ms).toBeGreaterThan(0);
    const context = await contextAfter(agent, 1 + burst);
    await new Promise((r) => setTimeout(r, 200));
    expect(agent.ofType("context")).toHaveLength(1 + burst);
    expect(context.trail.at(-1)?.url).toBe(`https://shop.example/f/${burst - 1}`);
  });

  it("refuses what is not a bounded http(s) page, and pages from agents", async () => {
    const { visitor, agent } = await setUp();
    const bad = [
      page("javascript:alert(1)"),
      page("data:text/html,hi"),
      page(`https://shop.example/${"a".repeat(LIMITS.visitorContext.urlLength)}`),
      page("https://shop.example/", "t".repeat(LIMITS.visitorContext.titleLength + 1)),
      { ...page("https://shop.example/"), device: "fridge" },
      { ...page("https://shop.example/"), language: "x".repeat(100) },
    ];
    for (const frame of bad) visitor.send(frame);
    await visitor.next(() => visitor.ofType("error").length >= bad.length);
    expect(visitor.ofType("error").every((e) => e.code === "bad_frame")).toBe(true);
    agent.send(page("https://shop.example/agent"));
    await agent.next((f) => f.type === "error" && f.code === "not_allowed");
    expect(agent.ofType("context")).toHaveLength(1);
  });

  it("strips query strings where the channel says so, and takes nothing where it opts out", async () => {
    const stripped = await setUp({ visitorContext: { enabled: true, stripQuery: true } });
    stripped.visitor.send(page("https://shop.example/account?token=secret#frag"));
    const context = await contextAfter(stripped.agent, 2);
    expect(context.page?.url).toBe("https://shop.example/account");
    expect(context.referrer).toBe("https://search.example/");
    expect(JSON.stringify(context)).not.toContain("secret");

    const off = await setUp({ visitorContext: { enabled: false } });
    off.visitor.send(page("https://shop.example/private"));
    await off.visitor.next((f) => f.type === "error" && f.code === "not_allowed");
    expect(off.agent.ofType("context").map((f) => (f as ContextFrame).context.page)).toEqual([null]);
  });

  it("the widget's channel says whether to report and how", async () => {
    const ws = await createWorkspace({ config: { visitorContext: { stripQuery: true } } });
    const { call } = await import("./fixtures");
    const { channel } = (await (await call(`/api/widget/channels/${ws.channelKey}`)).json()) as { channel: { visitorContext: unknown } };
    expect(channel.visitorContext).toEqual({ enabled: true, stripQuery: true });
  });
});

describe("the console's context panel data", () => {
  it("shows the pre-chat answers, the signed customer's account and request, attributes, and earlier conversations", async () => {
    const { mintUserToken, inSeconds } = await import("./user-token-mint");
    const { agentOnline, call, postJson } = await import("./fixtures");
    const secret = "identity-secret-for-context-panel-01";
    const ws = await createWorkspace({ identitySecret: secret, config: { topics: ["Billing"], preChatFields: [{ key: "company", label: "Company" }] } });
    await agentOnline(ws);
    const start = async (body: string) => {
      const userToken = await mintUserToken(secret, {
        sub: "cust-9",
        name: "Mia",
        email: "mia@acme.example",
        exp: inSeconds(600),
        account_id: "acme",
        account_name: "Acme Oy",
        request_id: "R-77",
        attributes: { plan: "pro" },
      });
      const res = await postJson(`/api/widget/channels/${ws.channelKey}/conversations`, {
        name: "Mia",
        email: "mia@acme.example",
        topic: "Billing",
        fields: { company: "Acme" },
        userToken,
        attributes: { cart: "2 items" },
        message: { clientId: crypto.randomUUID(), body },
      });
      return ((await res.json()) as { conversation: { id: string } }).conversation.id;
    };
    const earlier = await start("First question");
    const id = await start("Second question");
    const cookie = await signIn(ws);
    const res = await call(`/api/console/conversations/${id}/context`, { headers: { cookie } });
    expect(res.status).toBe(200);
    const { context } = (await res.json()) as { context: Record<string, unknown> };
    expect(context).toMatchObject({
      topic: "Billing",
      fields: [{ key: "company", label: "Company", value: "Acme" }],
      contact: { name: "Mia", email: "mia@acme.example", externalId: "cust-9", emailVerified: true },
      account: { name: "Acme Oy" },
      requestId: "R-77",
      previous: [{ id: earlier, subject: "First question" }],
      feedback: null,
      attributes: {
        contact: [{ key: "plan", value: "pro", verified: true }],
        conversation: [{ key: "cart", value: "2 items", verified: false }],
      },
    });
    const other = await createWorkspace();
    const stranger = await call(`/api/console/conversations/${id}/context`, { headers: { cookie: await signIn(other) } });
    expect(stranger.status).toBe(404);
  });
});
