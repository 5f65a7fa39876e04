-- Per-service booking links, privacy controls (consent, retention, erasure) and lead
-- forwarding (signed outbound webhooks with retries).

-- JSON list of {service, providerName, bookingUrl, keywords[]}: a service (or a keyword in the
-- visitor's request) booked through its own provider and link; the main URL stays the default.
ALTER TABLE client_settings ADD COLUMN service_routes TEXT NOT NULL DEFAULT '[]';
ALTER TABLE client_settings ADD COLUMN consent_required INTEGER NOT NULL DEFAULT 0;
ALTER TABLE client_settings ADD COLUMN consent_text TEXT;
-- Personal fields of older handoffs are erased by the scheduled job; the rows (and counts) stay.
ALTER TABLE client_settings ADD COLUMN retention_days INTEGER NOT NULL DEFAULT 180;
ALTER TABLE client_settings ADD COLUMN forward_enabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE client_settings ADD COLUMN forward_url TEXT;
-- Encrypted with the SECRETS_KEY secret, like the webhook secret; never returned.
ALTER TABLE client_settings ADD COLUMN forward_secret TEXT;

-- Which provider the visitor was told about and which routed service (if any) chose it.
ALTER TABLE booking_handoffs ADD COLUMN provider_name_used TEXT;
ALTER TABLE booking_handoffs ADD COLUMN route_service TEXT;
-- When the visitor ticked the business's consent line (NULL: not asked, or before 0005).
ALTER TABLE booking_handoffs ADD COLUMN consent_at INTEGER;
-- When the personal fields were erased (retention or a right-to-erasure request).
ALTER TABLE booking_handoffs ADD COLUMN erased_at INTEGER;

-- Erasures, without the data itself: who asked, how many handoffs, when.
CREATE TABLE erasure_log (
  id TEXT PRIMARY KEY,
  client_id TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
  at INTEGER NOT NULL,
  -- 'admin' (a right-to-erasure request) or 'retention' (the scheduled job)
  reason TEXT NOT NULL CHECK (reason IN ('admin', 'retention')),
  -- 'email', 'phone' or NULL for retention: which kind of identifier was searched, never its value
  matched_by TEXT,
  handoffs INTEGER NOT NULL
);

CREATE INDEX idx_erasure_log_client_at ON erasure_log (client_id, at DESC);

-- Lead forwarding's outbox: one row per event, written by triggers in the same transaction as
-- the change itself (so no path can forget an event, and a failed write queues nothing), and
-- delivered by the worker (at once after a capture, then by the scheduled job with backoff).
CREATE TABLE forward_deliveries (
  -- The Standard Webhooks `webhook-id`: the same on every retry of one event.
  id TEXT PRIMARY KEY,
  client_id TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
  handoff_id TEXT NOT NULL,
  event_type TEXT NOT NULL CHECK (event_type IN ('handoff.created', 'handoff.redirected', 'handoff.completed')),
  occurred_at INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_attempt_at INTEGER,
  -- HTTP status of the last attempt, or NULL when it got no response.
  last_status INTEGER,
  last_error TEXT,
  delivered_at INTEGER
);

CREATE INDEX idx_forward_due ON forward_deliveries (status, next_attempt_at);
CREATE INDEX idx_forward_client ON forward_deliveries (client_id, occurred_at DESC);

CREATE TRIGGER forward_on_created AFTER INSERT ON booking_handoffs
WHEN (SELECT forward_enabled FROM client_settings WHERE client_id = NEW.client_id) = 1
BEGIN
  INSERT INTO forward_deliveries (id, client_id, handoff_id, event_type, occurred_at, next_attempt_at)
    VALUES ('msg_' || lower(hex(randomblob(16))), NEW.client_id, NEW.id, 'handoff.created', NEW.created_at, NEW.created_at);
END;

CREATE TRIGGER forward_on_redirected AFTER UPDATE OF redirected_at ON booking_handoffs
WHEN OLD.redirected_at IS NULL AND NEW.redirected_at IS NOT NULL
  AND (SELECT forward_enabled FROM client_settings WHERE client_id = NEW.client_id) = 1
BEGIN
  INSERT INTO forward_deliveries (id, client_id, handoff_id, event_type, occurred_at, next_attempt_at)
    VALUES ('msg_' || lower(hex(randomblob(16))), NEW.client_id, NEW.id, 'handoff.redirected', NEW.redirected_at, NEW.redirected_at);
END;

CREATE TRIGGER forward_on_completed AFTER UPDATE OF status ON booking_handoffs
WHEN NEW.status = 'completed_external' AND OLD.status IS NOT 'completed_external'
  AND (SELECT forward_enabled FROM client_settings WHERE client_id = NEW.client_id) = 1
BEGIN
  INSERT INTO forward_deliveries (id, client_id, handoff_id, event_type, occurred_at, next_attempt_at)
    VALUES ('msg_' || lower(hex(randomblob(16))), NEW.client_id, NEW.id, 'handoff.completed', COALESCE(NEW.completed_at, 0), COALESCE(NEW.completed_at, 0));
END;
