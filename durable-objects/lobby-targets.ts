import type { OpeningHours } from "../protocol/channel";
import { instantOf, localDayOf, weekdayOf } from "../worker/reports/zone";

/**
 * Response-time targets of the chats in one lobby: when a waiting chat passes the channel's
 * waiting target, and an accepted one its first-response target. A row is the one alert still
 * owed; it goes once the alert is out, and the alerts carry idempotency keys, so a replayed alarm
 * alerts once. The
 * clock runs in opening hours only (`businessDeadline`), like the reports' durations.
 */
export type TargetKind = "wait" | "first_response";
export type DueTarget = { conversationId: string; kind: TargetKind; dueAt: number; startedAt: number; agentId: string | null };

const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
const minutesOf = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
/** A channel closed for longer than this after a chat came has no deadline worth keeping. */
const MAX_DAYS = 21;

/**
 * The instant at which `ms` of opening hours have passed since `start`; `start + ms` for a channel
 * always open, and null when the channel does not open for that long in the next three weeks.
 *
 * @example businessDeadline(monToFri9to17, fridayAt16, 2 * 3600_000) // Monday 10:00
 */
export function businessDeadline(hours: OpeningHours | null, start: number, ms: number): number | null {
  if (hours === null) return start + ms;
  const { timeZone } = hours;
  const first = localDayOf(timeZone, start) - 1;
  const spans: [number, number][] = [];
  for (let day = first; day <= first + MAX_DAYS; day++) {
    for (const [from, to] of hours.days[WEEKDAYS[weekdayOf(day)]!] ?? []) {
      const open = minutesOf(from);
      const close = minutesOf(to) > open ? minutesOf(to) : 1440 + minutesOf(to);
      const a = instantOf(timeZone, day + Math.floor(open / 1440), open % 1440);
      const b = instantOf(timeZone, day + Math.floor(close / 1440), close % 1440);
      if (b > start) spans.push([Math.max(a, start), b]);
    }
  }
  spans.sort((x, y) => x[0] - y[0]);
  let left = ms;
  let reached = start;
  for (const [a, b] of spans) {
    const from = Math.max(a, reached);
    if (b <= from) continue;
    if (b - from >= left) return from + left;
    left -= b - from;
    reached = b;
  }
  return null;
}

export class LobbyTargets {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`
      CREATE TABLE IF NOT EXISTS targets (
        conversation_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        due_at INTEGER NOT NULL,
        started_at INTEGER NOT NULL,
        agent_id TEXT,
        PRIMARY KEY (conversation_id, kind)
      );
    `);
  }

  set(target: DueTarget): void {
    this.sql.exec(
      `INSERT INTO targets (conversation_id, kind, due_at, started_at, agent_id) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (conversation_id, kind) DO UPDATE SET due_at = excluded.due_at, started_at = excluded.started_at, agent_id = excluded.agent_id`,
      target.conversationId,
      target.kind,
      target.dueAt,
      target.startedAt,
      target.agentId,
    );
  }

  dueAt(conversationId: string, kind: TargetKind): number | null {
    return (
      this.sql
        .exec<{ due_at: number }>("SELECT due_at FROM targets WHERE conversation_id = ? AND kind = ?", conversationId, kind)
        .toArray()[0]?.due_at ?? null
    );
  }

  /** The chat no longer owes this target (it was accepted, answered, or ended). */
  clear(conversationId: string, kind?: TargetKind): void {
    if (kind) this.sql.exec("DELETE FROM targets WHERE conversation_id = ? AND kind = ?", conversationId, kind);
    else this.sql.exec("DELETE FROM targets WHERE conversation_id = ?", conversationId);
  }

  /** The targets due by `now`; each is cleared once its alert went out (the alerts are idempotent). */
  due(now: number): DueTarget[] {
    return this.sql
      .exec<{ conversation_id: string; kind: TargetKind; due_at: number; started_at: number; agent_id: string | null }>(
        "SELECT * FROM targets WHERE due_at <= ? ORDER BY due_at",
        now,
      )
      .toArray()
      .map((r) => ({ conversationId: r.conversation_id, kind: r.kind, dueAt: r.due_at, startedAt: r.started_at, agentId: r.agent_id }));
  }

  /** An alert that could not go out is tried again later. */
  postpone(conversationId: string, kind: TargetKind, dueAt: number): void {
    this.sql.exec("UPDATE targets SET due_at = ? WHERE conversation_id = ? AND kind = ?", dueAt, conversationId, kind);
  }

  earliestDue(): number | null {
    return this.sql.exec<{ due: number | null }>("SELECT MIN(due_at) AS due FROM targets").one().due;
  }
}
