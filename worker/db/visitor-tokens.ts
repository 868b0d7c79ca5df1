/**
 * When a conversation last revoked its visitor tokens: every token signed before this instant (ms)
 * is refused. null when the conversation does not exist in the workspace.
 */
export async function visitorTokensRevokedBefore(db: D1Database, workspaceId: string, conversationId: string): Promise<number | null> {
  const row = await db
    .prepare("SELECT visitor_tokens_revoked_before AS before FROM conversations WHERE workspace_id = ? AND id = ?")
    .bind(workspaceId, conversationId)
    .first<{ before: number }>();
  return row ? row.before : null;
}

/**
 * Refuses every visitor token of the conversation signed until now. The instant is one past now
 * so that a token signed in this very millisecond, before the revocation, is refused too.
 * False when there is no such conversation.
 */
export async function revokeVisitorTokens(db: D1Database, workspaceId: string, conversationId: string, now = Date.now()): Promise<boolean> {
  const result = await db
    .prepare("UPDATE conversations SET visitor_tokens_revoked_before = ? WHERE workspace_id = ? AND id = ?")
    .bind(now + 1, workspaceId, conversationId)
    .run();
  return result.meta.changes > 0;
}
