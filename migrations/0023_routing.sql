-- Routing: how many live chats an agent is given at once, and a pause that offers them nothing
-- (a break) without taking them out of the queue or their chats.
ALTER TABLE agents ADD COLUMN capacity INTEGER NOT NULL DEFAULT 3 CHECK (capacity BETWEEN 1 AND 20);
ALTER TABLE agents ADD COLUMN paused INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1));
