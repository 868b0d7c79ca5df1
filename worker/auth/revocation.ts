import { listChannels } from "../db/channels";
import { clearPresence } from "../db/notifications";
import { deleteSessions, socketSession, takeSocketRecords, type SessionChoice } from "../db/sessions";
import type { Env } from "../env";
import { lobbyFor, roomFor } from "../rooms";

/**
 * Ending a session also ends what it opened: a socket outlives the cookie that opened it, so
 * without this a signed-out (or deleted) agent's open console could still post and accept.
 * Rooms are found through `agent_sockets`; lobbies are few, so every channel's is asked.
 */

/** Ends the chosen sessions of an agent and closes their room and lobby sockets (code 4401). */
export async function endSessions(env: Env, workspaceId: string, agentId: string, choice: SessionChoice): Promise<void> {
  const ended = await deleteSessions(env.DB, workspaceId, agentId, choice);
  await closeSockets(env, workspaceId, agentId, "all" in choice ? "all" : ended.map(socketSession));
  if ("all" in choice) await clearPresence(env.DB, workspaceId, agentId);
}

/**
 * Closes the agent's sockets of the given sessions, or every one of theirs (for an agent deleted,
 * or all sessions ended: sockets from before sessions were named on them go too).
 */
export async function closeSockets(env: Env, workspaceId: string, agentId: string, sessions: string[] | "all"): Promise<void> {
  if (sessions !== "all" && sessions.length === 0) return;
  const [records, channels] = await Promise.all([takeSocketRecords(env.DB, workspaceId, agentId, sessions), listChannels(env.DB, workspaceId)]);
  const rooms =
    sessions === "all"
      ? [...new Set(records.map((r) => r.conversationId))].map((id) => roomFor(env, id).revokeSockets(agentId))
      : records.map((r) => roomFor(env, r.conversationId).revokeSockets(agentId, r.session));
  const lobbies = channels.flatMap((ch) =>
    sessions === "all" ? [lobbyFor(env, ch.id).revokeSockets(agentId)] : sessions.map((s) => lobbyFor(env, ch.id).revokeSockets(agentId, s)),
  );
  // One unreachable room must not keep the others open; each closes on its own.
  const failed = (await Promise.allSettled([...rooms, ...lobbies])).filter((r) => r.status === "rejected");
  if (failed.length > 0) console.error(`revoking ${agentId}'s sockets: ${failed.length} rooms or lobbies did not answer`, failed[0]);
}
