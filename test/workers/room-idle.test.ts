import { evictDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { TestSocket } from "./fixtures";
import {
  acceptedConversation,
  editStorage,
  fireTimer,
  liveConversation,
  passTime,
  sendAndExpectError,
  sendMessage,
  frameAfter,
  settled,
  silenceRooms,
  timer,
} from "./room-helpers";

afterEach(silenceRooms);

const MINUTE = 60_000;

describe("visitor inactivity", () => {
  it("does not run for a thread whose visitor is not on the page (an agent-started one, say)", async () => {
    const { visitor, agentSocket, room } = await acceptedConversation();
    visitor.close();
    await settled(agentSocket);
    await sendMessage(agentSocket, "We filed your return; no need to answer.");
    expect(await timer(room, "idle_close")).toBeNull();
    expect((await room.snapshot()).status).toBe("active");
  });

  it("starts when the visitor comes to the page with an answer waiting for them", async () => {
    const { visitor, agentSocket, room, conversation, token } = await acceptedConversation();
    visitor.close();
    await settled(agentSocket);
    await sendMessage(agentSocket, "Your tax card is updated.");
    expect(await timer(room, "idle_close")).toBeNull();
    const before = Date.now();
    const back = await TestSocket.visitor(conversation.id, token);
    expect(await timer(room, "idle_close")).toBeGreaterThanOrEqual(before + 10 * MINUTE);
    back.close();
  });

  it("starts counting when an agent answers, warns a minute before, then closes the chat", async () => {
    const { visitor, agentSocket, room } = await acceptedConversation();
    const before = Date.now();
    await sendMessage(agentSocket, "How can I help?");
    const closesAt = (await timer(room, "idle_close"))!;
    expect(closesAt).toBeGreaterThanOrEqual(before + 10 * MINUTE);
    expect(closesAt).toBeLessThan(Date.now() + 10 * MINUTE + 1000);
    expect(await timer(room, "idle_warning")).toBe(closesAt - MINUTE);

    await fireTimer(room, "idle_warning");
    expect(await visitor.next((f) => f.type === "idle_warning")).toEqual({ type: "idle_warning", closesAt });
    await settled(agentSocket);
    expect(agentSocket.ofType("idle_warning")).toEqual([]);
    expect((await room.snapshot()).status).toBe("active");

    await passTime(room, closesAt - Date.now());
    const ended = await visitor.next<"message">((f) => f.type === "message" && f.message.event?.kind === "ended");
    expect(ended.message).toMatchObject({ body: "Chat closed after inactivity", event: { reason: "idle" } });
    for (const socket of [visitor, agentSocket]) {
      await socket.next((f) => f.type === "status" && f.status === "ended" && f.endedBy === "idle");
    }
    // A chat closed for inactivity does not come back with "Back to chat".
    expect((await sendAndExpectError(visitor, { type: "reopen" })).code).toBe("not_allowed");
  });

  it("stops counting when the visitor writes", async () => {
    const { visitor, agentSocket, room } = await acceptedConversation();
    await sendMessage(agentSocket, "Anything else?");
    expect(await timer(room, "idle_close")).not.toBeNull();
    await sendMessage(visitor, "Yes, one thing");
    // The timers go off as set; the visitor's reply calls them off then.
    await fireTimer(room, "idle_warning");
    expect(await timer(room, "idle_close")).toBeNull();
    expect(await timer(room, "idle_warning")).toBeNull();
    await settled(visitor);
    expect(visitor.ofType("idle_warning")).toEqual([]);
    expect((await room.snapshot()).status).toBe("active");
  });

  it("counts from the newest answer the visitor has not replied to", async () => {
    const { visitor, agentSocket, room } = await acceptedConversation();
    await sendMessage(agentSocket, "First answer");
    const firstClose = (await timer(room, "idle_close"))!;
    await sendMessage(visitor, "Thanks, and one more thing");
    // Nine minutes later, as far as the room can tell, the agent answers again.
    await editStorage(room, (storage) => {
      storage.sql.exec("UPDATE messages SET created_at = created_at - ?", 9 * MINUTE);
      storage.sql.exec("UPDATE schedule SET due_at = due_at - ? WHERE name LIKE 'idle_%'", 9 * MINUTE);
    });
    const before = Date.now();
    await sendMessage(agentSocket, "Second answer");
    // The warning set for the first answer goes off, and moves to the second one's.
    await fireTimer(room, "idle_warning");
    await settled(visitor);
    expect(visitor.ofType("idle_warning")).toEqual([]);
    const close = (await timer(room, "idle_close"))!;
    expect(close).toBeGreaterThanOrEqual(before + 10 * MINUTE);
    expect(close).toBeGreaterThan(firstClose - 9 * MINUTE);
    expect(await timer(room, "idle_warning")).toBe(close - MINUTE);
    // So does the close, if its turn comes first: the chat stays open.
    await fireTimer(room, "idle_close");
    expect((await room.snapshot()).status).toBe("active");
    expect(await timer(room, "idle_close")).toBe(close);
  });

  it("warns again on time when the agent answers after the visitor was warned and replied", async () => {
    const { visitor, agentSocket, room } = await acceptedConversation({ idleMinutes: 1 });
    await sendMessage(agentSocket, "Is your tax card updated?");
    await fireTimer(room, "idle_warning");
    await visitor.next((f) => f.type === "idle_warning");
    const warned = visitor.frames.findIndex((f) => f.type === "idle_warning");
    await sendMessage(visitor, "Not yet");
    const before = Date.now();
    await sendMessage(agentSocket, "It is now");
    // With a one-minute idle time, the warning for the new answer is due at once: either it is still
    // scheduled for now, or the room's alarm has already sent it.
    const warning = await timer(room, "idle_warning");
    if (warning === null) await frameAfter(visitor, warned + 1, (f) => f.type === "idle_warning");
    else expect(warning).toBeLessThan(Date.now() + 1000);
    expect(await timer(room, "idle_close")).toBeGreaterThanOrEqual(before + MINUTE);
  });

  it("starts over while the visitor is typing", async () => {
    const { visitor, agentSocket, room } = await acceptedConversation();
    await sendMessage(agentSocket, "Take your time");
    // Nine minutes later, as far as the room can tell:
    await editStorage(room, (storage) => {
      storage.sql.exec("UPDATE schedule SET due_at = due_at - ? WHERE name LIKE 'idle_%'", 9 * MINUTE);
    });
    expect(await timer(room, "idle_close")).toBeLessThan(Date.now() + 2 * MINUTE);
    visitor.send({ type: "typing", active: true });
    await settled(visitor);
    expect(await timer(room, "idle_close")).toBeGreaterThan(Date.now() + 9 * MINUTE);
  });

  it("does not run while the conversation waits for an agent", async () => {
    const { agentSocket, room } = await liveConversation();
    await sendMessage(agentSocket, "Someone will be with you shortly");
    expect(await timer(room, "idle_close")).toBeNull();
  });

  it("follows the channel's idle time", async () => {
    const { agentSocket, room } = await acceptedConversation({ idleMinutes: 3 });
    await sendMessage(agentSocket, "Hello");
    expect(await timer(room, "idle_close")).toBeLessThan(Date.now() + 3 * MINUTE + 1000);
  });

  it("survives an eviction, and warns a visitor who reconnects after the warning", async () => {
    const { conversation, token, visitor, agentSocket, room } = await acceptedConversation();
    await sendMessage(agentSocket, "Still there?");
    await evictDurableObject(room);
    await fireTimer(room, "idle_warning");
    const warning = await visitor.next<"idle_warning">((f) => f.type === "idle_warning");
    visitor.close();
    const back = await TestSocket.visitor(conversation.id, token);
    expect(await back.next((f) => f.type === "idle_warning")).toEqual(warning);

    // Writing now keeps the chat open: the close is called off when it comes.
    const from = back.frames.length;
    await sendMessage(back, "Yes!");
    await fireTimer(room, "idle_close");
    expect(await timer(room, "idle_close")).toBeNull();
    expect((await room.snapshot()).status).toBe("active");
    await settled(back);
    expect(back.frames.slice(from).filter((f) => f.type === "status")).toEqual([]);
    await agentSocket.next((f) => f.type === "message" && f.message.body === "Yes!");
  });
});
