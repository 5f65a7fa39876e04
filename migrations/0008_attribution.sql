-- Where each lead came from: the visitor's first touch (landing path, referrer origin and
-- path, UTM parameters, ad click ids) as a JSON object of core's attribution keys. Blanked
-- with the visitor's other details on erasure.
ALTER TABLE booking_handoffs ADD COLUMN attribution TEXT;
