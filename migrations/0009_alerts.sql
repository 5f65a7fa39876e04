-- Lead alerts by email: who is told (a JSON list of up to 5 addresses) and when. Each alert
-- is a delivery of the lead-forwarding outbox on its own channel, one row per recipient,
-- written by a trigger in the same transaction as the handoff, so an alert is never lost
-- and never delays or fails a capture.
ALTER TABLE client_settings ADD COLUMN alert_emails TEXT NOT NULL DEFAULT '[]';
ALTER TABLE client_settings ADD COLUMN alert_on TEXT NOT NULL DEFAULT 'off' CHECK (alert_on IN ('each_lead', 'off'));
ALTER TABLE forward_deliveries ADD COLUMN channel TEXT NOT NULL DEFAULT 'forward' CHECK (channel IN ('forward', 'email'));
-- The alert's recipient (channel 'email'); NULL for forwarding.
ALTER TABLE forward_deliveries ADD COLUMN recipient TEXT;

CREATE TRIGGER alert_on_created AFTER INSERT ON booking_handoffs
WHEN (SELECT alert_on FROM client_settings WHERE client_id = NEW.client_id) = 'each_lead'
BEGIN
  INSERT INTO forward_deliveries (id, client_id, handoff_id, event_type, occurred_at, next_attempt_at, channel, recipient)
    SELECT 'msg_' || lower(hex(randomblob(16))), NEW.client_id, NEW.id, 'handoff.created', NEW.created_at, NEW.created_at, 'email', value
    FROM json_each((SELECT alert_emails FROM client_settings WHERE client_id = NEW.client_id));
END;
