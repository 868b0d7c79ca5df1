-- One-time links that sign an agent into the console from a host platform ("Open in Parley"):
-- only the token's hash is kept; a link works once, within minutes.
CREATE TABLE login_links (
  token_hash TEXT NOT NULL PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  agent_id TEXT NOT NULL,
  -- The conversation the console opens on, if the platform named one.
  conversation_id TEXT,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER,
  FOREIGN KEY (workspace_id, agent_id) REFERENCES agents(workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX login_links_expiry ON login_links(expires_at);
