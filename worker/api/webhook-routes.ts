import type { Context } from "hono";
import { z } from "zod";
import {
  createdInboundHook,
  createdWebhook,
  createInboundHookBody,
  createWebhookBody,
  deliveryResource,
  inboundHookResource,
  updateWebhookBody,
  webhookResource,
} from "../../protocol/api-v1";
import type { AppEnv } from "../app-env";
import { randomToken } from "../auth/encoding";
import { newId } from "../db/ids";
import { createInboundHook, listInboundHooks, revokeInboundHook } from "../db/inbound-hooks";
import {
  createEndpoint,
  deleteEndpoint,
  getDelivery,
  getEndpoint,
  listDeliveries,
  listEndpoints,
  markRedelivery,
  setEndpointEnabled,
  type DeliveryRow,
  type WebhookEndpoint,
} from "../db/webhooks";
import { notFound } from "../http/errors";
import { dispatcherFor } from "../webhooks/emit";
import { admitWebhookUrl } from "../webhooks/url-policy";
import { holdsOnceShownSecret } from "./idempotency";
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

const hookUrl = (c: Context<AppEnv>, id: string) => `${new URL(c.req.url).origin}/hooks/${id}`;

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
      const secret = `whsec_${randomToken(24)}`;
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
      summary: "Enable or disable an endpoint; enabling resumes its queued deliveries",
      tag: TAG,
      body: updateWebhookBody,
      success: { status: 200, description: "The endpoint", schema: webhookResource },
      errors: [400, 404],
    },
    async (c, { body }) => {
      const endpoint = await endpointOr404(c);
      const workspaceId = c.get("workspaceId");
      await setEndpointEnabled(c.env.DB, workspaceId, endpoint.id, body.enabled);
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
  route(
    {
      method: "post",
      path: "/inbound-hooks",
      summary: "Create an inbound hook: a secret URL that accepts signed envelopes",
      tag: "Inbound hooks",
      body: createInboundHookBody,
      success: { status: 201, description: "The hook, its URL and its secret (shown once)", schema: createdInboundHook },
      errors: [400],
    },
    async (c, { body }) => {
      const hook = await createInboundHook(c.env.DB, c.get("workspaceId"), body.name);
      holdsOnceShownSecret(c);
      return c.json({ id: hook.id, name: hook.name, createdAt: hook.createdAt, url: hookUrl(c, hook.id), secret: hook.secret }, 201);
    },
  ),
  route(
    {
      method: "get",
      path: "/inbound-hooks",
      summary: "List inbound hooks",
      tag: "Inbound hooks",
      success: { status: 200, description: "Hooks", schema: z.object({ hooks: z.array(inboundHookResource) }) },
    },
    async (c) => {
      const hooks = await listInboundHooks(c.env.DB, c.get("workspaceId"));
      return c.json({ hooks: hooks.map((h) => ({ id: h.id, name: h.name, createdAt: h.createdAt, url: hookUrl(c, h.id) })) });
    },
  ),
  route(
    {
      method: "delete",
      path: "/inbound-hooks/{id}",
      summary: "Revoke an inbound hook; its URL stops accepting deliveries at once",
      tag: "Inbound hooks",
      success: { status: 204, description: "Revoked" },
      errors: [404],
    },
    async (c) => {
      if (!(await revokeInboundHook(c.env.DB, c.get("workspaceId"), c.req.param("id")!))) throw notFound("inbound hook");
      return c.body(null, 204);
    },
  ),
];
