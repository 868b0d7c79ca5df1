import { afterEach, describe, expect, it } from "vitest";
import type { ClientFrame, ErrorCode, ServerFrame } from "../../protocol/frames";
import { agentOnline, BASE, createWorkspace, signIn, startConversation, TestSocket } from "./fixtures";
import { latestState } from "./lobby-helpers";
import { expectRefusal, send, workspaceState } from "./attack-helpers";
import {
  acceptedConversation,
  emailsOf,
  eventually,
  frameAfter,
  liveConversation,
  newClientId,
  sendAndExpectError,
  settled,
  silenceRooms,
  type RoomSocket,
} from "./room-helpers";

afterEach(silenceRooms);

type Live = Awaited<ReturnType<typeof liveConversation>>;
type Status = "queued" | "active" | "ended";
type Role = "visitor" | "agent";

/** Frames each side may not send in each state, and the error it must get instead. */
function refusals(status: Status, role: Role, lastSeq: number): [ClientFrame, ErrorCode][] {
  const rows: [ClientFrame, ErrorCode][] = [[{ type: "read", seq: lastSeq + 1 }, "bad_frame"]];
  if (role === "agent") {
    rows.push([{ type: "reopen" }, "not_allowed"], [{ type: "feedback", feedback: { satisfied: true, rating: 5, comment: "" } }, "not_allowed"], [{ type: "transcript" }, "not_allowed"]);
  } else if (status !== "ended") {
    rows.push([{ type: "reopen" }, "not_allowed"], [{ type: "feedback", feedback: { satisfied: false, rating: 1, comment: "bad" } }, "not_allowed"]);
  }
  if (status === "ended") {
    rows.push([{ type: "send", clientId: newClientId(), body: "too late" }, "conversation_ended"], [{ type: "typing", active: true }, "conversation_ended"], [{ type: "end" }, "conversation_ended"]);
  }
  return rows;
}

async function roomState(live: Live) {
  return { snapshot: await live.room.snapshot(), history: await live.room.history(0) };
}

async function inState(status: Status): Promise<Live> {
  if (status === "queued") return liveConversation();
  const live = await acceptedConversation();
  if (status === "ended") {
    live.agentSocket.send({ type: "end" });
    await live.visitor.next((f) => f.type === "status" && f.status === "ended");
  }
  await settled(live.visitor);
  await settled(live.agentSocket);
  return live;
}

describe("the frame matrix: what each side may not do in each state is refused and changes nothing", () => {
  it.each(["queued", "active", "ended"] as const)("in a conversation that is %s", async (status) => {
    const live = await inState(status);
    const before = await roomState(live);
    for (const role of ["visitor", "agent"] as const) {
      const [mine, theirs] = role === "visitor" ? [live.visitor, live.agentSocket] : [live.agentSocket, live.visitor];
      const theirsFrom = theirs.frames.length;
      for (const [frame, code] of refusals(status, role, before.snapshot.lastSeq)) {
        const from = mine.frames.length;
        mine.send(frame);
        const error = await frameAfter<"error">(mine, from, (f) => f.type === "error");
        expect(error.code, `${role} ${JSON.stringify(frame)}`).toBe(code);
        expect(error.message.length).toBeGreaterThan(0);
        await settled(mine);
        expect(mine.frames.slice(from).filter((f) => f.type !== "error" && f.type !== "history"), `${role} ${frame.type}`).toEqual([]);
      }
      await settled(theirs);
      expect(theirs.frames.slice(theirsFrom).filter((f) => f.type !== "history"), `the other side heard ${role}'s refused frames`).toEqual([]);
    }
    expect(await roomState(live)).toEqual(before);
  });

  it("the transcript frame cannot make the room relay email: refused unless the channel sends transcripts, one email per end however often asked", async () => {
    const off = await inState("ended");
    const before = await roomState(off);
    const codes: string[] = [];
    for (let i = 0; i < 3; i++) codes.push((await sendAndExpectError(off.visitor, { type: "transcript" })).code);
    expect(codes).toEqual(["not_allowed", "not_allowed", "rate_limited"]);
    expect(await roomState(off)).toEqual(before);
    expect(await emailsOf(off.ws.workspaceId)).toEqual([]);

    const on = await acceptedConversation({ transcriptEmail: true });
    expect((await sendAndExpectError(on.visitor, { type: "transcript" })).code).toBe("not_allowed");
    on.agentSocket.send({ type: "end" });
    await on.visitor.next((f) => f.type === "status" && f.status === "ended");
    const answers: string[] = [];
    for (let i = 0; i < 5; i++) {
      const from = on.visitor.frames.length;
      on.visitor.send({ type: "transcript" });
      const f = await frameAfter(on.visitor, from, (x) => x.type === "done" || x.type === "error");
      answers.push(f.type === "error" ? f.code : f.type);
    }
    // The request refused before the end took one of the burst's two.
    expect(answers).toEqual(["done", "rate_limited", "rate_limited", "rate_limited", "rate_limited"]);
    const emails = await eventually(async () => {
      const rows = await emailsOf(on.ws.workspaceId);
      return rows.length > 0 ? rows : null;
    });
    await settled(on.visitor);
    expect(emails.map((e) => e.template)).toEqual(["transcript"]);
  });
});

describe("a socket speaks only as its own principal", () => {
  it("author, seq, time, attachment and system event in a frame are ignored; the socket's identity is used", async () => {
    const live = await inState("active");
    const clientId = newClientId();
    live.visitor.send({
      type: "send",
      clientId,
      body: "spoofed?",
      seq: 1,
      createdAt: 0,
      author: { type: "agent", id: live.agent.id, name: live.agent.name },
      attachment: { id: "att_x", name: "x.html", contentType: "text/html", size: 1, url: "javascript:alert(1)" },
      event: { kind: "joined", agent: { id: "ag_fake", name: "Fake Agent" } },
    });
    const ack = await live.visitor.next<"ack">((f) => f.type === "ack" && f.clientId === clientId);
    const [stored] = await live.room.history(ack.seq - 1, 1);
    expect(stored).toEqual({ seq: ack.seq, clientId, author: { type: "visitor", id: null, name: "Vera Visitor" }, body: "spoofed?", createdAt: ack.createdAt });
    expect(ack.createdAt).toBeGreaterThan(0);
  });

  it("clientIds cannot pose as system messages (which use ':'), nor take over another author's message", async () => {
    const live = await inState("active");
    const before = await roomState(live);
    const taken = before.history.find((m) => m.author.type === "system")!.clientId;
    for (const [socket, clientId] of [
      [live.visitor, taken],
      [live.agentSocket, taken],
      [live.agentSocket, before.history[0]!.clientId],
      [live.visitor, "system:ended:99"],
    ] as [RoomSocket, string][]) {
      const from = socket.frames.length;
      socket.send({ type: "send", clientId, body: "mine now" });
      const error = await frameAfter<"error">(socket, from, (f) => f.type === "error");
      expect(error).toMatchObject({ code: "bad_frame", clientId });
    }
    expect(await roomState(live)).toEqual(before);
  });

  it("an agent's lobby cannot accept another workspace's waiting chat", async () => {
    const victim = await createWorkspace();
    const waiting = await startConversation(victim, "Waiting for my own agents");
    const visitor = await TestSocket.visitor(waiting.conversation.id, waiting.token);
    const intruder = await createWorkspace();
    const lobby = await agentOnline(intruder);
    const from = lobby.frames.length;
    lobby.send({ type: "accept", conversationId: waiting.conversation.id });
    const error = await lobby.next<"error">((f) => f.type === "error" && lobby.frames.indexOf(f) >= from);
    expect(error).toMatchObject({ code: "not_queued", conversationId: waiting.conversation.id });
    const victimLobby = await agentOnline(victim);
    const state = await latestState(victimLobby);
    expect(state.queue.map((q) => q.conversationId)).toContain(waiting.conversation.id);
    await settled(visitor);
    expect(visitor.frames.filter((f: ServerFrame) => f.type === "status")).toEqual([]);
    const agentSocket = await TestSocket.agent(waiting.conversation.id, await signIn(victim));
    expect(agentSocket.ofType("ready")[0]).toMatchObject({ status: "queued", agent: null });
  });

  it("deleting a conversation closes its sockets, and its token replayed later opens nothing", async () => {
    const ws = await createWorkspace();
    const { conversation, token } = await startConversation(ws, "Forget me");
    const visitor = await TestSocket.visitor(conversation.id, token);
    const closed = new Promise<number>((resolve) => visitor.ws.addEventListener("close", (e) => resolve(e.code)));
    const cookie = await signIn(ws);
    expect((await send("DELETE", `/api/console/conversations/${conversation.id}`, { cookie, origin: BASE })).status).toBe(204);
    expect(await closed).toBe(4404);
    const t = `token=${encodeURIComponent(token)}`;
    for (const [method, path, headers, body, status] of [
      ["GET", `/api/widget/conversations/${conversation.id}/socket?${t}`, { upgrade: "websocket" }, undefined, 404],
      ["POST", `/api/widget/conversations/${conversation.id}/attachments?${t}`, { "content-type": "text/plain", "x-parley-client-id": crypto.randomUUID(), "x-parley-filename": "x.txt" }, "x", 404],
      ["GET", `/api/widget/conversations/${conversation.id}/attachments/att_any/link?${t}`, {}, undefined, 404],
      // Files open by signed links or agents' sessions, never by the conversation token.
      ["GET", `/api/attachments/${conversation.id}/att_any?${t}`, {}, undefined, 401],
    ] as const) {
      await expectRefusal(await send(method, path, headers, body), [status], `${method} ${path}`);
    }
    const { rows, files } = await workspaceState(ws.workspaceId);
    expect({ conversations: rows.conversations, messages: rows.messages, attachments: rows.attachments, files }).toEqual({ conversations: [], messages: [], attachments: [], files: [] });
  });
});
