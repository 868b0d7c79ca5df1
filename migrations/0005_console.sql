-- The agent console's daily work: customer accounts, per-agent read state, the Attentive/Answered
-- status, in-console notifications, the request note, and full-text search over the inbox.
-- Everything here follows from the rows the rooms copy into `messages`, through triggers, so a room
-- replaying a batch (ON CONFLICT DO NOTHING inserts nothing, and fires nothing) changes nothing twice.

-- A customer account (a company, a household) with several contacts.
CREATE TABLE accounts (
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, id)
);
CREATE INDEX accounts_name ON accounts(workspace_id, name COLLATE NOCASE);

ALTER TABLE contacts ADD COLUMN account_id TEXT;
CREATE INDEX contacts_account ON contacts(workspace_id, account_id) WHERE account_id IS NOT NULL;

-- attentive: needs the customer's reply (still being worked on); answered: done.
ALTER TABLE conversations ADD COLUMN attention TEXT NOT NULL DEFAULT 'attentive' CHECK (attention IN ('attentive', 'answered'));
-- The request note: the transcript, one line per message, kept on the conversation after the chat ends.
ALTER TABLE conversations ADD COLUMN request_note TEXT NOT NULL DEFAULT '';
-- Keyset paging over the inbox (latest activity first, id breaks ties) and an account's threads.
CREATE INDEX conversations_activity ON conversations(workspace_id, archived, activity_at DESC, id DESC);
CREATE INDEX conversations_contact ON conversations(workspace_id, contact_id, activity_at DESC);

-- How far each agent has read each conversation: unread = messages after read_seq not written by them.
CREATE TABLE conversation_reads (
  workspace_id TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  agent_id TEXT NOT NULL,
  read_seq INTEGER NOT NULL,
  read_at INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, conversation_id, agent_id),
  FOREIGN KEY (workspace_id, conversation_id) REFERENCES conversations(workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX conversation_reads_agent ON conversation_reads(workspace_id, agent_id);

-- One entry per agent and thread, updated and moved to the top by every new message.
CREATE TABLE notifications (
  workspace_id TEXT NOT NULL,
  agent_id TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  -- message: a new message in a thread they are responsible for; alert: "Notify administrators".
  kind TEXT NOT NULL CHECK (kind IN ('message', 'alert')),
  author_name TEXT NOT NULL,
  preview TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  seen_at INTEGER,
  PRIMARY KEY (workspace_id, agent_id, conversation_id),
  FOREIGN KEY (workspace_id, conversation_id) REFERENCES conversations(workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX notifications_recent ON notifications(workspace_id, agent_id, updated_at DESC);

-- When each agent last had a console open; an agent seen recently is not emailed about new messages.
CREATE TABLE console_presence (
  workspace_id TEXT NOT NULL,
  agent_id TEXT NOT NULL,
  seen_at INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, agent_id)
);

CREATE TRIGGER messages_request_note AFTER INSERT ON messages BEGIN
  UPDATE conversations
  SET request_note = request_note || '[' || strftime('%Y-%m-%d %H:%M', new.created_at / 1000, 'unixepoch') || ' UTC] '
    || new.author_name || ': ' || CASE WHEN new.body = '' THEN '(file)' ELSE new.body END || char(10)
  WHERE workspace_id = new.workspace_id AND id = new.conversation_id;
END;

CREATE TRIGGER messages_notify AFTER INSERT ON messages WHEN new.author_type != 'system' BEGIN
  INSERT INTO notifications (workspace_id, agent_id, conversation_id, kind, author_name, preview, updated_at, seen_at)
  SELECT c.workspace_id, c.agent_id, c.id, 'message', new.author_name, substr(new.body, 1, 200), new.created_at, NULL
  FROM conversations c
  WHERE c.workspace_id = new.workspace_id AND c.id = new.conversation_id AND c.agent_id IS NOT NULL
    AND (new.author_type != 'agent' OR new.author_id IS NOT c.agent_id)
  ON CONFLICT (workspace_id, agent_id, conversation_id) DO UPDATE SET
    kind = 'message', author_name = excluded.author_name, preview = excluded.preview,
    updated_at = excluded.updated_at, seen_at = NULL;
END;

-- Full-text search over subjects, contacts and message text. FTS5 cannot lead with workspace_id, so
-- each table carries it and every query filters on it after the match, as faqs_fts does. Each index
-- row takes its source row's rowid, so that removing it is a lookup rather than a scan; the ids it
-- carries are checked too, so a rowid that ever drifted could remove nothing it should not.
CREATE VIRTUAL TABLE conversations_fts USING fts5(
  subject, workspace_id UNINDEXED, conversation_id UNINDEXED, tokenize = 'unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE contacts_fts USING fts5(
  name, email, workspace_id UNINDEXED, contact_id UNINDEXED, tokenize = 'unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE messages_fts USING fts5(
  body, workspace_id UNINDEXED, conversation_id UNINDEXED, tokenize = 'unicode61 remove_diacritics 2'
);

INSERT INTO conversations_fts (rowid, subject, workspace_id, conversation_id) SELECT rowid, subject, workspace_id, id FROM conversations;
INSERT INTO contacts_fts (rowid, name, email, workspace_id, contact_id) SELECT rowid, name, email, workspace_id, id FROM contacts;
INSERT INTO messages_fts (rowid, body, workspace_id, conversation_id)
  SELECT rowid, body, workspace_id, conversation_id FROM messages WHERE author_type != 'system' AND body != '';

CREATE TRIGGER conversations_fts_ai AFTER INSERT ON conversations BEGIN
  INSERT INTO conversations_fts (rowid, subject, workspace_id, conversation_id) VALUES (new.rowid, new.subject, new.workspace_id, new.id);
END;
CREATE TRIGGER conversations_fts_au AFTER UPDATE OF subject ON conversations BEGIN
  DELETE FROM conversations_fts WHERE rowid = old.rowid AND conversation_id = old.id;
  INSERT INTO conversations_fts (rowid, subject, workspace_id, conversation_id) VALUES (new.rowid, new.subject, new.workspace_id, new.id);
END;
CREATE TRIGGER conversations_fts_ad AFTER DELETE ON conversations BEGIN
  DELETE FROM conversations_fts WHERE rowid = old.rowid AND conversation_id = old.id;
END;

CREATE TRIGGER contacts_fts_ai AFTER INSERT ON contacts BEGIN
  INSERT INTO contacts_fts (rowid, name, email, workspace_id, contact_id) VALUES (new.rowid, new.name, new.email, new.workspace_id, new.id);
END;
CREATE TRIGGER contacts_fts_au AFTER UPDATE OF name, email ON contacts BEGIN
  DELETE FROM contacts_fts WHERE rowid = old.rowid AND contact_id = old.id;
  INSERT INTO contacts_fts (rowid, name, email, workspace_id, contact_id) VALUES (new.rowid, new.name, new.email, new.workspace_id, new.id);
END;
CREATE TRIGGER contacts_fts_ad AFTER DELETE ON contacts BEGIN
  DELETE FROM contacts_fts WHERE rowid = old.rowid AND contact_id = old.id;
END;

CREATE TRIGGER messages_fts_ai AFTER INSERT ON messages WHEN new.author_type != 'system' AND new.body != '' BEGIN
  INSERT INTO messages_fts (rowid, body, workspace_id, conversation_id) VALUES (new.rowid, new.body, new.workspace_id, new.conversation_id);
END;
CREATE TRIGGER messages_fts_ad AFTER DELETE ON messages BEGIN
  DELETE FROM messages_fts WHERE rowid = old.rowid AND conversation_id = old.conversation_id;
END;
