import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import type { AgentRef, Author, ServerFrame } from "../../protocol/frames";
import { MESSAGE_COLUMNS, messageValues } from "../../worker/db/message-columns";
import type { TimerName } from "../../durable-objects/room-schedule";
import { roomFor } from "../../worker/rooms";
import { createWorkspace, signIn, startConversation, TestSocket } from "./fixtures";

export type RoomSocket = TestSocket<ServerFrame>;

const stubs: ReturnType<typeof roomFor>[] = [];

/** A conversation started by a visitor through the widget API, with a visitor and an agent socket on it. */
export async function liveConversation(config: Record<string, unknown> = {}) {
  const ws = await createWorkspace({ config });
  const { conversation, token } = await startConversation(ws);
  const visitor = await TestSocket.visitor(conversation.id, token);
  const agentCookie = await signIn(ws);
  const agentSocket = await TestSocket.agent(conversation.id, agentCookie);
  const ready = agentSocket.ofType("ready")[0]!;
  const agent: AgentRef = { id: ready.author.id!, name: ready.author.name };
  const room = roomFor(env, conversation.id);
  stubs.push(room);
  return { ws, conversation, token, visitor, agentSocket, agentCookie, agent, room };
}

/** The same, with the agent already in the chat. */
export async function acceptedConversation(config: Record<string, unknown> = {}) {
  const live = await liveConversation(config);
  expect(await live.room.accept(live.agent)).toBe(true);
  await live.visitor.next((f) => f.type === "status" && f.status === "active");
  return live;
}

export const newClientId = () => crypto.randomUUID();

/** The first frame after the socket's first `from` frames that matches. */
export function frameAfter<T extends ServerFrame["type"]>(socket: RoomSocket, from: number, match: (f: ServerFrame) => boolean) {
  return socket.next<T>((f) => socket.frames.indexOf(f) >= from && match(f));
}

/**
 * Waits until the room has answered everything sent before: the room handles one socket's
 * frames in order, so its answer to an empty resume comes after every frame they caused.
 */
export async function settled(socket: RoomSocket): Promise<void> {
  const from = socket.frames.length;
  socket.send({ type: "resume", since: 1_000_000 });
  await frameAfter(socket, from, (f) => f.type === "history");
}

export async function sendMessage(socket: RoomSocket, body: string): Promise<number> {
  const clientId = newClientId();
  socket.send({ type: "send", clientId, body });
  return (await socket.next<"ack">((f) => f.type === "ack" && f.clientId === clientId)).seq;
}

export async function sendAndExpectError(socket: RoomSocket, frame: unknown) {
  const from = socket.frames.length;
  socket.send(frame);
  return frameAfter<"error">(socket, from, (f) => f.type === "error");
}

export function timer(room: ReturnType<typeof roomFor>, name: TimerName) {
  return runInDurableObject(room, (_instance, state) =>
    state.storage.sql
      .exec<{ due_at: number }>("SELECT due_at FROM schedule WHERE name = ?", name)
      .toArray()
      .map((r) => r.due_at)[0] ?? null,
  );
}

/**
 * Changes a room's storage behind its back, as a crash or the passing of time would, then evicts
 * it: the room keeps what it wrote in memory, so only a fresh instance reads the change, just as
 * only a restarted one would.
 */
export async function editStorage(
  room: ReturnType<typeof roomFor>,
  edit: (storage: DurableObjectStorage) => unknown,
): Promise<void> {
  await runInDurableObject(room, (_instance, state) => edit(state.storage));
  await evictDurableObject(room);
}

/**
 * Gives a room a long history at once, as months of chat would: written straight into its
 * storage (its send limits would pace a test at a person's speed), then read by a fresh instance,
 * which copies the new messages to D1 like any others. Returns the newest seq.
 */
export async function fillHistory(
  room: ReturnType<typeof roomFor>,
  count: number,
  author: Author = { type: "agent", id: null, name: "Bot" },
): Promise<number> {
  let last = 0;
  await editStorage(room, (storage) => {
    const from = storage.sql.exec<{ s: number }>("SELECT COALESCE(MAX(seq), 0) AS s FROM messages").one().s;
    for (let i = 1; i <= count; i++) {
      const seq = from + i;
      const values = messageValues({ seq, clientId: `history-${seq}-${crypto.randomUUID()}`, author, body: `n${seq}`, createdAt: Date.now() });
      storage.sql.exec(`INSERT INTO messages (${MESSAGE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, ...values);
    }
    last = from + count;
  });
  return last;
}

/**
 * Starts a room's rate buckets afresh, as a restart does (they live in its memory): for tests that
 * send far more frames than a person would, to check something other than the rate limits, which
 * attack-room-limits.test.ts covers. The sockets survive, as they do a hibernation.
 */
export async function freshBuckets(room: ReturnType<typeof roomFor>): Promise<void> {
  await evictDurableObject(room);
}

/** Makes a timer due now and runs the room's alarm, as if its time had come. */
export async function fireTimer(room: ReturnType<typeof roomFor>, name: TimerName): Promise<void> {
  await editStorage(room, async (storage) => {
    const moved = storage.sql.exec("UPDATE schedule SET due_at = ? WHERE name = ?", Date.now() - 1, name).rowsWritten;
    if (moved !== 1) throw new Error(`timer ${name} is not set`);
    // Far enough ahead that the runtime does not fire it on its own while the test runs it.
    await storage.setAlarm(Date.now() + 60_000);
  });
  if (!(await runDurableObjectAlarm(room))) throw new Error("the room's alarm did not run");
}

/**
 * Lets `ms` pass as far as the room can tell: every time it has stored (its messages' and its
 * timers') moves back by `ms`, then its alarm runs whatever that made due.
 */
export async function passTime(room: ReturnType<typeof roomFor>, ms: number): Promise<void> {
  await editStorage(room, async (storage) => {
    storage.sql.exec("UPDATE messages SET created_at = created_at - ?", ms);
    storage.sql.exec("UPDATE schedule SET due_at = due_at - ?", ms);
    await storage.setAlarm(Date.now() + 60_000);
  });
  if (!(await runDurableObjectAlarm(room))) throw new Error("the room's alarm did not run");
}

/** Polls until `probe` returns a value: for work the room does on its own alarm. */
export async function eventually<T>(probe: () => Promise<T | null>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}

export type OutboxEmail = { template: string; to_address: string; idempotency_key: string; status: string; subject: string; text_body: string };

export async function emailsOf(workspaceId: string): Promise<OutboxEmail[]> {
  const { results } = await env.DB.prepare(
    "SELECT template, to_address, idempotency_key, status, subject, text_body FROM email_outbox WHERE workspace_id = ? ORDER BY created_at, idempotency_key",
  )
    .bind(workspaceId)
    .all<OutboxEmail>();
  return results;
}

export async function conversationRow(workspaceId: string, conversationId: string) {
  return env.DB.prepare(
    "SELECT status, agent_id, ended_at, ended_reason, satisfied, rating, feedback_comment FROM conversations WHERE workspace_id = ? AND id = ?",
  )
    .bind(workspaceId, conversationId)
    .first<{
      status: string;
      agent_id: string | null;
      ended_at: number | null;
      ended_reason: string | null;
      satisfied: number | null;
      rating: number | null;
      feedback_comment: string | null;
    }>();
}

/** Timers survive between the tests of a file; the rooms of a finished test must not fire later. */
export async function silenceRooms(): Promise<void> {
  for (const room of stubs.splice(0)) {
    const timers = await runInDurableObject(room, (_instance, state) => state.storage.sql.exec("SELECT 1 FROM schedule").toArray().length);
    if (timers === 0) continue;
    await editStorage(room, async (storage) => {
      storage.sql.exec("DELETE FROM schedule");
      await storage.deleteAlarm();
    });
  }
}
