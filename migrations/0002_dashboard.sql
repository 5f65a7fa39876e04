-- The admin dashboard: who or what abandoned a handoff, next to completed_by, so the
-- detail page's timeline can say it: 'manual' (an admin), 'scheduled' (the inactivity job).
-- Sessions need no table: the signed cookie carries the admin key's hash and each request
-- checks admin_keys (primary key lookup) that it is not revoked.
ALTER TABLE booking_handoffs ADD COLUMN abandoned_by TEXT;
