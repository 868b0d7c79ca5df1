import { z } from "zod";
import { webhookEventType, type WebhookEventType } from "../../protocol/webhooks";

const endpointRow = z.object({
  id: z.string(),
  url: z.string(),
  secret: z.string(),
  events: z.string(),
  description: z.string(),
  enabled: z.number(),
  failing_since: z.number().nullable(),
  disabled_at: z.number().nullable(),
  created_at: z.number(),
});

export type WebhookEndpoint = {
  id: string;
  url: string;
  secret: string;
  events: WebhookEventType[];
  description: string;
  enabled: boolean;
  failingSince: number | null;
  disabledAt: number | null;
  createdAt: number;
};

function toEndpoint(row: unknown): WebhookEndpoint {
  const r = endpointRow.parse(row);
  return {
    id: r.id,
    url: r.url,
    secret: r.secret,
    events: z.array(webhookEventType).parse(JSON.parse(r.events)),
    description: r.description,
    enabled: r.enabled === 1 && r.disabled_at === null,
    failingSince: r.failing_since,
    disabledAt: r.disabled_at,
    createdAt: r.created_at,
  };
}

export async function createEndpoint(
  db: D1Database,
  e: { workspaceId: string; id: string; url: string; secret: string; events: WebhookEventType[]; description: string },
): Promise<void> {
  await db
    .prepare("INSERT INTO webhook_endpoints (workspace_id, id, url, secret, events, description, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
    .bind(e.workspaceId, e.id, e.url, e.secret, JSON.stringify(e.events), e.description, Date.now())
    .run();
}

export async function getEndpoint(db: D1Database, workspaceId: string, id: string): Promise<WebhookEndpoint | null> {
  const row = await db.prepare("SELECT * FROM webhook_endpoints WHERE workspace_id = ? AND id = ?").bind(workspaceId, id).first();
  return row ? toEndpoint(row) : null;
}

export async function listEndpoints(db: D1Database, workspaceId: string): Promise<WebhookEndpoint[]> {
  const { results } = await db.prepare("SELECT * FROM webhook_endpoints WHERE workspace_id = ? ORDER BY created_at").bind(workspaceId).all();
  return results.map(toEndpoint);
}

export async function deleteEndpoint(db: D1Database, workspaceId: string, id: string): Promise<boolean> {
  const res = await db.prepare("DELETE FROM webhook_endpoints WHERE workspace_id = ? AND id = ?").bind(workspaceId, id).run();
  return res.meta.changes > 0;
}

export async function setEndpointEnabled(db: D1Database, workspaceId: string, id: string, enabled: boolean): Promise<void> {
  await db
    .prepare("UPDATE webhook_endpoints SET enabled = ?, disabled_at = NULL, failing_since = NULL WHERE workspace_id = ? AND id = ?")
    .bind(enabled ? 1 : 0, workspaceId, id)
    .run();
}

/** A success clears the failure clock; the first failure after a success starts it. */
export async function recordEndpointOutcome(db: D1Database, workspaceId: string, id: string, ok: boolean, now: number) {
  await db
    .prepare(
      ok
        ? "UPDATE webhook_endpoints SET failing_since = NULL WHERE workspace_id = ? AND id = ?"
        : "UPDATE webhook_endpoints SET failing_since = COALESCE(failing_since, ?3) WHERE workspace_id = ?1 AND id = ?2",
    )
    .bind(workspaceId, id, ...(ok ? [] : [now]))
    .run();
}

export async function disableEndpoint(db: D1Database, workspaceId: string, id: string, now: number): Promise<void> {
  await db.prepare("UPDATE webhook_endpoints SET disabled_at = ? WHERE workspace_id = ? AND id = ?").bind(now, workspaceId, id).run();
}

const deliveryRow = z.object({
  id: z.string(),
  endpoint_id: z.string(),
  event_type: z.string(),
  ordering_key: z.string(),
  payload: z.string(),
  status: z.enum(["pending", "delivered", "failed"]),
  attempts: z.number(),
  last_status_code: z.number().nullable(),
  last_error: z.string().nullable(),
  next_attempt_at: z.number().nullable(),
  created_at: z.number(),
  delivered_at: z.number().nullable(),
});
export type DeliveryRow = z.infer<typeof deliveryRow>;

export function insertDelivery(
  db: D1Database,
  d: { workspaceId: string; id: string; endpointId: string; eventType: string; orderingKey: string; payload: string },
): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO webhook_deliveries (workspace_id, id, endpoint_id, event_type, ordering_key, payload, status, next_attempt_at, created_at)
       VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT DO NOTHING`,
    )
    .bind(d.workspaceId, d.id, d.endpointId, d.eventType, d.orderingKey, d.payload, Date.now(), Date.now());
}

export async function recordAttempt(
  db: D1Database,
  workspaceId: string,
  id: string,
  a: { status: "pending" | "delivered" | "failed"; statusCode: number | null; error: string | null; nextAttemptAt: number | null },
): Promise<void> {
  await db
    .prepare(
      `UPDATE webhook_deliveries SET status = ?, attempts = attempts + 1, last_status_code = ?, last_error = ?, next_attempt_at = ?,
         delivered_at = CASE WHEN ? = 'delivered' THEN ? ELSE delivered_at END
       WHERE workspace_id = ? AND id = ?`,
    )
    .bind(a.status, a.statusCode, a.error, a.nextAttemptAt, a.status, Date.now(), workspaceId, id)
    .run();
}

export async function markRedelivery(db: D1Database, workspaceId: string, id: string): Promise<void> {
  await db
    .prepare("UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = ? WHERE workspace_id = ? AND id = ?")
    .bind(Date.now(), workspaceId, id)
    .run();
}

export async function getDelivery(db: D1Database, workspaceId: string, id: string): Promise<DeliveryRow | null> {
  const row = await db.prepare("SELECT * FROM webhook_deliveries WHERE workspace_id = ? AND id = ?").bind(workspaceId, id).first();
  return row ? deliveryRow.parse(row) : null;
}

export async function listDeliveries(db: D1Database, workspaceId: string, endpointId: string, limit = 100): Promise<DeliveryRow[]> {
  const { results } = await db
    .prepare("SELECT * FROM webhook_deliveries WHERE workspace_id = ? AND endpoint_id = ? ORDER BY created_at DESC LIMIT ?")
    .bind(workspaceId, endpointId, limit)
    .all();
  return results.map((r) => deliveryRow.parse(r));
}
