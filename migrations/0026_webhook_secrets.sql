-- Secret rotation with an overlap: after a rotation the secret it replaced keeps signing beside the
-- new one (both signatures on every delivery) until previous_secret_expires_at, so a receiver can
-- switch secrets without dropping a delivery. Past that time previous_secret is ignored and cleared
-- by the next rotation.
ALTER TABLE webhook_endpoints ADD COLUMN previous_secret TEXT;
ALTER TABLE webhook_endpoints ADD COLUMN previous_secret_expires_at INTEGER;
ALTER TABLE webhook_endpoints ADD COLUMN secret_rotated_at INTEGER;
