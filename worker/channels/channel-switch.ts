import type { ChannelConfig } from "../../protocol/channel";
import { HttpError } from "../http/errors";

/**
 * A channel switched off (its config's `enabled`) takes no new conversation from anyone: the
 * widget, the console or the API. Conversations already on it go on; only starting is refused.
 */
export function requireSwitchedOn(channel: { config: ChannelConfig }): void {
  if (!channel.config.enabled) throw new HttpError(403, "channel_disabled", "this channel is switched off: it takes no new chats");
}
