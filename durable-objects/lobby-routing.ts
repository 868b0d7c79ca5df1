import type { QueuedItem, QueueEntry } from "../protocol/lobby";
import type { QueueRow } from "./lobby-store";

/**
 * Who a waiting conversation is offered to. A conversation linked to a request goes to its
 * assigned agent, and, when the caller routes it to a team (only when the channel allows team
 * routing), to any member of that team; everything else goes to every available agent.
 */
export function offeredTo(item: Pick<QueuedItem, "assignedAgentId" | "teamAgentIds">, agentId: string): boolean {
  if (item.assignedAgentId === null && item.teamAgentIds === null) return true;
  return item.assignedAgentId === agentId || (item.teamAgentIds?.includes(agentId) ?? false);
}

/** The queue as one agent sees it: only what is offered to them, each with its place in the whole queue. */
export function queueFor(queue: QueueRow[], agentId: string, waitDueOf: (conversationId: string) => number | null): QueueEntry[] {
  return queue.flatMap((row, index) => (offeredTo(row, agentId) ? [toEntry(row, index + 1, waitDueOf(row.conversationId))] : []));
}

/** A waiting conversation as agents see it, at its 1-based `position` in the whole queue. */
export function toEntry(row: QueueRow, position: number, waitDueAt: number | null): QueueEntry {
  return {
    conversationId: row.conversationId,
    subject: row.subject,
    contactName: row.contactName,
    topic: row.topic,
    enqueuedAt: row.enqueuedAt,
    position,
    assignedAgentId: row.assignedAgentId,
    waitDueAt,
  };
}

/** An agent who may be offered a chat now: available, not paused, under capacity, not passed on it. */
export type Candidate = { agentId: string; busy: number };

/**
 * The agent to offer a chat to. Round robin (`auto`) takes the first agent after the last one
 * chosen, in a fixed order (agent id), so a newcomer or a returning agent takes their turn in line;
 * `least_busy` takes the one with the fewest live chats and open offers, ties in the same order.
 *
 * @example chooseAgent("auto", [{ agentId: "a", busy: 0 }, { agentId: "b", busy: 2 }], "a") // "b"
 */
export function chooseAgent(mode: "auto" | "least_busy", candidates: Candidate[], cursor: string): string | null {
  if (candidates.length === 0) return null;
  const sorted = [...candidates].sort((a, b) => (a.agentId < b.agentId ? -1 : a.agentId > b.agentId ? 1 : 0));
  const start = sorted.findIndex((c) => c.agentId > cursor);
  const inTurn = start <= 0 ? sorted : [...sorted.slice(start), ...sorted.slice(0, start)];
  if (mode === "auto") return inTurn[0]!.agentId;
  return inTurn.reduce((best, c) => (c.busy < best.busy ? c : best)).agentId;
}
