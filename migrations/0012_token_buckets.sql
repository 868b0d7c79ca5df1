-- Worker limits become token buckets (protocol/limits.ts LIMITS.http), replacing fixed windows:
-- a window let twice its limit through across a boundary. `tokens` is what is left at `at` (ms).
DROP TABLE rate_limits;
CREATE TABLE token_buckets (
  key TEXT PRIMARY KEY,
  tokens REAL NOT NULL,
  at INTEGER NOT NULL,
  -- Whether the last take succeeded: RETURNING cannot tell it from the tokens alone.
  taken INTEGER NOT NULL
) WITHOUT ROWID;
