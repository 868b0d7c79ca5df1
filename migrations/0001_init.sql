-- Every row carries workspace_id and every index leads with it, so that a large workspace can later
-- move to a database of its own without touching handlers (SPEC: "Growing past one database").

CREATE TABLE workspaces (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

CREATE TABLE channels (
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  key TEXT NOT NULL,
  name TEXT NOT NULL,
  -- JSON array of origins allowed to embed the widget; ["*"] allows any (local demo only).
  allowed_origins TEXT NOT NULL DEFAULT '[]',
  -- Channel settings as JSON, parsed by worker/channels/config.ts with defaults for every field.
  config TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, id)
);
-- The widget names its channel by key; keys are unique across workspaces.
CREATE UNIQUE INDEX channels_key ON channels(key);

CREATE TABLE agents (
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  email TEXT NOT NULL COLLATE NOCASE,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'agent')),
  password_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, id)
);
-- Sign-in is by email alone, so an email names one agent across workspaces.
CREATE UNIQUE INDEX agents_email ON agents(email);

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  agent_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  FOREIGN KEY (workspace_id, agent_id) REFERENCES agents(workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX sessions_agent ON sessions(workspace_id, agent_id);

CREATE TABLE api_keys (
  key_hash TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE UNIQUE INDEX api_keys_id ON api_keys(workspace_id, id);

CREATE TABLE contacts (
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  email TEXT NOT NULL COLLATE NOCASE,
  -- The host page's own id for a signed-in customer (verified with the channel's identity secret).
  external_id TEXT,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, id)
);
CREATE INDEX contacts_email ON contacts(workspace_id, email);
CREATE UNIQUE INDEX contacts_external ON contacts(workspace_id, external_id) WHERE external_id IS NOT NULL;

CREATE TABLE conversations (
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  channel_id TEXT NOT NULL,
  contact_id TEXT NOT NULL,
  subject TEXT NOT NULL,
  topic TEXT,
  -- Answers to the channel's extra pre-chat fields, JSON by field key.
  fields TEXT NOT NULL DEFAULT '{}',
  locale TEXT,
  status TEXT NOT NULL CHECK (status IN ('queued', 'active', 'ended')),
  -- The responsible agent: who accepted the chat, or who it was assigned to.
  agent_id TEXT,
  archived INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  last_seq INTEGER NOT NULL DEFAULT 0,
  last_message_at INTEGER,
  last_author_name TEXT,
  -- The inbox sorts by latest activity: the last message, or creation for an empty thread.
  activity_at INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, id)
);
CREATE INDEX conversations_inbox ON conversations(workspace_id, archived, activity_at DESC);

CREATE TABLE messages (
  workspace_id TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  client_id TEXT NOT NULL,
  author_type TEXT NOT NULL CHECK (author_type IN ('visitor', 'agent', 'system')),
  author_id TEXT,
  author_name TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  -- The key that makes replaying a room's outbox into D1 harmless.
  PRIMARY KEY (workspace_id, conversation_id, seq),
  FOREIGN KEY (workspace_id, conversation_id) REFERENCES conversations(workspace_id, id) ON DELETE CASCADE
);

-- Fixed-window counters for rate limits, keyed by what is limited and who.
CREATE TABLE rate_limits (
  key TEXT PRIMARY KEY,
  window_start INTEGER NOT NULL,
  count INTEGER NOT NULL
);
