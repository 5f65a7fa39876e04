-- Where our reference rides for providers that return only their tracking parameters, and
-- whether the redirect carries the visitor's own UTMs and click ids instead of ours.
ALTER TABLE client_settings ADD COLUMN external_booking_pass_visitor_utms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE client_settings ADD COLUMN external_booking_ref_param TEXT NOT NULL DEFAULT 'utm_content' CHECK (external_booking_ref_param IN ('utm_content', 'utm_term', 'salesforce_uuid'));
