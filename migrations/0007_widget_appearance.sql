-- The business's own look for the widget and the hosted page. NULL colour and wording mean
-- today's teal and our translated defaults.
ALTER TABLE client_settings ADD COLUMN widget_brand_color TEXT CHECK (widget_brand_color IS NULL OR length(widget_brand_color) = 7);
ALTER TABLE client_settings ADD COLUMN widget_theme TEXT NOT NULL DEFAULT 'light' CHECK (widget_theme IN ('light', 'dark', 'auto'));
ALTER TABLE client_settings ADD COLUMN widget_position TEXT NOT NULL DEFAULT 'bottom-right' CHECK (widget_position IN ('bottom-right', 'bottom-left'));
ALTER TABLE client_settings ADD COLUMN widget_launcher_label TEXT;
ALTER TABLE client_settings ADD COLUMN widget_greeting TEXT;
