-- Teams of agents, managed in Administration. A conversation linked to a request can be routed to
-- any member of its assigned team when the channel allows team routing.
CREATE TABLE teams (
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, id)
);
CREATE UNIQUE INDEX teams_name ON teams(workspace_id, name COLLATE NOCASE);

CREATE TABLE team_members (
  workspace_id TEXT NOT NULL,
  team_id TEXT NOT NULL,
  agent_id TEXT NOT NULL,
  PRIMARY KEY (workspace_id, team_id, agent_id),
  FOREIGN KEY (workspace_id, team_id) REFERENCES teams(workspace_id, id) ON DELETE CASCADE,
  FOREIGN KEY (workspace_id, agent_id) REFERENCES agents(workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX team_members_agent ON team_members(workspace_id, agent_id);
