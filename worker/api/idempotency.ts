import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { LIMITS } from "../../protocol/limits";
import type { AppEnv } from "../app-env";
import { sha256Hex } from "../auth/encoding";
import { HttpError } from "../http/errors";

const IN_PROGRESS = 0;
const KEEP_MS = LIMITS.retention.idempotencyKeyHours * 3600_000;
const LEASE_MS = LIMITS.idempotencyLeaseMs;

/** Requests whose answer holds a secret shown only once; see `holdsOnceShownSecret`. */
const onceShown = new WeakSet<Request>();

/**
 * Marks the answer to this request as holding a secret shown only once (a webhook's signing
 * secret, an inbound hook's): it is never stored, so a replay cannot hand the secret out again and
 * D1 never keeps a second copy of it. A retry is told the first request succeeded (410).
 */
export function holdsOnceShownSecret(c: Context): void {
  onceShown.add(c.req.raw);
}

type Prior = { request_hash: string; status: number; body: string | null; created_at: number };

/**
 * `Idempotency-Key` on a POST: the first answer for a key is stored and replayed for every retry,
 * so a client that lost a response can safely send again. Keys belong to the API key that sent
 * them and last 24 hours. The same key with a different request is refused (422); a retry that
 * overtakes the first attempt is told to wait (409) until the first one's lease runs out, after
 * which the retry takes the key over. 5xx and 429 answers are not kept: the retry runs afresh.
 */
export const idempotency = createMiddleware<AppEnv>(async (c, next) => {
  const key = c.req.header("idempotency-key");
  if (c.req.method !== "POST" || key === undefined) return next();
  if (key.length < 1 || key.length > 200) throw new HttpError(400, "invalid_request", "Idempotency-Key is 1 to 200 characters");
  const db = c.env.DB;
  const workspaceId = c.get("workspaceId");
  // requireApiKey has checked this header already; its hash is how api_keys names the key.
  const apiKey = await sha256Hex(/^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1] ?? "");
  const requestHash = await sha256Hex(`${c.req.method} ${c.req.path}\n${await c.req.text()}`);
  const claim = crypto.randomUUID();
  const now = Date.now();
  // One statement, so two racing requests cannot both take the key: a new key, an expired one, or
  // a claim of the same request whose lease has passed.
  const taken = await db
    .prepare(
      `INSERT INTO idempotency_keys (workspace_id, api_key_hash, key, request_hash, claim, status, body, created_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ${IN_PROGRESS}, NULL, ?6)
       ON CONFLICT (workspace_id, api_key_hash, key) DO UPDATE SET
         request_hash = excluded.request_hash, claim = excluded.claim, status = ${IN_PROGRESS}, body = NULL, created_at = excluded.created_at
       WHERE idempotency_keys.created_at <= ?6 - ?7
          OR (idempotency_keys.status = ${IN_PROGRESS} AND idempotency_keys.created_at <= ?6 - ?8 AND idempotency_keys.request_hash = excluded.request_hash)`,
    )
    .bind(workspaceId, apiKey, key, requestHash, claim, now, KEEP_MS, LEASE_MS)
    .run();
  if (taken.meta.changes === 0) return replay(c, workspaceId, apiKey, key, requestHash, now);
  const mine = "WHERE workspace_id = ? AND api_key_hash = ? AND key = ? AND claim = ?";
  await next();
  if (c.res.status >= 500 || c.res.status === 429) {
    await db.prepare(`DELETE FROM idempotency_keys ${mine}`).bind(workspaceId, apiKey, key, claim).run();
    return;
  }
  const body = onceShown.has(c.req.raw) ? null : await c.res.clone().text();
  await db.prepare(`UPDATE idempotency_keys SET status = ?, body = ? ${mine}`).bind(c.res.status, body, workspaceId, apiKey, key, claim).run();
});

async function replay(c: Context<AppEnv>, workspaceId: string, apiKey: string, key: string, requestHash: string, now: number): Promise<Response> {
  const prior = await c.env.DB.prepare(
    "SELECT request_hash, status, body, created_at FROM idempotency_keys WHERE workspace_id = ? AND api_key_hash = ? AND key = ?",
  )
    .bind(workspaceId, apiKey, key)
    .first<Prior>();
  if (prior && prior.request_hash !== requestHash) {
    throw new HttpError(422, "idempotency_key_reused", "this Idempotency-Key was used with a different request");
  }
  if (!prior || prior.status === IN_PROGRESS) {
    const wait = prior ? Math.max(1, Math.ceil((prior.created_at + LEASE_MS - now) / 1000)) : 1;
    throw new HttpError(409, "idempotency_in_progress", "a request with this Idempotency-Key is still being processed; retry shortly", {
      "Retry-After": String(wait),
    });
  }
  if (prior.body === null) {
    throw new HttpError(
      410,
      "idempotency_result_not_kept",
      `the first request with this Idempotency-Key succeeded (HTTP ${prior.status}), but its answer held a secret that is shown only once, so it was not kept; list the resource to find it, or delete it and create it again`,
    );
  }
  return new Response(prior.body || null, {
    status: prior.status,
    headers: { "Content-Type": "application/json", "Idempotent-Replayed": "true" },
  });
}
