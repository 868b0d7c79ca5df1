-- A ticket left out of hours (or a message left while nobody is available) is a conversation
-- agents answer in the console and the customer continues by email.
ALTER TABLE tickets ADD COLUMN conversation_id TEXT;
