import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { findApiKeyWorkspace } from "../db/api-keys";
import { getAgent } from "../db/agents";
import { findSession } from "../db/sessions";
import { HttpError, unauthorized } from "../http/errors";
import { readSessionToken } from "./session-cookie";

/** An agent, from the session cookie; every later query is scoped to their workspace. */
export const requireAgent = createMiddleware<AppEnv>(async (c, next) => {
  const token = readSessionToken(c);
  const session = token ? await findSession(c.env.DB, token) : null;
  const agent = session ? await getAgent(c.env.DB, session.workspaceId, session.agentId) : null;
  if (!session || !agent) throw unauthorized("sign in first");
  c.set("agent", agent);
  c.set("workspaceId", agent.workspaceId);
  c.set("session", session.tokenHash);
  await next();
});

/**
 * Cookies ride along on cross-site requests, so console calls that change something, and console
 * sockets, must come from the console's own origin.
 */
export const sameOriginOnly = createMiddleware<AppEnv>(async (c, next) => {
  const unsafe = c.req.method !== "GET" && c.req.method !== "HEAD";
  const socket = c.req.header("upgrade")?.toLowerCase() === "websocket";
  if (unsafe || socket) {
    const origin = c.req.header("origin");
    if (origin !== undefined && origin !== new URL(c.req.url).origin) {
      throw new HttpError(403, "cross_origin", "this request must come from the console's own origin");
    }
  }
  await next();
});

/** An integrator, from `Authorization: Bearer <api key>`. */
export const requireApiKey = createMiddleware<AppEnv>(async (c, next) => {
  const match = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "");
  const workspaceId = match?.[1] ? await findApiKeyWorkspace(c.env.DB, match[1]) : null;
  if (!workspaceId) throw unauthorized("a valid API key is required: Authorization: Bearer <key>");
  c.set("workspaceId", workspaceId);
  await next();
});
