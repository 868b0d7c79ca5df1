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
export function queueFor(queue: QueueRow[], agentId: string): QueueEntry[] {
  return queue.flatMap((row, index) => (offeredTo(row, agentId) ? [toEntry(row, index + 1)] : []));
}

/** A waiting conversation as agents see it, at its 1-based `position` in the whole queue. */
export function toEntry(row: QueueRow, position: number): QueueEntry {
  return {
    conversationId: row.conversationId,
    subject: row.subject,
    contactName: row.contactName,
    topic: row.topic,
    enqueuedAt: row.enqueuedAt,
    position,
    assignedAgentId: row.assignedAgentId,
  };
}
