import type { EventName, ReactWebComponent } from "@lit/react";
import type { ParleyChatElement, ParleyChatEventMap } from "./index.js";

export type ParleyChatEvents = {
  onOpen: EventName<ParleyChatEventMap["parley-open"]>;
  onClose: EventName<ParleyChatEventMap["parley-close"]>;
  onMessage: EventName<ParleyChatEventMap["parley-message"]>;
  onUnread: EventName<ParleyChatEventMap["parley-unread"]>;
};

/** `<parley-chat>` for React: properties as props, events as onOpen, onClose, onMessage, onUnread. */
export declare const ParleyChat: ReactWebComponent<ParleyChatElement, ParleyChatEvents>;
