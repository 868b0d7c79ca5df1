import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { getConversationContext } from "../db/conversation-context";
import { notFound } from "../http/errors";
import { roomFor } from "../rooms";
import { conversationForAgent } from "./console-access";

/** The thread's context panel: who the customer is and what the host platform said of them. */
export const contextRoutes = new Hono<AppEnv>();

contextRoutes.get("/conversations/:id/context", async (c) => {
  const conversation = await conversationForAgent(c);
  const context = await getConversationContext(c.env.DB, c.get("agent").workspaceId, conversation.id);
  if (!context) throw notFound("conversation");
  // The panel reloads when the room says a rating arrived, before the room's next alarm has
  // copied it to D1: the live room is the source of truth for it. Rooms of imported or seeded
  // history were never started, and D1 is all there is of them.
  const live = await roomFor(c.env, conversation.id)
    .snapshot()
    .catch(() => null);
  if (live?.feedback) context.feedback = live.feedback;
  c.header("Cache-Control", "no-store");
  return c.json({ context });
});
