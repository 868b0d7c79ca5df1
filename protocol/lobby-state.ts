import type { LobbyDeltaFrame, LobbyStateFrame } from "./lobby";

/**
 * A console's copy of its lobby state after one change frame, or null when the frame is not the
 * next version: one was missed, and the console asks for `resync`. Plain code without zod, so the
 * console can ship it; the Workers tests fold the lobby's frames with it too.
 *
 * @example
 * const next = applyLobbyDelta(state, frame);
 * if (next) state = next;
 * else socket.send(JSON.stringify({ type: "resync" }));
 */
export function applyLobbyDelta(state: LobbyStateFrame, frame: LobbyDeltaFrame): LobbyStateFrame | null {
  if (frame.version !== state.version + 1) return null;
  const { version } = frame;
  switch (frame.type) {
    case "availability":
      return { ...state, version, agentsAvailable: frame.agentsAvailable };
    case "queued": {
      const moved = state.queue.map((e) => (e.position >= frame.position ? { ...e, position: e.position + 1 } : e));
      const queue = frame.entry ? [...moved, frame.entry].sort((a, b) => a.position - b.position) : moved;
      return { ...state, version, queue };
    }
    case "dequeued": {
      const queue = state.queue
        .filter((e) => e.conversationId !== frame.conversationId)
        .map((e) => (e.position > frame.position ? { ...e, position: e.position - 1 } : e));
      return { ...state, version, queue };
    }
  }
}

/** The frames about this agent alone, which carry no version: the next whole state says the same. */
export type LobbyOwnFrame =
  | { type: "offer"; offer: LobbyStateFrame["offers"][number] }
  | { type: "offer_ended"; conversationId: string }
  | { type: "load"; load: LobbyStateFrame["load"] };

/**
 * A console's copy of its lobby state after an offer, its end, or a new load.
 *
 * @example state = applyOwnFrame(state, { type: "load", load });
 */
export function applyOwnFrame(state: LobbyStateFrame, frame: LobbyOwnFrame): LobbyStateFrame {
  switch (frame.type) {
    case "offer": {
      const others = state.offers.filter((o) => o.entry.conversationId !== frame.offer.entry.conversationId);
      return { ...state, offers: [...others, frame.offer] };
    }
    case "offer_ended":
      return { ...state, offers: state.offers.filter((o) => o.entry.conversationId !== frame.conversationId) };
    case "load":
      return { ...state, load: frame.load };
  }
}
