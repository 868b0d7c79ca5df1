import type { RoomSnapshot } from "../../protocol/frames";

/** Where a conversation stands, as its room last reported it. */
export type ConversationOutcome = Pick<RoomSnapshot, "status" | "agent" | "endedBy" | "feedback"> & { endedAt: number | null };

/**
 * Copies a room's state to the conversation's D1 row, for the inbox and the API. Only the room
 * writes these columns and it always writes all of them, so repeating a write is harmless.
 */
export async function writeConversationOutcome(
  db: D1Database,
  workspaceId: string,
  conversationId: string,
  o: ConversationOutcome,
): Promise<void> {
  await db
    .prepare(
      `UPDATE conversations SET status = ?, agent_id = ?, ended_at = ?, ended_reason = ?, satisfied = ?, rating = ?,
       feedback_comment = ? WHERE workspace_id = ? AND id = ?`,
    )
    .bind(
      o.status,
      o.agent?.id ?? null,
      o.endedAt,
      o.endedBy,
      o.feedback?.satisfied == null ? null : o.feedback.satisfied ? 1 : 0,
      o.feedback?.rating ?? null,
      o.feedback?.comment ?? null,
      workspaceId,
      conversationId,
    )
    .run();
}

/** What a room does not keep itself but its emails and queue entries need; null once the conversation is deleted. */
export async function conversationTopicAndSubject(
  db: D1Database,
  workspaceId: string,
  conversationId: string,
): Promise<{ subject: string; topic: string | null } | null> {
  return db
    .prepare("SELECT subject, topic FROM conversations WHERE workspace_id = ? AND id = ?")
    .bind(workspaceId, conversationId)
    .first<{ subject: string; topic: string | null }>();
}
