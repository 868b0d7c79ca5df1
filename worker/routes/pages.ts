import { Hono } from "hono";
import type { AppEnv } from "../app-env";

/** HTML pages and the front-end bundles, served from the static assets with the right headers. */
export const pageRoutes = new Hono<AppEnv>();

function asset(env: AppEnv["Bindings"], request: Request, path: string) {
  return env.ASSETS.fetch(new Request(new URL(path, request.url), { headers: request.headers }));
}

pageRoutes.get("/", async (c) => {
  // The demo customer portal exists only in local development; production has no demo data.
  if (c.env.PARLEY_ENV !== "development") return c.redirect("/console");
  return asset(c.env, c.req.raw, "/index.html");
});

// Its Content-Security-Policy and the other security headers come from worker/http/security-headers.ts.
pageRoutes.get("/console", (c) => asset(c.env, c.req.raw, "/console.html"));

// Site owners load the widget as a module script from their own origin, which needs CORS.
pageRoutes.get("/widget*", async (c) => {
  const res = await c.env.ASSETS.fetch(c.req.raw);
  const headers = new Headers(res.headers);
  headers.set("Access-Control-Allow-Origin", "*");
  headers.set("Cross-Origin-Resource-Policy", "cross-origin");
  return new Response(res.body, { status: res.status, headers });
});
