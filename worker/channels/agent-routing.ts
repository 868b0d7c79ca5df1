import type { AgentRoutingRequest, AgentRoutingStatus } from "../../protocol/admin";
import { listChannels } from "../db/channels";
import type { Env } from "../env";
import { lobbyFor } from "../rooms";

/**
 * Sets an agent's capacity and pause in D1 and in every channel's lobby of the workspace, so an
 * agent open in the console feels it at once. False: no such agent.
 */
export async function setAgentRouting(env: Env, workspaceId: string, agentId: string, routing: AgentRoutingRequest): Promise<boolean> {
  const row = await env.DB.prepare("UPDATE agents SET capacity = ?, paused = ? WHERE workspace_id = ? AND id = ? RETURNING id")
    .bind(routing.capacity, routing.paused ? 1 : 0, workspaceId, agentId)
    .first();
  if (!row) return false;
  const channels = await listChannels(env.DB, workspaceId);
  const failed = (await Promise.allSettled(channels.map((ch) => lobbyFor(env, ch.id).setAgentRouting(agentId, routing)))).filter(
    (r) => r.status === "rejected",
  );
  // D1 holds the setting; a lobby that missed it gets it with the agent's next console connect.
  if (failed.length > 0) console.error(`routing of ${agentId}: ${failed.length} lobbies did not answer`, failed[0]);
  return true;
}

/** Every agent of the workspace with their routing settings, and their status and load over every channel's lobby. */
export async function agentRoutingStatuses(env: Env, workspaceId: string): Promise<AgentRoutingStatus[]> {
  const [{ results }, channels] = await Promise.all([
    env.DB.prepare("SELECT id, name, capacity, paused FROM agents WHERE workspace_id = ? ORDER BY name COLLATE NOCASE")
      .bind(workspaceId)
      .all<{ id: string; name: string; capacity: number; paused: number }>(),
    listChannels(env.DB, workspaceId),
  ]);
  const perLobby = await Promise.allSettled(channels.map((ch) => lobbyFor(env, ch.id).agentStatuses()));
  const byAgent = new Map<string, { online: boolean; available: boolean; live: number; offered: number }>();
  for (const answer of perLobby) {
    if (answer.status !== "fulfilled") continue;
    for (const s of answer.value) {
      const sum = byAgent.get(s.agentId) ?? { online: false, available: false, live: 0, offered: 0 };
      byAgent.set(s.agentId, {
        online: sum.online || s.online,
        available: sum.available || s.available,
        live: sum.live + s.live,
        offered: sum.offered + s.offered,
      });
    }
  }
  return results.map((r) => ({
    agentId: r.id,
    name: r.name,
    capacity: r.capacity,
    paused: r.paused === 1,
    ...(byAgent.get(r.id) ?? { online: false, available: false, live: 0, offered: 0 }),
  }));
}
