-- Visitor context: the host platform's custom attributes on contacts and conversations, and the
-- request (in the host's own system) a conversation is about. The page trail lives in the room.

-- One row per attribute. `value` is JSON (a string, number or boolean), so a filter can match the
-- typed value exactly. `verified`: signed by the host (user-token) or set through the REST API;
-- 0 when only the widget's page said so.
CREATE TABLE custom_attributes (
  workspace_id TEXT NOT NULL,
  subject_type TEXT NOT NULL CHECK (subject_type IN ('contact', 'conversation')),
  subject_id TEXT NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  verified INTEGER NOT NULL CHECK (verified IN (0, 1)),
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, subject_type, subject_id, key)
);
-- "Conversations whose contact's plan is pro": from key and value to the subjects.
CREATE INDEX custom_attributes_filter ON custom_attributes(workspace_id, subject_type, key, value);

CREATE TRIGGER custom_attributes_conversation_gone AFTER DELETE ON conversations BEGIN
  DELETE FROM custom_attributes WHERE workspace_id = old.workspace_id AND subject_type = 'conversation' AND subject_id = old.id;
END;
CREATE TRIGGER custom_attributes_contact_gone AFTER DELETE ON contacts BEGIN
  DELETE FROM custom_attributes WHERE workspace_id = old.workspace_id AND subject_type = 'contact' AND subject_id = old.id;
END;

-- The host platform's request (ticket, case) a signed user-token named for this conversation.
ALTER TABLE conversations ADD COLUMN request_id TEXT;
CREATE INDEX conversations_request ON conversations(workspace_id, request_id) WHERE request_id IS NOT NULL;
