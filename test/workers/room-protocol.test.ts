import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { roomFor } from "../../worker/rooms";
import { createWorkspace, signIn, startConversation, TestSocket } from "./fixtures";
import { editStorage, fillHistory } from "./room-helpers";

async function setup() {
  const ws = await createWorkspace();
  const { conversation, token } = await startConversation(ws);
  const visitor = await TestSocket.visitor(conversation.id, token);
  const agent = await TestSocket.agent(conversation.id, await signIn(ws));
  return { ws, conversation, token, visitor, agent };
}

const id = () => crypto.randomUUID();

/** Polls until `probe` returns a value: for work the room does on its own alarm. */
async function eventually<T>(probe: () => Promise<T | null>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("a conversation's room", () => {
  it("greets a socket with its identity and the last sequence number", async () => {
    const { visitor, agent } = await setup();
    const ready = await visitor.next<"ready">((f) => f.type === "ready");
    expect(ready).toMatchObject({
      lastSeq: 1,
      status: "queued",
      agent: null,
      endedBy: null,
      feedback: null,
      read: { visitor: 0, agent: 0 },
    });
    expect(ready.author).toEqual({ type: "visitor", id: null, name: "Vera Visitor" });
    expect((await agent.next<"ready">((f) => f.type === "ready")).author.type).toBe("agent");
  });

  it("acks the sender and delivers to the other party, numbering messages in order", async () => {
    const { visitor, agent } = await setup();
    const ids = [id(), id(), id()];
    for (const [i, clientId] of ids.entries()) visitor.send({ type: "send", clientId, body: `message ${i}` });
    for (const clientId of ids) await visitor.next((f) => f.type === "ack" && f.clientId === clientId);
    const acks = visitor.ofType("ack").map((a) => a.seq);
    expect(acks).toEqual([2, 3, 4]);
    await agent.next((f) => f.type === "message" && f.message.seq === 4);
    const delivered = agent.ofType("message").map((m) => [m.message.seq, m.message.body, m.message.author.type]);
    expect(delivered).toEqual([
      [2, "message 0", "visitor"],
      [3, "message 1", "visitor"],
      [4, "message 2", "visitor"],
    ]);
    // The sender gets an ack, not a second copy of its own message.
    expect(visitor.ofType("message")).toEqual([]);
  });

  it("stores and delivers a message sent twice (a retry after a lost ack) only once", async () => {
    const { visitor, agent } = await setup();
    const clientId = id();
    visitor.send({ type: "send", clientId, body: "only once" });
    visitor.send({ type: "send", clientId, body: "only once" });
    await visitor.next((f) => f.type === "ack" && f.clientId === clientId);
    await new Promise((r) => setTimeout(r, 100));
    const acks = visitor.ofType("ack");
    expect(acks).toHaveLength(2);
    expect(acks[0]!.seq).toBe(acks[1]!.seq);
    expect(agent.ofType("message")).toHaveLength(1);
    visitor.send({ type: "resume", since: 0 });
    const history = await visitor.next<"history">((f) => f.type === "history");
    expect(history.messages.map((m) => m.body)).toEqual(["I cannot log in to the portal", "only once"]);
  });

  it("refuses a clientId that another author already used", async () => {
    const { visitor, agent } = await setup();
    const clientId = id();
    visitor.send({ type: "send", clientId, body: "mine" });
    await visitor.next((f) => f.type === "ack");
    agent.send({ type: "send", clientId, body: "hijack" });
    const err = await agent.next<"error">((f) => f.type === "error");
    expect(err).toMatchObject({ code: "bad_frame", clientId });
  });

  it("resumes after a reconnect with everything after the last seen sequence, in order", async () => {
    const { conversation, token, visitor, agent } = await setup();
    visitor.close();
    for (let i = 0; i < 5; i++) agent.send({ type: "send", clientId: id(), body: `while away ${i}` });
    await agent.next((f) => f.type === "ack" && f.seq === 6);
    const back = await TestSocket.visitor(conversation.id, token);
    back.send({ type: "resume", since: 3 });
    const history = await back.next<"history">((f) => f.type === "history");
    expect(history.messages.map((m) => m.seq)).toEqual([4, 5, 6]);
    expect(history.messages.map((m) => m.body)).toEqual(["while away 2", "while away 3", "while away 4"]);
    expect(history.more).toBe(false);
  });

  it("pages a long history so a resume never sends one huge frame", async () => {
    const { conversation, token, agent } = await setup();
    expect(await fillHistory(roomFor(env, conversation.id), 250)).toBe(251);
    const back = await TestSocket.visitor(conversation.id, token);
    back.send({ type: "resume", since: 0 });
    const first = await back.next<"history">((f) => f.type === "history");
    expect(first.messages).toHaveLength(200);
    expect(first.more).toBe(true);
    expect(first.messages.map((m) => m.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    back.send({ type: "resume", since: 200 });
    const rest = await back.next<"history">((f) => f.type === "history" && f.messages[0]?.seq === 201);
    expect(rest.messages).toHaveLength(51);
    expect(rest.more).toBe(false);
    agent.close();
  }, 20_000);

  it("keeps acknowledged messages across an eviction, and sockets survive hibernation", async () => {
    const { conversation, visitor, agent } = await setup();
    const clientId = id();
    visitor.send({ type: "send", clientId, body: "durable?" });
    await visitor.next((f) => f.type === "ack" && f.clientId === clientId);
    const stub = roomFor(env, conversation.id);
    await evictDurableObject(stub);
    // The hibernated sockets still work, and the room rebuilt its state from storage.
    agent.send({ type: "send", clientId: id(), body: "after eviction" });
    const ack = await agent.next<"ack">((f) => f.type === "ack");
    expect(ack.seq).toBe(3);
    await visitor.next((f) => f.type === "message" && f.message.body === "after eviction");
    expect((await stub.history(0)).map((m) => m.body)).toEqual(["I cannot log in to the portal", "durable?", "after eviction"]);
  });

  it("copies history to D1 by alarm, idempotently by (conversation, seq)", async () => {
    const { ws, conversation, visitor } = await setup();
    visitor.send({ type: "send", clientId: id(), body: "to the archive" });
    await visitor.next((f) => f.type === "ack");
    const stub = roomFor(env, conversation.id);
    const rows = await eventually(async () => {
      const { results } = await env.DB.prepare(
        "SELECT seq, body FROM messages WHERE workspace_id = ? AND conversation_id = ? ORDER BY seq",
      )
        .bind(ws.workspaceId, conversation.id)
        .all();
      return results.length === 2 ? results : null;
    });
    expect(rows).toEqual([
      { seq: 1, body: "I cannot log in to the portal" },
      { seq: 2, body: "to the archive" },
    ]);
    const summary = await env.DB.prepare("SELECT last_seq, last_author_name FROM conversations WHERE id = ?")
      .bind(conversation.id)
      .first();
    expect(summary).toEqual({ last_seq: 2, last_author_name: "Vera Visitor" });

    // A crash after writing to D1 but before recording it: the replay must not duplicate anything.
    await editStorage(stub, (storage) => {
      storage.sql.exec("UPDATE conversation SET synced_seq = 0");
      storage.sql.exec("INSERT INTO schedule (name, due_at) VALUES ('sync', 0)");
      return storage.setAlarm(Date.now());
    });
    await eventually(() =>
      runInDurableObject(stub, (_room, state) =>
        state.storage.sql.exec<{ s: number }>("SELECT synced_seq AS s FROM conversation").one().s === 2 ? true : null,
      ),
    );
    const count = await env.DB.prepare("SELECT COUNT(*) AS n FROM messages WHERE conversation_id = ?")
      .bind(conversation.id)
      .first<{ n: number }>();
    expect(count?.n).toBe(2);
  });

  it("retries a failed D1 write later instead of dropping history", async () => {
    const { conversation, visitor } = await setup();
    visitor.send({ type: "send", clientId: id(), body: "retry me" });
    await visitor.next((f) => f.type === "ack");
    const stub = roomFor(env, conversation.id);
    await env.DB.exec("ALTER TABLE messages RENAME TO messages_away");
    try {
      const retry = await eventually(() =>
        runInDurableObject(stub, (_room, state) =>
          state.storage.sql
            .exec<{ attempts: number; due_at: number }>("SELECT attempts, due_at FROM schedule WHERE name = 'sync'")
            .toArray()
            .find((r) => r.attempts === 1) ?? null,
        ),
      );
      // The first retry waits about a second: backoff, not a hot loop.
      expect(retry.due_at).toBeGreaterThan(Date.now() - 500);
    } finally {
      await env.DB.exec("ALTER TABLE messages_away RENAME TO messages");
    }
    await editStorage(stub, async (storage) => {
      storage.sql.exec("UPDATE schedule SET due_at = 0");
      await storage.setAlarm(Date.now());
    });
    const count = await eventually(async () => {
      const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM messages WHERE conversation_id = ?")
        .bind(conversation.id)
        .first<{ n: number }>();
      return row?.n === 2 ? row.n : null;
    });
    expect(count).toBe(2);
  });

  describe("bad frames get an error frame and change nothing", () => {
    const cases: [string, unknown, string][] = [
      ["not JSON", "{nope", "bad_frame"],
      ["an unknown type", { type: "explode" }, "bad_frame"],
      ["an empty body", { type: "send", clientId: "abcdefgh12", body: "   " }, "bad_frame"],
      ["a too-long body", { type: "send", clientId: "abcdefgh12", body: "x".repeat(4001) }, "bad_frame"],
      ["a short clientId", { type: "send", clientId: "a", body: "hi" }, "bad_frame"],
      ["a negative resume", { type: "resume", since: -1 }, "bad_frame"],
      ["a fractional resume", { type: "resume", since: 1.5 }, "bad_frame"],
      ["an oversized frame", { type: "send", clientId: "abcdefgh12", body: "y".repeat(20_000) }, "frame_too_large"],
    ];
    it.each(cases)("%s", async (_name, frame, code) => {
      const { conversation, visitor, agent } = await setup();
      visitor.send(frame);
      const err = await visitor.next<"error">((f) => f.type === "error");
      expect(err.code).toBe(code);
      expect(err.message.length).toBeGreaterThan(3);
      expect(agent.ofType("message")).toEqual([]);
      expect(await roomFor(env, conversation.id).history(0)).toHaveLength(1);
      // The socket stays usable after a bad frame.
      visitor.send({ type: "send", clientId: id(), body: "still here" });
      expect((await visitor.next<"ack">((f) => f.type === "ack")).seq).toBe(2);
    });

    it("a binary frame", async () => {
      const { visitor } = await setup();
      visitor.ws.send(new Uint8Array([1, 2, 3]));
      expect((await visitor.next<"error">((f) => f.type === "error")).code).toBe("bad_frame");
    });
  });
});
