import { z } from "zod";
import type { AccountFailures } from "../auth/sign-in-lock";

/** Failed sign-ins per email address typed (lower-cased), whether or not an agent has it. */

const failuresRow = z.object({
  tokens: z.number(),
  at: z.number(),
  failures: z.number(),
  strikes: z.number(),
  locked_until: z.number(),
  alerted: z.number(),
  version: z.number(),
});

export type StoredFailures = { state: AccountFailures; version: number };

export async function readFailures(db: D1Database, email: string): Promise<StoredFailures | null> {
  const raw = await db.prepare("SELECT * FROM sign_in_failures WHERE email = ?").bind(email).first();
  if (!raw) return null;
  const r = failuresRow.parse(raw);
  return {
    state: { tokens: r.tokens, at: r.at, failures: r.failures, strikes: r.strikes, lockedUntil: r.locked_until, alerted: r.alerted === 1 },
    version: r.version,
  };
}

/** Writes `next` only if the row is still at `version` (null: still absent). False: someone else wrote first. */
export async function writeFailures(db: D1Database, email: string, next: AccountFailures, version: number | null): Promise<boolean> {
  const values = [next.tokens, next.at, next.failures, next.strikes, next.lockedUntil, next.alerted ? 1 : 0];
  const result =
    version === null
      ? await db
          .prepare(
            `INSERT INTO sign_in_failures (email, tokens, at, failures, strikes, locked_until, alerted, version)
             VALUES (?, ?, ?, ?, ?, ?, ?, 1) ON CONFLICT (email) DO NOTHING`,
          )
          .bind(email, ...values)
          .run()
      : await db
          .prepare(
            `UPDATE sign_in_failures SET tokens = ?, at = ?, failures = ?, strikes = ?, locked_until = ?, alerted = ?, version = version + 1
             WHERE email = ? AND version = ?`,
          )
          .bind(...values, email, version)
          .run();
  return result.meta.changes === 1;
}

/**
 * Marks the run as told to the admins once it has `after` failures. True for exactly one caller
 * per run, however many fail at once.
 */
export async function claimAlert(db: D1Database, email: string, after: number): Promise<boolean> {
  const result = await db
    .prepare("UPDATE sign_in_failures SET alerted = 1, version = version + 1 WHERE email = ? AND alerted = 0 AND failures >= ?")
    .bind(email, after)
    .run();
  return result.meta.changes === 1;
}

/** A success (or a new password set by an admin) ends the run. */
export async function clearFailures(db: D1Database, email: string): Promise<void> {
  await db.prepare("DELETE FROM sign_in_failures WHERE email = ?").bind(email).run();
}

/** Runs whose bucket has long refilled and whose lock is over hold nothing: guessed addresses must not pile up. */
export async function pruneFailures(db: D1Database, quietSince: number, now: number): Promise<void> {
  await db.prepare("DELETE FROM sign_in_failures WHERE at < ? AND locked_until < ?").bind(quietSince, now).run();
}
