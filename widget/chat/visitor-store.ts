import type { ConversationStatus } from "../../protocol/frames";
import type { PendingMessage } from "../lib/conversation-socket";

/** A conversation this browser started or was given, with the token that opens it. */
export type StoredConversation = {
  id: string;
  token: string;
  subject: string;
  createdAt: number;
  /** As last seen, for the list of conversations. */
  status?: ConversationStatus;
  /** Messages written but not yet acknowledged: sent when the connection returns, even after a reload. */
  pending: PendingMessage[];
};

/** What the browser keeps per channel (and per signed-in customer) so a reload resumes where it was. */
export type StoredVisitor = {
  conversations: StoredConversation[];
  current: string | null;
  notificationsDismissed: boolean;
};

const empty = (): StoredVisitor => ({ conversations: [], current: null, notificationsDismissed: false });

export const storageKey = (channel: string, userId: string | null) =>
  userId ? `parley:${channel}:user:${userId}` : `parley:${channel}`;

export function loadVisitor(key: string): StoredVisitor {
  try {
    const raw = localStorage.getItem(key);
    const stored = raw ? (JSON.parse(raw) as Partial<StoredVisitor>) : null;
    if (!stored || !Array.isArray(stored.conversations)) return empty();
    return {
      conversations: stored.conversations.filter((c) => typeof c?.id === "string" && typeof c.token === "string"),
      current: typeof stored.current === "string" ? stored.current : null,
      notificationsDismissed: stored.notificationsDismissed === true,
    };
  } catch {
    // Storage blocked (private mode, sandboxed iframe): the chat still works for this page view.
    return empty();
  }
}

export function saveVisitor(key: string, visitor: StoredVisitor): void {
  try {
    localStorage.setItem(key, JSON.stringify(visitor));
  } catch {
    // See loadVisitor.
  }
}
