-- The agent's daily tools: canned responses (saved replies) and labels on conversations.

-- Shared (owner_agent_id null, kept by admins) or personal to one agent.
CREATE TABLE canned_responses (
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  owner_agent_id TEXT,
  shortcut TEXT NOT NULL,
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  -- Per-locale bodies, JSON by locale code; the conversation's locale picks one, else `body`.
  variants TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, id),
  FOREIGN KEY (workspace_id, owner_agent_id) REFERENCES agents(workspace_id, id) ON DELETE CASCADE
);
-- One shortcut means one reply to whoever types it: unique among the shared ones, and per owner.
CREATE UNIQUE INDEX canned_responses_shortcut ON canned_responses(workspace_id, COALESCE(owner_agent_id, ''), shortcut COLLATE NOCASE);
CREATE VIRTUAL TABLE canned_responses_fts USING fts5(
  title, body, workspace_id UNINDEXED, canned_response_id UNINDEXED, tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER canned_responses_ai AFTER INSERT ON canned_responses BEGIN
  INSERT INTO canned_responses_fts (title, body, workspace_id, canned_response_id) VALUES (new.title, new.body, new.workspace_id, new.id);
END;
CREATE TRIGGER canned_responses_ad AFTER DELETE ON canned_responses BEGIN
  DELETE FROM canned_responses_fts WHERE workspace_id = old.workspace_id AND canned_response_id = old.id;
END;
CREATE TRIGGER canned_responses_au AFTER UPDATE ON canned_responses BEGIN
  DELETE FROM canned_responses_fts WHERE workspace_id = old.workspace_id AND canned_response_id = old.id;
  INSERT INTO canned_responses_fts (title, body, workspace_id, canned_response_id) VALUES (new.title, new.body, new.workspace_id, new.id);
END;

CREATE TABLE labels (
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  -- #rrggbb; the console picks black or white text for contrast.
  color TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, id)
);
CREATE UNIQUE INDEX labels_name ON labels(workspace_id, name COLLATE NOCASE);

CREATE TABLE conversation_labels (
  workspace_id TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  label_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, conversation_id, label_id),
  FOREIGN KEY (workspace_id, conversation_id) REFERENCES conversations(workspace_id, id) ON DELETE CASCADE,
  FOREIGN KEY (workspace_id, label_id) REFERENCES labels(workspace_id, id) ON DELETE CASCADE
);
-- The inbox's label filter starts from the label.
CREATE INDEX conversation_labels_label ON conversation_labels(workspace_id, label_id, conversation_id);
