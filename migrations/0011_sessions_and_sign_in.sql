-- Sessions, sign-in and revocation (issue 10).

-- A session also ends after a while without a request (worker/db/sessions.ts SESSION_IDLE_MS),
-- besides its absolute expiry. Written at most once a minute per session, not on every request.
ALTER TABLE sessions ADD COLUMN last_seen_at INTEGER NOT NULL DEFAULT 0;
UPDATE sessions SET last_seen_at = created_at;

-- Which rooms a session has a console socket in, so that ending the session can close them: a room
-- is one Durable Object per conversation, and nothing else knows where an agent's sockets are.
-- `session` is the first 16 hex digits of the session's token hash, as in the room's principal.
-- Rows go when the session is revoked, and at sign-in once older than the longest session.
CREATE TABLE agent_sockets (
  workspace_id TEXT NOT NULL,
  session TEXT NOT NULL,
  agent_id TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  opened_at INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, session, conversation_id)
) WITHOUT ROWID;
CREATE INDEX agent_sockets_agent ON agent_sockets(workspace_id, agent_id, opened_at);

-- Failed sign-ins per email address, from anywhere (worker/auth/sign-in-lock.ts). Keyed by the
-- address typed, not by agent, so that an unknown address locks exactly like a known one and the
-- answers never tell who has an account; such rows have no workspace. `tokens`/`at` are the
-- account's token bucket (LIMITS.http.signInAccount), `strikes` how often it ran dry in this run of
-- failures (each doubles the lock), `alerted` whether the admins were told about this run.
-- `version` makes each change a compare-and-swap, so parallel guesses cannot share one token.
CREATE TABLE sign_in_failures (
  email TEXT PRIMARY KEY,
  tokens REAL NOT NULL,
  at INTEGER NOT NULL,
  failures INTEGER NOT NULL,
  strikes INTEGER NOT NULL,
  locked_until INTEGER NOT NULL,
  alerted INTEGER NOT NULL,
  version INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sign_in_failures_at ON sign_in_failures(at);

-- "Someone keeps failing to sign in as X": one console notification per admin and run of failures.
-- Not in `notifications`, whose every row is about a conversation.
CREATE TABLE sign_in_alerts (
  workspace_id TEXT NOT NULL,
  admin_id TEXT NOT NULL,
  id TEXT NOT NULL,
  agent_name TEXT NOT NULL,
  agent_email TEXT NOT NULL,
  failures INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  seen_at INTEGER,
  PRIMARY KEY (workspace_id, admin_id, id),
  FOREIGN KEY (workspace_id, admin_id) REFERENCES agents(workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX sign_in_alerts_recent ON sign_in_alerts(workspace_id, admin_id, created_at DESC);
