import { randomToken, sha256Hex } from "../auth/encoding";

export const SESSION_TTL_MS = 7 * 24 * 3600 * 1000;

/** Returns the raw token for the cookie; D1 keeps only its hash, so a leaked table signs nobody in. */
export async function createSession(db: D1Database, workspaceId: string, agentId: string): Promise<string> {
  const token = randomToken();
  const now = Date.now();
  await db
    .prepare(
      "INSERT INTO sessions (token_hash, workspace_id, agent_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(await sha256Hex(token), workspaceId, agentId, now, now + SESSION_TTL_MS)
    .run();
  return token;
}

export async function findSession(
  db: D1Database,
  token: string,
): Promise<{ workspaceId: string; agentId: string } | null> {
  const row = await db
    .prepare("SELECT workspace_id, agent_id FROM sessions WHERE token_hash = ? AND expires_at > ?")
    .bind(await sha256Hex(token), Date.now())
    .first<{ workspace_id: string; agent_id: string }>();
  return row ? { workspaceId: row.workspace_id, agentId: row.agent_id } : null;
}

export async function deleteSession(db: D1Database, token: string): Promise<void> {
  await db.prepare("DELETE FROM sessions WHERE token_hash = ?").bind(await sha256Hex(token)).run();
}
