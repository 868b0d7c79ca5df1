import { z } from "zod";
import type { Team, TeamInput } from "../../protocol/admin";
import { conflict, isUniqueViolation } from "./admin-constraints";
import { newId } from "./ids";

const teamRow = z.object({ id: z.string(), name: z.string(), created_at: z.number() });
const memberRow = z.object({ team_id: z.string(), agent_id: z.string() });

const nameTaken = (name: string) => conflict("team_name_taken", `a team named "${name}" already exists`);

export async function listTeams(db: D1Database, workspaceId: string): Promise<Team[]> {
  const [teams, members] = await db.batch([
    db.prepare("SELECT id, name, created_at FROM teams WHERE workspace_id = ? ORDER BY name COLLATE NOCASE").bind(workspaceId),
    db.prepare("SELECT team_id, agent_id FROM team_members WHERE workspace_id = ?").bind(workspaceId),
  ]);
  const byTeam = new Map<string, string[]>();
  for (const m of (members?.results ?? []).map((r) => memberRow.parse(r))) {
    byTeam.set(m.team_id, [...(byTeam.get(m.team_id) ?? []), m.agent_id]);
  }
  return (teams?.results ?? []).map((row) => {
    const r = teamRow.parse(row);
    return { id: r.id, name: r.name, memberIds: byTeam.get(r.id) ?? [], createdAt: r.created_at };
  });
}

/** The ids in `agentIds` that are not agents of this workspace. */
export async function unknownAgentIds(db: D1Database, workspaceId: string, agentIds: string[]): Promise<string[]> {
  // json_each keeps this one bound parameter however many members a team has.
  const { results } = await db
    .prepare("SELECT value FROM json_each(?) WHERE value NOT IN (SELECT id FROM agents WHERE workspace_id = ?)")
    .bind(JSON.stringify(agentIds), workspaceId)
    .all<{ value: string }>();
  return results.map((r) => r.value);
}

const insertMembers = (db: D1Database, workspaceId: string, teamId: string, memberIds: string[]) =>
  db
    .prepare("INSERT INTO team_members (workspace_id, team_id, agent_id) SELECT ?, ?, value FROM json_each(?)")
    .bind(workspaceId, teamId, JSON.stringify(memberIds));

export async function createTeam(db: D1Database, workspaceId: string, input: TeamInput): Promise<Team> {
  const team: Team = { id: newId("tm"), name: input.name, memberIds: input.memberIds, createdAt: Date.now() };
  try {
    await db.batch([
      db.prepare("INSERT INTO teams (workspace_id, id, name, created_at) VALUES (?, ?, ?, ?)").bind(workspaceId, team.id, team.name, team.createdAt),
      insertMembers(db, workspaceId, team.id, team.memberIds),
    ]);
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(input.name);
    throw err;
  }
  return team;
}

/** Renames the team and replaces its members in one transaction. Null: no such team. */
export async function updateTeam(db: D1Database, workspaceId: string, id: string, input: TeamInput): Promise<Team | null> {
  const existing = await db.prepare("SELECT created_at FROM teams WHERE workspace_id = ? AND id = ?").bind(workspaceId, id).first<{ created_at: number }>();
  if (!existing) return null;
  try {
    await db.batch([
      db.prepare("UPDATE teams SET name = ? WHERE workspace_id = ? AND id = ?").bind(input.name, workspaceId, id),
      db.prepare("DELETE FROM team_members WHERE workspace_id = ? AND team_id = ?").bind(workspaceId, id),
      insertMembers(db, workspaceId, id, input.memberIds),
    ]);
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(input.name);
    throw err;
  }
  return { id, name: input.name, memberIds: input.memberIds, createdAt: existing.created_at };
}

export async function deleteTeam(db: D1Database, workspaceId: string, id: string): Promise<boolean> {
  const result = await db.prepare("DELETE FROM teams WHERE workspace_id = ? AND id = ?").bind(workspaceId, id).run();
  return result.meta.changes > 0;
}

/** The team's member agent ids, or null when the workspace has no such team. */
export async function teamMemberIds(db: D1Database, workspaceId: string, teamId: string): Promise<string[] | null> {
  const team = await db.prepare("SELECT id FROM teams WHERE workspace_id = ? AND id = ?").bind(workspaceId, teamId).first();
  if (!team) return null;
  const { results } = await db
    .prepare("SELECT agent_id FROM team_members WHERE workspace_id = ? AND team_id = ?")
    .bind(workspaceId, teamId)
    .all<{ agent_id: string }>();
  return results.map((r) => r.agent_id);
}
