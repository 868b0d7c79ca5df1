-- Emails about a conversation are answered at its signed reply address and threaded by mail
-- clients: the outbox keeps what every backend (Resend, Cloudflare's send_email, the local
-- outbox) sends along.
ALTER TABLE email_outbox ADD COLUMN from_name TEXT;
ALTER TABLE email_outbox ADD COLUMN reply_to TEXT;
ALTER TABLE email_outbox ADD COLUMN message_id TEXT;
-- Space-separated Message-IDs, as the References header carries them.
ALTER TABLE email_outbox ADD COLUMN references_header TEXT;
