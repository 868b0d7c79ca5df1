import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { getConversationContext } from "../db/conversation-context";
import { notFound } from "../http/errors";
import { conversationForAgent } from "./console-access";

/** The thread's context panel: who the customer is and what the host platform said of them. */
export const contextRoutes = new Hono<AppEnv>();

contextRoutes.get("/conversations/:id/context", async (c) => {
  const conversation = await conversationForAgent(c);
  const context = await getConversationContext(c.env.DB, c.get("agent").workspaceId, conversation.id);
  if (!context) throw notFound("conversation");
  c.header("Cache-Control", "no-store");
  return c.json({ context });
});
