import { randomToken } from "../auth/encoding";
import { newId } from "./ids";

type HookRow = { workspace_id: string; id: string; name: string; secret: string; created_at: number };

export async function createInboundHook(db: D1Database, workspaceId: string, name: string) {
  const hook = { id: newId("ih"), name, secret: `whsec_${randomToken(24)}`, createdAt: Date.now() };
  await db
    .prepare("INSERT INTO inbound_hooks (workspace_id, id, name, secret, created_at) VALUES (?, ?, ?, ?, ?)")
    .bind(workspaceId, hook.id, hook.name, hook.secret, hook.createdAt)
    .run();
  return hook;
}

export async function listInboundHooks(db: D1Database, workspaceId: string) {
  const { results } = await db
    .prepare("SELECT id, name, created_at FROM inbound_hooks WHERE workspace_id = ? AND revoked_at IS NULL ORDER BY created_at")
    .bind(workspaceId)
    .all<{ id: string; name: string; created_at: number }>();
  return results.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at }));
}

export async function revokeInboundHook(db: D1Database, workspaceId: string, id: string): Promise<boolean> {
  const res = await db
    .prepare("UPDATE inbound_hooks SET revoked_at = ? WHERE workspace_id = ? AND id = ? AND revoked_at IS NULL")
    .bind(Date.now(), workspaceId, id)
    .run();
  return res.meta.changes > 0;
}

/** The hook behind a URL: the URL's id is all the caller has, so its workspace comes from here. */
export async function findActiveHook(db: D1Database, id: string) {
  const row = await db
    .prepare("SELECT workspace_id, id, name, secret, created_at FROM inbound_hooks WHERE id = ? AND revoked_at IS NULL")
    .bind(id)
    .first<HookRow>();
  return row ? { workspaceId: row.workspace_id, id: row.id, secret: row.secret } : null;
}

/** Whether a delivery was applied already: a replay of it is answered without applying it again. */
export async function inboundDeliverySeen(db: D1Database, workspaceId: string, hookId: string, deliveryId: string): Promise<boolean> {
  const row = await db
    .prepare("SELECT 1 AS seen FROM inbound_deliveries WHERE workspace_id = ? AND hook_id = ? AND delivery_id = ?")
    .bind(workspaceId, hookId, deliveryId)
    .first<{ seen: number }>();
  return row !== null;
}

/**
 * Records a delivery once it has been applied, with its whole id; false when another request for
 * the same delivery recorded it first.
 */
export async function recordInboundDelivery(db: D1Database, workspaceId: string, hookId: string, deliveryId: string): Promise<boolean> {
  const res = await db
    .prepare("INSERT INTO inbound_deliveries (workspace_id, hook_id, delivery_id, received_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")
    .bind(workspaceId, hookId, deliveryId, Date.now())
    .run();
  return res.meta.changes > 0;
}
