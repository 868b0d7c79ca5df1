import type { ChannelConfig, PublicChannel } from "../../protocol/channel";
import type { Env } from "../env";
import { lobbyFor } from "../rooms";
import { isOpen } from "./opening-hours";

/**
 * Whether a visitor can start a live chat on the channel now: not outside its opening hours, not
 * while no agent has the console open with "Available for chat" on, nor while its queue is full.
 */
export async function channelAvailability(
  env: Env,
  channel: { id: string; config: ChannelConfig },
  at = new Date(),
): Promise<PublicChannel["availability"]> {
  if (!isOpen(channel.config.openingHours, at)) return { available: false, reason: "closed" };
  return lobbyFor(env, channel.id).availability();
}
