-- Private notes (issue 12): a note is a message of the thread that only agents see. It keeps its
-- place in the conversation's sequence, so it is stored with the messages and marked here; every
-- path to the customer (visitor sockets, emails, transcripts, message.created) leaves it out.
ALTER TABLE messages ADD COLUMN visibility TEXT NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'note'));
-- The agents a note @mentions, as a JSON array of agent ids (null when none).
ALTER TABLE messages ADD COLUMN mentions TEXT;

-- A mention is a notification of its own kind. SQLite cannot change a CHECK in place, so the table
-- is rebuilt; the trigger that writes to it goes first, since a rename would trip over it.
DROP TRIGGER messages_notify;
CREATE TABLE notifications_next (
  workspace_id TEXT NOT NULL,
  agent_id TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  -- message: a new message in a thread they are responsible for; alert: "Notify administrators";
  -- mention: a colleague's note names them.
  kind TEXT NOT NULL CHECK (kind IN ('message', 'alert', 'mention')),
  author_name TEXT NOT NULL,
  preview TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  seen_at INTEGER,
  PRIMARY KEY (workspace_id, agent_id, conversation_id),
  FOREIGN KEY (workspace_id, conversation_id) REFERENCES conversations(workspace_id, id) ON DELETE CASCADE
);
INSERT INTO notifications_next SELECT workspace_id, agent_id, conversation_id, kind, author_name, preview, updated_at, seen_at FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_next RENAME TO notifications;
CREATE INDEX notifications_recent ON notifications(workspace_id, agent_id, updated_at DESC);

-- As before, except that an agent a note mentions gets the mention (below) rather than a plain message entry.
CREATE TRIGGER messages_notify AFTER INSERT ON messages WHEN new.author_type != 'system' BEGIN
  INSERT INTO notifications (workspace_id, agent_id, conversation_id, kind, author_name, preview, updated_at, seen_at)
  SELECT c.workspace_id, c.agent_id, c.id, 'message', new.author_name, substr(new.body, 1, 200), new.created_at, NULL
  FROM conversations c
  WHERE c.workspace_id = new.workspace_id AND c.id = new.conversation_id AND c.agent_id IS NOT NULL
    AND (new.author_type != 'agent' OR new.author_id IS NOT c.agent_id)
    AND c.agent_id NOT IN (SELECT value FROM json_each(COALESCE(new.mentions, '[]')))
  ON CONFLICT (workspace_id, agent_id, conversation_id) DO UPDATE SET
    kind = 'message', author_name = excluded.author_name, preview = excluded.preview,
    updated_at = excluded.updated_at, seen_at = NULL;
END;

-- One entry per mentioned agent and thread, moved to the top; only agents of the workspace, never
-- the note's author. A room replaying a batch inserts no message and so fires nothing twice.
CREATE TRIGGER messages_mention AFTER INSERT ON messages WHEN new.visibility = 'note' AND new.mentions IS NOT NULL BEGIN
  INSERT INTO notifications (workspace_id, agent_id, conversation_id, kind, author_name, preview, updated_at, seen_at)
  SELECT a.workspace_id, a.id, new.conversation_id, 'mention', new.author_name, substr(new.body, 1, 200), new.created_at, NULL
  FROM json_each(new.mentions) j
  JOIN agents a ON a.workspace_id = new.workspace_id AND a.id = j.value
  WHERE a.id IS NOT new.author_id
  ON CONFLICT (workspace_id, agent_id, conversation_id) DO UPDATE SET
    kind = 'mention', author_name = excluded.author_name, preview = excluded.preview,
    updated_at = excluded.updated_at, seen_at = NULL;
END;
