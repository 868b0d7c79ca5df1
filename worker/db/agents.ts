import { z } from "zod";
import type { Agent } from "../../protocol/api";

const agentRow = z.object({
  workspace_id: z.string(),
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(["admin", "agent"]),
  password_hash: z.string(),
});

const toAgent = (r: z.infer<typeof agentRow>): Agent => ({
  id: r.id,
  workspaceId: r.workspace_id,
  email: r.email,
  name: r.name,
  role: r.role,
});

export async function findAgentByEmail(
  db: D1Database,
  email: string,
): Promise<{ agent: Agent; passwordHash: string } | null> {
  const row = await db.prepare("SELECT * FROM agents WHERE email = ?").bind(email).first();
  if (!row) return null;
  const r = agentRow.parse(row);
  return { agent: toAgent(r), passwordHash: r.password_hash };
}

export async function getAgent(db: D1Database, workspaceId: string, id: string): Promise<Agent | null> {
  const row = await db.prepare("SELECT * FROM agents WHERE workspace_id = ? AND id = ?").bind(workspaceId, id).first();
  return row ? toAgent(agentRow.parse(row)) : null;
}

/** The agent's password hash, for checking the current password before a change. */
export async function getPasswordHash(db: D1Database, workspaceId: string, id: string): Promise<string | null> {
  const row = await db
    .prepare("SELECT password_hash FROM agents WHERE workspace_id = ? AND id = ?")
    .bind(workspaceId, id)
    .first<{ password_hash: string }>();
  return row?.password_hash ?? null;
}

export async function listAdminEmails(db: D1Database, workspaceId: string): Promise<string[]> {
  const { results } = await db
    .prepare("SELECT email FROM agents WHERE workspace_id = ? AND role = 'admin' ORDER BY email")
    .bind(workspaceId)
    .all<{ email: string }>();
  return results.map((r) => r.email);
}
