-- Reports (issue 15): one row of facts per conversation, written by its room's D1 sync from the
-- messages and the outcome it copies anyway (worker/reports/facts-store.ts), so a report reads one
-- indexed table instead of scanning messages. Every write is an idempotent upsert: a replayed sync
-- writes the same values again.
CREATE TABLE conversation_facts (
  workspace_id TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  channel_id TEXT NOT NULL,
  -- Nulled when the conversation is deleted (below): the figures stay, the person does not.
  contact_id TEXT,
  topic TEXT,
  -- Who wrote the first message: a visitor's chat waits in the queue, an agent's thread does not.
  origin TEXT CHECK (origin IN ('visitor', 'agent')),
  created_at INTEGER NOT NULL,
  accepted_at INTEGER,
  first_agent_reply_at INTEGER,
  ended_at INTEGER,
  ended_reason TEXT CHECK (ended_reason IN ('visitor', 'agent', 'idle', 'visitor_left')),
  -- The responsible agent, as the room last reported it.
  agent_id TEXT,
  satisfied INTEGER CHECK (satisfied IN (0, 1)),
  rating INTEGER CHECK (rating BETWEEN 1 AND 5),
  comment TEXT,
  -- 1 once the visitor sent the end form (any answer).
  feedback_given INTEGER NOT NULL DEFAULT 0,
  survey_sent_at INTEGER,
  -- The visitor's first message after the survey email went out: its answer is a reply.
  survey_replied_at INTEGER,
  reopened INTEGER NOT NULL DEFAULT 0,
  -- Milliseconds, counted inside the channel's opening hours when it has them (worker/reports/business-time.ts):
  -- created → accepted, created → first agent reply, accepted (or created, for an agent's thread) → ended.
  wait_ms INTEGER,
  first_response_ms INTEGER,
  resolution_ms INTEGER,
  -- The timestamps the three durations were computed from, so they are computed again only when one changes.
  durations_of TEXT,
  deleted_at INTEGER,
  PRIMARY KEY (workspace_id, conversation_id)
);
-- Every report reads a range of creation times of one workspace.
CREATE INDEX conversation_facts_created ON conversation_facts(workspace_id, created_at);
CREATE INDEX tickets_created ON tickets(workspace_id, created_at);

-- A deleted conversation still happened: its figures stay, its comment and contact go.
CREATE TRIGGER conversation_facts_deleted AFTER DELETE ON conversations BEGIN
  UPDATE conversation_facts SET deleted_at = CAST(unixepoch('subsec') * 1000 AS INTEGER), contact_id = NULL, comment = NULL
  WHERE workspace_id = old.workspace_id AND conversation_id = old.id;
END;

-- Reports are read in the workspace's time zone (NULL: its first channel's, else UTC), and agents
-- see only their own figures unless an admin opens them all ('own' | 'all').
ALTER TABLE workspaces ADD COLUMN time_zone TEXT;
ALTER TABLE workspaces ADD COLUMN agent_reports TEXT NOT NULL DEFAULT 'own' CHECK (agent_reports IN ('own', 'all'));
