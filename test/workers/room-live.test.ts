import { evictDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { TestSocket } from "./fixtures";
import {
  acceptedConversation,
  newClientId,
  sendAndExpectError,
  sendMessage,
  settled,
  silenceRooms,
} from "./room-helpers";

afterEach(silenceRooms);

describe("typing", () => {
  it("reaches the other sockets only, and is never stored", async () => {
    const { visitor, agentSocket, room } = await acceptedConversation();
    visitor.send({ type: "typing", active: true });
    const typing = await agentSocket.next<"typing">((f) => f.type === "typing");
    expect(typing).toEqual({ type: "typing", author: { type: "visitor", id: null, name: "Vera Visitor" }, active: true });
    agentSocket.send({ type: "typing", active: false });
    const back = await visitor.next<"typing">((f) => f.type === "typing");
    expect(back).toMatchObject({ author: { type: "agent" }, active: false });
    await settled(visitor);
    expect(visitor.ofType("typing")).toHaveLength(1);
    expect((await room.snapshot()).lastSeq).toBe(2);
  });

  it("is refused once the conversation has ended", async () => {
    const { visitor, agentSocket } = await acceptedConversation();
    visitor.send({ type: "end" });
    await visitor.next((f) => f.type === "status" && f.status === "ended");
    const from = agentSocket.frames.length;
    expect((await sendAndExpectError(visitor, { type: "typing", active: true })).code).toBe("conversation_ended");
    await settled(agentSocket);
    expect(agentSocket.frames.slice(from).filter((f) => f.type === "typing")).toEqual([]);
  });
});

describe("read ticks", () => {
  it("record each side's highest read seq and tell every socket", async () => {
    const { conversation, token, visitor, agentSocket, room } = await acceptedConversation();
    const seq = await sendMessage(visitor, "are you there?");
    agentSocket.send({ type: "read", seq });
    // The visitor's ✓✓ come from read.agent.
    const read = await visitor.next<"read">((f) => f.type === "read");
    expect(read.read).toEqual({ visitor: 0, agent: seq });
    await agentSocket.next((f) => f.type === "read" && f.read.agent === seq);

    // Reading an older message moves nothing and says nothing.
    const from = visitor.frames.length;
    agentSocket.send({ type: "read", seq: 1 });
    await settled(agentSocket);
    await settled(visitor);
    expect(visitor.frames.slice(from).filter((f) => f.type === "read")).toEqual([]);

    // Kept across an eviction, and handed to a socket that connects later.
    await evictDurableObject(room);
    visitor.send({ type: "read", seq: 2 });
    await agentSocket.next((f) => f.type === "read" && f.read.visitor === 2);
    const again = await TestSocket.visitor(conversation.id, token);
    expect(again.ofType("ready")[0]!.read).toEqual({ visitor: 2, agent: seq });
    expect((await room.snapshot()).read).toEqual({ visitor: 2, agent: seq });
  });

  it("refuse a seq past the newest message", async () => {
    const { visitor, room } = await acceptedConversation();
    const err = await sendAndExpectError(visitor, { type: "read", seq: 99 });
    expect(err.code).toBe("bad_frame");
    expect((await room.snapshot()).read).toEqual({ visitor: 0, agent: 0 });
  });
});

describe("attachments", () => {
  const file = { id: "att_1", name: "screenshot.png", contentType: "image/png", size: 1234, url: "/files/att_1" };

  it("are stored with their message, which may have no text", async () => {
    const { visitor, agentSocket, room } = await acceptedConversation();
    const clientId = newClientId();
    const posted = await room.post({ type: "visitor", id: null, name: "Vera Visitor" }, clientId, "", file);
    expect(posted).toMatchObject({ ok: true, duplicate: false, message: { seq: 3, body: "", attachment: file } });
    const delivered = await agentSocket.next<"message">((f) => f.type === "message" && f.message.clientId === clientId);
    expect(delivered.message.attachment).toEqual(file);
    await visitor.next((f) => f.type === "message" && f.message.clientId === clientId);
    expect((await room.history(2)).map((m) => m.attachment)).toEqual([file]);
    // A retried upload is the same message.
    const retried = await room.post({ type: "visitor", id: null, name: "Vera Visitor" }, clientId, "", file);
    expect(retried).toMatchObject({ ok: true, duplicate: true, message: { seq: 3 } });
  });

  it("are the only thing that lets a message be empty", async () => {
    const { room } = await acceptedConversation();
    const posted = await room.post({ type: "agent", id: null, name: "Bot" }, newClientId(), "  ");
    expect(posted).toMatchObject({ ok: false, code: "bad_frame" });
    expect((await room.snapshot()).lastSeq).toBe(2);
  });
});

describe("frames from the wrong side", () => {
  it.each([
    ["an agent's feedback", { type: "feedback", feedback: { satisfied: true, rating: 5, comment: "" } }],
    ["an agent's reopen", { type: "reopen" }],
    ["an agent's transcript request", { type: "transcript" }],
  ])("%s is not allowed", async (_name, frame) => {
    const { agentSocket, room } = await acceptedConversation();
    agentSocket.send({ type: "end" });
    await agentSocket.next((f) => f.type === "status" && f.status === "ended");
    const before = await room.snapshot();
    expect((await sendAndExpectError(agentSocket, frame)).code).toBe("not_allowed");
    expect(await room.snapshot()).toEqual(before);
  });
});
