import type { PublicChannel } from "../../protocol/channel";
import type { Channel } from "../db/channels";

/**
 * Whether the widget takes a written question now instead of a live chat: always on a channel
 * that takes tickets, and, with "Leave a message" (on by default), whenever nobody is available
 * inside opening hours, so a visitor is never sent away with "try again later". Either way the
 * question becomes a conversation that continues by email.
 */
export function takesMessages(config: Channel["config"], availability: PublicChannel["availability"]): boolean {
  return config.ticketSubmission || (config.leaveMessage && !availability.available && availability.reason !== "closed");
}
