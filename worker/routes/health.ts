import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { LATEST_MIGRATION } from "../ops/schema-version";

/**
 * For uptime checks and deploy pipelines: 200 when D1 answers and has every migration this code
 * needs, 503 saying which is missing otherwise. It names no workspace and reads one small table.
 */
export const healthRoutes = new Hono<AppEnv>();

healthRoutes.get("/healthz", async (c) => {
  try {
    const row = await c.env.DB.prepare("SELECT COUNT(*) AS n, MAX(name) AS newest FROM d1_migrations")
      .first<{ n: number; newest: string | null }>();
    const applied = await c.env.DB.prepare("SELECT 1 FROM d1_migrations WHERE name = ?").bind(LATEST_MIGRATION).first();
    const migrations = { applied: row?.n ?? 0, newest: row?.newest ?? null, expected: LATEST_MIGRATION };
    if (!applied) return c.json({ ok: false, d1: "reachable", migrations, problem: `migration ${LATEST_MIGRATION} is not applied` }, 503);
    return c.json({ ok: true, d1: "reachable", migrations });
  } catch (err) {
    console.error(JSON.stringify({ event: "healthz_failed", error: String(err) }));
    return c.json({ ok: false, d1: "unreachable", problem: "D1 did not answer" }, 503);
  }
});
