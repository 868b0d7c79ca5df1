import { Hono } from "hono";
import { changePasswordRequest, signInRequest } from "../../protocol/api";
import { consoleInboxQuery, readRequest } from "../../protocol/console";
import type { AppEnv } from "../app-env";
import { requireAgent, sameOriginOnly } from "../auth/middleware";
import { DUMMY_PASSWORD_HASH, verifyPassword } from "../auth/password";
import { endSessions } from "../auth/revocation";
import { clearSessionCookie, readSessionToken, setSessionCookie } from "../auth/session-cookie";
import { chargeSignIn, clearSignInFailures, signInFailed } from "../auth/sign-in-guard";
import { setAgentPassword } from "../db/admin-agents";
import { findAgentByEmail, getPasswordHash } from "../db/agents";
import { listWorkspaceAgents } from "../db/console-agents";
import { getConversationDetail, listInboxPage, markRead } from "../db/inbox";
import { alertSignInFailures, clearPresence } from "../db/notifications";
import { createSession, findSession, recordSocket, sessionExists, socketSession } from "../db/sessions";
import { HttpError, notFound } from "../http/errors";
import { clientAddress, enforceLimit } from "../http/rate-limit";
import { parseBody, parseQuery } from "../http/validate";
import { forwardSocket, roomFor } from "../rooms";
import { conversationForAgent } from "./console-access";
import { accountRoutes } from "./console-accounts";
import { bulkRoutes } from "./console-bulk";
import { cannedResponseRoutes } from "./console-canned-responses";
import { labelRoutes } from "./console-labels";
import { consoleAttachmentRoutes } from "./console-attachments";
import { contextRoutes } from "./console-context";
import { notificationRoutes } from "./console-notifications";
import { threadRoutes } from "./console-threads";

/** The agent console's API: same origin as the console, authenticated by the session cookie. */
export const consoleRoutes = new Hono<AppEnv>();

consoleRoutes.use("*", sameOriginOnly);

const wrongCredentials = () => new HttpError(401, "invalid_credentials", "wrong email or password");

/**
 * Three limits before a password is checked: per address (or IPv6 /64) whatever the email, per
 * address and email, and per account from anywhere, which locks it for longer each time a run of
 * failures empties it. Known and unknown emails take the same path, so neither the answers nor
 * their timing tell who has an account.
 */
consoleRoutes.post("/session", async (c) => {
  const input = await parseBody(c, signInRequest);
  const address = clientAddress(c.req.raw.headers);
  await enforceLimit(c.env, "signInNetwork", address);
  await enforceLimit(c.env, "signIn", `${address}:${input.email.toLowerCase()}`);
  await chargeSignIn(c.env, input.email);
  const found = await findAgentByEmail(c.env.DB, input.email);
  // Verify against a dummy hash for unknown emails, so response time does not reveal who has an account.
  const valid = await verifyPassword(input.password, found?.passwordHash ?? DUMMY_PASSWORD_HASH);
  if (!found || !valid) {
    // Unknown emails claim too, so both paths cost the same; only a real account has admins to tell.
    if ((await signInFailed(c.env, input.email)) && found) {
      c.executionCtx.waitUntil(alertSignInFailures(c.env, found.agent).catch((err) => console.error("sign-in alert", err)));
    }
    throw wrongCredentials();
  }
  await clearSignInFailures(c.env, input.email);
  const token = await createSession(c.env.DB, found.agent.workspaceId, found.agent.id);
  setSessionCookie(c, token);
  return c.json({ agent: found.agent });
});

/** Signs this session out, and closes the sockets it opened. */
consoleRoutes.delete("/session", async (c) => {
  const token = readSessionToken(c);
  const session = token ? await findSession(c.env.DB, token) : null;
  if (session) {
    await endSessions(c.env, session.workspaceId, session.agentId, { only: session.tokenHash });
    await clearPresence(c.env.DB, session.workspaceId, session.agentId);
  }
  clearSessionCookie(c);
  return c.body(null, 204);
});

// Everything but signing in and out needs a signed-in agent; the routers below rely on it.
for (const path of ["/me", "/me/*", "/sessions", "/agents", "/conversations", "/conversations/*", "/accounts", "/accounts/*", "/notifications", "/notifications/*"]) {
  consoleRoutes.use(path, requireAgent);
}

consoleRoutes.get("/me", (c) => c.json({ agent: c.get("agent") }));

/** "Sign out everywhere": every session of this agent ends, this one included, with its sockets. */
consoleRoutes.delete("/sessions", async (c) => {
  const agent = c.get("agent");
  await endSessions(c.env, agent.workspaceId, agent.id, { all: true });
  clearSessionCookie(c);
  return c.body(null, 204);
});

/**
 * The agent changes their own password: the current one is checked under the same per-account
 * lock as sign-in (a stolen session must not become a way to guess it), and every other session
 * of theirs ends.
 */
consoleRoutes.post("/me/password", async (c) => {
  const input = await parseBody(c, changePasswordRequest);
  const agent = c.get("agent");
  await chargeSignIn(c.env, agent.email);
  const hash = await getPasswordHash(c.env.DB, agent.workspaceId, agent.id);
  if (!hash || !(await verifyPassword(input.currentPassword, hash))) {
    await signInFailed(c.env, agent.email);
    throw new HttpError(403, "wrong_password", "currentPassword: that is not your current password");
  }
  await clearSignInFailures(c.env, agent.email);
  await setAgentPassword(c.env.DB, agent.workspaceId, agent.id, input.newPassword);
  await endSessions(c.env, agent.workspaceId, agent.id, { allBut: c.get("session") });
  return c.body(null, 204);
});

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

/**
 * The room is told which session the socket belongs to, and D1 where it is, so that ending the
 * session closes it. A revocation that ran between the session check above and the room taking
 * the socket could have missed it; the second look afterwards closes it then.
 */
consoleRoutes.get("/conversations/:id/socket", async (c) => {
  const agent = c.get("agent");
  const conversation = await conversationForAgent(c);
  const session = socketSession(c.get("session"));
  await recordSocket(c.env.DB, agent.workspaceId, session, agent.id, conversation.id);
  const res = await forwardSocket(c.env, conversation.id, c.req.raw, { role: "agent", id: agent.id, name: agent.name, session });
  if (res.webSocket && !(await sessionExists(c.env.DB, c.get("session")))) await roomFor(c.env, conversation.id).revokeSockets(agent.id, session);
  return res;
});

consoleRoutes.post("/conversations/:id/read", async (c) => {
  const { seq } = await parseBody(c, readRequest);
  const agent = c.get("agent");
  const conversation = await conversationForAgent(c);
  await markRead(c.env.DB, agent.workspaceId, agent.id, conversation.id, seq);
  return c.body(null, 204);
});

consoleRoutes.route("/", bulkRoutes);
consoleRoutes.route("/", threadRoutes);
consoleRoutes.route("/", consoleAttachmentRoutes);
consoleRoutes.route("/", accountRoutes);
consoleRoutes.route("/", contextRoutes);
consoleRoutes.route("/", notificationRoutes);
consoleRoutes.route("/", cannedResponseRoutes);
consoleRoutes.route("/", labelRoutes);
