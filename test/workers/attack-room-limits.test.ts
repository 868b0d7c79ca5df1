import { evictDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import type { ServerFrame } from "../../protocol/frames";
import { LIMITS } from "../../protocol/limits";
import { roomFor } from "../../worker/rooms";
import { TestSocket } from "./fixtures";
import {
  acceptedConversation,
  editStorage,
  fillHistory,
  frameAfter,
  liveConversation,
  newClientId,
  sendMessage,
  settled,
  silenceRooms,
  type RoomSocket,
} from "./room-helpers";

afterEach(silenceRooms);

const visitorSend = LIMITS.frames.visitor.send;

/** Sends `n` messages at once, as a script would, and sorts the answers into acks and refusals. */
async function flood(socket: RoomSocket, n: number) {
  const from = socket.frames.length;
  const ids: string[] = Array.from({ length: n }, () => newClientId());
  for (const [i, clientId] of ids.entries()) socket.send({ type: "send", clientId, body: `spam ${i}` });
  const answered = (f: ServerFrame) => (f.type === "ack" || f.type === "error") && ids.includes(f.clientId ?? "");
  await socket.next((f) => socket.frames.slice(from).filter(answered).length === n || false, 5000).catch(() => null);
  const answers = socket.frames.slice(from).filter(answered);
  expect(answers).toHaveLength(n);
  return {
    ids,
    acked: answers.filter((f) => f.type === "ack"),
    refused: answers.filter((f): f is Extract<ServerFrame, { type: "error" }> => f.type === "error"),
  };
}

const bodies = async (room: ReturnType<typeof roomFor>, type: "visitor" | "agent") =>
  (await room.history(0)).filter((m) => m.author.type === type).map((m) => m.body);

describe("a visitor flooding a room over a real socket", () => {
  it("gets the burst through, then rate_limited with retry_after_ms for each of the rest, which change nothing", async () => {
    const live = await acceptedConversation();
    const before = await bodies(live.room, "visitor");
    // The question that started the chat was the first message of the visitor's burst.
    const burst = visitorSend.burst - 1;
    const { acked, refused, ids } = await flood(live.visitor, 30);
    expect(acked).toHaveLength(burst);
    expect(refused).toHaveLength(30 - burst);
    for (const r of refused) {
      expect(r).toMatchObject({ code: "rate_limited", message: expect.stringMatching(/slow down/) });
      expect(r.retry_after_ms).toBeGreaterThan(0);
      expect(r.retry_after_ms).toBeLessThanOrEqual(1000 / visitorSend.perSecond + 50);
    }
    // The first ten in order, none of the others, and the agent saw exactly those.
    expect(await bodies(live.room, "visitor")).toEqual([...before, ...Array.from({ length: burst }, (_, i) => `spam ${i}`)]);
    await settled(live.agentSocket);
    const heard = live.agentSocket.ofType("message").filter((f) => ids.includes(f.message.clientId));
    expect(heard).toHaveLength(burst);
    // The socket stays open, and the agent in the same room is not slowed by the visitor's flood.
    expect(live.visitor.ws.readyState).toBe(WebSocket.OPEN);
    expect(await sendMessage(live.agentSocket, "still here")).toBeGreaterThan(0);
  });

  it("a refused message is taken when it is sent again after retry_after_ms, once, and before anything sent after it", async () => {
    const live = await acceptedConversation();
    const { refused } = await flood(live.visitor, visitorSend.burst + 1);
    const [first, second] = refused;
    // Even once a token is back, the second cannot overtake the first: the sender is held until the time it was told.
    await new Promise((r) => setTimeout(r, first!.retry_after_ms! + 20));
    live.visitor.send({ type: "send", clientId: first!.clientId!, body: "spam again" });
    live.visitor.send({ type: "send", clientId: first!.clientId!, body: "spam again" });
    const ack = await live.visitor.next<"ack">((f) => f.type === "ack" && f.clientId === first!.clientId);
    const acks = live.visitor.ofType("ack").filter((f) => f.clientId === first!.clientId);
    expect(new Set(acks.map((a) => a.seq)).size).toBe(1);
    const history = await live.room.history(0);
    expect(history.filter((m) => m.clientId === first!.clientId)).toHaveLength(1);
    expect(history.some((m) => m.clientId === second!.clientId)).toBe(false);
    expect(history.at(-1)!.seq).toBe(ack.seq);
  });

  it("typing, read, end, reopen and feedback floods are refused past their bursts; the agent hears only the allowed ones", async () => {
    const live = await acceptedConversation();
    const agentFrom = live.agentSocket.frames.length;
    const from = live.visitor.frames.length;
    const n = LIMITS.frames.visitor.typing.burst + 10;
    for (let i = 0; i < n; i++) live.visitor.send({ type: "typing", active: i % 2 === 0 });
    await live.visitor.next(() => live.visitor.frames.slice(from).filter((f) => f.type === "error").length >= 10);
    const errors = live.visitor.frames.slice(from).filter((f) => f.type === "error");
    expect(errors.every((e) => e.type === "error" && e.code === "rate_limited" && (e.retry_after_ms ?? 0) > 0)).toBe(true);
    await new Promise((r) => setTimeout(r, 100));
    const typing = live.agentSocket.frames.slice(agentFrom).filter((f) => f.type === "typing");
    expect(typing.length).toBeLessThanOrEqual(LIMITS.frames.visitor.typing.burst + 1);

    // Feedback before the end is not allowed at all; past the burst it is not even looked at.
    const fbFrom = live.visitor.frames.length;
    for (let i = 0; i < 6; i++) live.visitor.send({ type: "feedback", feedback: { satisfied: true, rating: 5, comment: "" } });
    await live.visitor.next(() => live.visitor.frames.slice(fbFrom).filter((f) => f.type === "error").length === 6);
    const codes = live.visitor.frames.slice(fbFrom).flatMap((f) => (f.type === "error" ? [f.code] : []));
    const burst = LIMITS.frames.visitor.feedback.burst;
    expect(codes).toEqual([...Array<string>(burst).fill("not_allowed"), ...Array<string>(6 - burst).fill("rate_limited")]);
    expect((await live.room.snapshot()).feedback).toBeNull();
    expect(live.visitor.ws.readyState).toBe(WebSocket.OPEN);
  });

  it("one visitor's flood does not slow another conversation's visitor", async () => {
    const noisy = await acceptedConversation();
    const quiet = await acceptedConversation();
    await flood(noisy.visitor, 30);
    const { acked } = await flood(quiet.visitor, visitorSend.burst - 1);
    expect(acked).toHaveLength(visitorSend.burst - 1);
  });
});

describe("totals a conversation may not pass", () => {
  it(`at ${LIMITS.conversation.maxMessages} messages it takes no more, from anyone, but still acks a retry of one it has`, async () => {
    const live = await acceptedConversation();
    const kept = await sendMessage(live.visitor, "before the cap");
    const mine = (await live.room.history(0)).find((m) => m.seq === kept)!;
    await fillHistory(live.room, LIMITS.conversation.maxMessages - (await live.room.snapshot()).lastSeq);
    expect((await live.room.snapshot()).lastSeq).toBe(LIMITS.conversation.maxMessages);
    for (const socket of [live.visitor, live.agentSocket]) {
      const from = socket.frames.length;
      socket.send({ type: "send", clientId: newClientId(), body: "one more" });
      const err = await frameAfter<"error">(socket, from, (f) => f.type === "error");
      expect(err).toMatchObject({ code: "limit_reached", message: expect.stringMatching(/5000 messages/) });
    }
    const api = await live.room.post({ type: "agent", id: null, name: "Bot" }, newClientId(), "via the API", undefined, true);
    expect(api).toMatchObject({ ok: false, code: "limit_reached" });
    live.visitor.send({ type: "send", clientId: mine.clientId, body: mine.body });
    expect((await live.visitor.next<"ack">((f) => f.type === "ack" && f.clientId === mine.clientId)).seq).toBe(kept);
    expect((await live.room.snapshot()).lastSeq).toBe(LIMITS.conversation.maxMessages);
    // The agent can still end it: system lines are not messages anyone can flood with.
    live.agentSocket.send({ type: "end" });
    await live.visitor.next((f) => f.type === "status" && f.status === "ended");
  }, 30_000);

  it(`a chat is reopened at most ${LIMITS.conversation.maxReopens} times`, async () => {
    const live = await acceptedConversation();
    for (let i = 0; i <= LIMITS.conversation.maxReopens; i++) {
      // A fresh instance each round: the slow end/reopen buckets would pace this test by minutes.
      await evictDurableObject(live.room);
      const from = live.visitor.frames.length;
      live.visitor.send({ type: "end" });
      await frameAfter(live.visitor, from, (f) => f.type === "status" && f.status === "ended");
      const at = live.visitor.frames.length;
      live.visitor.send({ type: "reopen" });
      const answer = await frameAfter(live.visitor, at, (f) => (f.type === "status" && f.status === "active") || f.type === "error");
      if (i < LIMITS.conversation.maxReopens) expect(answer.type).toBe("status");
      else expect(answer).toMatchObject({ type: "error", code: "limit_reached", message: expect.stringMatching(/at most 5 times/) });
    }
    expect((await live.room.snapshot()).status).toBe("ended");
    const reopened = (await live.room.history(0)).filter((m) => m.event?.kind === "reopened");
    expect(reopened).toHaveLength(LIMITS.conversation.maxReopens);
  }, 30_000);

  it("files: the count and the bytes of a conversation's attachments are capped, whoever uploads", async () => {
    const live = await acceptedConversation();
    const file = (size: number) => ({ id: crypto.randomUUID(), name: "a.pdf", contentType: "application/pdf", size, url: "/x" });
    const visitor = { type: "visitor" as const, id: null, name: "Vera" };
    expect(await live.room.post(visitor, newClientId(), "", file(1024))).toMatchObject({ ok: true });
    // Fill up to the byte cap behind the room's back (uploads are paced too), then one byte more is refused.
    const big = LIMITS.conversation.maxAttachmentBytes - 1024;
    await editStorage(live.room, (storage) => {
      const seq = storage.sql.exec<{ s: number }>("SELECT MAX(seq) AS s FROM messages").one().s + 1;
      storage.sql.exec(
        "INSERT INTO messages (seq, client_id, author_type, author_id, author_name, body, created_at, attachment) VALUES (?, ?, 'agent', NULL, 'Bot', '', ?, ?)",
        seq,
        newClientId(),
        Date.now(),
        JSON.stringify(file(big)),
      );
    });
    const over = await live.room.post(visitor, newClientId(), "", file(1));
    expect(over).toMatchObject({ ok: false, code: "limit_reached", message: expect.stringMatching(/MB of files/) });
    // Plain messages still go through.
    expect(await sendMessage(live.visitor, "text is fine")).toBeGreaterThan(0);

    const counted = await acceptedConversation();
    await editStorage(counted.room, (storage) => {
      for (let i = 0; i < LIMITS.conversation.maxAttachments; i++) {
        const seq = storage.sql.exec<{ s: number }>("SELECT MAX(seq) AS s FROM messages").one().s + 1;
        storage.sql.exec(
          "INSERT INTO messages (seq, client_id, author_type, author_id, author_name, body, created_at, attachment) VALUES (?, ?, 'visitor', NULL, 'Vera', '', ?, ?)",
          seq,
          newClientId(),
          Date.now(),
          JSON.stringify(file(10)),
        );
      }
    });
    expect(await counted.room.post(visitor, newClientId(), "", file(10))).toMatchObject({ ok: false, code: "limit_reached", message: expect.stringMatching(/100 files/) });
  });
});

describe("sockets per principal", () => {
  it(`a visitor may hold ${LIMITS.conversation.socketsPerPrincipal} sockets on one conversation; the next is refused with 429, and the agent can still connect`, async () => {
    const live = await liveConversation();
    const extra: TestSocket[] = [];
    for (let i = 1; i < LIMITS.conversation.socketsPerPrincipal; i++) extra.push(await TestSocket.visitor(live.conversation.id, live.token));
    const refused = await TestSocket.visitor(live.conversation.id, live.token).then(
      () => null,
      (err: Error) => err.message,
    );
    expect(refused).toMatch(/^no socket: 429 .*too_many_sockets/);
    const agent2 = await TestSocket.agent(live.conversation.id, live.agentCookie);
    expect(agent2.ofType("ready")).toHaveLength(1);
    // Closing one tab makes room for another.
    extra[0]!.close();
    await new Promise((r) => setTimeout(r, 100));
    const again = await TestSocket.visitor(live.conversation.id, live.token);
    expect(again.ofType("ready")).toHaveLength(1);
    for (const s of [...extra, again, agent2]) s.close();
  });
});
