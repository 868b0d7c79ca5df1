import { LIMITS } from "../../protocol/limits";
import type { AgentRouting, LobbySettings } from "../../protocol/lobby";
import type { Channel } from "../db/channels";

/** What a channel's lobby needs of its settings to route and keep its targets. */
export function lobbySettingsOf(channel: Channel): LobbySettings {
  const { routing, targets, openingHours, notificationEmail } = channel.config;
  return { workspaceId: channel.workspaceId, routing, targets, openingHours, notificationEmail };
}

/** An agent's capacity and pause as D1 has them; the defaults for an agent not found. */
export async function agentRoutingOf(db: D1Database, workspaceId: string, agentId: string): Promise<AgentRouting> {
  const row = await db
    .prepare("SELECT capacity, paused FROM agents WHERE workspace_id = ? AND id = ?")
    .bind(workspaceId, agentId)
    .first<{ capacity: number; paused: number }>();
  return row ? { capacity: row.capacity, paused: row.paused === 1 } : { capacity: LIMITS.routing.defaultCapacity, paused: false };
}
