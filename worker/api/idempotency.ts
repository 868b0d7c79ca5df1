import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { sha256Hex } from "../auth/encoding";
import { HttpError } from "../http/errors";

const IN_PROGRESS = 0;

/**
 * `Idempotency-Key` on a POST: the first answer for a key is stored and replayed for every retry,
 * so a client that lost a response can safely send again. The same key with a different request is
 * refused, and a retry that overtakes the first attempt is told to wait.
 */
export const idempotency = createMiddleware<AppEnv>(async (c, next) => {
  const key = c.req.header("idempotency-key");
  if (c.req.method !== "POST" || key === undefined) return next();
  if (key.length < 1 || key.length > 200) throw new HttpError(400, "invalid_request", "Idempotency-Key is 1 to 200 characters");
  const workspaceId = c.get("workspaceId");
  const requestHash = await sha256Hex(`${c.req.method} ${c.req.path}\n${await c.req.text()}`);
  const claimed = await c.env.DB.prepare(
    "INSERT INTO idempotency_keys (workspace_id, key, request_hash, status, body, created_at) VALUES (?, ?, ?, ?, '', ?) ON CONFLICT DO NOTHING",
  )
    .bind(workspaceId, key, requestHash, IN_PROGRESS, Date.now())
    .run();
  if (claimed.meta.changes === 0) {
    const prior = await c.env.DB.prepare("SELECT request_hash, status, body FROM idempotency_keys WHERE workspace_id = ? AND key = ?")
      .bind(workspaceId, key)
      .first<{ request_hash: string; status: number; body: string }>();
    if (prior && prior.request_hash !== requestHash) {
      throw new HttpError(422, "idempotency_key_reused", "this Idempotency-Key was used with a different request");
    }
    if (!prior || prior.status === IN_PROGRESS) {
      throw new HttpError(409, "idempotency_in_progress", "a request with this Idempotency-Key is still being processed; retry shortly");
    }
    return new Response(prior.body || null, {
      status: prior.status,
      headers: { "Content-Type": "application/json", "Idempotent-Replayed": "true" },
    });
  }
  await next();
  if (c.res.status >= 500) {
    await c.env.DB.prepare("DELETE FROM idempotency_keys WHERE workspace_id = ? AND key = ?").bind(workspaceId, key).run();
    return;
  }
  await c.env.DB.prepare("UPDATE idempotency_keys SET status = ?, body = ? WHERE workspace_id = ? AND key = ?")
    .bind(c.res.status, await c.res.clone().text(), workspaceId, key)
    .run();
});
