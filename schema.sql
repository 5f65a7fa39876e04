-- The whole current schema. It must equal the result of applying migrations/ in order
-- (tests/schema.test.mjs proves it). Change both together: add a migration, then update this file.
-- Handoff: clients (tenants), their booking settings, booking handoffs and admin keys.
-- Times are integer milliseconds since the Unix epoch (UTC); the API renders them as ISO 8601.

CREATE TABLE clients (
  id TEXT PRIMARY KEY,
  slug TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  -- JSON list of origins allowed to embed the widget and post captures.
  allowed_origins TEXT NOT NULL DEFAULT '[]',
  contact_email TEXT,
  contact_phone TEXT,
  created_at INTEGER NOT NULL
);

CREATE TABLE client_settings (
  client_id TEXT PRIMARY KEY REFERENCES clients(id) ON DELETE CASCADE,
  booking_mode TEXT NOT NULL DEFAULT 'external' CHECK (booking_mode IN ('internal', 'external')),
  external_booking_provider_name TEXT,
  external_booking_url TEXT,
  external_booking_embed_mode TEXT NOT NULL DEFAULT 'redirect' CHECK (external_booking_embed_mode IN ('redirect', 'iframe')),
  external_booking_disclaimer TEXT,
  external_booking_utm_source TEXT,
  external_booking_utm_campaign TEXT,
  external_booking_prefill INTEGER NOT NULL DEFAULT 1,
  external_booking_webhook_enabled INTEGER NOT NULL DEFAULT 0,
  external_booking_webhook_provider TEXT,
  -- Encrypted with the SECRETS_KEY secret; never returned by any API or page.
  external_booking_webhook_secret TEXT,
  external_booking_completion_event_name TEXT,
  -- Result of probing the booking URL for X-Frame-Options / frame-ancestors: 'allowed', 'blocked' or NULL.
  iframe_check TEXT,
  -- JSON list of offered services (the widget's quick replies).
  services TEXT NOT NULL DEFAULT '[]',
  updated_at INTEGER NOT NULL,
  -- JSON list of {service, providerName, bookingUrl, keywords[]}: a service (or a keyword in the
  -- visitor's request) booked through its own provider and link; the main URL stays the default.
  service_routes TEXT NOT NULL DEFAULT '[]',
  consent_required INTEGER NOT NULL DEFAULT 0,
  consent_text TEXT,
  -- Personal fields of older handoffs are erased by the scheduled job; the rows (and counts) stay.
  retention_days INTEGER NOT NULL DEFAULT 180,
  forward_enabled INTEGER NOT NULL DEFAULT 0,
  forward_url TEXT,
  -- Encrypted with the SECRETS_KEY secret, like the webhook secret; never returned.
  forward_secret TEXT,
  -- The widget's and the hosted page's look (NULL colour and wording: our defaults).
  widget_brand_color TEXT CHECK (widget_brand_color IS NULL OR length(widget_brand_color) = 7),
  widget_theme TEXT NOT NULL DEFAULT 'light' CHECK (widget_theme IN ('light', 'dark', 'auto')),
  widget_position TEXT NOT NULL DEFAULT 'bottom-right' CHECK (widget_position IN ('bottom-right', 'bottom-left')),
  widget_launcher_label TEXT,
  widget_greeting TEXT,
  -- Lead alerts: up to 5 addresses (JSON list) and when they are told.
  alert_emails TEXT NOT NULL DEFAULT '[]',
  alert_on TEXT NOT NULL DEFAULT 'off' CHECK (alert_on IN ('each_lead', 'off')),
  -- The redirect carries the visitor's own UTMs and click ids instead of ours (0/1), and
  -- where our reference rides for providers that return only tracking parameters.
  external_booking_pass_visitor_utms INTEGER NOT NULL DEFAULT 0,
  external_booking_ref_param TEXT NOT NULL DEFAULT 'utm_content' CHECK (external_booking_ref_param IN ('utm_content', 'utm_term', 'salesforce_uuid'))
);

CREATE TABLE booking_handoffs (
  -- Random base64url (core's HandoffId): it is the capability in the public /r/ link.
  id TEXT PRIMARY KEY,
  client_id TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  source_page TEXT,
  industry TEXT,
  customer_name TEXT NOT NULL,
  customer_email TEXT,
  customer_phone TEXT,
  requested_service TEXT,
  preferred_date_time_text TEXT,
  notes TEXT,
  status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'redirected', 'completed_external', 'abandoned')),
  redirected_at INTEGER,
  redirect_count INTEGER NOT NULL DEFAULT 0,
  completed_at INTEGER,
  completed_by TEXT,
  abandoned_at INTEGER,
  external_booking_url_used TEXT,
  -- The redirect target built from the settings in force at planned_at; /r/ uses it as long as
  -- the settings have not changed since, so a click is a single D1 statement.
  planned_url TEXT,
  planned_at INTEGER,
  user_agent TEXT,
  -- HMAC-SHA256 of the visitor IP with the IP_SALT secret; the raw IP is never stored.
  ip_hash TEXT,
  metadata TEXT,
  -- Who or what abandoned the handoff, 'manual' or 'scheduled'; completed_by's counterpart.
  abandoned_by TEXT,
  -- Which provider the visitor was told about and which routed service (if any) chose it.
  provider_name_used TEXT,
  route_service TEXT,
  -- When the visitor ticked the business's consent line (NULL: not asked).
  consent_at INTEGER,
  -- When the personal fields were erased (retention or a right-to-erasure request).
  erased_at INTEGER,
  -- The visitor's language at capture ('en', 'es'); the redirect's own pages speak it.
  lang TEXT CHECK (lang IS NULL OR length(lang) <= 8),
  -- The visitor's first touch (core's attribution keys, JSON); blanked on erasure.
  attribution TEXT
);

CREATE INDEX idx_handoffs_client_created ON booking_handoffs (client_id, created_at DESC, id DESC);
CREATE INDEX idx_handoffs_client_status_created ON booking_handoffs (client_id, status, created_at DESC, id DESC);

CREATE TABLE admin_keys (
  -- SHA-256 of a 32-byte random key that is shown once.
  key_hash TEXT PRIMARY KEY,
  client_id TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
  label TEXT,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);

CREATE INDEX idx_admin_keys_client ON admin_keys (client_id);

-- Verified provider webhooks. Receipts make deliveries idempotent: a replayed event id is
-- acknowledged and ignored. Keyed per client too, so one client's event ids (our generic
-- scheme lets senders choose them) can never shadow another's.
CREATE TABLE webhook_receipts (
  client_id TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
  provider TEXT NOT NULL,
  event_id TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  PRIMARY KEY (client_id, provider, event_id)
);

-- Verified events that matched no handoff of that client (no tca_ref, or an unknown one).
-- Only non-sensitive identifiers are kept; an admin may link one to a handoff by hand.
CREATE TABLE unmatched_webhook_events (
  id TEXT PRIMARY KEY,
  client_id TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
  provider TEXT NOT NULL,
  event_type TEXT NOT NULL,
  event_id TEXT NOT NULL,
  -- JSON list of [name, value] pairs: booking uid, appointment id, invitee URI…
  identifiers TEXT NOT NULL DEFAULT '[]',
  received_at INTEGER NOT NULL,
  linked_handoff_id TEXT,
  linked_at INTEGER
);

CREATE INDEX idx_unmatched_client_received ON unmatched_webhook_events (client_id, received_at DESC);

-- The dashboard's per-status counts and industry choices, kept by triggers so that every write
-- changing a handoff's status, redirect or industry updates them in the same transaction.
-- Handoffs per client and status, and how many of them were ever redirected (the funnel).
CREATE TABLE client_status_counts (
  client_id TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
  status TEXT NOT NULL,
  n INTEGER NOT NULL DEFAULT 0,
  ever_redirected INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (client_id, status)
);

-- The industries a client's handoffs carry (the pipeline filter's choices).
CREATE TABLE client_industries (
  client_id TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
  industry TEXT NOT NULL,
  PRIMARY KEY (client_id, industry)
);

CREATE TRIGGER handoffs_count_insert AFTER INSERT ON booking_handoffs
BEGIN
  INSERT INTO client_status_counts (client_id, status, n, ever_redirected)
    VALUES (NEW.client_id, NEW.status, 1, NEW.redirected_at IS NOT NULL)
    ON CONFLICT (client_id, status) DO UPDATE
    SET n = n + 1, ever_redirected = ever_redirected + excluded.ever_redirected;
  INSERT OR IGNORE INTO client_industries (client_id, industry)
    SELECT NEW.client_id, NEW.industry WHERE NEW.industry IS NOT NULL;
END;

CREATE TRIGGER handoffs_count_update AFTER UPDATE OF client_id, status, redirected_at ON booking_handoffs
WHEN OLD.client_id IS NOT NEW.client_id OR OLD.status IS NOT NEW.status
  OR (OLD.redirected_at IS NULL) IS NOT (NEW.redirected_at IS NULL)
BEGIN
  UPDATE client_status_counts
    SET n = n - 1, ever_redirected = ever_redirected - (OLD.redirected_at IS NOT NULL)
    WHERE client_id = OLD.client_id AND status = OLD.status;
  INSERT INTO client_status_counts (client_id, status, n, ever_redirected)
    VALUES (NEW.client_id, NEW.status, 1, NEW.redirected_at IS NOT NULL)
    ON CONFLICT (client_id, status) DO UPDATE
    SET n = n + 1, ever_redirected = ever_redirected + excluded.ever_redirected;
END;

CREATE TRIGGER handoffs_count_delete AFTER DELETE ON booking_handoffs
BEGIN
  UPDATE client_status_counts
    SET n = n - 1, ever_redirected = ever_redirected - (OLD.redirected_at IS NOT NULL)
    WHERE client_id = OLD.client_id AND status = OLD.status;
END;

CREATE TRIGGER handoffs_industry_update AFTER UPDATE OF industry ON booking_handoffs
WHEN NEW.industry IS NOT NULL
BEGIN
  INSERT OR IGNORE INTO client_industries (client_id, industry) VALUES (NEW.client_id, NEW.industry);
END;

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
  delivered_at INTEGER,
  -- 'forward' (the client's endpoint) or 'email' (a lead alert to recipient).
  channel TEXT NOT NULL DEFAULT 'forward' CHECK (channel IN ('forward', 'email')),
  recipient TEXT
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

CREATE TRIGGER alert_on_created AFTER INSERT ON booking_handoffs
WHEN (SELECT alert_on FROM client_settings WHERE client_id = NEW.client_id) = 'each_lead'
BEGIN
  INSERT INTO forward_deliveries (id, client_id, handoff_id, event_type, occurred_at, next_attempt_at, channel, recipient)
    SELECT 'msg_' || lower(hex(randomblob(16))), NEW.client_id, NEW.id, 'handoff.created', NEW.created_at, NEW.created_at, 'email', value
    FROM json_each((SELECT alert_emails FROM client_settings WHERE client_id = NEW.client_id));
END;
