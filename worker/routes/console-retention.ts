import { Hono } from "hono";
import { retentionUpdate } from "../../protocol/retention";
import type { AppEnv } from "../app-env";
import { getRetention, setRetention } from "../db/retention";
import { parseBody } from "../http/validate";

/** Administration's "Data retention": mounted under the admin routes, so for admins only. */
export const retentionRoutes = new Hono<AppEnv>();

retentionRoutes.get("/", async (c) => c.json({ retention: await getRetention(c.env.DB, c.get("workspaceId")) }));

retentionRoutes.put("/", async (c) => {
  const { days } = await parseBody(c, retentionUpdate);
  return c.json({ retention: await setRetention(c.env.DB, c.get("workspaceId"), days) });
});
