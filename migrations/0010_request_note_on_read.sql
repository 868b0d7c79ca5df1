-- The request note is built from the messages when it is read (worker/db/inbox.ts). The trigger
-- that appended each message to a stored copy rewrote the whole note on every message, so copying
-- a conversation into D1 cost O(n²), and a note past D1's limit on a value's size would have failed
-- the copy itself. The messages hold everything the note said, so nothing is lost.
DROP TRIGGER messages_request_note;
ALTER TABLE conversations DROP COLUMN request_note;
