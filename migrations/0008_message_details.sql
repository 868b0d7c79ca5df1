-- The D1 copy of a message keeps its file and its system event too, as JSON, so that history read
-- from D1 (search, exports, a future archive of ended rooms) is the whole message.
ALTER TABLE messages ADD COLUMN attachment TEXT;
ALTER TABLE messages ADD COLUMN event TEXT;

-- With the file now on the message, the request note names it instead of a bare placeholder.
DROP TRIGGER messages_request_note;
CREATE TRIGGER messages_request_note AFTER INSERT ON messages BEGIN
  UPDATE conversations
  SET request_note = request_note || '[' || strftime('%Y-%m-%d %H:%M', new.created_at / 1000, 'unixepoch') || ' UTC] '
    || new.author_name || ': '
    || CASE WHEN new.body = '' THEN '[' || COALESCE(json_extract(new.attachment, '$.name'), 'file') || ']' ELSE new.body END
    || char(10)
  WHERE workspace_id = new.workspace_id AND id = new.conversation_id;
END;
