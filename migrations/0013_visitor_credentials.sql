-- A visitor's conversation tokens signed before this instant (ms) no longer open the conversation:
-- "revoke visitor tokens" moves it to now, so a leaked token stops working while the browser that
-- proves its identity again (a verified customer listing their threads) gets a new one.
ALTER TABLE conversations ADD COLUMN visitor_tokens_revoked_before INTEGER NOT NULL DEFAULT 0;

-- Whether anything vouches for the contact's email: staff and integrators (who create contacts
-- with their own hands or keys) and a host page's verified identity do; an anonymous visitor who
-- types an address does not. Contacts from before this column cannot be told apart, so those the
-- widget could have made (no external id, no account) start as unverified.
ALTER TABLE contacts ADD COLUMN email_verified INTEGER NOT NULL DEFAULT 1;
UPDATE contacts SET email_verified = 0 WHERE external_id IS NULL AND account_id IS NULL;
