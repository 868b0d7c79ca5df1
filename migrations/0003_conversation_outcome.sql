-- How a conversation ended and what the visitor thought of it; copied from its room by the room's alarm.
ALTER TABLE conversations ADD COLUMN ended_at INTEGER;
ALTER TABLE conversations ADD COLUMN ended_reason TEXT CHECK (ended_reason IN ('visitor', 'agent', 'idle'));
-- The end form: 1/0 for "Satisfied"/"Not satisfied", a 1-5 star rating, a comment; NULL when not given.
ALTER TABLE conversations ADD COLUMN satisfied INTEGER CHECK (satisfied IN (0, 1));
ALTER TABLE conversations ADD COLUMN rating INTEGER CHECK (rating BETWEEN 1 AND 5);
ALTER TABLE conversations ADD COLUMN feedback_comment TEXT;
