import type { WebhookEventData, WebhookEventType } from "../../protocol/webhooks";
import { sha256Hex } from "../auth/encoding";
import { insertDelivery, listEndpoints } from "../db/webhooks";
import type { Env } from "../env";

export type WebhookEvent<T extends WebhookEventType = WebhookEventType> = {
  /** Deterministic per event (e.g. from conversation and seq), so emitting it twice sends it once. */
  id: string;
  type: T;
  data: WebhookEventData<T>;
  /** Events with the same key reach each endpoint in the order they were emitted. */
  orderingKey: string;
  createdAt?: number;
};

export function dispatcherFor(env: Env, workspaceId: string, endpointId: string) {
  return env.WEBHOOKS.get(env.WEBHOOKS.idFromName(`${workspaceId}:${endpointId}`));
}

type Deliverable = Pick<WebhookEvent, "id" | "orderingKey" | "createdAt"> & {
  type: WebhookEventType | "webhook.test";
  data: unknown;
};

/**
 * Logs events' deliveries to one endpoint in D1 and queues them in its dispatcher; durable when
 * this resolves. Delivery ids derive from event and endpoint, so queueing twice sends once.
 */
export async function queueDeliveries(env: Env, workspaceId: string, endpointId: string, events: Deliverable[]) {
  const deliveries = await Promise.all(
    events.map(async (e) => ({
      id: `dlv_${(await sha256Hex(`${e.id}:${endpointId}`)).slice(0, 24)}`,
      orderingKey: e.orderingKey,
      eventType: e.type,
      payload: JSON.stringify({ id: e.id, type: e.type, createdAt: e.createdAt ?? Date.now(), workspaceId, data: e.data }),
    })),
  );
  await env.DB.batch(deliveries.map((d) => insertDelivery(env.DB, { workspaceId, endpointId, ...d })));
  await dispatcherFor(env, workspaceId, endpointId).enqueue(workspaceId, endpointId, deliveries);
  return deliveries;
}

/**
 * Hands events to every enabled endpoint subscribed to them. When this resolves the deliveries are
 * durable; callers that replay (alarms after a crash) send nothing twice.
 */
export async function emitEvents(env: Env, workspaceId: string, events: WebhookEvent[]): Promise<void> {
  if (events.length === 0) return;
  const endpoints = (await listEndpoints(env.DB, workspaceId)).filter((e) => e.disabledAt === null);
  for (const endpoint of endpoints) {
    const mine = events.filter((e) => endpoint.events.includes(e.type));
    if (mine.length > 0) await queueDeliveries(env, workspaceId, endpoint.id, mine);
  }
}
