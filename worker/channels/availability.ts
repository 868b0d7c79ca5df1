import { LIMITS } from "../../protocol/limits";
import type { ChannelConfig, PublicChannel } from "../../protocol/channel";
import type { Env } from "../env";
import { lobbyFor } from "../rooms";
import { isOpen } from "./opening-hours";

type Channel = { id: string; config: ChannelConfig };
type Availability = PublicChannel["availability"];
type AskLobby = (env: Env, channelId: string) => Promise<Availability>;

const askLobby: AskLobby = (env, channelId) => lobbyFor(env, channelId).availability();

/**
 * Whether a visitor can start a live chat on the channel now: not outside its opening hours, not
 * while no agent has the console open with "Available for chat" on, nor while its queue is full.
 */
export async function channelAvailability(env: Env, channel: Channel, at = new Date(), lobby: AskLobby = askLobby): Promise<Availability> {
  if (!isOpen(channel.config.openingHours, at)) return { available: false, reason: "closed" };
  return lobby(env, channel.id);
}

/** Channels whose answer this isolate remembers; past it the one asked longest ago is forgotten. */
const MAX_REMEMBERED = 1000;
const remembered = new Map<string, { until: number; answer: Promise<Availability> }>();

/**
 * The lobby's answer, asked at most once per channel per `LIMITS.channelConfigCacheSeconds` in this
 * isolate; requests that arrive while it is being asked share the one call.
 */
function rememberedAnswer(env: Env, channelId: string, now: number): { until: number; answer: Promise<Availability> } {
  const hit = remembered.get(channelId);
  if (hit && hit.until > now) return hit;
  const entry = { until: now + LIMITS.channelConfigCacheSeconds * 1000, answer: askLobby(env, channelId) };
  // Deleting first moves the channel to the end of the Map's order, which is the order of eviction.
  remembered.delete(channelId);
  remembered.set(channelId, entry);
  if (remembered.size > MAX_REMEMBERED) remembered.delete(remembered.keys().next().value!);
  // A failed call is not remembered: the next request asks again.
  entry.answer.catch(() => remembered.get(channelId) === entry && remembered.delete(channelId));
  return entry;
}

/**
 * Availability for the public channel configuration, which anyone may request as often as they
 * like, and how many more seconds it may be reused (by browsers too), so that it is never more than
 * `LIMITS.channelConfigCacheSeconds` stale in all. Starting a chat asks `channelAvailability`, never stale.
 */
export async function publicChannelAvailability(env: Env, channel: Channel): Promise<{ availability: Availability; freshForSeconds: number }> {
  const now = Date.now();
  // Outside opening hours the lobby is not asked, and the answer keeps as long.
  let until = now + LIMITS.channelConfigCacheSeconds * 1000;
  const availability = await channelAvailability(env, channel, new Date(now), (e, channelId) => {
    const entry = rememberedAnswer(e, channelId, now);
    until = entry.until;
    return entry.answer;
  });
  return { availability, freshForSeconds: Math.floor((until - now) / 1000) };
}
