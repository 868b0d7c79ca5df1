/**
 * The room's timers, kept in its SQLite so they survive eviction; the room arms its one alarm for
 * the earliest of them. Synchronous, like the rest of the room's storage.
 */
export type TimerName = "sync" | "idle_warning" | "idle_close" | "survey";

export type Timer = { name: TimerName; dueAt: number; attempts: number };

export class RoomSchedule {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`
      CREATE TABLE IF NOT EXISTS schedule (
        name TEXT PRIMARY KEY,
        due_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0
      );
    `);
  }

  /** Sets a timer unless it is already due sooner. */
  atLatest(name: TimerName, dueAt: number): void {
    this.sql.exec(
      `INSERT INTO schedule (name, due_at) VALUES (?, ?)
       ON CONFLICT (name) DO UPDATE SET due_at = MIN(due_at, excluded.due_at)`,
      name,
      dueAt,
    );
  }

  /** Sets a timer to exactly this time, replacing any earlier setting. */
  set(name: TimerName, dueAt: number, attempts = 0): void {
    this.sql.exec(
      `INSERT INTO schedule (name, due_at, attempts) VALUES (?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET due_at = excluded.due_at, attempts = excluded.attempts`,
      name,
      dueAt,
      attempts,
    );
  }

  cancel(name: TimerName): void {
    this.sql.exec("DELETE FROM schedule WHERE name = ?", name);
  }

  get(name: TimerName): Timer | null {
    const row = this.sql
      .exec<{ name: TimerName; due_at: number; attempts: number }>("SELECT name, due_at, attempts FROM schedule WHERE name = ?", name)
      .toArray()[0];
    return row ? { name: row.name, dueAt: row.due_at, attempts: row.attempts } : null;
  }

  /** Due timers, earliest first; each stays set until its handler cancels or re-sets it. */
  due(now: number): Timer[] {
    return this.sql
      .exec<{ name: TimerName; due_at: number; attempts: number }>(
        "SELECT name, due_at, attempts FROM schedule WHERE due_at <= ? ORDER BY due_at, name",
        now,
      )
      .toArray()
      .map((r) => ({ name: r.name, dueAt: r.due_at, attempts: r.attempts }));
  }

  nextDue(): number | null {
    return this.sql.exec<{ d: number | null }>("SELECT MIN(due_at) AS d FROM schedule").one().d;
  }
}
