import type { z } from "zod";
import type { webhookTestEventData } from "../../protocol/webhooks";
import { randomToken } from "../auth/encoding";
import type { Env } from "../env";
import { queueDeliveries } from "./emit";

/**
 * Queues a `webhook.test` event to one endpoint, through the same dispatcher, signing and delivery
 * log as every event, so what the receiver gets (and what the log shows) is exactly what real
 * events will look like. Its own ordering key: a slow test never holds back a conversation's events.
 *
 * @example
 * const deliveryId = await sendTestEvent(env, "ws_1", "wh_1") // "dlv_…", in GET /webhooks/wh_1/deliveries
 */
export async function sendTestEvent(env: Env, workspaceId: string, endpointId: string): Promise<string> {
  const id = `evt_test_${randomToken(12)}`;
  const data: z.infer<typeof webhookTestEventData> = {
    webhook: { id: endpointId },
    message: "A test event sent from Parley. Verify its signature as you would any other event's.",
  };
  const [delivery] = await queueDeliveries(env, workspaceId, endpointId, [{ id, type: "webhook.test", orderingKey: id, data }]);
  return delivery!.id;
}
