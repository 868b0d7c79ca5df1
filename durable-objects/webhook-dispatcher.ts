import { DurableObject } from "cloudflare:workers";
import { listAdminEmails } from "../worker/db/agents";
import { disableEndpoint, getEndpoint, recordAttempt, recordEndpointOutcome, type WebhookEndpoint } from "../worker/db/webhooks";
import { queueEmail } from "../worker/email/outbox";
import type { Env } from "../worker/env";
import { GIVE_UP_AFTER_MS, retryDelayMs } from "../worker/webhooks/backoff";
import { activeSecrets, deliveryHeaders } from "../worker/webhooks/delivery-headers";
import { webhookUrlRefusal, type UrlRefusal } from "../worker/webhooks/url-policy";

const REQUEST_TIMEOUT_MS = 10_000;
/** Heads of different conversations are sent side by side, this many at a time. */
const PARALLEL = 8;

export type QueuedDelivery = { id: string; orderingKey: string; eventType: string; payload: string };

type QueueRow = {
  seq: number;
  id: string;
  ordering_key: string;
  event_type: string;
  payload: string;
  attempts: number;
  next_attempt_at: number;
  first_attempt_at: number | null;
};

/**
 * One per webhook endpoint: its queue of deliveries, sent in order per conversation and retried
 * with backoff by the object's alarm. D1 holds the delivery log; this object owns the queue.
 */
export class WebhookDispatcher extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`
      CREATE TABLE IF NOT EXISTS endpoint (id INTEGER PRIMARY KEY CHECK (id = 1), workspace_id TEXT NOT NULL, endpoint_id TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS queue (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        ordering_key TEXT NOT NULL,
        event_type TEXT NOT NULL,
        payload TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        first_attempt_at INTEGER
      );
      CREATE INDEX IF NOT EXISTS queue_key ON queue(ordering_key, seq);
    `);
  }

  /** Durable once this returns: the caller may forget the deliveries. Repeats are ignored. */
  async enqueue(workspaceId: string, endpointId: string, deliveries: QueuedDelivery[]): Promise<void> {
    this.sql.exec(
      "INSERT INTO endpoint (id, workspace_id, endpoint_id) VALUES (1, ?, ?) ON CONFLICT DO NOTHING",
      workspaceId,
      endpointId,
    );
    const now = Date.now();
    for (const d of deliveries) {
      this.sql.exec(
        "INSERT INTO queue (id, ordering_key, event_type, payload, next_attempt_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
        d.id,
        d.orderingKey,
        d.eventType,
        d.payload,
        now,
      );
    }
    await this.arm();
  }

  /** Manual redelivery: queue it again now, even if it was delivered or given up. */
  async redeliver(workspaceId: string, endpointId: string, delivery: QueuedDelivery): Promise<void> {
    this.sql.exec("DELETE FROM queue WHERE id = ?", delivery.id);
    await this.enqueue(workspaceId, endpointId, [delivery]);
  }

  pendingCount(): number {
    return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM queue").one().n;
  }

  override async alarm(): Promise<void> {
    const owner = this.sql.exec<{ workspace_id: string; endpoint_id: string }>("SELECT workspace_id, endpoint_id FROM endpoint").toArray()[0];
    if (!owner) return;
    const endpoint = await getEndpoint(this.env.DB, owner.workspace_id, owner.endpoint_id);
    if (!endpoint) {
      // The endpoint was deleted: nothing left to deliver to.
      this.sql.exec("DELETE FROM queue");
      return;
    }
    // A disabled endpoint keeps its queue; re-enabling it pokes the queue again.
    if (!endpoint.enabled) return;
    const now = Date.now();
    const heads = this.sql
      .exec<QueueRow>(
        `SELECT q.* FROM queue q JOIN (SELECT ordering_key, MIN(seq) AS seq FROM queue GROUP BY ordering_key) h ON h.seq = q.seq
         WHERE q.next_attempt_at <= ? ORDER BY q.seq LIMIT ?`,
        now,
        PARALLEL,
      )
      .toArray();
    if (heads.length === 0) return this.arm();
    // Checked again before every round: the name may resolve elsewhere than it did at registration.
    const refusal = await webhookUrlRefusal(endpoint.url, this.env);
    const outcomes = await Promise.all(
      heads.map((row) => (refusal ? this.refuse(owner.workspace_id, row, refusal) : this.attempt(endpoint, owner.workspace_id, row))),
    );
    const anyOk = outcomes.includes(true);
    await recordEndpointOutcome(this.env.DB, owner.workspace_id, endpoint.id, anyOk, now);
    if (!anyOk) await this.disableIfFailingTooLong(owner.workspace_id, endpoint.id, endpoint.url, now);
    await this.arm();
  }

  private async attempt(endpoint: WebhookEndpoint, workspaceId: string, row: QueueRow): Promise<boolean> {
    const now = Date.now();
    let statusCode: number | null = null;
    let error: string;
    try {
      // Signed at each attempt, so a retry carries a fresh timestamp and the secrets that sign now.
      const headers = await deliveryHeaders({
        id: row.id,
        eventType: row.event_type,
        body: row.payload,
        secrets: activeSecrets(endpoint, now),
        unixSeconds: Math.floor(now / 1000),
      });
      const res = await fetch(endpoint.url, {
        method: "POST",
        headers,
        body: row.payload,
        redirect: "manual",
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      statusCode = res.status;
      await res.body?.cancel();
      if (res.status >= 200 && res.status < 300) {
        this.sql.exec("DELETE FROM queue WHERE id = ?", row.id);
        await recordAttempt(this.env.DB, workspaceId, row.id, { status: "delivered", statusCode, error: null, nextAttemptAt: null });
        return true;
      }
      // A redirect could lead anywhere, private networks included: it is a failure, never followed.
      const location = res.headers.get("location");
      error = res.status >= 300 && res.status < 400 ? `HTTP ${res.status}: redirects are not followed${location ? ` (to ${location.slice(0, 200)})` : ""}` : `HTTP ${res.status}`;
    } catch (err) {
      error = err instanceof Error && err.name === "TimeoutError" ? "timed out after 10 s" : String(err);
    }
    return this.retryOrGiveUp(workspaceId, row, now, statusCode, error);
  }

  /** Nothing is sent: a blocked address fails the delivery at once, a host that did not resolve is retried. */
  private async refuse(workspaceId: string, row: QueueRow, refusal: UrlRefusal): Promise<false> {
    const error = `not sent: ${refusal.message}`;
    if (refusal.kind !== "blocked") return this.retryOrGiveUp(workspaceId, row, Date.now(), null, error);
    this.sql.exec("DELETE FROM queue WHERE id = ?", row.id);
    await recordAttempt(this.env.DB, workspaceId, row.id, { status: "failed", statusCode: null, error, nextAttemptAt: null });
    return false;
  }

  private async retryOrGiveUp(workspaceId: string, row: QueueRow, now: number, statusCode: number | null, error: string): Promise<false> {
    const attempts = row.attempts + 1;
    const first = row.first_attempt_at ?? now;
    if (now - first >= GIVE_UP_AFTER_MS) {
      this.sql.exec("DELETE FROM queue WHERE id = ?", row.id);
      await recordAttempt(this.env.DB, workspaceId, row.id, { status: "failed", statusCode, error, nextAttemptAt: null });
      return false;
    }
    const next = now + retryDelayMs(attempts);
    this.sql.exec(
      "UPDATE queue SET attempts = ?, next_attempt_at = ?, first_attempt_at = ? WHERE id = ?",
      attempts,
      next,
      first,
      row.id,
    );
    await recordAttempt(this.env.DB, workspaceId, row.id, { status: "pending", statusCode, error, nextAttemptAt: next });
    return false;
  }

  private async disableIfFailingTooLong(workspaceId: string, endpointId: string, url: string, now: number): Promise<void> {
    const endpoint = await getEndpoint(this.env.DB, workspaceId, endpointId);
    if (!endpoint?.failingSince || now - endpoint.failingSince < GIVE_UP_AFTER_MS) return;
    await disableEndpoint(this.env.DB, workspaceId, endpointId, now);
    for (const to of await listAdminEmails(this.env.DB, workspaceId)) {
      await queueEmail(
        this.env,
        { workspaceId, to, locale: "en", idempotencyKey: `webhook-disabled:${endpointId}:${endpoint.failingSince}` },
        {
          template: "admin_alert",
          data: {
            conversationId: null,
            subject: "A webhook endpoint was disabled",
            text: `Deliveries to ${url} have failed for a day, so Parley disabled the endpoint. Fix the receiver, then enable it again in the console; its queued deliveries will resume.`,
          },
        },
      );
    }
  }

  private async arm(): Promise<void> {
    const next = this.sql
      .exec<{ d: number | null }>(
        "SELECT MIN(q.next_attempt_at) AS d FROM queue q JOIN (SELECT MIN(seq) AS seq FROM queue GROUP BY ordering_key) h ON h.seq = q.seq",
      )
      .one().d;
    if (next === null) {
      await this.ctx.storage.deleteAlarm();
      return;
    }
    const due = Math.max(next, Date.now());
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > due) await this.ctx.storage.setAlarm(due);
  }
}
