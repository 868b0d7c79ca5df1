import { afterEach, describe, expect, it } from "vitest";
import { TestSocket } from "./fixtures";
import {
  acceptedConversation,
  emailsOf,
  eventually,
  fireTimer,
  frameAfter,
  liveConversation,
  settled,
  silenceRooms,
  timer,
} from "./room-helpers";

afterEach(silenceRooms);

/** Closes a socket as a browser tab does when its page goes away, and lets the room hear it. */
async function leave(socket: TestSocket) {
  socket.close();
  await new Promise((r) => setTimeout(r, 50));
}

describe("closing the page ends the chat, after a grace period that survives a reload", () => {
  it("the agent hears at once that the visitor left; after the grace the chat ends as visitor_left and the transcript is emailed", async () => {
    const live = await acceptedConversation({ transcriptEmail: true, leaveGraceSeconds: 90 });
    const from = live.agentSocket.frames.length;
    const before = Date.now();
    await leave(live.visitor);
    const left = await frameAfter<"presence">(live.agentSocket, from, (f) => f.type === "presence");
    expect(left.online).toBe(false);
    expect(left.leftAt).toBeGreaterThanOrEqual(before);
    const due = await timer(live.room, "visitor_left");
    expect(due).toBe(left.leftAt! + 90_000);
    expect((await live.room.snapshot()).status).toBe("active");

    await fireTimer(live.room, "visitor_left");
    const ended = await live.agentSocket.next<"status">((f) => f.type === "status" && f.status === "ended");
    expect(ended.endedBy).toBe("visitor_left");
    const history = await live.room.history(0);
    expect(history.at(-1)).toMatchObject({ author: { type: "system" }, event: { kind: "ended", reason: "visitor_left" }, body: "The visitor left the chat" });
    const emails = await eventually(async () => {
      const rows = await emailsOf(live.ws.workspaceId);
      return rows.length > 0 ? rows : null;
    });
    expect(emails.map((e) => e.template)).toEqual(["transcript"]);
    const snapshot = await live.room.snapshot();
    expect(snapshot.visitor).toEqual({ online: false, leftAt: left.leftAt });
  });

  it("a reload within the grace: the agent sees the visitor back, the timer is gone and the chat goes on", async () => {
    const live = await acceptedConversation();
    await leave(live.visitor);
    expect(await timer(live.room, "visitor_left")).not.toBeNull();
    const from = live.agentSocket.frames.length;
    const back = await TestSocket.visitor(live.conversation.id, live.token);
    const online = await frameAfter<"presence">(live.agentSocket, from, (f) => f.type === "presence");
    expect(online).toMatchObject({ online: true, leftAt: null });
    expect(back.ofType("ready")[0]!.visitor).toEqual({ online: true, leftAt: null });
    expect(await timer(live.room, "visitor_left")).toBeNull();
    expect((await live.room.snapshot()).status).toBe("active");
  });

  it("closing one of two tabs is not leaving", async () => {
    const live = await acceptedConversation();
    const second = await TestSocket.visitor(live.conversation.id, live.token);
    const from = live.agentSocket.frames.length;
    await leave(live.visitor);
    await settled(live.agentSocket);
    expect(live.agentSocket.frames.slice(from).filter((f) => f.type === "presence")).toEqual([]);
    expect(await timer(live.room, "visitor_left")).toBeNull();
    await leave(second);
    expect(await timer(live.room, "visitor_left")).not.toBeNull();
  });

  it("a chat still waiting in the queue ends too, and leaves the queue", async () => {
    const live = await liveConversation();
    await leave(live.visitor);
    await fireTimer(live.room, "visitor_left");
    const snapshot = await live.room.snapshot();
    expect(snapshot).toMatchObject({ status: "ended", endedBy: "visitor_left", queuePosition: null });
  });

  it("leaving an ended chat sets no timer, and an agent's own end call cancels a pending one", async () => {
    const live = await acceptedConversation();
    await leave(live.visitor);
    expect(await timer(live.room, "visitor_left")).not.toBeNull();
    await live.room.end({ role: "agent", id: live.agent.id, name: live.agent.name });
    expect(await timer(live.room, "visitor_left")).toBeNull();
    expect((await live.room.snapshot()).endedBy).toBe("agent");
  });

  it("an agent's own sockets coming and going never end the chat", async () => {
    const live = await acceptedConversation();
    await leave(live.agentSocket);
    expect(await timer(live.room, "visitor_left")).toBeNull();
    expect((await live.room.snapshot()).visitor).toEqual({ online: true, leftAt: null });
  });
});
