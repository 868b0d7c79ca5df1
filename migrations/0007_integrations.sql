-- Outgoing webhooks: endpoints and the delivery log. The queue itself lives in one
-- WebhookDispatcher Durable Object per endpoint; these rows are what admins and integrators read.
CREATE TABLE webhook_endpoints (
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  url TEXT NOT NULL,
  secret TEXT NOT NULL,
  -- JSON array of event types.
  events TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  enabled INTEGER NOT NULL DEFAULT 1,
  -- Set at the first failure after a success; an endpoint failing for a day is disabled.
  failing_since INTEGER,
  disabled_at INTEGER,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, id)
);

CREATE TABLE webhook_deliveries (
  workspace_id TEXT NOT NULL,
  -- The Parley-Delivery header: one per event and endpoint, the same on every retry.
  id TEXT NOT NULL,
  endpoint_id TEXT NOT NULL,
  event_type TEXT NOT NULL,
  -- Deliveries with the same ordering key (a conversation) are sent strictly in order.
  ordering_key TEXT NOT NULL,
  payload TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  last_status_code INTEGER,
  last_error TEXT,
  next_attempt_at INTEGER,
  created_at INTEGER NOT NULL,
  delivered_at INTEGER,
  PRIMARY KEY (workspace_id, id)
);
CREATE INDEX webhook_deliveries_log ON webhook_deliveries(workspace_id, endpoint_id, created_at DESC);

-- Inbound webhooks: a secret URL per hook, and the delivery ids already applied (replay protection).
CREATE TABLE inbound_hooks (
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  secret TEXT NOT NULL,
  revoked_at INTEGER,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, id)
);
CREATE UNIQUE INDEX inbound_hooks_id ON inbound_hooks(id);

CREATE TABLE inbound_deliveries (
  workspace_id TEXT NOT NULL,
  hook_id TEXT NOT NULL,
  delivery_id TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, hook_id, delivery_id)
);

-- Idempotency-Key on API POSTs: the first answer is stored and replayed for the same key.
CREATE TABLE idempotency_keys (
  workspace_id TEXT NOT NULL,
  key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  status INTEGER NOT NULL,
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, key)
);

-- Integrators upsert accounts by their own ids, as they do contacts.
ALTER TABLE accounts ADD COLUMN external_id TEXT;
CREATE UNIQUE INDEX accounts_external ON accounts(workspace_id, external_id) WHERE external_id IS NOT NULL;
