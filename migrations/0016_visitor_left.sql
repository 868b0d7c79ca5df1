-- A chat now also ends when the visitor left the page and did not come back within the channel's
-- grace period. SQLite cannot change a CHECK in place: the column is rebuilt under its own name.
ALTER TABLE conversations ADD COLUMN end_reason TEXT CHECK (end_reason IN ('visitor', 'agent', 'idle', 'visitor_left'));
UPDATE conversations SET end_reason = ended_reason WHERE ended_reason IS NOT NULL;
ALTER TABLE conversations DROP COLUMN ended_reason;
ALTER TABLE conversations RENAME COLUMN end_reason TO ended_reason;
