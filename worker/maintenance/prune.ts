import { LIMITS } from "../../protocol/limits";
import type { Env } from "../env";
import { CACHE_MS as MX_CACHE_MS } from "../visitors/email-domain";

const DAY_MS = 24 * 3600 * 1000;
const { rowsPerRun, defaultDays, idempotencyKeyHours } = LIMITS.retention;

/**
 * The longest any HTTP bucket takes to fill up again (its burst, scaled by RATE_LIMIT_FACTOR as
 * worker/http/rate-limit.ts scales it, over its rate): a bucket untouched for longer is full, the
 * same as no row at all, so deleting it changes no one's limit.
 */
export function bucketRefillMs(env: Env): number {
  const factor = Number(env.RATE_LIMIT_FACTOR ?? "1") || 1;
  return Math.max(...Object.values(LIMITS.http).map((r) => ((r.burst * factor) / r.perSecond) * 1000));
}

/** What one run deletes, by table; the same names as the tables it prunes. */
export type Pruned = Record<(typeof TABLES)[number], number>;

const TABLES = ["sessions", "token_buckets", "idempotency_keys", "mx_cache", "email_outbox", "webhook_deliveries", "inbound_emails"] as const;

/**
 * One bounded DELETE per table: each picks at most LIMITS.retention.rowsPerRun keys in a subquery
 * (SQLite's DELETE has no LIMIT of its own in D1), through an index on the age it tests, so a run
 * costs the same however much has piled up and the next minute's run takes the next slice.
 * Sent emails and finished webhook deliveries go after the days their workspace's admin set
 * (workspaces.retention_days, else LIMITS.retention.defaultDays); queued emails and pending
 * deliveries stay however old, as they are still being sent.
 */
function statements(env: Env, now: number): Record<(typeof TABLES)[number], D1PreparedStatement> {
  const db = env.DB;
  return {
    sessions: db
      .prepare("DELETE FROM sessions WHERE token_hash IN (SELECT token_hash FROM sessions WHERE expires_at < ? LIMIT ?)")
      .bind(now, rowsPerRun),
    token_buckets: db
      .prepare("DELETE FROM token_buckets WHERE key IN (SELECT key FROM token_buckets WHERE at < ? LIMIT ?)")
      .bind(now - bucketRefillMs(env), rowsPerRun),
    idempotency_keys: db
      .prepare("DELETE FROM idempotency_keys WHERE rowid IN (SELECT rowid FROM idempotency_keys WHERE created_at < ? LIMIT ?)")
      .bind(now - idempotencyKeyHours * 3600 * 1000, rowsPerRun),
    mx_cache: db
      .prepare("DELETE FROM mx_cache WHERE domain IN (SELECT domain FROM mx_cache WHERE checked_at < ? LIMIT ?)")
      .bind(now - MX_CACHE_MS, rowsPerRun),
    email_outbox: db
      .prepare(
        `DELETE FROM email_outbox WHERE rowid IN (
           SELECT o.rowid FROM workspaces w JOIN email_outbox o ON o.workspace_id = w.id
           WHERE o.created_at < ?1 - COALESCE(w.retention_days, ?2) * ?3 AND o.status != 'queued' LIMIT ?4)`,
      )
      .bind(now, defaultDays, DAY_MS, rowsPerRun),
    webhook_deliveries: db
      .prepare(
        `DELETE FROM webhook_deliveries WHERE rowid IN (
           SELECT d.rowid FROM workspaces w JOIN webhook_deliveries d ON d.workspace_id = w.id
           WHERE d.created_at < ?1 - COALESCE(w.retention_days, ?2) * ?3 AND d.status != 'pending' LIMIT ?4)`,
      )
      .bind(now, defaultDays, DAY_MS, rowsPerRun),
    // Emails to addresses that named no workspace (forgeries) have no admin to set a retention: the default.
    inbound_emails: db
      .prepare(
        `DELETE FROM inbound_emails WHERE id IN (
           SELECT i.id FROM inbound_emails i LEFT JOIN workspaces w ON w.id = i.workspace_id
           WHERE i.received_at < ?1 - COALESCE(w.retention_days, ?2) * ?3 LIMIT ?4)`,
      )
      .bind(now, defaultDays, DAY_MS, rowsPerRun),
  };
}

/**
 * Deletes what would otherwise grow without bound, a bounded slice per table per run (the
 * minutely cron). In one batch: one round trip, and each statement is small.
 *
 * @example
 * ctx.waitUntil(pruneOnce(env)); // { sessions: 3, token_buckets: 120, … }
 */
export async function pruneOnce(env: Env, now = Date.now()): Promise<Pruned> {
  const all = statements(env, now);
  const results = await env.DB.batch(TABLES.map((t) => all[t]));
  return Object.fromEntries(TABLES.map((t, i) => [t, results[i]!.meta.changes])) as Pruned;
}
