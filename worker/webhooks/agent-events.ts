import type { Env } from "../env";
import { emitEvents } from "./emit";

/**
 * `agent.availability_changed`, from the channel's lobby when an agent moves their "Available for
 * chat" switch there. Sent once per real change: setting the switch to what it was sends nothing.
 *
 * @example
 * await emitAvailabilityChanged(env, "ws_1", { channelId: "ch_1", agent: { id: "ag_1", name: "Ada" } }, true)
 */
export async function emitAvailabilityChanged(
  env: Env,
  workspaceId: string,
  who: { channelId: string; agent: { id: string; name: string } },
  available: boolean,
): Promise<void> {
  const now = Date.now();
  const agent = { id: who.agent.id, name: who.agent.name };
  await emitEvents(env, workspaceId, [
    {
      id: `evt_${who.channelId}_${agent.id}_availability_${now}`,
      type: "agent.availability_changed",
      // One agent's switches in one channel reach each endpoint in the order they were made.
      orderingKey: `${who.channelId}:${agent.id}`,
      createdAt: now,
      data: { agent, channel: { id: who.channelId }, available },
    },
  ]);
}
