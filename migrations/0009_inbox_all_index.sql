-- The "All" view (archived or not) and the unread view walk the inbox newest first without the
-- archived column; this index lets them read in order and stop at the page size.
CREATE INDEX conversations_all_activity ON conversations(workspace_id, activity_at DESC, id DESC);
