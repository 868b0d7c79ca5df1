-- FAQ entries shown to visitors before a chat starts, searched with FTS5.
CREATE TABLE faqs (
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  channel_id TEXT,
  question TEXT NOT NULL,
  answer TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, id)
);
CREATE VIRTUAL TABLE faqs_fts USING fts5(
  question, answer, workspace_id UNINDEXED, faq_id UNINDEXED, tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER faqs_ai AFTER INSERT ON faqs BEGIN
  INSERT INTO faqs_fts (question, answer, workspace_id, faq_id) VALUES (new.question, new.answer, new.workspace_id, new.id);
END;
CREATE TRIGGER faqs_ad AFTER DELETE ON faqs BEGIN
  DELETE FROM faqs_fts WHERE workspace_id = old.workspace_id AND faq_id = old.id;
END;
CREATE TRIGGER faqs_au AFTER UPDATE ON faqs BEGIN
  DELETE FROM faqs_fts WHERE workspace_id = old.workspace_id AND faq_id = old.id;
  INSERT INTO faqs_fts (question, answer, workspace_id, faq_id) VALUES (new.question, new.answer, new.workspace_id, new.id);
END;

-- Questions left while the channel is closed or nobody is available.
CREATE TABLE tickets (
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  -- Human reference shown to the visitor, numbered per workspace: T-1001, T-1002, …
  number INTEGER NOT NULL,
  channel_id TEXT NOT NULL,
  contact_id TEXT NOT NULL,
  topic TEXT,
  fields TEXT NOT NULL DEFAULT '{}',
  locale TEXT,
  question TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  created_at INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, id)
);
CREATE UNIQUE INDEX tickets_number ON tickets(workspace_id, number);

-- Attachment metadata; the bytes are in R2 under `key`.
CREATE TABLE attachments (
  workspace_id TEXT NOT NULL,
  id TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  key TEXT NOT NULL,
  name TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size INTEGER NOT NULL,
  uploaded_by TEXT NOT NULL CHECK (uploaded_by IN ('visitor', 'agent')),
  deleted_at INTEGER,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, id),
  FOREIGN KEY (workspace_id, conversation_id) REFERENCES conversations(workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX attachments_conversation ON attachments(workspace_id, conversation_id);

-- Every email: sent through Resend when RESEND_API_KEY is set, otherwise kept here for the console.
CREATE TABLE email_outbox (
  workspace_id TEXT NOT NULL,
  id TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  to_address TEXT NOT NULL,
  locale TEXT NOT NULL,
  template TEXT NOT NULL,
  subject TEXT NOT NULL,
  text_body TEXT NOT NULL,
  html_body TEXT NOT NULL,
  -- local: kept in the outbox only (no Resend key); queued/sent/failed: the Resend delivery state.
  status TEXT NOT NULL CHECK (status IN ('local', 'queued', 'sent', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER,
  provider_id TEXT,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, id)
);
CREATE UNIQUE INDEX email_outbox_key ON email_outbox(workspace_id, idempotency_key);
CREATE INDEX email_outbox_recent ON email_outbox(workspace_id, created_at DESC);
CREATE INDEX email_outbox_due ON email_outbox(status, next_attempt_at);

-- Cached MX look-ups for pre-chat email checks.
CREATE TABLE mx_cache (
  domain TEXT PRIMARY KEY,
  has_mx INTEGER NOT NULL,
  checked_at INTEGER NOT NULL
);

-- Signs host pages' customer identities (user-hash); never sent to the widget.
ALTER TABLE channels ADD COLUMN identity_secret TEXT;
