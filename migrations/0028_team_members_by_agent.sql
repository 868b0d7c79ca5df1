-- "Is this agent on the responsible agent's team?" runs for every inbox row (unread counts belong to
-- the agents a conversation concerns): an index that covers the agent's teams answers it from the
-- agent's own rows, where the primary key would read the whole workspace's memberships.
DROP INDEX team_members_agent;
CREATE INDEX team_members_agent ON team_members(workspace_id, agent_id, team_id);
