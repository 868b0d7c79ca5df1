import type { AgentRef } from "../protocol/frames";
import type { QueuedItem } from "../protocol/lobby";

/**
 * The lobby's own SQLite: each agent's "Available for chat" switch, the waiting queue in enqueue
 * order, the seats held for chats being started, who took what, the consoles' version and the one
 * timer. Every method is synchronous, so a check and the write that follows it cannot interleave
 * with another request: that is what lets exactly one accept win, and the cap hold.
 */
export type QueueRow = QueuedItem & {
  enqueuedAt: number;
  /** Orders the queue; kept when an item is put back after a failed accept. */
  order: number;
  /** The position the room was last told, so only changes are pushed. */
  pushedPosition: number | null;
};

type RawQueueRow = {
  conversation_id: string;
  ord: number;
  subject: string;
  contact_name: string;
  topic: string | null;
  assigned_agent_id: string | null;
  team_agent_ids: string | null;
  enqueued_at: number;
  pushed_position: number | null;
};

const toQueueRow = (r: RawQueueRow): QueueRow => ({
  conversationId: r.conversation_id,
  order: r.ord,
  subject: r.subject,
  contactName: r.contact_name,
  topic: r.topic,
  assignedAgentId: r.assigned_agent_id,
  teamAgentIds: r.team_agent_ids === null ? null : (JSON.parse(r.team_agent_ids) as string[]),
  enqueuedAt: r.enqueued_at,
  pushedPosition: r.pushed_position,
});

/** Acceptance records outlive the accept only to make a late, repeated enqueue harmless. */
const ACCEPTED_RETENTION_MS = 24 * 60 * 60_000;
/**
 * How long a seat waits for its enqueue. Starting a chat takes well under a second; a seat whose
 * start failed without releasing it (the Worker died midway) stops counting after this.
 */
const SEAT_TTL_MS = 30_000;

export class LobbyStore {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`
      CREATE TABLE IF NOT EXISTS availability (
        agent_id TEXT PRIMARY KEY,
        available INTEGER NOT NULL
      );
      -- AUTOINCREMENT never reuses an ord, so an item put back keeps a place nobody else took.
      CREATE TABLE IF NOT EXISTS queue (
        ord INTEGER PRIMARY KEY AUTOINCREMENT,
        conversation_id TEXT NOT NULL UNIQUE,
        subject TEXT NOT NULL,
        contact_name TEXT NOT NULL,
        topic TEXT,
        assigned_agent_id TEXT,
        team_agent_ids TEXT,
        enqueued_at INTEGER NOT NULL,
        pushed_position INTEGER
      );
      CREATE TABLE IF NOT EXISTS accepted (
        conversation_id TEXT PRIMARY KEY,
        agent_id TEXT NOT NULL,
        agent_name TEXT NOT NULL,
        accepted_at INTEGER NOT NULL
      );
      -- A place in the queue held for a chat while the Worker creates it, so that concurrent starts cannot pass the cap together.
      CREATE TABLE IF NOT EXISTS seats (
        id TEXT PRIMARY KEY,
        expires_at INTEGER NOT NULL
      );
      -- Survives eviction, so that consoles connected across a wake-up see no false gap.
      CREATE TABLE IF NOT EXISTS meta (
        name TEXT PRIMARY KEY,
        value INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS schedule (
        name TEXT PRIMARY KEY,
        due_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0
      );
    `);
  }

  isAvailable(agentId: string): boolean {
    return this.sql.exec<{ available: number }>("SELECT available FROM availability WHERE agent_id = ?", agentId).toArray()[0]?.available === 1;
  }

  setAvailable(agentId: string, available: boolean): void {
    this.sql.exec(
      "INSERT INTO availability (agent_id, available) VALUES (?, ?) ON CONFLICT (agent_id) DO UPDATE SET available = excluded.available",
      agentId,
      available ? 1 : 0,
    );
  }

  /** The queue, first come first. */
  queue(): QueueRow[] {
    return this.sql.exec<RawQueueRow>("SELECT * FROM queue ORDER BY ord").toArray().map(toQueueRow);
  }

  queued(conversationId: string): QueueRow | null {
    const row = this.sql.exec<RawQueueRow>("SELECT * FROM queue WHERE conversation_id = ?", conversationId).toArray()[0];
    return row ? toQueueRow(row) : null;
  }

  /** The 1-based place of a queued conversation in the whole queue. */
  positionOf(conversationId: string): number | null {
    return (
      this.sql
        .exec<{ position: number }>(
          "SELECT (SELECT COUNT(*) FROM queue AS ahead WHERE ahead.ord <= q.ord) AS position FROM queue AS q WHERE q.conversation_id = ?",
          conversationId,
        )
        .toArray()[0]?.position ?? null
    );
  }

  /**
   * Holds a place for a chat about to be created, or null when the queue and the seats held
   * already make `cap`. The seat is given up by `enqueue` with it, by `release`, or by time.
   */
  reserve(cap: number, now: number): string | null {
    if (this.isFull(cap, now)) return null;
    const seat = crypto.randomUUID();
    this.sql.exec("INSERT INTO seats (id, expires_at) VALUES (?, ?)", seat, now + SEAT_TTL_MS);
    return seat;
  }

  release(seat: string): void {
    this.sql.exec("DELETE FROM seats WHERE id = ?", seat);
  }

  /** Whether the waiting conversations and the seats still held make `cap`. */
  isFull(cap: number, now: number): boolean {
    this.sql.exec("DELETE FROM seats WHERE expires_at <= ?", now);
    const { n } = this.sql.exec<{ n: number }>("SELECT (SELECT COUNT(*) FROM queue) + (SELECT COUNT(*) FROM seats) AS n").one();
    return n >= cap;
  }

  /** Adds to the end of the queue, giving up `seat`; false when it is already queued or was accepted. */
  enqueue(item: QueuedItem, now: number, seat?: string): boolean {
    if (seat !== undefined) this.release(seat);
    if (this.queued(item.conversationId) || this.acceptedBy(item.conversationId)) return false;
    this.insert({ ...item, order: null, enqueuedAt: now, pushedPosition: null });
    return true;
  }

  /** Puts back an item taken by an accept that could not finish, at its old place. */
  restore(row: QueueRow): void {
    this.sql.exec("DELETE FROM accepted WHERE conversation_id = ?", row.conversationId);
    this.insert({ ...row, pushedPosition: null });
  }

  dequeue(conversationId: string): boolean {
    return this.sql.exec("DELETE FROM queue WHERE conversation_id = ?", conversationId).rowsWritten > 0;
  }

  /** Takes the item out of the queue and records who took it, in one synchronous step. */
  take(conversationId: string, agent: AgentRef, now: number): void {
    this.sql.exec("DELETE FROM queue WHERE conversation_id = ?", conversationId);
    this.sql.exec("DELETE FROM accepted WHERE accepted_at < ?", now - ACCEPTED_RETENTION_MS);
    this.sql.exec(
      "INSERT INTO accepted (conversation_id, agent_id, agent_name, accepted_at) VALUES (?, ?, ?, ?)",
      conversationId,
      agent.id,
      agent.name,
      now,
    );
  }

  /** Forgets an accept the conversation refused (it had ended). */
  forgetAccept(conversationId: string): void {
    this.sql.exec("DELETE FROM accepted WHERE conversation_id = ?", conversationId);
  }

  acceptedBy(conversationId: string): AgentRef | null {
    const row = this.sql
      .exec<{ agent_id: string; agent_name: string }>("SELECT agent_id, agent_name FROM accepted WHERE conversation_id = ?", conversationId)
      .toArray()[0];
    return row ? { id: row.agent_id, name: row.agent_name } : null;
  }

  /** The consoles' version: how many changes they have been sent. */
  version(): number {
    return this.sql.exec<{ value: number }>("SELECT value FROM meta WHERE name = 'version'").toArray()[0]?.value ?? 0;
  }

  /** The count of available agents the consoles were last told. */
  announcedAgents(): number {
    return this.sql.exec<{ value: number }>("SELECT value FROM meta WHERE name = 'agents'").toArray()[0]?.value ?? 0;
  }

  setAnnouncedAgents(count: number): void {
    this.sql.exec("INSERT INTO meta (name, value) VALUES ('agents', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value", count);
  }

  /** Counts one more change and returns its version. */
  nextVersion(): number {
    return this.sql
      .exec<{ value: number }>(
        "INSERT INTO meta (name, value) VALUES ('version', 1) ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value",
      )
      .one().value;
  }

  markPushed(conversationId: string, position: number): void {
    this.sql.exec("UPDATE queue SET pushed_position = ? WHERE conversation_id = ?", position, conversationId);
  }

  schedule(name: string, dueAt: number, attempts = 0): void {
    this.sql.exec(
      "INSERT INTO schedule (name, due_at, attempts) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET due_at = excluded.due_at, attempts = excluded.attempts",
      name,
      dueAt,
      attempts,
    );
  }

  unschedule(name: string): void {
    this.sql.exec("DELETE FROM schedule WHERE name = ?", name);
  }

  timer(name: string): { dueAt: number; attempts: number } | null {
    const row = this.sql.exec<{ due_at: number; attempts: number }>("SELECT due_at, attempts FROM schedule WHERE name = ?", name).toArray()[0];
    return row ? { dueAt: row.due_at, attempts: row.attempts } : null;
  }

  earliestDue(): number | null {
    return this.sql.exec<{ due: number | null }>("SELECT MIN(due_at) AS due FROM schedule").one().due;
  }

  private insert(row: Omit<QueueRow, "order"> & { order: number | null }): void {
    this.sql.exec(
      `INSERT INTO queue (conversation_id, ord, subject, contact_name, topic, assigned_agent_id, team_agent_ids, enqueued_at, pushed_position)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      row.conversationId,
      row.order,
      row.subject,
      row.contactName,
      row.topic,
      row.assignedAgentId,
      row.teamAgentIds === null ? null : JSON.stringify(row.teamAgentIds),
      row.enqueuedAt,
      row.pushedPosition,
    );
  }
}
