import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import type { ConversationRoom } from "../../durable-objects/conversation-room";
import { roomFor } from "../../worker/rooms";
import { TestSocket } from "./fixtures";
import {
  acceptedConversation,
  conversationRow,
  eventually,
  frameAfter,
  liveConversation,
  settled,
  silenceRooms,
} from "./room-helpers";

afterEach(silenceRooms);

describe("a waiting conversation", () => {
  it("shows the visitor its place in the queue, and every change of it", async () => {
    const { visitor, agentSocket, room } = await liveConversation();
    // The lobby put the new conversation first in the channel's queue before the visitor connected.
    expect(visitor.ofType("ready")[0]!.queuePosition).toBe(1);
    const from = visitor.frames.length;
    const agentFrom = agentSocket.frames.length;
    await room.setQueuePosition(3);
    const status = await frameAfter<"status">(visitor, from, (f) => f.type === "status");
    expect(status).toEqual({ type: "status", status: "queued", agent: null, queuePosition: 3, endedBy: null });
    await frameAfter(agentSocket, agentFrom, (f) => f.type === "status" && f.queuePosition === 3);

    // The same place again is no news.
    await room.setQueuePosition(3);
    await settled(visitor);
    expect(visitor.frames.slice(from).filter((f) => f.type === "status")).toHaveLength(1);
    expect((await room.snapshot()).queuePosition).toBe(3);
  });

  it("goes to the first agent who accepts it, and to nobody else", async () => {
    const { ws, conversation, visitor, agentSocket, agent, room } = await liveConversation();
    expect(await room.accept(agent)).toBe(true);
    const joined = await visitor.next<"message">((f) => f.type === "message" && f.message.author.type === "system");
    expect(joined.message).toMatchObject({
      seq: 2,
      body: `${agent.name} joined the chat`,
      event: { kind: "joined", agent },
    });
    const status = await visitor.next<"status">((f) => f.type === "status" && f.status === "active");
    expect(status).toEqual({ type: "status", status: "active", agent, queuePosition: null, endedBy: null });
    await agentSocket.next((f) => f.type === "status" && f.status === "active");

    // A late accept by someone else changes nothing; the winner asking again is told it has it.
    expect(await room.accept({ id: "ag_other", name: "Otto" })).toBe(false);
    expect(await room.accept(agent)).toBe(true);
    expect(await room.snapshot()).toMatchObject({ status: "active", agent, lastSeq: 2 });
    await settled(visitor);
    expect(visitor.ofType("message")).toHaveLength(1);

    // A queue position arriving after the accept is stale and ignored.
    await room.setQueuePosition(2);
    expect((await room.snapshot()).queuePosition).toBeNull();

    const row = await eventually(async () => {
      const r = await conversationRow(ws.workspaceId, conversation.id);
      return r?.status === "active" ? r : null;
    });
    expect(row.agent_id).toBe(agent.id);
  });

  it("changes its responsible agent on assign, in any status, and tells every socket", async () => {
    const { ws, conversation, visitor, room } = await acceptedConversation();
    const other = { id: "ag_other", name: "Otto Other" };
    const from = visitor.frames.length;
    await room.assign(other);
    const status = await frameAfter<"status">(visitor, from, (f) => f.type === "status");
    expect(status).toMatchObject({ status: "active", agent: other });
    await eventually(async () => ((await conversationRow(ws.workspaceId, conversation.id))?.agent_id === other.id ? true : null));
  });

  it("survives an eviction: sockets, status, agent and place all come back", async () => {
    const { conversation, token, visitor, room } = await acceptedConversation();
    await evictDurableObject(room);
    const from = visitor.frames.length;
    await room.assign({ id: "ag_2", name: "Second" });
    await frameAfter(visitor, from, (f) => f.type === "status" && f.agent?.id === "ag_2");
    const again = await TestSocket.visitor(conversation.id, token);
    // The first message, "joined" and "took over".
    expect(again.ofType("ready")[0]).toMatchObject({ status: "active", agent: { id: "ag_2" }, lastSeq: 3 });
  });
});

describe("a conversation an agent starts", () => {
  it("is active with its agent from the start, and init is idempotent", async () => {
    const room = roomFor(env, `cv_staff_${crypto.randomUUID()}`);
    const agent = { id: "ag_staff", name: "Sam Staff" };
    const input = {
      conversationId: "cv_staff",
      workspaceId: "ws_staff",
      channelId: "ch_staff",
      contact: { name: "Carl Customer", email: "carl@example.com" },
      locale: "fi" as const,
      settings: { idleMinutes: 10, allowBackToChat: true, transcriptEmail: false },
      status: "active" as const,
      agent,
    };
    await room.init(input);
    await room.init({ ...input, status: "queued", agent: null });
    expect(await room.snapshot()).toEqual({
      status: "active",
      agent,
      queuePosition: null,
      endedBy: null,
      feedback: null,
      read: { visitor: 0, agent: 0 },
      lastSeq: 0,
      visitor: { online: false, leftAt: null },
    });
  });

  it("refuses an active start without its agent", async () => {
    const room = roomFor(env, `cv_bad_${crypto.randomUUID()}`);
    // Inside the room rather than over RPC: a refused init is the caller's bug, thrown, not answered.
    await runInDurableObject(room, (instance: ConversationRoom) => {
      expect(() =>
        instance.init({
          conversationId: "cv_bad",
          workspaceId: "ws",
          channelId: "ch",
          contact: { name: "C", email: "c@example.com" },
          locale: "en",
          settings: { idleMinutes: 10, allowBackToChat: true, transcriptEmail: false },
          status: "active",
        }),
      ).toThrow("bad room init: an active conversation needs its agent");
      expect(() => instance.snapshot()).toThrow(/not initialised/);
    });
  });
});
