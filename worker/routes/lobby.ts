import { Hono } from "hono";
import { LOBBY_AGENT_HEADER, type LobbyAgent } from "../../durable-objects/lobby-agent";
import type { ConsoleChannel } from "../../protocol/lobby";
import type { AppEnv } from "../app-env";
import { requireAgent, sameOriginOnly } from "../auth/middleware";
import { agentRoutingOf, lobbySettingsOf } from "../channels/lobby-settings";
import { findChannel, listChannels } from "../db/channels";
import { sessionExists, socketSession } from "../db/sessions";
import { notFound } from "../http/errors";
import { lobbyFor } from "../rooms";

/** The console's view of its channels and their lobbies: same origin, session cookie. */
export const lobbyRoutes = new Hono<AppEnv>();

lobbyRoutes.use("/channels", sameOriginOnly, requireAgent);
lobbyRoutes.use("/channels/*", sameOriginOnly, requireAgent);

lobbyRoutes.get("/channels", async (c) => {
  const channels: ConsoleChannel[] = (await listChannels(c.env.DB, c.get("workspaceId"))).map(({ id, key, name }) => ({ id, key, name }));
  return c.json({ channels });
});

/**
 * Hands the console's lobby socket to the channel's lobby, which accepts it with the hibernation
 * API; accepting it here would pin the socket to the Worker and never hibernate. The lobby keeps
 * the session, so ending it closes the socket (every channel's lobby is asked then, so nothing
 * is recorded here); a revocation that ran while the socket was being handed over is caught by
 * the second look at the session afterwards.
 */
lobbyRoutes.get("/channels/:channelId/lobby", async (c) => {
  const agent = c.get("agent");
  const channel = await findChannel(c.env.DB, agent.workspaceId, c.req.param("channelId"));
  if (!channel) throw notFound("channel");
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
    return c.json({ error: { code: "upgrade_required", message: "connect with a WebSocket" } }, 426);
  }
  const session = socketSession(c.get("session"));
  const routing = await agentRoutingOf(c.env.DB, agent.workspaceId, agent.id);
  const who: LobbyAgent = { channelId: channel.id, agent: { id: agent.id, name: agent.name }, session, routing };
  const headers = new Headers(c.req.raw.headers);
  headers.set(LOBBY_AGENT_HEADER, JSON.stringify(who));
  const lobby = lobbyFor(c.env, channel.id);
  // Routing needs the channel's settings whenever an agent is there to be offered a chat.
  await lobby.configure(lobbySettingsOf(channel));
  const res = await lobby.fetch(new Request(c.req.url, { method: "GET", headers }));
  if (res.webSocket && !(await sessionExists(c.env.DB, c.get("session")))) await lobby.revokeSockets(agent.id, session);
  return res;
});
