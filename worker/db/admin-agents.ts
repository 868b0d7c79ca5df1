import { z } from "zod";
import type { AdminAgent, CreateAgentRequest, UpdateAgentRequest } from "../../protocol/admin";
import { hashPassword } from "../auth/password";
import { conflict, isUniqueViolation } from "./admin-constraints";
import { newId } from "./ids";

const agentRow = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  role: z.enum(["admin", "agent"]),
  created_at: z.number(),
});

function toAgent(row: unknown): AdminAgent {
  const r = agentRow.parse(row);
  return { id: r.id, name: r.name, email: r.email, role: r.role, createdAt: r.created_at };
}

const COLUMNS = "id, name, email, role, created_at";

const lastAdmin = () =>
  conflict("last_admin", "this is the workspace's last admin; make another agent an admin first");

/** True while the workspace has an admin other than the row being changed. */
const OTHER_ADMIN_EXISTS = "EXISTS (SELECT 1 FROM agents o WHERE o.workspace_id = agents.workspace_id AND o.role = 'admin' AND o.id != agents.id)";

export async function listAgents(db: D1Database, workspaceId: string): Promise<AdminAgent[]> {
  const { results } = await db
    .prepare(`SELECT ${COLUMNS} FROM agents WHERE workspace_id = ? ORDER BY name COLLATE NOCASE`)
    .bind(workspaceId)
    .all();
  return results.map(toAgent);
}

async function findAgent(db: D1Database, workspaceId: string, id: string): Promise<AdminAgent | null> {
  const row = await db.prepare(`SELECT ${COLUMNS} FROM agents WHERE workspace_id = ? AND id = ?`).bind(workspaceId, id).first();
  return row ? toAgent(row) : null;
}

export async function createAgent(db: D1Database, workspaceId: string, input: CreateAgentRequest): Promise<AdminAgent> {
  const agent: AdminAgent = { id: newId("ag"), name: input.name, email: input.email, role: input.role, createdAt: Date.now() };
  try {
    await db
      .prepare("INSERT INTO agents (workspace_id, id, email, name, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
      .bind(workspaceId, agent.id, agent.email, agent.name, agent.role, await hashPassword(input.password), agent.createdAt)
      .run();
  } catch (err) {
    // Sign-in is by email alone, so an email can belong to one agent in all of Parley.
    if (isUniqueViolation(err)) throw conflict("email_taken", `${input.email} already has an agent account`);
    throw err;
  }
  return agent;
}

/**
 * Renames and sets the role in one guarded statement, so two admins demoting each other at once
 * can never leave the workspace without one. Null: no such agent.
 */
export async function updateAgent(
  db: D1Database,
  workspaceId: string,
  id: string,
  input: UpdateAgentRequest,
): Promise<AdminAgent | null> {
  const row = await db
    .prepare(
      `UPDATE agents SET name = ?, role = ? WHERE workspace_id = ? AND id = ? AND (? = 'admin' OR role = 'agent' OR ${OTHER_ADMIN_EXISTS})
       RETURNING ${COLUMNS}`,
    )
    .bind(input.name, input.role, workspaceId, id, input.role)
    .first();
  if (row) return toAgent(row);
  if (await findAgent(db, workspaceId, id)) throw lastAdmin();
  return null;
}

/**
 * Sets a new password; the caller then ends the agent's sessions (worker/auth/revocation.ts), as
 * those opened with the old password must not outlive it. Returns the agent's email, whose run of
 * failed sign-ins the new password ends; null: no such agent.
 */
export async function setAgentPassword(db: D1Database, workspaceId: string, id: string, password: string): Promise<string | null> {
  const row = await db
    .prepare("UPDATE agents SET password_hash = ? WHERE workspace_id = ? AND id = ? RETURNING email")
    .bind(await hashPassword(password), workspaceId, id)
    .first<{ email: string }>();
  return row?.email ?? null;
}

/**
 * Removes the agent (their sessions and team memberships go with them) and leaves their
 * conversations without a responsible agent. Never the last admin. False: no such agent.
 */
export async function deleteAgent(db: D1Database, workspaceId: string, id: string): Promise<boolean> {
  const [deleted] = await db.batch([
    db.prepare(`DELETE FROM agents WHERE workspace_id = ? AND id = ? AND (role = 'agent' OR ${OTHER_ADMIN_EXISTS})`).bind(workspaceId, id),
    db
      .prepare(
        "UPDATE conversations SET agent_id = NULL WHERE workspace_id = ? AND agent_id = ? AND NOT EXISTS (SELECT 1 FROM agents WHERE workspace_id = ? AND id = ?)",
      )
      .bind(workspaceId, id, workspaceId, id),
  ]);
  if ((deleted?.meta.changes ?? 0) > 0) return true;
  if (await findAgent(db, workspaceId, id)) throw lastAdmin();
  return false;
}
