import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import {
  agentRoutingRequest,
  createAgentRequest,
  createApiKeyRequest,
  createChannelRequest,
  faqInput,
  outboxQuery,
  setPasswordRequest,
  teamInput,
  updateAgentRequest,
  updateChannelRequest,
  type FaqInput,
} from "../../protocol/admin";
import type { AppEnv } from "../app-env";
import { requireAgent, sameOriginOnly } from "../auth/middleware";
import { closeSockets, endSessions } from "../auth/revocation";
import { clearSignInFailures } from "../auth/sign-in-guard";
import { createAgent, deleteAgent, listAgents, setAgentPassword, updateAgent } from "../db/admin-agents";
import { createApiKey, listApiKeys, revokeApiKey } from "../db/admin-api-keys";
import { createChannel, getAdminChannel, listAdminChannels, setIdentitySecret, updateChannel } from "../db/admin-channels";
import { conflict } from "../db/admin-constraints";
import { getOutboxEmail, listOutbox } from "../db/admin-emails";
import { inboundEmailRoutes } from "./console-inbound-emails";
import { createFaq, deleteFaq, listFaqs, updateFaq } from "../db/admin-faqs";
import { createTeam, deleteTeam, listTeams, unknownAgentIds, updateTeam } from "../db/admin-teams";
import { findChannel } from "../db/channels";
import { forbidden, HttpError, notFound } from "../http/errors";
import { parseBody, parseQuery } from "../http/validate";
import { retentionRoutes } from "./console-retention";
import { agentRoutingStatuses, setAgentRouting } from "../channels/agent-routing";
import { lobbySettingsOf } from "../channels/lobby-settings";
import { lobbyFor } from "../rooms";

/**
 * Administration, for the admins of one workspace: every query is scoped by the signed-in
 * admin's workspace, so another workspace's rows are simply not found.
 */
export const consoleAdminRoutes = new Hono<AppEnv>();

const requireAdmin = createMiddleware<AppEnv>(async (c, next) => {
  if (c.get("agent").role !== "admin") throw forbidden("only admins can use Administration");
  await next();
});

consoleAdminRoutes.use("*", sameOriginOnly, requireAgent, requireAdmin);

const badField = (field: string, message: string) => new HttpError(400, "invalid_request", `${field}: ${message}`);

consoleAdminRoutes.get("/channels", async (c) => c.json({ channels: await listAdminChannels(c.env.DB, c.get("workspaceId")) }));

consoleAdminRoutes.post("/channels", async (c) => {
  const input = await parseBody(c, createChannelRequest);
  return c.json({ channel: await createChannel(c.env.DB, c.get("workspaceId"), input) }, 201);
});

consoleAdminRoutes.get("/channels/:id", async (c) => {
  const channel = await getAdminChannel(c.env.DB, c.get("workspaceId"), c.req.param("id"));
  if (!channel) throw notFound("channel");
  return c.json({ channel });
});

consoleAdminRoutes.put("/channels/:id", async (c) => {
  const input = await parseBody(c, updateChannelRequest);
  const channel = await updateChannel(c.env.DB, c.get("workspaceId"), c.req.param("id"), input);
  if (!channel) throw notFound("channel");
  // Routing and targets take effect in the lobby now, not at the next console connect.
  const saved = await findChannel(c.env.DB, c.get("workspaceId"), channel.id);
  if (saved) await lobbyFor(c.env, saved.id).configure(lobbySettingsOf(saved));
  return c.json({ channel });
});

consoleAdminRoutes.post("/channels/:id/identity-secret", async (c) => {
  const result = await setIdentitySecret(c.env.DB, c.get("workspaceId"), c.req.param("id"), "rotate");
  if (!result) throw notFound("channel");
  return c.json(result);
});

consoleAdminRoutes.delete("/channels/:id/identity-secret", async (c) => {
  const result = await setIdentitySecret(c.env.DB, c.get("workspaceId"), c.req.param("id"), "remove");
  if (!result) throw notFound("channel");
  return c.json(result);
});

/** A FAQ may be tied only to a channel of the admin's own workspace. */
async function checkFaqChannel(db: D1Database, workspaceId: string, input: FaqInput): Promise<void> {
  if (input.channelId && !(await findChannel(db, workspaceId, input.channelId))) {
    throw badField("channelId", "no such channel in this workspace");
  }
}

consoleAdminRoutes.get("/faqs", async (c) => c.json({ faqs: await listFaqs(c.env.DB, c.get("workspaceId")) }));

consoleAdminRoutes.post("/faqs", async (c) => {
  const input = await parseBody(c, faqInput);
  await checkFaqChannel(c.env.DB, c.get("workspaceId"), input);
  return c.json({ faq: await createFaq(c.env.DB, c.get("workspaceId"), input) }, 201);
});

consoleAdminRoutes.put("/faqs/:id", async (c) => {
  const input = await parseBody(c, faqInput);
  await checkFaqChannel(c.env.DB, c.get("workspaceId"), input);
  const faq = await updateFaq(c.env.DB, c.get("workspaceId"), c.req.param("id"), input);
  if (!faq) throw notFound("FAQ");
  return c.json({ faq });
});

consoleAdminRoutes.delete("/faqs/:id", async (c) => {
  if (!(await deleteFaq(c.env.DB, c.get("workspaceId"), c.req.param("id")))) throw notFound("FAQ");
  return c.body(null, 204);
});

consoleAdminRoutes.get("/agents", async (c) => c.json({ agents: await listAgents(c.env.DB, c.get("workspaceId")) }));

consoleAdminRoutes.post("/agents", async (c) => {
  const input = await parseBody(c, createAgentRequest);
  return c.json({ agent: await createAgent(c.env.DB, c.get("workspaceId"), input) }, 201);
});

consoleAdminRoutes.put("/agents/:id", async (c) => {
  const input = await parseBody(c, updateAgentRequest);
  const agent = await updateAgent(c.env.DB, c.get("workspaceId"), c.req.param("id"), input);
  if (!agent) throw notFound("agent");
  return c.json({ agent });
});

/** Every agent's capacity, pause, status and load (docs/lobby-protocol.md, "Routing"). */
consoleAdminRoutes.get("/agents/routing", async (c) => c.json({ agents: await agentRoutingStatuses(c.env, c.get("workspaceId")) }));

consoleAdminRoutes.put("/agents/:id/routing", async (c) => {
  const input = await parseBody(c, agentRoutingRequest);
  if (!(await setAgentRouting(c.env, c.get("workspaceId"), c.req.param("id"), input))) throw notFound("agent");
  return c.body(null, 204);
});

consoleAdminRoutes.put("/agents/:id/password", async (c) => {
  const { password } = await parseBody(c, setPasswordRequest);
  const me = c.get("agent");
  const id = c.req.param("id");
  const email = await setAgentPassword(c.env.DB, me.workspaceId, id, password);
  if (!email) throw notFound("agent");
  // A reset is how a locked-out agent gets back in, and it ends every session the old password
  // opened; an admin setting their own keeps the one they are using.
  await clearSignInFailures(c.env, email);
  await endSessions(c.env, me.workspaceId, id, id === me.id ? { allBut: c.get("session") } : { all: true });
  return c.body(null, 204);
});

consoleAdminRoutes.delete("/agents/:id", async (c) => {
  const me = c.get("agent");
  if (c.req.param("id") === me.id) throw conflict("own_account", "you cannot delete your own account; ask another admin");
  if (!(await deleteAgent(c.env.DB, me.workspaceId, c.req.param("id")))) throw notFound("agent");
  // Their sessions went with the row; their open consoles go now.
  await closeSockets(c.env, me.workspaceId, c.req.param("id"), "all");
  return c.body(null, 204);
});

async function checkMembers(db: D1Database, workspaceId: string, memberIds: string[]): Promise<void> {
  const unknown = await unknownAgentIds(db, workspaceId, memberIds);
  if (unknown.length) throw badField("memberIds", `no agent ${unknown.join(", ")} in this workspace`);
}

consoleAdminRoutes.get("/teams", async (c) => c.json({ teams: await listTeams(c.env.DB, c.get("workspaceId")) }));

consoleAdminRoutes.post("/teams", async (c) => {
  const input = await parseBody(c, teamInput);
  await checkMembers(c.env.DB, c.get("workspaceId"), input.memberIds);
  return c.json({ team: await createTeam(c.env.DB, c.get("workspaceId"), input) }, 201);
});

consoleAdminRoutes.put("/teams/:id", async (c) => {
  const input = await parseBody(c, teamInput);
  await checkMembers(c.env.DB, c.get("workspaceId"), input.memberIds);
  const team = await updateTeam(c.env.DB, c.get("workspaceId"), c.req.param("id"), input);
  if (!team) throw notFound("team");
  return c.json({ team });
});

consoleAdminRoutes.delete("/teams/:id", async (c) => {
  if (!(await deleteTeam(c.env.DB, c.get("workspaceId"), c.req.param("id")))) throw notFound("team");
  return c.body(null, 204);
});

consoleAdminRoutes.get("/api-keys", async (c) => c.json({ apiKeys: await listApiKeys(c.env.DB, c.get("workspaceId")) }));

consoleAdminRoutes.post("/api-keys", async (c) => {
  const { name } = await parseBody(c, createApiKeyRequest);
  return c.json(await createApiKey(c.env.DB, c.get("workspaceId"), name), 201);
});

consoleAdminRoutes.post("/api-keys/:id/revoke", async (c) => {
  const apiKey = await revokeApiKey(c.env.DB, c.get("workspaceId"), c.req.param("id"));
  if (!apiKey) throw notFound("API key");
  return c.json({ apiKey });
});

consoleAdminRoutes.route("/retention", retentionRoutes);
consoleAdminRoutes.route("/", inboundEmailRoutes);

consoleAdminRoutes.get("/emails", async (c) => {
  const query = parseQuery(c, outboxQuery);
  return c.json(await listOutbox(c.env.DB, c.get("workspaceId"), query));
});

consoleAdminRoutes.get("/emails/:id", async (c) => {
  const email = await getOutboxEmail(c.env.DB, c.get("workspaceId"), c.req.param("id"), c.env.PARLEY_ENV === "development");
  if (!email) throw notFound("email");
  return c.json({ email });
});
