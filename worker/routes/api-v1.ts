import { Hono } from "hono";
import { z } from "zod";
import { inboxQuery } from "../../protocol/api";
import type { AppEnv } from "../app-env";
import { requireApiKey } from "../auth/middleware";
import { getConversation, listInbox } from "../db/conversations";
import { notFound } from "../http/errors";
import { parseQuery } from "../http/validate";
import { roomFor } from "../rooms";

/** The integrator's REST API, scoped to the API key's workspace. */
export const apiV1Routes = new Hono<AppEnv>();

apiV1Routes.use("*", requireApiKey);

apiV1Routes.get("/conversations", async (c) => {
  const query = parseQuery(c, inboxQuery);
  return c.json({ conversations: await listInbox(c.env.DB, c.get("workspaceId"), query) });
});

apiV1Routes.get("/conversations/:id", async (c) => {
  const conversation = await getConversation(c.env.DB, c.get("workspaceId"), c.req.param("id"));
  if (!conversation) throw notFound("conversation");
  return c.json({ conversation });
});

const messagesQuery = z.object({ since: z.coerce.number().int().min(0).default(0) });

apiV1Routes.get("/conversations/:id/messages", async (c) => {
  const { since } = parseQuery(c, messagesQuery);
  const conversation = await getConversation(c.env.DB, c.get("workspaceId"), c.req.param("id"));
  if (!conversation) throw notFound("conversation");
  return c.json({ messages: await roomFor(c.env, conversation.id).history(since) });
});
