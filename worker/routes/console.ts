import { Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { inboxQuery, signInRequest } from "../../protocol/api";
import type { AppEnv } from "../app-env";
import { requireAgent, sameOriginOnly, SESSION_COOKIE } from "../auth/middleware";
import { DUMMY_PASSWORD_HASH, verifyPassword } from "../auth/password";
import { findAgentByEmail } from "../db/agents";
import { getConversation, listInbox } from "../db/conversations";
import { createSession, deleteSession, SESSION_TTL_MS } from "../db/sessions";
import { HttpError, notFound } from "../http/errors";
import { clientAddress, enforceLimit, LIMITS } from "../http/rate-limit";
import { parseBody, parseQuery } from "../http/validate";
import { forwardSocket } from "../rooms";

/** The agent console's API: same origin as the console, authenticated by the session cookie. */
export const consoleRoutes = new Hono<AppEnv>();

consoleRoutes.use("*", sameOriginOnly);

consoleRoutes.post("/session", async (c) => {
  const input = await parseBody(c, signInRequest);
  await enforceLimit(c.env.DB, LIMITS.signIn, `${clientAddress(c.req.raw.headers)}:${input.email.toLowerCase()}`);
  const found = await findAgentByEmail(c.env.DB, input.email);
  // Verify against a dummy hash for unknown emails, so response time does not reveal who has an account.
  const valid = await verifyPassword(input.password, found?.passwordHash ?? DUMMY_PASSWORD_HASH);
  if (!found || !valid) throw new HttpError(401, "invalid_credentials", "wrong email or password");
  const token = await createSession(c.env.DB, found.agent.workspaceId, found.agent.id);
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    secure: new URL(c.req.url).protocol === "https:",
    sameSite: "Strict",
    path: "/",
    maxAge: SESSION_TTL_MS / 1000,
  });
  return c.json({ agent: found.agent });
});

consoleRoutes.delete("/session", async (c) => {
  const token = getCookie(c, SESSION_COOKIE);
  if (token) await deleteSession(c.env.DB, token);
  deleteCookie(c, SESSION_COOKIE, { path: "/" });
  return c.body(null, 204);
});

consoleRoutes.use("/me", requireAgent);
consoleRoutes.get("/me", (c) => c.json({ agent: c.get("agent") }));

consoleRoutes.use("/conversations/*", requireAgent);
consoleRoutes.use("/conversations", requireAgent);

consoleRoutes.get("/conversations", async (c) => {
  const query = parseQuery(c, inboxQuery);
  return c.json({ conversations: await listInbox(c.env.DB, c.get("workspaceId"), query) });
});

consoleRoutes.get("/conversations/:id", async (c) => {
  const conversation = await getConversation(c.env.DB, c.get("workspaceId"), c.req.param("id"));
  if (!conversation) throw notFound("conversation");
  return c.json({ conversation });
});

consoleRoutes.get("/conversations/:id/socket", async (c) => {
  const agent = c.get("agent");
  const conversation = await getConversation(c.env.DB, agent.workspaceId, c.req.param("id"));
  if (!conversation) throw notFound("conversation");
  return forwardSocket(c.env, conversation.id, c.req.raw, { role: "agent", id: agent.id, name: agent.name });
});
