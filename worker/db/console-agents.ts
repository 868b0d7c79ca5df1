import type { WorkspaceAgent } from "../../protocol/console";

/** Everyone a thread can be assigned to, by name. */
export async function listWorkspaceAgents(db: D1Database, workspaceId: string): Promise<WorkspaceAgent[]> {
  const { results } = await db
    .prepare("SELECT id, name, role FROM agents WHERE workspace_id = ? ORDER BY name COLLATE NOCASE")
    .bind(workspaceId)
    .all<WorkspaceAgent>();
  return results;
}
