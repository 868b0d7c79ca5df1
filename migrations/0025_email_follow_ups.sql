-- A customer's email to a conversation that has ended either reopens it or, per channel, starts a
-- follow-up conversation that names the one it continues.
ALTER TABLE conversations ADD COLUMN follow_up_of TEXT;

-- The whole text of an accepted email (before its quoted history and signature were cut), so an
-- agent can read what the customer actually sent; found by the message it became.
ALTER TABLE inbound_emails ADD COLUMN client_id TEXT;
ALTER TABLE inbound_emails ADD COLUMN original_text TEXT;
CREATE INDEX inbound_emails_message ON inbound_emails(workspace_id, client_id) WHERE client_id IS NOT NULL;
CREATE INDEX conversations_follow_ups ON conversations(workspace_id, follow_up_of) WHERE follow_up_of IS NOT NULL;
