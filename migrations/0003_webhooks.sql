-- Completion tracking: verified provider webhooks.
-- Receipts make deliveries idempotent: a replayed event id is acknowledged and ignored. Keyed
-- per client too, so one client's event ids (our generic scheme lets senders choose them) can
-- never shadow another's.
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
