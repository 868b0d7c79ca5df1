/** A message of the visitor's conversation, as `parley-message` carries it. */
export interface ParleyMessage {
  /** Its place in the conversation, from 1. */
  seq: number;
  clientId: string;
  author: { type: "visitor" | "agent" | "system"; id: string | null; name: string };
  /** Empty only for a message that carries an attachment. */
  body: string;
  /** Unix milliseconds. */
  createdAt: number;
  attachment?: { id: string; name: string; contentType: string; size: number; url: string };
  /** Set on system messages only (an agent joined, the chat ended, …). */
  event?: { kind: string; [key: string]: unknown };
}

/** The events of `<parley-chat>`: they bubble and cross shadow roots (composed). */
export interface ParleyChatEventMap {
  "parley-open": CustomEvent<null>;
  "parley-close": CustomEvent<null>;
  "parley-message": CustomEvent<ParleyMessage>;
  "parley-unread": CustomEvent<{ count: number }>;
}

/** `<parley-chat>`: see custom-elements.json for the attribute of each property. */
export interface ParleyChatElement extends HTMLElement {
  /** Attribute `channel`: the channel's key (required). */
  channel: string;
  /** Attribute `locale`: en, fi, sv, no, da, de, nl or it; empty follows the browser. */
  locale: string;
  /** Attribute `topic`: preselects a topic of the channel. */
  topic: string;
  /** Attribute `user-id`: a signed-in customer's id, with userHash. */
  userId: string;
  /** Attribute `user-email`. */
  userEmail: string;
  /** Attribute `user-name`. */
  userName: string;
  /** Attribute `user-hash`: hex HMAC-SHA256 of userId with the channel's identity secret, from your server. */
  userHash: string;
  /** Attribute `user-token`: a JWT (HS256, the channel's identity secret) minted on your server. */
  userToken: string;
  /** Attribute `attributes` (JSON): unsigned facts of the page, shown to agents as unverified. */
  hostAttributes: Record<string, string | number | boolean> | null;
  open(): void;
  close(): void;
  toggle(): void;
  addEventListener<K extends keyof ParleyChatEventMap>(type: K, listener: (this: ParleyChatElement, ev: ParleyChatEventMap[K]) => unknown, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof ParleyChatEventMap>(type: K, listener: (this: ParleyChatElement, ev: ParleyChatEventMap[K]) => unknown, options?: boolean | EventListenerOptions): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void;
}

declare global {
  interface HTMLElementTagNameMap {
    "parley-chat": ParleyChatElement;
  }
}

/** Loads `<parley-chat>` from your Parley Worker (`<workerUrl>/widget.js`); resolves once it is defined. */
export declare function loadParleyChat(workerUrl: string | URL): Promise<void>;
