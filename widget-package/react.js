import { createComponent } from "@lit/react";
import * as React from "react";

// The element's properties, from custom-elements.json (test/node/widget-package.test.ts keeps them
// equal). @lit/react sets a prop as a property when its name is on the class's prototype, and the
// real class arrives later from the Worker, so a stand-in prototype names them.
const PROPERTIES = ["channel", "locale", "topic", "userId", "userEmail", "userName", "userHash", "userToken", "hostAttributes"];
class ParleyChatProperties {}
for (const name of PROPERTIES) Object.defineProperty(ParleyChatProperties.prototype, name, { value: undefined, writable: true });

/**
 * `<ParleyChat channel="…" userToken={token} onUnread={(e) => …} />`: the element for React, with its
 * events as callbacks. Load the element itself with loadParleyChat() from "@parley/widget".
 */
export const ParleyChat = createComponent({
  react: React,
  tagName: "parley-chat",
  elementClass: ParleyChatProperties,
  events: { onOpen: "parley-open", onClose: "parley-close", onMessage: "parley-message", onUnread: "parley-unread" },
  displayName: "ParleyChat",
});
