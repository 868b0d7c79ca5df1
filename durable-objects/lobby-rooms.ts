import type { AgentRef } from "../protocol/lobby";
import type { Env } from "../worker/env";

/** What the lobby asks of a conversation's room while the conversation waits and when it is taken. */
export interface QueuedRoom {
  /** The conversation's 1-based place in the queue, shown to the visitor; null once it left the queue. */
  setQueuePosition(position: number | null): Promise<void>;
  /** Gives the conversation to the agent; false when it can no longer be accepted (it ended). */
  accept(agent: AgentRef): Promise<boolean>;
}

export function queuedRoomFor(env: Env, conversationId: string): QueuedRoom {
  return env.ROOM.get(env.ROOM.idFromName(conversationId)) as unknown as QueuedRoom;
}
