import { randomToken, sha256Hex } from "../auth/encoding";

/** A session ends a week after sign-in at the latest... */
export const SESSION_TTL_MS = 7 * 24 * 3600 * 1000;
/** ...and sooner after this long without a request: a console left open on a shared computer overnight. */
export const SESSION_IDLE_MS = 12 * 3600 * 1000;
/** `last_seen_at` is written at most this often per session, so requests do not each cost D1 a write. */
const SEEN_WRITE_EVERY_MS = 60_000;

export type Session = { workspaceId: string; agentId: string; tokenHash: string };

/**
 * The session's name on sockets (rooms' principals, lobby agents, `agent_sockets`): the first 16
 * hex digits of its token hash, enough to tell an agent's sessions apart and useless for signing in.
 */
export const socketSession = (tokenHash: string) => tokenHash.slice(0, 16);

/** Returns the raw token for the cookie; D1 keeps only its hash, so a leaked table signs nobody in. */
export async function createSession(db: D1Database, workspaceId: string, agentId: string): Promise<string> {
  const token = randomToken();
  const now = Date.now();
  await db.batch([
    db
      .prepare(
        "INSERT INTO sessions (token_hash, workspace_id, agent_id, created_at, expires_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?)",
      )
      .bind(await sha256Hex(token), workspaceId, agentId, now, now + SESSION_TTL_MS, now),
    // The agent's sessions that ended on their own, and socket records older than any session.
    db
      .prepare("DELETE FROM sessions WHERE workspace_id = ? AND agent_id = ? AND (expires_at <= ? OR last_seen_at <= ?)")
      .bind(workspaceId, agentId, now, now - SESSION_IDLE_MS),
    db
      .prepare("DELETE FROM agent_sockets WHERE workspace_id = ? AND agent_id = ? AND opened_at <= ?")
      .bind(workspaceId, agentId, now - SESSION_TTL_MS),
  ]);
  return token;
}

/** The live session a cookie names: neither past its expiry nor idle too long. Notes that it was used. */
export async function findSession(db: D1Database, token: string): Promise<Session | null> {
  const tokenHash = await sha256Hex(token);
  const now = Date.now();
  const row = await db
    .prepare("SELECT workspace_id, agent_id, last_seen_at FROM sessions WHERE token_hash = ? AND expires_at > ? AND last_seen_at > ?")
    .bind(tokenHash, now, now - SESSION_IDLE_MS)
    .first<{ workspace_id: string; agent_id: string; last_seen_at: number }>();
  if (!row) return null;
  if (row.last_seen_at <= now - SEEN_WRITE_EVERY_MS) {
    await db.prepare("UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?").bind(now, tokenHash).run();
  }
  return { workspaceId: row.workspace_id, agentId: row.agent_id, tokenHash };
}

/** Whether the session still exists: asked after a socket is handed over, in case it was revoked meanwhile. */
export async function sessionExists(db: D1Database, tokenHash: string): Promise<boolean> {
  return (await db.prepare("SELECT 1 FROM sessions WHERE token_hash = ?").bind(tokenHash).first()) !== null;
}

/** Which of an agent's sessions to end: all of them, one, or all but the one making the request. */
export type SessionChoice = { all: true } | { only: string } | { allBut: string };

/** Ends the chosen sessions of the agent; returns the token hashes of those that were live. */
export async function deleteSessions(db: D1Database, workspaceId: string, agentId: string, choice: SessionChoice): Promise<string[]> {
  const [filter, extra] = "only" in choice ? ["AND token_hash = ?", [choice.only]] : "allBut" in choice ? ["AND token_hash != ?", [choice.allBut]] : ["", []];
  const { results } = await db
    .prepare(`DELETE FROM sessions WHERE workspace_id = ? AND agent_id = ? ${filter} RETURNING token_hash`)
    .bind(workspaceId, agentId, ...extra)
    .all<{ token_hash: string }>();
  return results.map((r) => r.token_hash);
}

/** Notes that the session has a socket in the conversation's room, so revoking it knows where to look. */
export async function recordSocket(db: D1Database, workspaceId: string, session: string, agentId: string, conversationId: string): Promise<void> {
  await db
    .prepare(
      `INSERT INTO agent_sockets (workspace_id, session, agent_id, conversation_id, opened_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (workspace_id, session, conversation_id) DO UPDATE SET opened_at = excluded.opened_at`,
    )
    .bind(workspaceId, session, agentId, conversationId, Date.now())
    .run();
}

/**
 * Forgets the agent's socket records (of the given sessions, or all) and returns them: the rooms
 * whose sockets the caller now closes.
 */
export async function takeSocketRecords(
  db: D1Database,
  workspaceId: string,
  agentId: string,
  sessions: string[] | "all",
): Promise<{ session: string; conversationId: string }[]> {
  if (sessions !== "all" && sessions.length === 0) return [];
  const filter = sessions === "all" ? "" : `AND session IN (${sessions.map(() => "?").join(", ")})`;
  const { results } = await db
    .prepare(`DELETE FROM agent_sockets WHERE workspace_id = ? AND agent_id = ? ${filter} RETURNING session, conversation_id`)
    .bind(workspaceId, agentId, ...(sessions === "all" ? [] : sessions))
    .all<{ session: string; conversation_id: string }>();
  return results.map((r) => ({ session: r.session, conversationId: r.conversation_id }));
}
