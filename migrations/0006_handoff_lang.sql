-- The language the visitor spoke when the handoff was captured ('en', 'es'): the tracking
-- redirect's own pages answer in it. NULL for handoffs captured before it was recorded
-- (those pages then follow the browser's Accept-Language).
ALTER TABLE booking_handoffs ADD COLUMN lang TEXT CHECK (lang IS NULL OR length(lang) <= 8);
