// Compiled by `npm run typecheck`, never run: the package's types must accept what the widget really
// sends and what integrators write, and refuse what they must not.
import { createElement } from "react";
import type { Message } from "../../protocol/frames";
import type { ParleyChatElement, ParleyMessage } from "../../widget-package/index.js";
import { ParleyChat } from "../../widget-package/react.js";

// What the widget dispatches as parley-message (a visitor never receives notes) fits the declared type.
export const fromWidget = (message: Omit<Message, "visibility" | "mentions">): ParleyMessage => message;

export function plainDom(): ParleyChatElement {
  const el = document.createElement("parley-chat");
  el.channel = "acme";
  el.userToken = "a.b.c";
  el.hostAttributes = { plan: "Pro", seats: 3, trial: false };
  el.addEventListener("parley-unread", (e) => e.detail.count.toFixed());
  el.addEventListener("parley-message", (e) => e.detail.author.name.trim());
  // @ts-expect-error: the channel is a string
  el.channel = 1;
  // @ts-expect-error: no such method
  el.send("hi");
  return document.querySelector("parley-chat")!;
}

export const inReact = () => [
  createElement(ParleyChat, { channel: "acme", userToken: "a.b.c", onUnread: (e) => e.detail.count.toFixed(), onMessage: (e) => e.detail.body }),
  // @ts-expect-error: the unread count is a number
  createElement(ParleyChat, { channel: "acme", onUnread: (e) => e.detail.count.trim() }),
];
