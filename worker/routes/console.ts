import { Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { signInRequest } from "../../protocol/api";
import { consoleInboxQuery, readRequest } from "../../protocol/console";
import type { AppEnv } from "../app-env";
import { requireAgent, sameOriginOnly, SESSION_COOKIE } from "../auth/middleware";
import { DUMMY_PASSWORD_HASH, verifyPassword } from "../auth/password";
import { findAgentByEmail } from "../db/agents";
import { listWorkspaceAgents } from "../db/console-agents";
import { getConversationDetail, listInboxPage, markRead } from "../db/inbox";
import { clearPresence } from "../db/notifications";
import { createSession, deleteSession, findSession, SESSION_TTL_MS } from "../db/sessions";
import { HttpError, notFound } from "../http/errors";
import { clientAddress, enforceLimit } from "../http/rate-limit";
import { parseBody, parseQuery } from "../http/validate";
import { forwardSocket } from "../rooms";
import { conversationForAgent } from "./console-access";
import { accountRoutes } from "./console-accounts";
import { consoleAttachmentRoutes } from "./console-attachments";
import { notificationRoutes } from "./console-notifications";
import { threadRoutes } from "./console-threads";

/** The agent console's API: same origin as the console, authenticated by the session cookie. */
export const consoleRoutes = new Hono<AppEnv>();

consoleRoutes.use("*", sameOriginOnly);

consoleRoutes.post("/session", async (c) => {
  const input = await parseBody(c, signInRequest);
  await enforceLimit(c.env, "signIn", `${clientAddress(c.req.raw.headers)}:${input.email.toLowerCase()}`);
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
  const session = token ? await findSession(c.env.DB, token) : null;
  if (token) await deleteSession(c.env.DB, token);
  if (session) await clearPresence(c.env.DB, session.workspaceId, session.agentId);
  deleteCookie(c, SESSION_COOKIE, { path: "/" });
  return c.body(null, 204);
});

// Everything but signing in and out needs a signed-in agent; the routers below rely on it.
for (const path of ["/me", "/agents", "/conversations", "/conversations/*", "/accounts", "/accounts/*", "/notifications", "/notifications/*"]) {
  consoleRoutes.use(path, requireAgent);
}

consoleRoutes.get("/me", (c) => c.json({ agent: c.get("agent") }));

consoleRoutes.get("/agents", async (c) => c.json({ agents: await listWorkspaceAgents(c.env.DB, c.get("workspaceId")) }));

consoleRoutes.get("/conversations", async (c) => {
  const query = parseQuery(c, consoleInboxQuery);
  const agent = c.get("agent");
  return c.json(await listInboxPage(c.env.DB, agent.workspaceId, agent.id, query));
});

consoleRoutes.get("/conversations/:id", async (c) => {
  const agent = c.get("agent");
  const conversation = await getConversationDetail(c.env.DB, agent.workspaceId, agent.id, c.req.param("id"));
  if (!conversation) throw notFound("conversation");
  return c.json({ conversation });
});

consoleRoutes.get("/conversations/:id/socket", async (c) => {
  const agent = c.get("agent");
  const conversation = await conversationForAgent(c);
  return forwardSocket(c.env, conversation.id, c.req.raw, { role: "agent", id: agent.id, name: agent.name });
});

consoleRoutes.post("/conversations/:id/read", async (c) => {
  const { seq } = await parseBody(c, readRequest);
  const agent = c.get("agent");
  const conversation = await conversationForAgent(c);
  await markRead(c.env.DB, agent.workspaceId, agent.id, conversation.id, seq);
  return c.body(null, 204);
});

consoleRoutes.route("/", threadRoutes);
consoleRoutes.route("/", consoleAttachmentRoutes);
consoleRoutes.route("/", accountRoutes);
consoleRoutes.route("/", notificationRoutes);
