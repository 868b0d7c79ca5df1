import type { Context } from "hono";
import { z } from "zod";
import { createdInboundHook, createInboundHookBody, inboundHookResource } from "../../protocol/api-v1";
import type { AppEnv } from "../app-env";
import { createInboundHook, listInboundHooks, revokeInboundHook } from "../db/inbound-hooks";
import { notFound } from "../http/errors";
import { holdsOnceShownSecret } from "./idempotency";
import { route } from "./route";

const hookUrl = (c: Context<AppEnv>, id: string) => `${new URL(c.req.url).origin}/hooks/${id}`;

/** Inbound hooks: secret URLs through which a platform that only sends webhooks drives Parley. */
export const inboundHookRoutes = [
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
