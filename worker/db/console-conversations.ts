import type { Attention } from "../../protocol/console";

/** Sets the thread's Attentive/Answered status and whether it is archived; false when there is no such thread. */
export async function updateConversationFlags(
  db: D1Database,
  workspaceId: string,
  conversationId: string,
  flags: { attention?: Attention | undefined; archived?: boolean | undefined },
): Promise<boolean> {
  const result = await db
    .prepare(
      `UPDATE conversations SET attention = COALESCE(?, attention), archived = COALESCE(?, archived)
       WHERE workspace_id = ? AND id = ?`,
    )
    .bind(flags.attention ?? null, flags.archived === undefined ? null : Number(flags.archived), workspaceId, conversationId)
    .run();
  return result.meta.changes > 0;
}

/**
 * The room owns the responsible agent and copies it here on its next sync; writing it here too
 * shows the change in the inbox at once. Both writes carry the same agent, so their order does not matter.
 */
export async function setResponsibleAgent(db: D1Database, workspaceId: string, conversationId: string, agentId: string) {
  await db
    .prepare("UPDATE conversations SET agent_id = ? WHERE workspace_id = ? AND id = ?")
    .bind(agentId, workspaceId, conversationId)
    .run();
}

/**
 * Removes every D1 row of the thread: its messages (and with them their search index), files'
 * metadata, read marks, notifications, and the conversation itself. Irreversible by design.
 */
export async function deleteConversationRows(db: D1Database, workspaceId: string, conversationId: string): Promise<void> {
  const del = (table: string) =>
    db.prepare(`DELETE FROM ${table} WHERE workspace_id = ? AND conversation_id = ?`).bind(workspaceId, conversationId);
  await db.batch([
    del("messages"),
    del("attachments"),
    del("conversation_reads"),
    del("notifications"),
    db.prepare("DELETE FROM conversations WHERE workspace_id = ? AND id = ?").bind(workspaceId, conversationId),
  ]);
}
