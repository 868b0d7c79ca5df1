import { LIMITS } from "../../protocol/limits";
import { sha256Hex } from "../auth/encoding";

export type LoginLinkTarget = { workspaceId: string; agentId: string; conversationId: string | null };

/** An agent of this workspace by email (emails are unique across Parley, so at most one). */
export async function workspaceAgentByEmail(db: D1Database, workspaceId: string, email: string) {
  return db
    .prepare("SELECT id, email, name FROM agents WHERE workspace_id = ? AND lower(email) = lower(?)")
    .bind(workspaceId, email)
    .first<{ id: string; email: string; name: string }>();
}

/** Stores the hash of a fresh link's token; the token itself exists only in the URL handed back. */
export async function storeLoginLink(db: D1Database, token: string, target: LoginLinkTarget): Promise<number> {
  const now = Date.now();
  const expiresAt = now + LIMITS.loginLinkTtlMs;
  await db
    .prepare("INSERT INTO login_links (token_hash, workspace_id, agent_id, conversation_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)")
    .bind(await sha256Hex(token), target.workspaceId, target.agentId, target.conversationId, now, expiresAt)
    .run();
  return expiresAt;
}

/**
 * Uses a link up, in one statement: two tabs opening the same link at once cannot both sign in.
 * Null for an unknown, used or expired token (one answer for all three: none says more than "no").
 */
export async function consumeLoginLink(db: D1Database, token: string): Promise<LoginLinkTarget | null> {
  const now = Date.now();
  const row = await db
    .prepare(
      `UPDATE login_links SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?
       RETURNING workspace_id, agent_id, conversation_id`,
    )
    .bind(now, await sha256Hex(token), now)
    .first<{ workspace_id: string; agent_id: string; conversation_id: string | null }>();
  return row ? { workspaceId: row.workspace_id, agentId: row.agent_id, conversationId: row.conversation_id } : null;
}
