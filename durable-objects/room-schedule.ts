/**
 * The room's timers, kept in its SQLite so they survive eviction; the room arms its one alarm for
 * the earliest of them. Synchronous, like the rest of the room's storage. The few rows are mirrored
 * in memory (the room is their only writer), so asking and re-asking costs no statement and a
 * write happens only when a timer really changes.
 */
export type TimerName = "sync" | "idle_warning" | "idle_close" | "survey" | "visitor_left" | "reply_email";

export type Timer = { name: TimerName; dueAt: number; attempts: number };

type TimerRow = { name: TimerName; due_at: number; attempts: number };

export class RoomSchedule {
  private readonly timers = new Map<TimerName, Timer>();

  constructor(private readonly sql: SqlStorage) {
    sql.exec(`
      CREATE TABLE IF NOT EXISTS schedule (
        name TEXT PRIMARY KEY,
        due_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0
      );
    `);
    for (const r of sql.exec<TimerRow>("SELECT name, due_at, attempts FROM schedule")) {
      this.timers.set(r.name, { name: r.name, dueAt: r.due_at, attempts: r.attempts });
    }
  }

  /** Sets a timer unless it is already due as soon or sooner. */
  atLatest(name: TimerName, dueAt: number): void {
    const current = this.timers.get(name);
    if (current && current.dueAt <= dueAt) return;
    this.set(name, dueAt, current?.attempts ?? 0);
  }

  /** Sets a timer to exactly this time, replacing any earlier setting. */
  set(name: TimerName, dueAt: number, attempts = 0): void {
    const current = this.timers.get(name);
    if (current && current.dueAt === dueAt && current.attempts === attempts) return;
    this.sql.exec(
      `INSERT INTO schedule (name, due_at, attempts) VALUES (?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET due_at = excluded.due_at, attempts = excluded.attempts`,
      name,
      dueAt,
      attempts,
    );
    this.timers.set(name, { name, dueAt, attempts });
  }

  cancel(name: TimerName): void {
    if (!this.timers.has(name)) return;
    this.sql.exec("DELETE FROM schedule WHERE name = ?", name);
    this.timers.delete(name);
  }

  get(name: TimerName): Timer | null {
    return this.timers.get(name) ?? null;
  }

  /** Due timers, earliest first; each stays set until its handler cancels or re-sets it. */
  due(now: number): Timer[] {
    return [...this.timers.values()]
      .filter((t) => t.dueAt <= now)
      .sort((a, b) => a.dueAt - b.dueAt || a.name.localeCompare(b.name));
  }

  nextDue(): number | null {
    let next: number | null = null;
    for (const t of this.timers.values()) if (next === null || t.dueAt < next) next = t.dueAt;
    return next;
  }
}
