-- The D1 copy of a message keeps its file and its system event too, as JSON, so that history read
-- from D1 (search, exports, a future archive of ended rooms) is the whole message.
ALTER TABLE messages ADD COLUMN attachment TEXT;
ALTER TABLE messages ADD COLUMN event TEXT;
