import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { agentOnline, call, TestSocket, type Workspace } from "./fixtures";
import { latestState } from "./lobby-helpers";
import {
  acceptedConversation,
  conversationRow,
  eventually,
  frameAfter,
  liveConversation,
  newClientId,
  sendAndExpectError,
  sendMessage,
  settled,
  silenceRooms,
} from "./room-helpers";

afterEach(silenceRooms);

/** Whether the channel's lobby lists the conversation as waiting, as the online agent's console sees it. */
async function lobbyQueueHas(ws: Workspace, conversationId: string, expected: boolean): Promise<void> {
  const lobby = await agentOnline(ws);
  await eventually(async () => {
    const { queue } = await latestState(lobby);
    return queue.some((e) => e.conversationId === conversationId) === expected ? true : null;
  });
}

describe("ending a conversation", () => {
  it("by the visitor: a system message, status ended for everyone, nothing more can be sent", async () => {
    const { ws, conversation, visitor, agentSocket, room } = await acceptedConversation();
    visitor.send({ type: "end" });
    const ended = await agentSocket.next<"message">((f) => f.type === "message" && f.message.event?.kind === "ended");
    expect(ended.message).toMatchObject({
      seq: 3,
      author: { type: "system" },
      body: "Chat ended by the visitor",
      event: { kind: "ended", reason: "visitor" },
    });
    await visitor.next((f) => f.type === "message" && f.message.seq === 3);
    for (const socket of [visitor, agentSocket]) {
      const status = await socket.next<"status">((f) => f.type === "status" && f.status === "ended");
      expect(status.endedBy).toBe("visitor");
    }

    const clientId = newClientId();
    const refused = await sendAndExpectError(agentSocket, { type: "send", clientId, body: "wait!" });
    expect(refused).toMatchObject({ code: "conversation_ended", clientId });
    expect((await sendAndExpectError(visitor, { type: "end" })).code).toBe("conversation_ended");
    expect((await room.snapshot()).lastSeq).toBe(3);

    const row = await eventually(async () => {
      const r = await conversationRow(ws.workspaceId, conversation.id);
      return r?.status === "ended" ? r : null;
    });
    expect(row).toMatchObject({ ended_reason: "visitor", satisfied: null, rating: null });
    expect(row.ended_at).toBeGreaterThan(Date.now() - 10_000);
  });

  it("by the agent, on the socket or through the room's end RPC", async () => {
    const first = await acceptedConversation();
    first.agentSocket.send({ type: "end" });
    const ended = await first.visitor.next<"message">((f) => f.type === "message" && f.message.event?.kind === "ended");
    expect(ended.message.body).toBe(`Chat ended by ${first.agent.name}`);
    expect((await first.room.snapshot()).endedBy).toBe("agent");

    const second = await acceptedConversation();
    expect(await second.room.end({ role: "agent", id: second.agent.id, name: second.agent.name })).toEqual({ ok: true });
    await second.visitor.next((f) => f.type === "status" && f.endedBy === "agent");
    expect(await second.room.end({ role: "visitor", id: null, name: "Vera" })).toMatchObject({ ok: false, code: "conversation_ended" });
  });

  it("while it waits takes it out of the channel's queue", async () => {
    const { ws, conversation, visitor } = await liveConversation();
    await lobbyQueueHas(ws, conversation.id, true);
    visitor.send({ type: "end" });
    await visitor.next((f) => f.type === "status" && f.status === "ended");
    await lobbyQueueHas(ws, conversation.id, false);
  });
});

describe("going back to the chat", () => {
  it("returns to the agent who had it", async () => {
    const { visitor, agentSocket, agent, room } = await acceptedConversation();
    visitor.send({ type: "end" });
    await visitor.next((f) => f.type === "status" && f.status === "ended");
    const from = agentSocket.frames.length;
    visitor.send({ type: "reopen" });
    const status = await frameAfter<"status">(agentSocket, from, (f) => f.type === "status");
    expect(status).toEqual({ type: "status", status: "active", agent, queuePosition: null, endedBy: null });
    const note = await frameAfter<"message">(agentSocket, from, (f) => f.type === "message");
    expect(note.message).toMatchObject({ body: "The visitor returned to the chat", event: { kind: "reopened" } });
    expect(await sendMessage(visitor, "one more thing")).toBe(5);
    expect((await room.snapshot()).status).toBe("active");
  });

  it("puts a conversation nobody accepted back in the queue", async () => {
    const { ws, conversation, visitor } = await liveConversation();
    visitor.send({ type: "end" });
    await visitor.next((f) => f.type === "status" && f.status === "ended");
    await lobbyQueueHas(ws, conversation.id, false);
    const from = visitor.frames.length;
    visitor.send({ type: "reopen" });
    expect(await frameAfter<"status">(visitor, from, (f) => f.type === "status")).toMatchObject({ status: "queued", endedBy: null });
    await lobbyQueueHas(ws, conversation.id, true);
    await frameAfter(visitor, from, (f) => f.type === "status" && f.queuePosition === 1);
  });

  it("is refused while the chat is on, and on a channel that does not allow it", async () => {
    const live = await acceptedConversation();
    expect((await sendAndExpectError(live.visitor, { type: "reopen" })).code).toBe("not_allowed");

    const strict = await acceptedConversation({ endForm: { enabled: true, allowBackToChat: false } });
    strict.visitor.send({ type: "end" });
    await strict.visitor.next((f) => f.type === "status" && f.status === "ended");
    const err = await sendAndExpectError(strict.visitor, { type: "reopen" });
    expect(err).toMatchObject({ code: "not_allowed", message: expect.stringMatching(/does not allow/) });
    expect((await strict.room.snapshot()).status).toBe("ended");
  });
});

describe("the end form", () => {
  it("is refused before the chat ends", async () => {
    const { visitor, room } = await acceptedConversation();
    const err = await sendAndExpectError(visitor, { type: "feedback", feedback: { satisfied: true, rating: 5, comment: "" } });
    expect(err.code).toBe("not_allowed");
    expect((await room.snapshot()).feedback).toBeNull();
  });

  it("is saved, confirmed to the visitor, shown to agents, and copied to D1", async () => {
    const { ws, conversation, token, visitor, agentSocket, room } = await acceptedConversation();
    visitor.send({ type: "end" });
    await visitor.next((f) => f.type === "status" && f.status === "ended");
    // An eviction between the end and the form loses nothing.
    await evictDurableObject(room);
    const feedback = { satisfied: true, rating: 4, comment: "Quick and friendly" };
    visitor.send({ type: "feedback", feedback });
    expect(await visitor.next((f) => f.type === "done")).toEqual({ type: "done", request: "feedback" });
    expect(await agentSocket.next((f) => f.type === "feedback")).toEqual({ type: "feedback", feedback });
    await settled(visitor);
    expect(visitor.ofType("feedback")).toEqual([]);

    const again = await TestSocket.visitor(conversation.id, token);
    expect(again.ofType("ready")[0]).toMatchObject({ status: "ended", endedBy: "visitor", feedback });
    const row = await eventually(async () => {
      const r = await conversationRow(ws.workspaceId, conversation.id);
      return r?.rating === 4 ? r : null;
    });
    expect(row).toMatchObject({ satisfied: 1, rating: 4, feedback_comment: "Quick and friendly" });
  });

  it("refuses a rating outside 1 to 5 and keeps what was there", async () => {
    const { visitor, room } = await acceptedConversation();
    visitor.send({ type: "end" });
    await visitor.next((f) => f.type === "status" && f.status === "ended");
    const err = await sendAndExpectError(visitor, { type: "feedback", feedback: { satisfied: null, rating: 6 } });
    expect(err).toMatchObject({ code: "bad_frame", message: expect.stringMatching(/rating/) });
    expect((await room.snapshot()).feedback).toBeNull();
  });
});

describe("deleting a conversation", () => {
  it("closes its sockets, stops its timers and forgets everything", async () => {
    const { conversation, token, visitor, agentSocket, room } = await acceptedConversation();
    await sendMessage(agentSocket, "This starts the idle clock");
    const closed = new Promise<number>((resolve) => visitor.ws.addEventListener("close", (e) => resolve(e.code)));
    await room.destroy();
    expect(await closed).toBe(4404);
    expect(await room.history(0)).toEqual([]);
    expect(await runInDurableObject(room, (_room, state) => state.storage.getAlarm())).toBeNull();
    const res = await call(`/api/widget/conversations/${conversation.id}/socket?token=${encodeURIComponent(token)}`, {
      headers: { upgrade: "websocket" },
    });
    expect(res.status).toBe(404);
  });
});
