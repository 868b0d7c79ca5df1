import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { StartConversationResponse } from "../../protocol/api";
import type { PublicChannel } from "../../protocol/channel";
import type { LobbyServerFrame } from "../../protocol/lobby";
import { applyLobbyDelta } from "../../protocol/lobby-state";
import { LIMITS } from "../../protocol/limits";
import { newId } from "../../worker/db/ids";
import { expectRefusal } from "./attack-helpers";
import { agentOnline, call, createWorkspace, signIn, type Workspace } from "./fixtures";
import { addAgent, item, latestState, lobbyOf, openLobby, setAvailable, stateAfter, viewOf, type LobbySocket } from "./lobby-helpers";

const CAP = LIMITS.queuePerChannel;

let visitors = 0;
/** Each visitor from an address of their own /24, so the per-address start limits stay out of the way: this is about the queue. */
function visitorAddress(): string {
  visitors++;
  return `198.${18 + (visitors >> 8)}.${visitors & 255}.7`;
}

function startChat(channelKey: string, question: string): Promise<Response> {
  return call(`/api/widget/channels/${channelKey}/conversations`, {
    method: "POST",
    headers: { "content-type": "application/json", "cf-connecting-ip": visitorAddress() },
    body: JSON.stringify({ name: "Flo Flooder", email: "flo@example.com", message: { clientId: crypto.randomUUID(), body: question } }),
  });
}

/** Starts `count` chats, `inFlight` at a time; returns the answers in order. */
async function startMany(channelKey: string, count: number, inFlight = 40): Promise<Response[]> {
  const answers: Response[] = [];
  for (let i = 0; i < count; i += inFlight) {
    const batch = Array.from({ length: Math.min(inFlight, count - i) }, (_, j) => startChat(channelKey, `Question ${i + j}`));
    answers.push(...(await Promise.all(batch)));
  }
  return answers;
}

/** A second channel of the same workspace, with the workspace's agent available in it too. */
async function secondChannel(ws: Workspace): Promise<{ id: string; key: string; agent: LobbySocket }> {
  const id = newId("ch");
  const key = `ch2-${id.slice(3, 13)}`;
  await env.DB.prepare(
    "INSERT INTO channels (workspace_id, id, key, name, allowed_origins, config, identity_secret, created_at) VALUES (?, ?, ?, 'Sales', '[\"*\"]', '{}', NULL, ?)",
  )
    .bind(ws.workspaceId, id, key, Date.now())
    .run();
  const agent = await openLobby(id, await signIn(ws));
  await setAvailable(agent, true);
  return { id, key, agent };
}

/** What a started chat writes to D1 at once (its messages follow with the room's copy, a moment later). */
async function rowsOf(ws: Workspace, channelId: string) {
  const count = async (sql: string, ...binds: string[]) => (await env.DB.prepare(sql).bind(...binds).first<{ n: number }>())!.n;
  return {
    conversations: await count("SELECT COUNT(*) AS n FROM conversations WHERE workspace_id = ? AND channel_id = ?", ws.workspaceId, channelId),
    contacts: await count("SELECT COUNT(*) AS n FROM contacts WHERE workspace_id = ?", ws.workspaceId),
  };
}

async function queueLength(channelId: string): Promise<number> {
  return runInDurableObject(lobbyOf(channelId), (_lobby, state) => state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM queue").one().n);
}

async function availabilityOf(channelKey: string): Promise<PublicChannel["availability"]> {
  const res = await call(`/api/widget/channels/${channelKey}`, { headers: { "cf-connecting-ip": visitorAddress() } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { channel: PublicChannel }).channel.availability;
}

const bytes = (frame: LobbyServerFrame) => new TextEncoder().encode(JSON.stringify(frame)).byteLength;

describe("a channel's queue has a cap", () => {
  it(`fills to ${CAP} chats; past it a start is refused with 409 queue_full, creates nothing, and the widget offers tickets`, async () => {
    const ws = await createWorkspace({ config: { ticketSubmission: true } });
    const agent = await agentOnline(ws);
    const other = await secondChannel(ws);
    const from = agent.frames.length;

    // Up to a few places short of the cap, then the rest and more at once: concurrent starts cannot pass the cap together.
    const first = await startMany(ws.channelKey, CAP - 5);
    expect(first.map((r) => r.status)).toEqual(first.map(() => 201));
    const rush = await Promise.all(Array.from({ length: 20 }, (_, i) => startChat(ws.channelKey, `Rush ${i}`)));
    expect(rush.filter((r) => r.status === 201)).toHaveLength(5);
    for (const refused of rush.filter((r) => r.status !== 201)) {
      expect(await expectRefusal(refused, [409], "a start past the cap")).toMatchObject({ code: "queue_full" });
    }
    for (const ok of rush.filter((r) => r.status === 201)) await ok.body?.cancel();
    expect(await queueLength(ws.channelId)).toBe(CAP);

    // Nothing of a refused chat exists: no conversation, no contact, no place in the queue.
    const before = await rowsOf(ws, ws.channelId);
    expect(before.conversations).toBe(CAP);
    const refused = await startChat(ws.channelKey, "One more, please");
    expect(await expectRefusal(refused, [409], "a start into a full queue")).toMatchObject({ code: "queue_full" });
    expect(await rowsOf(ws, ws.channelId)).toEqual(before);
    expect(await queueLength(ws.channelId)).toBe(CAP);

    // An integrator's customer chat waits in the same queue, so it is refused the same way.
    const viaApi = await call("/api/v1/conversations", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${ws.apiKey}` },
      body: JSON.stringify({ contact: { name: "Api Ann", email: "ann@example.com" }, message: "Through the API" }),
    });
    expect(await expectRefusal(viaApi, [409], "an API start into a full queue")).toMatchObject({ code: "queue_full" });
    expect(await rowsOf(ws, ws.channelId)).toEqual(before);

    // The widget learns it before the visitor types a question, and leaves a ticket instead.
    expect(await availabilityOf(ws.channelKey)).toEqual({ available: false, reason: "queue_full" });
    const ticket = await call(`/api/widget/channels/${ws.channelKey}/tickets`, {
      method: "POST",
      headers: { "content-type": "application/json", "cf-connecting-ip": visitorAddress() },
      body: JSON.stringify({ name: "Tia Ticket", email: "tia@example.com", question: "Call me back?" }),
    });
    expect(ticket.status).toBe(201);

    // Another channel of the same workspace is not affected.
    expect(await availabilityOf(other.key)).toEqual({ available: true, reason: null });
    const elsewhere = await startChat(other.key, "Sales question");
    expect(elsewhere.status).toBe(201);

    // Each chat reached the agent as one small frame: the queue's size is not in what a change costs.
    const sent = agent.frames.slice(from);
    expect(sent.filter((f) => f.type === "lobby")).toEqual([]);
    const queued = sent.filter((f) => f.type === "queued");
    expect(queued).toHaveLength(CAP);
    const sizes = queued.map(bytes);
    expect(Math.max(...sizes)).toBeLessThan(400);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThan(24);
    expect((await latestState(agent)).queue).toHaveLength(CAP);

    // Once a chat is taken there is room again, for exactly one.
    const oldest = (await latestState(agent)).queue[0]!;
    agent.send({ type: "accept", conversationId: oldest.conversationId });
    await agent.next((f) => f.type === "accepted" && f.conversationId === oldest.conversationId);
    const [again, over] = [await startChat(ws.channelKey, "Room now?"), await startChat(ws.channelKey, "And me?")];
    expect(again.status).toBe(201);
    expect(await expectRefusal(over, [409], "the next one")).toMatchObject({ code: "queue_full" });
    other.agent.close();
  }, 120_000);

  it("a place held by a start that never finished counts until it expires, then frees up", async () => {
    const ws = await createWorkspace();
    await agentOnline(ws);
    const lobby = lobbyOf(ws.channelId);
    await runInDurableObject(lobby, (_lobby, state) => {
      for (let i = 1; i < CAP; i++) {
        state.storage.sql.exec(
          "INSERT INTO queue (conversation_id, subject, contact_name, enqueued_at, pushed_position) VALUES (?, 'Filler', 'Filler', ?, ?)",
          `cv_filler_${i}`,
          Date.now(),
          i,
        );
      }
    });
    // A Worker that held the last place and died before creating its chat.
    expect(await lobby.reserveSeat()).not.toBeNull();
    expect(await lobby.reserveSeat()).toBeNull();
    const before = await rowsOf(ws, ws.channelId);
    expect(await expectRefusal(await startChat(ws.channelKey, "Held"), [409], "a start behind a held place")).toMatchObject({ code: "queue_full" });
    expect(await rowsOf(ws, ws.channelId)).toEqual(before);

    await runInDurableObject(lobby, (_lobby, state) => state.storage.sql.exec("UPDATE seats SET expires_at = ?", Date.now() - 1));
    const res = await startChat(ws.channelKey, "Freed");
    expect(res.status).toBe(201);
    const { conversation } = (await res.json()) as StartConversationResponse;
    expect(await queueLength(ws.channelId)).toBe(CAP);
    expect(await runInDurableObject(lobby, (_l, state) => state.storage.sql.exec("SELECT COUNT(*) AS n FROM seats").one().n)).toBe(0);
    expect((await rowsOf(ws, ws.channelId)).conversations).toBe(before.conversations + 1);
    expect(conversation.status).toBe("queued");
  }, 60_000);
});

describe("the lobby sends changes, not the queue", () => {
  it("an agent not offered a chat learns only its place; one who is gets the row; a removal is one small frame to all", async () => {
    const ws = await createWorkspace();
    const alice = await agentOnline(ws);
    const bob = await addAgent(ws, "Bob");
    const bobSocket = await openLobby(ws.channelId, bob.cookie);
    await setAvailable(bobSocket, true);
    const lobby = lobbyOf(ws.channelId);
    await lobby.enqueue(item("cv_for_anyone"));
    const fromAlice = alice.frames.length;
    const fromBob = bobSocket.frames.length;
    await lobby.enqueue(item("cv_for_bob", { assignedAgentId: bob.agent.id, subject: "Bob's customer's secret subject" }));

    const toAlice = await alice.next<"queued">((f) => f.type === "queued" && alice.frames.indexOf(f) >= fromAlice);
    expect(toAlice).toEqual({ type: "queued", version: toAlice.version, position: 2, entry: null });
    expect(JSON.stringify(alice.frames)).not.toContain("secret subject");
    const toBob = await bobSocket.next<"queued">((f) => f.type === "queued" && bobSocket.frames.indexOf(f) >= fromBob);
    expect(toBob).toMatchObject({ version: toAlice.version, position: 2, entry: { conversationId: "cv_for_bob", position: 2 } });

    const from = alice.frames.length;
    await lobby.dequeue("cv_for_anyone");
    const removed = await alice.next<"dequeued">((f) => f.type === "dequeued" && alice.frames.indexOf(f) >= from);
    expect(removed).toEqual({ type: "dequeued", version: toAlice.version + 1, position: 1, conversationId: "cv_for_anyone" });
    expect((await stateAfter(bobSocket, fromBob, (s) => s.version === removed.version)).queue).toEqual([
      expect.objectContaining({ conversationId: "cv_for_bob", position: 1 }),
    ]);
    // What each console folded is what the lobby holds.
    for (const socket of [alice, bobSocket]) {
      const folded = viewOf(socket)!;
      socket.send({ type: "resync" });
      const fresh = await socket.next<"lobby">((f) => f.type === "lobby" && f.version === folded.version);
      expect(fresh).toEqual(folded);
    }
    bobSocket.close();
  });

  it("every socket gets every version, one after the other, across the lobby being evicted; a console that missed one resyncs", async () => {
    const ws = await createWorkspace();
    const agent = await agentOnline(ws);
    const watcher = await openLobby(ws.channelId, await signIn(ws));
    const lobby = lobbyOf(ws.channelId);
    await lobby.enqueue(item("cv_1"));
    await evictDurableObject(lobby);
    await lobby.enqueue(item("cv_2"));
    await lobby.dequeue("cv_1");
    const last = await stateAfter(watcher, 1, (s) => s.queue[0]?.conversationId === "cv_2");
    const versions = watcher.frames.map((f) => ("version" in f ? f.version : null)).filter((v) => v !== null);
    expect(versions).toEqual(versions.map((_, i) => versions[0]! + i));
    expect(last.queue.map((q) => [q.conversationId, q.position])).toEqual([["cv_2", 1]]);
    expect(viewOf(agent)!.version).toBe(last.version);

    // Folding the changes with one left out is refused, so the console asks for the whole state again.
    const state = watcher.ofType("lobby")[0]!;
    const [, second] = watcher.frames.filter((f) => f.type === "queued");
    expect(applyLobbyDelta(state, second!)).toBeNull();
    const from = watcher.frames.length;
    watcher.send({ type: "resync" });
    const fresh = await watcher.next<"lobby">((f) => f.type === "lobby" && watcher.frames.indexOf(f) >= from);
    expect(fresh).toMatchObject({ version: last.version, queue: [expect.objectContaining({ conversationId: "cv_2", position: 1 })] });
    watcher.close();
  });
});
