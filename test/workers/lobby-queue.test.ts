import { describe, expect, it } from "vitest";
import { agentOnline, createWorkspace, startConversation } from "./fixtures";
import { addAgent, errorAfter, item, latestState, lobbyOf, openLobby, setAvailable, stateAfter } from "./lobby-helpers";

const idsOf = (queue: { conversationId: string }[]) => queue.map((q) => q.conversationId);

describe("the waiting queue", () => {
  it("keeps chats in the order they arrived and gives each its place", async () => {
    const ws = await createWorkspace();
    const agent = await agentOnline(ws);
    const a = (await startConversation(ws, "First question")).conversation;
    const b = (await startConversation(ws, "Second question")).conversation;
    const c = (await startConversation(ws, "Third question")).conversation;
    const state = await stateAfter(agent, 0, (f) => f.queue.length === 3);
    expect(state.queue).toEqual([
      expect.objectContaining({ conversationId: a.id, subject: "First question", contactName: "Vera Visitor", position: 1 }),
      expect.objectContaining({ conversationId: b.id, subject: "Second question", position: 2 }),
      expect.objectContaining({ conversationId: c.id, subject: "Third question", position: 3 }),
    ]);
    expect(state.queue[0]!.enqueuedAt).toBeLessThanOrEqual(state.queue[1]!.enqueuedAt);

    const lobby = lobbyOf(ws.channelId);
    let from = agent.frames.length;
    await lobby.enqueue(item(a.id));
    await lobby.dequeue(b.id);
    const after = await stateAfter(agent, from);
    expect(after.queue.map((q) => [q.conversationId, q.position])).toEqual([
      [a.id, 1],
      [c.id, 2],
    ]);
    // Repeating either call changes nothing, so no state is sent for it.
    from = agent.frames.length;
    await lobby.dequeue(b.id);
    await lobby.enqueue(item(c.id));
    await lobby.enqueue(item(b.id, { subject: "Back again" }));
    const latest = await stateAfter(agent, from);
    expect(idsOf(latest.queue)).toEqual([a.id, c.id, b.id]);
    expect(agent.frames.length).toBe(from + 1);
  });

  it("offers chats only to available agents, who alone may accept", async () => {
    const ws = await createWorkspace();
    const { conversation } = await startConversation(ws);
    const bob = await addAgent(ws, "Bob");
    const bobSocket = await openLobby(ws.channelId, bob.cookie);
    expect(bobSocket.frames[0]).toMatchObject({ available: false, agentsAvailable: 1, queue: [] });

    let from = bobSocket.frames.length;
    bobSocket.send({ type: "accept", conversationId: conversation.id });
    expect(await errorAfter(bobSocket, from)).toMatchObject({ code: "not_available", conversationId: conversation.id });

    const available = await setAvailable(bobSocket, true);
    expect(available.agentsAvailable).toBe(2);
    expect(idsOf(available.queue)).toEqual([conversation.id]);

    from = bobSocket.frames.length;
    bobSocket.send({ type: "accept", conversationId: "cv_not_in_the_queue" });
    expect(await errorAfter(bobSocket, from)).toMatchObject({ code: "not_queued", conversationId: "cv_not_in_the_queue" });
    bobSocket.close();
  });
});

describe("routing", () => {
  it("offers a chat assigned to an agent only to that agent, and a team's chat only to its members", async () => {
    const ws = await createWorkspace();
    const alice = await agentOnline(ws);
    const bob = await addAgent(ws, "Bob");
    const carol = await addAgent(ws, "Carol");
    const bobSocket = await openLobby(ws.channelId, bob.cookie);
    const carolSocket = await openLobby(ws.channelId, carol.cookie);
    await setAvailable(bobSocket, true);
    await setAvailable(carolSocket, true);

    const open = (await startConversation(ws, "Anyone can take this")).conversation;
    const forBob = (await startConversation(ws, "About my request with Bob")).conversation;
    const forTeam = (await startConversation(ws, "For Bob's and Carol's team")).conversation;
    const lobby = lobbyOf(ws.channelId);
    await lobby.dequeue(forBob.id);
    await lobby.dequeue(forTeam.id);
    await lobby.enqueue(item(forBob.id, { assignedAgentId: bob.agent.id }));
    await lobby.enqueue(item(forTeam.id, { teamAgentIds: [bob.agent.id, carol.agent.id] }));

    expect(idsOf((await stateAfter(bobSocket, 0, (f) => f.queue.length === 3)).queue)).toEqual([open.id, forBob.id, forTeam.id]);
    expect((await latestState(carolSocket)).queue.map((q) => [q.conversationId, q.position])).toEqual([
      [open.id, 1],
      [forTeam.id, 3],
    ]);
    expect(idsOf((await latestState(alice)).queue)).toEqual([open.id]);
    expect((await latestState(bobSocket)).queue[1]).toMatchObject({ assignedAgentId: bob.agent.id });

    const from = carolSocket.frames.length;
    carolSocket.send({ type: "accept", conversationId: forBob.id });
    expect(await errorAfter(carolSocket, from)).toMatchObject({ code: "not_offered", conversationId: forBob.id });
    // Refused before anything changed: Bob is still offered it.
    expect(idsOf((await latestState(bobSocket)).queue)).toEqual([open.id, forBob.id, forTeam.id]);
    bobSocket.close();
    carolSocket.close();
  });
});
