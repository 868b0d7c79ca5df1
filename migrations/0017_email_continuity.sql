-- Email that continues conversations: what came in to the reply addresses, and what became of it.
CREATE TABLE inbound_emails (
  -- Null when the address named no conversation of ours (forged, altered, or not a reply address).
  workspace_id TEXT,
  id TEXT NOT NULL PRIMARY KEY,
  received_at INTEGER NOT NULL,
  from_address TEXT NOT NULL,
  to_address TEXT NOT NULL,
  conversation_id TEXT,
  message_id TEXT,
  outcome TEXT NOT NULL CHECK (outcome IN ('accepted', 'refused', 'dropped')),
  reason TEXT NOT NULL
);
CREATE INDEX inbound_emails_recent ON inbound_emails(workspace_id, received_at DESC);
CREATE INDEX inbound_emails_age ON inbound_emails(received_at);
