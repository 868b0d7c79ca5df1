-- Daily email caps (LIMITS.email): an email over a cap is kept in the outbox as 'suppressed', with
-- the reason in last_error, and never sent. SQLite cannot widen a CHECK in place, so the outbox is
-- rebuilt. `recipient` is the address as the per-recipient cap counts it (lower case, no +tag),
-- indexed for that count; rows from before keep their address in lower case.
CREATE TABLE email_outbox_capped (
  workspace_id TEXT NOT NULL,
  id TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  to_address TEXT NOT NULL,
  recipient TEXT NOT NULL,
  locale TEXT NOT NULL,
  template TEXT NOT NULL,
  subject TEXT NOT NULL,
  text_body TEXT NOT NULL,
  html_body TEXT NOT NULL,
  -- local: kept in the outbox only (no Resend key); queued/sent/failed: the Resend delivery state;
  -- suppressed: over a daily cap, never sent.
  status TEXT NOT NULL CHECK (status IN ('local', 'queued', 'sent', 'failed', 'suppressed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER,
  provider_id TEXT,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, id)
);
INSERT INTO email_outbox_capped
  SELECT workspace_id, id, idempotency_key, to_address, lower(to_address), locale, template, subject, text_body, html_body,
    status, attempts, next_attempt_at, provider_id, last_error, created_at
  FROM email_outbox;
DROP TABLE email_outbox;
ALTER TABLE email_outbox_capped RENAME TO email_outbox;
CREATE UNIQUE INDEX email_outbox_key ON email_outbox(workspace_id, idempotency_key);
CREATE INDEX email_outbox_recent ON email_outbox(workspace_id, created_at DESC);
CREATE INDEX email_outbox_due ON email_outbox(status, next_attempt_at);
CREATE INDEX email_outbox_recipient ON email_outbox(workspace_id, recipient, created_at);

-- How many days sent emails and finished webhook deliveries are kept; NULL: LIMITS.retention.defaultDays.
ALTER TABLE workspaces ADD COLUMN retention_days INTEGER CHECK (retention_days BETWEEN 1 AND 3650);

-- What the cron prunes, found by age without reading the rest (worker/maintenance/prune.ts).
CREATE INDEX webhook_deliveries_finished ON webhook_deliveries(workspace_id, created_at) WHERE status != 'pending';
CREATE INDEX sessions_expiry ON sessions(expires_at);
CREATE INDEX idempotency_keys_age ON idempotency_keys(created_at);
CREATE INDEX mx_cache_age ON mx_cache(checked_at);
CREATE INDEX token_buckets_age ON token_buckets(at);
