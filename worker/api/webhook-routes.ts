import type { Context } from "hono";
import { z } from "zod";
import {
  createdWebhook,
  createWebhookBody,
  deliveryResource,
  rotateWebhookSecretBody,
  updateWebhookBody,
  webhookResource,
} from "../../protocol/api-v1";
import type { AppEnv } from "../app-env";
import { newId } from "../db/ids";
import {
  createEndpoint,
  deleteEndpoint,
  getDelivery,
  getEndpoint,
  listDeliveries,
  listEndpoints,
  markRedelivery,
  rotateSecret,
  updateEndpoint,
  type DeliveryRow,
  type WebhookEndpoint,
} from "../db/webhooks";
import { HttpError, notFound } from "../http/errors";
import { enforceLimit } from "../http/rate-limit";
import { dispatcherFor } from "../webhooks/emit";
import { newSigningSecret } from "../webhooks/standard-signature";
import { sendTestEvent } from "../webhooks/test-event";
import { admitWebhookUrl } from "../webhooks/url-policy";
import { holdsOnceShownSecret } from "./idempotency";
import { inboundHookRoutes } from "./inbound-hook-routes";
import { route } from "./route";

const TAG = "Webhooks";

const toResource = (e: WebhookEndpoint) => ({
  id: e.id,
  url: e.url,
  events: e.events,
  description: e.description,
  enabled: e.enabled,
  disabledAt: e.disabledAt,
  createdAt: e.createdAt,
  secretRotatedAt: e.secretRotatedAt,
  previousSecretExpiresAt: e.previousSecretExpiresAt !== null && e.previousSecretExpiresAt > Date.now() ? e.previousSecretExpiresAt : null,
});

const toDelivery = (d: DeliveryRow) => ({
  id: d.id,
  eventType: d.event_type,
  status: d.status,
  attempts: d.attempts,
  lastStatusCode: d.last_status_code,
  lastError: d.last_error,
  nextAttemptAt: d.next_attempt_at,
  createdAt: d.created_at,
  deliveredAt: d.delivered_at,
});

async function endpointOr404(c: Context<AppEnv>) {
  const endpoint = await getEndpoint(c.env.DB, c.get("workspaceId"), c.req.param("id")!);
  if (!endpoint) throw notFound("webhook");
  return endpoint;
}

/** Outgoing webhooks, then inbound hooks. */
export const webhookRoutes = [
  route(
    {
      method: "post",
      path: "/webhooks",
      summary: "Register an endpoint; the answer holds its signing secret, shown only this once",
      tag: TAG,
      body: createWebhookBody,
      success: { status: 201, description: "The endpoint and its secret", schema: createdWebhook },
      errors: [400],
    },
    async (c, { body }) => {
      const workspaceId = c.get("workspaceId");
      const url = await admitWebhookUrl(body.url, c.env);
      const id = newId("wh");
      const secret = newSigningSecret();
      await createEndpoint(c.env.DB, { workspaceId, id, url, secret, events: body.events, description: body.description });
      holdsOnceShownSecret(c);
      return c.json({ ...toResource((await getEndpoint(c.env.DB, workspaceId, id))!), secret }, 201);
    },
  ),
  route(
    {
      method: "get",
      path: "/webhooks",
      summary: "List endpoints",
      tag: TAG,
      success: { status: 200, description: "Endpoints", schema: z.object({ webhooks: z.array(webhookResource) }) },
    },
    async (c) => c.json({ webhooks: (await listEndpoints(c.env.DB, c.get("workspaceId"))).map(toResource) }),
  ),
  route(
    {
      method: "patch",
      path: "/webhooks/{id}",
      summary: "Change an endpoint's url, events, description or enabled; enabling resumes its queued deliveries",
      tag: TAG,
      body: updateWebhookBody,
      success: { status: 200, description: "The endpoint", schema: webhookResource },
      errors: [400, 404],
    },
    async (c, { body }) => {
      const endpoint = await endpointOr404(c);
      const workspaceId = c.get("workspaceId");
      // A new URL passes the same checks as at registration; queued deliveries go to it.
      const url = body.url === undefined ? undefined : await admitWebhookUrl(body.url, c.env);
      await updateEndpoint(c.env.DB, workspaceId, endpoint.id, { ...body, url });
      if (body.enabled) await dispatcherFor(c.env, workspaceId, endpoint.id).enqueue(workspaceId, endpoint.id, []);
      return c.json(toResource((await getEndpoint(c.env.DB, workspaceId, endpoint.id))!));
    },
  ),
  route(
    {
      method: "delete",
      path: "/webhooks/{id}",
      summary: "Delete an endpoint and drop its queued deliveries",
      tag: TAG,
      success: { status: 204, description: "Deleted" },
      errors: [404],
    },
    async (c) => {
      const endpoint = await endpointOr404(c);
      await deleteEndpoint(c.env.DB, c.get("workspaceId"), endpoint.id);
      return c.body(null, 204);
    },
  ),
  route(
    {
      method: "post",
      path: "/webhooks/{id}/rotate-secret",
      summary: "Replace the signing secret; the old one keeps signing beside it for overlapSeconds (default a day). The new secret is shown only this once",
      tag: TAG,
      body: rotateWebhookSecretBody,
      success: { status: 200, description: "The endpoint and its new secret", schema: createdWebhook },
      errors: [400, 404],
    },
    async (c, { body }) => {
      const endpoint = await endpointOr404(c);
      const workspaceId = c.get("workspaceId");
      const secret = newSigningSecret();
      const now = Date.now();
      await rotateSecret(c.env.DB, workspaceId, endpoint.id, secret, now + body.overlapSeconds * 1000, now);
      holdsOnceShownSecret(c);
      return c.json({ ...toResource((await getEndpoint(c.env.DB, workspaceId, endpoint.id))!), secret });
    },
  ),
  route(
    {
      method: "post",
      path: "/webhooks/{id}/test",
      summary: "Send a webhook.test event to this endpoint now, signed and logged like any delivery",
      tag: TAG,
      success: { status: 202, description: "Queued; follow it in the delivery log", schema: deliveryResource },
      errors: [404, 409],
    },
    async (c) => {
      const endpoint = await endpointOr404(c);
      const workspaceId = c.get("workspaceId");
      if (!endpoint.enabled) throw new HttpError(409, "webhook_disabled", "the endpoint is disabled; enable it to send a test event");
      await enforceLimit(c.env, "webhookTests", `${workspaceId}:${endpoint.id}`);
      const deliveryId = await sendTestEvent(c.env, workspaceId, endpoint.id);
      return c.json(toDelivery((await getDelivery(c.env.DB, workspaceId, deliveryId))!), 202);
    },
  ),
  route(
    {
      method: "get",
      path: "/webhooks/{id}/deliveries",
      summary: "The endpoint's delivery log, newest first",
      tag: TAG,
      success: { status: 200, description: "Deliveries", schema: z.object({ deliveries: z.array(deliveryResource) }) },
      errors: [404],
    },
    async (c) => {
      const endpoint = await endpointOr404(c);
      return c.json({ deliveries: (await listDeliveries(c.env.DB, c.get("workspaceId"), endpoint.id)).map(toDelivery) });
    },
  ),
  route(
    {
      method: "post",
      path: "/webhooks/{id}/deliveries/{deliveryId}/redeliver",
      summary: "Send a delivery again now, with the same Parley-Delivery id",
      tag: TAG,
      success: { status: 202, description: "Queued again", schema: deliveryResource },
      errors: [404],
    },
    async (c) => {
      const endpoint = await endpointOr404(c);
      const workspaceId = c.get("workspaceId");
      const delivery = await getDelivery(c.env.DB, workspaceId, c.req.param("deliveryId")!);
      if (!delivery || delivery.endpoint_id !== endpoint.id) throw notFound("delivery");
      await markRedelivery(c.env.DB, workspaceId, delivery.id);
      await dispatcherFor(c.env, workspaceId, endpoint.id).redeliver(workspaceId, endpoint.id, {
        id: delivery.id,
        orderingKey: delivery.ordering_key,
        eventType: delivery.event_type,
        payload: delivery.payload,
      });
      return c.json(toDelivery((await getDelivery(c.env.DB, workspaceId, delivery.id))!), 202);
    },
  ),
  ...inboundHookRoutes,
];
