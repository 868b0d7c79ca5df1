import { env } from "cloudflare:workers";
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { LobbyServerFrame } from "../../protocol/lobby";
import { chooseAgent } from "../../durable-objects/lobby-routing";
import { agentOnline, createWorkspace, startConversation, TestSocket, type Workspace } from "./fixtures";
import { addAgent, errorAfter, item, latestState, lobbyOf, openLobby, setAvailable, type LobbySocket } from "./lobby-helpers";

type Offer = Extract<LobbyServerFrame, { type: "offer" }>;

const AUTO = { routing: { mode: "auto" } };
const LEAST_BUSY = { routing: { mode: "least_busy" } };

/** An agent signed in with "Available for chat" on, optionally with their capacity set in D1 first. */
async function availableAgent(ws: Workspace, name: string, capacity?: number) {
  const added = await addAgent(ws, name);
  if (capacity !== undefined) {
    await env.DB.prepare("UPDATE agents SET capacity = ? WHERE workspace_id = ? AND id = ?").bind(capacity, ws.workspaceId, added.agent.id).run();
  }
  const socket = await openLobby(ws.channelId, added.cookie);
  await setAvailable(socket, true);
  return { ...added, socket };
}

const offersOn = (socket: LobbySocket) => socket.ofType("offer").map((f) => f.offer.entry.conversationId);

function offerOf(socket: LobbySocket, conversationId: string): Promise<Offer> {
  return socket.next<"offer">((f) => f.type === "offer" && f.offer.entry.conversationId === conversationId);
}

function offerEnded(socket: LobbySocket, conversationId: string, reason: string) {
  return socket.next<"offer_ended">((f) => f.type === "offer_ended" && f.conversationId === conversationId && f.reason === reason);
}

/** Who holds an open offer of each chat, as the lobby has it stored. */
function storedOffers(channelId: string) {
  return runInDurableObject(lobbyOf(channelId), (_l, state) =>
    state.storage.sql.exec<{ conversation_id: string; agent_id: string }>("SELECT conversation_id, agent_id FROM offers").toArray(),
  );
}

/** Makes every open offer run out now and lets the alarm do what it does at that moment. */
async function expireOffers(channelId: string): Promise<void> {
  const stub = lobbyOf(channelId);
  await runInDurableObject(stub, async (_l, state) => {
    state.storage.sql.exec("UPDATE offers SET expires_at = ?", Date.now() - 1);
    await state.storage.setAlarm(Date.now());
  });
  await runDurableObjectAlarm(stub);
}

/** The workspace's own agent (from createWorkspace) with their lobby socket, available. */
async function firstAgent(ws: Workspace) {
  const socket = await agentOnline(ws);
  const agent = await env.DB.prepare("SELECT id FROM agents WHERE workspace_id = ? AND email = ?")
    .bind(ws.workspaceId, ws.agentEmail)
    .first<{ id: string }>();
  return { socket, agent: agent! };
}

describe("choosing an agent", () => {
  it("round robin goes on after the last one chosen; least busy takes the fewest, ties in turn", () => {
    const three = [
      { agentId: "a", busy: 0 },
      { agentId: "c", busy: 0 },
      { agentId: "b", busy: 0 },
    ];
    expect(chooseAgent("auto", three, "")).toBe("a");
    expect(chooseAgent("auto", three, "a")).toBe("b");
    expect(chooseAgent("auto", three, "c")).toBe("a");
    expect(chooseAgent("auto", three, "bb")).toBe("c");
    expect(chooseAgent("least_busy", [{ agentId: "a", busy: 2 }, { agentId: "b", busy: 1 }, { agentId: "c", busy: 1 }], "b")).toBe("c");
    expect(chooseAgent("auto", [], "a")).toBeNull();
  });
});

describe("auto routing", () => {
  it("offers waiting chats round robin, one agent per chat, without changing the queue", async () => {
    const ws = await createWorkspace({ config: AUTO });
    const first = await firstAgent(ws);
    const bob = await availableAgent(ws, "Bob");
    const carol = await availableAgent(ws, "Carol");
    const agents = [
      { id: first.agent.id, socket: first.socket },
      { id: bob.agent.id, socket: bob.socket },
      { id: carol.agent.id, socket: carol.socket },
    ].sort((a, b) => (a.id < b.id ? -1 : 1));

    const ids = ["cv_rr1", "cv_rr2", "cv_rr3", "cv_rr4"];
    for (const id of ids) await lobbyOf(ws.channelId).enqueue(item(id));
    // In agent-id order, then round again: nobody is at capacity (3) yet.
    const expected = [agents[0]!, agents[1]!, agents[2]!, agents[0]!];
    for (const [i, id] of ids.entries()) {
      const offer = await offerOf(expected[i]!.socket, id);
      expect(offer.offer.entry.position).toBe(i + 1);
      expect(offer.offer.expiresAt).toBeGreaterThan(Date.now() + 25_000);
    }
    expect((await storedOffers(ws.channelId)).map((o) => o.agent_id)).toEqual(expected.map((a) => a.id));
    for (const a of agents) {
      // Each agent was offered only their own chats, and still sees the whole queue.
      expect(offersOn(a.socket)).toEqual(ids.filter((_id, i) => expected[i] === a));
      const state = await latestState(a.socket);
      expect(state.queue.map((q) => q.conversationId)).toEqual(ids);
      expect(state.routing).toBe("auto");
      expect(state.load.offered).toBe(a === agents[0] ? 2 : 1);
    }
  });

  it("offers nothing to an agent at capacity, counting open offers, and nothing to a paused one", async () => {
    const ws = await createWorkspace({ config: AUTO });
    const first = await firstAgent(ws);
    await env.DB.prepare("UPDATE agents SET capacity = 1 WHERE workspace_id = ? AND id = ?").bind(ws.workspaceId, first.agent.id).run();
    await lobbyOf(ws.channelId).setAgentRouting(first.agent.id, { capacity: 1, paused: false });
    const bob = await availableAgent(ws, "Bob", 2);

    for (const id of ["cv_c1", "cv_c2", "cv_c3", "cv_c4"]) await lobbyOf(ws.channelId).enqueue(item(id));
    const offers = await storedOffers(ws.channelId);
    const byAgent = (id: string) => offers.filter((o) => o.agent_id === id).length;
    expect(byAgent(first.agent.id)).toBe(1);
    expect(byAgent(bob.agent.id)).toBe(2);
    expect(offers).toHaveLength(3);

    // Paused, Bob's offers go back and are offered to nobody else (the first agent is full).
    await lobbyOf(ws.channelId).setAgentRouting(bob.agent.id, { capacity: 2, paused: true });
    await bob.socket.next((f) => f.type === "offer_ended" && f.reason === "withdrawn");
    expect((await storedOffers(ws.channelId)).map((o) => o.agent_id)).toEqual([first.agent.id]);
    expect((await latestState(bob.socket)).load).toEqual({ capacity: 2, paused: true, live: 0, offered: 0 });
    // A larger capacity is offered the rest at once.
    await lobbyOf(ws.channelId).setAgentRouting(first.agent.id, { capacity: 3, paused: false });
    expect((await storedOffers(ws.channelId)).filter((o) => o.agent_id === first.agent.id)).toHaveLength(3);
  });

  it("a live chat counts against capacity until it ends; then the next waiting chat is offered", async () => {
    const ws = await createWorkspace({ config: AUTO });
    const first = await firstAgent(ws);
    await lobbyOf(ws.channelId).setAgentRouting(first.agent.id, { capacity: 1, paused: false });
    const one = await startConversation(ws, "First question");
    await offerOf(first.socket, one.conversation.id);
    first.socket.send({ type: "accept", conversationId: one.conversation.id });
    await first.socket.next((f) => f.type === "accepted" && f.conversationId === one.conversation.id);
    await offerEnded(first.socket, one.conversation.id, "accepted");
    expect((await latestState(first.socket)).load).toMatchObject({ live: 1, offered: 0, capacity: 1 });

    const two = await startConversation(ws, "Second question");
    expect(await storedOffers(ws.channelId)).toEqual([]);
    expect((await latestState(first.socket)).queue.map((q) => q.conversationId)).toEqual([two.conversation.id]);

    // The visitor ends the first chat; the room tells the lobby, and the second is offered.
    const visitor = await TestSocket.visitor(one.conversation.id, one.token);
    visitor.send({ type: "end" });
    await offerOf(first.socket, two.conversation.id);
    expect((await latestState(first.socket)).load).toMatchObject({ live: 0, offered: 1 });
    visitor.close();
  });

  it("a declined offer goes to the next agent; after everyone passed it waits in the queue", async () => {
    const ws = await createWorkspace({ config: AUTO });
    const first = await firstAgent(ws);
    const bob = await availableAgent(ws, "Bob");
    await lobbyOf(ws.channelId).enqueue(item("cv_d1"));
    const [firstTaker, second] = [first, bob].sort((a, b) => (a.agent.id < b.agent.id ? -1 : 1));
    await offerOf(firstTaker!.socket, "cv_d1");

    // Only the agent offered it may decline it.
    const from = second!.socket.frames.length;
    second!.socket.send({ type: "decline", conversationId: "cv_d1" });
    expect(await errorAfter(second!.socket, from)).toMatchObject({ code: "not_offered_now", conversationId: "cv_d1" });

    firstTaker!.socket.send({ type: "decline", conversationId: "cv_d1" });
    await offerEnded(firstTaker!.socket, "cv_d1", "declined");
    await offerOf(second!.socket, "cv_d1");
    second!.socket.send({ type: "decline", conversationId: "cv_d1" });
    await offerEnded(second!.socket, "cv_d1", "declined");

    expect(await storedOffers(ws.channelId)).toEqual([]);
    for (const a of [first, bob]) expect((await latestState(a.socket)).queue.map((q) => q.conversationId)).toEqual(["cv_d1"]);
    // A newcomer has not passed on it, so it is offered to them.
    const carol = await availableAgent(ws, "Carol");
    await offerOf(carol.socket, "cv_d1");
  });

  it("an offer that times out is offered to the next agent, by the alarm", async () => {
    const ws = await createWorkspace({ config: AUTO });
    const first = await firstAgent(ws);
    const bob = await availableAgent(ws, "Bob");
    await lobbyOf(ws.channelId).enqueue(item("cv_t1"));
    const [a, b] = [first, bob].sort((x, y) => (x.agent.id < y.agent.id ? -1 : 1));
    await offerOf(a!.socket, "cv_t1");
    await expireOffers(ws.channelId);
    await offerEnded(a!.socket, "cv_t1", "timeout");
    await offerOf(b!.socket, "cv_t1");
    await expireOffers(ws.channelId);
    await offerEnded(b!.socket, "cv_t1", "timeout");
    expect(await storedOffers(ws.channelId)).toEqual([]);
    expect(offersOn(a!.socket)).toEqual(["cv_t1"]);
  });

  it("a crash during an offer: the stored offer still runs out and is offered again; a dropped console's offer moves at once", async () => {
    const ws = await createWorkspace({ config: AUTO });
    const first = await firstAgent(ws);
    const bob = await availableAgent(ws, "Bob");
    await lobbyOf(ws.channelId).enqueue(item("cv_x1"));
    const [a, b] = [first, bob].sort((x, y) => (x.agent.id < y.agent.id ? -1 : 1));
    await offerOf(a!.socket, "cv_x1");

    // The lobby's instance goes away with everything in memory; the offer is in its storage.
    await evictDurableObject(lobbyOf(ws.channelId));
    expect(await storedOffers(ws.channelId)).toEqual([{ conversation_id: "cv_x1", agent_id: a!.agent.id }]);
    const alarm = await runInDurableObject(lobbyOf(ws.channelId), (_l, state) => state.storage.getAlarm());
    expect(alarm).not.toBeNull();
    await expireOffers(ws.channelId);
    await offerOf(b!.socket, "cv_x1");

    // Bob's console drops mid-offer: it is withdrawn, not passed, and goes back to the other agent.
    await lobbyOf(ws.channelId).enqueue(item("cv_x2"));
    const holder = (await storedOffers(ws.channelId)).find((o) => o.conversation_id === "cv_x2")!.agent_id;
    expect(holder).toBe(a!.agent.id);
    b!.socket.close();
    for (let i = 0; i < 50 && (await storedOffers(ws.channelId)).some((o) => o.agent_id === b!.agent.id); i++) await new Promise((r) => setTimeout(r, 20));
    // Its other agent let it run out before, so with Bob gone cv_x1 waits in the queue for someone new.
    expect(await storedOffers(ws.channelId)).toEqual([{ conversation_id: "cv_x2", agent_id: a!.agent.id }]);
  });

  it("two agents racing: the one offered accepts while another accepts from the queue; exactly one wins", async () => {
    const ws = await createWorkspace({ config: AUTO });
    const first = await firstAgent(ws);
    const bob = await availableAgent(ws, "Bob");
    const { conversation, token } = await startConversation(ws);
    const visitor = await TestSocket.visitor(conversation.id, token);
    const holder = (await storedOffers(ws.channelId))[0]!.agent_id;
    const [offered, other] = holder === bob.agent.id ? [bob.socket, first.socket] : [first.socket, bob.socket];

    const fromOffered = offered.frames.length;
    const fromOther = other.frames.length;
    offered.send({ type: "accept", conversationId: conversation.id });
    other.send({ type: "accept", conversationId: conversation.id });
    const won = await offered.next<"accepted">((f) => f.type === "accepted" && offered.frames.indexOf(f) >= fromOffered);
    const loser = won.agent.id === holder ? { socket: other, from: fromOther } : { socket: offered, from: fromOffered };
    expect(await errorAfter(loser.socket, loser.from)).toMatchObject({ code: "already_accepted" });
    await offerEnded(offered, conversation.id, "accepted");
    const status = await visitor.next<"status">((f) => f.type === "status" && f.status === "active");
    expect(status.agent?.id).toBe(won.agent.id);
    expect(await storedOffers(ws.channelId)).toEqual([]);
    const loads = await Promise.all([first.socket, bob.socket].map(async (s) => (await latestState(s)).load.live));
    expect(loads.sort()).toEqual([0, 1]);
    visitor.close();
  });

  it("a chat linked to a request is offered to its assigned agent first, whoever is in turn", async () => {
    const ws = await createWorkspace({ config: AUTO });
    const first = await firstAgent(ws);
    const bob = await availableAgent(ws, "Bob");
    const [, later] = [first, bob].sort((x, y) => (x.agent.id < y.agent.id ? -1 : 1));
    await lobbyOf(ws.channelId).enqueue(item("cv_s1", { assignedAgentId: later!.agent.id }));
    await offerOf(later!.socket, "cv_s1");
    later!.socket.send({ type: "decline", conversationId: "cv_s1" });
    await offerEnded(later!.socket, "cv_s1", "declined");
    // Nobody else is offered a chat routed to one agent: it waits for them in the queue.
    expect(await storedOffers(ws.channelId)).toEqual([]);
  });

  it("least busy offers the agent with the fewest live chats and offers", async () => {
    const ws = await createWorkspace({ config: LEAST_BUSY });
    const first = await firstAgent(ws);
    const bob = await availableAgent(ws, "Bob");
    const lobby = lobbyOf(ws.channelId);
    // Two chats for the first agent already: live ones, as an accept would leave them.
    await runInDurableObject(lobby, (_l, state) => {
      state.storage.sql.exec("INSERT INTO live (conversation_id, agent_id) VALUES ('cv_l1', ?), ('cv_l2', ?)", first.agent.id, first.agent.id);
    });
    for (const id of ["cv_b1", "cv_b2", "cv_b3"]) await lobby.enqueue(item(id));
    const holders = new Map((await storedOffers(ws.channelId)).map((o) => [o.conversation_id, o.agent_id]));
    // Bob has 0, then 1; at 2 each, the tie goes to the one whose turn it is after Bob: the first agent.
    expect([...holders.entries()].sort()).toEqual([
      ["cv_b1", bob.agent.id],
      ["cv_b2", bob.agent.id],
      ["cv_b3", first.agent.id],
    ]);
    expect((await latestState(first.socket)).load).toMatchObject({ live: 2, offered: 1, capacity: 3 });
  });

  it("turning routing to manual withdraws every offer; the queue stays as it was", async () => {
    const ws = await createWorkspace({ config: AUTO });
    const first = await firstAgent(ws);
    await lobbyOf(ws.channelId).enqueue(item("cv_m1"));
    await offerOf(first.socket, "cv_m1");
    await lobbyOf(ws.channelId).configure({
      workspaceId: ws.workspaceId,
      routing: { mode: "manual", offerSeconds: 30 },
      targets: { waitSeconds: null, firstResponseSeconds: null },
      openingHours: null,
      notificationEmail: null,
    });
    await offerEnded(first.socket, "cv_m1", "withdrawn");
    const state = await latestState(first.socket);
    expect(state.routing).toBe("manual");
    expect(state.offers).toEqual([]);
    expect(state.queue.map((q) => q.conversationId)).toEqual(["cv_m1"]);
  });
});
