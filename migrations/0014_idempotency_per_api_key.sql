-- Idempotency keys belong to the API key that sent them (its hash, as api_keys stores it), so two
-- integrations of one workspace never see each other's answers. A claim carries a random token, so
-- that once its lease has passed and a retry took the key over, only the new holder finishes it.
-- body is NULL when the answer held a secret shown only once (it is not kept for replays).
-- The stored answers are only retries' copies: starting the new table empty loses nothing else.
DROP TABLE idempotency_keys;
CREATE TABLE idempotency_keys (
  workspace_id TEXT NOT NULL,
  api_key_hash TEXT NOT NULL,
  key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  claim TEXT NOT NULL,
  -- 0 while the request holding the key is in progress; then the answer's HTTP status.
  status INTEGER NOT NULL,
  body TEXT,
  -- When the key was claimed: its lease and its 24 hours are counted from here.
  created_at INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, api_key_hash, key)
);
