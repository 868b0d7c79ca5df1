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
  previous_secret: z.string().nullable(),
  previous_secret_expires_at: z.number().nullable(),
  secret_rotated_at: z.number().nullable(),
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
  /** Signs beside `secret` until `previousSecretExpiresAt` (a rotation's overlap); then ignored. */
  previousSecret: string | null;
  previousSecretExpiresAt: number | null;
  secretRotatedAt: number | null;
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
    previousSecret: r.previous_secret,
    previousSecretExpiresAt: r.previous_secret_expires_at,
    secretRotatedAt: r.secret_rotated_at,
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

/** What `PATCH /webhooks/{id}` may change; a field left out keeps its value. */
export type EndpointChanges = { url?: string; events?: WebhookEventType[]; description?: string; enabled?: boolean };

/** Setting `enabled` also clears the failure clock and an automatic disabling, so the queue starts afresh. */
export async function updateEndpoint(db: D1Database, workspaceId: string, id: string, c: EndpointChanges): Promise<void> {
  const enabled = c.enabled === undefined ? null : c.enabled ? 1 : 0;
  await db
    .prepare(
      `UPDATE webhook_endpoints SET url = COALESCE(?1, url), events = COALESCE(?2, events), description = COALESCE(?3, description),
         enabled = COALESCE(?4, enabled),
         disabled_at = CASE WHEN ?4 IS NULL THEN disabled_at ELSE NULL END,
         failing_since = CASE WHEN ?4 IS NULL THEN failing_since ELSE NULL END
       WHERE workspace_id = ?5 AND id = ?6`,
    )
    .bind(c.url ?? null, c.events ? JSON.stringify(c.events) : null, c.description ?? null, enabled, workspaceId, id)
    .run();
}

/**
 * Replaces the signing secret; the one it replaces keeps signing until `previousExpiresAt`. A
 * rotation during an overlap drops the oldest secret: at most two ever sign.
 */
export async function rotateSecret(db: D1Database, workspaceId: string, id: string, secret: string, previousExpiresAt: number, now: number) {
  await db
    .prepare(
      `UPDATE webhook_endpoints SET previous_secret = secret, previous_secret_expires_at = ?1, secret = ?2, secret_rotated_at = ?3
       WHERE workspace_id = ?4 AND id = ?5`,
    )
    .bind(previousExpiresAt, secret, now, workspaceId, id)
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
