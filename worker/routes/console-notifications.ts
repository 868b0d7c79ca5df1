import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { listNotifications, markSignInAlertsSeen, touchPresence } from "../db/notifications";

/** The agent's notifications. The console polls this while it is open, which is also how we know the agent is not away. */
export const notificationRoutes = new Hono<AppEnv>();

notificationRoutes.get("/notifications", async (c) => {
  const agent = c.get("agent");
  await touchPresence(c.env.DB, agent.workspaceId, agent.id);
  return c.json(await listNotifications(c.env.DB, agent.workspaceId, agent.id));
});

notificationRoutes.post("/notifications/sign-in/seen", async (c) => {
  const agent = c.get("agent");
  await markSignInAlertsSeen(c.env.DB, agent.workspaceId, agent.id);
  return c.body(null, 204);
});
