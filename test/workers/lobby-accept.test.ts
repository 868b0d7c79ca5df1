import { describe, expect, it } from "vitest";
import type { ServerFrame } from "../../protocol/frames";
import { agentOnline, createWorkspace, startConversation, TestSocket } from "./fixtures";
import { addAgent, errorAfter, item, latestState, lobbyOf, openLobby, setAvailable } from "./lobby-helpers";

/** The visitor's latest idea of their place in the queue: from `ready`, then from each `status`. */
function placeOf(visitor: TestSocket): number | null | undefined {
  const last = visitor.frames.filter((f): f is Extract<ServerFrame, { type: "ready" | "status" }> => f.type === "ready" || f.type === "status").at(-1);
  return last?.queuePosition;
}

async function placeBecomes(visitor: TestSocket, place: number | null): Promise<void> {
  await visitor.next((f) => (f.type === "status" || f.type === "ready") && f.queuePosition === place && placeOf(visitor) === place);
}

describe("the visitor's place in the queue", () => {
  it("is pushed to each waiting conversation as the queue moves", async () => {
    const ws = await createWorkspace();
    const agent = await agentOnline(ws);
    const started = [];
    for (const question of ["One", "Two", "Three"]) started.push(await startConversation(ws, question));
    const visitors = await Promise.all(started.map((s) => TestSocket.visitor(s.conversation.id, s.token)));
    expect(visitors.map(placeOf)).toEqual([1, 2, 3]);

    await lobbyOf(ws.channelId).dequeue(started[0]!.conversation.id);
    await placeBecomes(visitors[1]!, 1);
    await placeBecomes(visitors[2]!, 2);

    const from = agent.frames.length;
    agent.send({ type: "accept", conversationId: started[1]!.conversation.id });
    await agent.next((f) => f.type === "accepted" && agent.frames.indexOf(f) >= from);
    await placeBecomes(visitors[1]!, null);
    await placeBecomes(visitors[2]!, 1);
    for (const v of visitors) v.close();
  });
});

describe("accepting a chat", () => {
  it("two agents accepting at once: exactly one wins and the other is told", async () => {
    const ws = await createWorkspace();
    const alice = await agentOnline(ws);
    const bob = await addAgent(ws, "Bob");
    const bobSocket = await openLobby(ws.channelId, bob.cookie);
    await setAvailable(bobSocket, true);
    const { conversation, token } = await startConversation(ws);
    const visitor = await TestSocket.visitor(conversation.id, token);

    const fromAlice = alice.frames.length;
    const fromBob = bobSocket.frames.length;
    alice.send({ type: "accept", conversationId: conversation.id });
    bobSocket.send({ type: "accept", conversationId: conversation.id });

    const accepted = await alice.next<"accepted">((f) => f.type === "accepted" && alice.frames.indexOf(f) >= fromAlice);
    expect(await bobSocket.next((f) => f.type === "accepted" && bobSocket.frames.indexOf(f) >= fromBob)).toEqual(accepted);
    const winner = accepted.agent.id === bob.agent.id ? "bob" : "alice";
    const loser = winner === "bob" ? { socket: alice, from: fromAlice } : { socket: bobSocket, from: fromBob };
    expect(await errorAfter(loser.socket, loser.from)).toMatchObject({ code: "already_accepted", conversationId: conversation.id });

    // Nobody else was told they won, and the chat left both queues.
    for (const [socket, from] of [
      [alice, fromAlice],
      [bobSocket, fromBob],
    ] as const) {
      expect((await latestState(socket)).queue).toEqual([]);
      expect(socket.frames.slice(from).filter((f) => f.type === "accepted")).toHaveLength(1);
      expect(socket.frames.slice(from).filter((f) => f.type === "error")).toHaveLength(socket === loser.socket ? 1 : 0);
    }
    const status = await visitor.next<"status">((f) => f.type === "status" && f.status === "active");
    expect(status.agent).toEqual(accepted.agent);
    expect(status.queuePosition).toBeNull();

    // A late, repeated enqueue does not put an accepted chat back in the queue.
    await lobbyOf(ws.channelId).enqueue(item(conversation.id));
    expect((await latestState(alice)).queue).toEqual([]);
    visitor.close();
    bobSocket.close();
  });

  it("tells the agent when the visitor ended the chat before the accept reached it", async () => {
    const ws = await createWorkspace();
    const agent = await agentOnline(ws);
    const { conversation, token } = await startConversation(ws);
    const visitor = await TestSocket.visitor(conversation.id, token);
    visitor.send({ type: "end" });
    await visitor.next((f) => f.type === "status" && f.status === "ended");
    // The room takes it out of the queue; then, as if that had not reached the lobby yet, it is back.
    await agent.next((f) => f.type === "dequeued" && f.conversationId === conversation.id);
    await lobbyOf(ws.channelId).enqueue(item(conversation.id));

    const from = agent.frames.length;
    agent.send({ type: "accept", conversationId: conversation.id });
    expect(await errorAfter(agent, from)).toMatchObject({ code: "conversation_ended", conversationId: conversation.id });
    expect(agent.frames.slice(from).some((f) => f.type === "accepted")).toBe(false);
    expect((await latestState(agent)).queue).toEqual([]);
    visitor.close();
  });
});
