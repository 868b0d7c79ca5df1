import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";

/**
 * One JSON line per request for Workers Logs: method, the matched route (its pattern, so no ids or
 * tokens from the path), status and duration. Never the query, a header or a body: those hold
 * tokens, emails and what customers wrote. Static files are left out; they are most requests and
 * tell an operator nothing.
 */
export const requestLog = createMiddleware<AppEnv>(async (c, next) => {
  const started = Date.now();
  await next();
  const route = c.req.routePath;
  if (route === "*" || route === "/*") return;
  console.log(JSON.stringify({ event: "request", method: c.req.method, route, status: c.res.status, ms: Date.now() - started }));
});
