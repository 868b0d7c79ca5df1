import type { PendingMessage } from "../lib/conversation-socket";

/** What the browser keeps per channel so a reload resumes the same conversation. */
export type VisitorState = { conversationId: string; token: string; pending: PendingMessage[] };

const keyFor = (channel: string) => `parley:v1:${channel}`;

export function loadVisitorState(channel: string): VisitorState | null {
  try {
    const raw = localStorage.getItem(keyFor(channel));
    const state = raw ? (JSON.parse(raw) as Partial<VisitorState>) : null;
    if (!state || typeof state.conversationId !== "string" || typeof state.token !== "string") return null;
    return { conversationId: state.conversationId, token: state.token, pending: Array.isArray(state.pending) ? state.pending : [] };
  } catch {
    // Storage blocked (private mode, sandboxed iframe): the chat still works for this page view.
    return null;
  }
}

export function saveVisitorState(channel: string, state: VisitorState): void {
  try {
    localStorage.setItem(keyFor(channel), JSON.stringify(state));
  } catch {
    // See loadVisitorState.
  }
}
