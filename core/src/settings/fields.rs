//! The settings fields, declared once: each field's JSON name (its [`SettingsField`]), its
//! `client_settings` column, its kind, whether widget-config shows it, and how it moves between
//! the submitted input, the validated [`Settings`] and storage. The worker's repository, JSON
//! API and form adapters walk this table, so a new field is a row here, its place in
//! [`SettingsInput`]/[`Settings`] with its validation, a migration, and the form view.
//!
//! Fields with a shape of their own (per-service routes, the client's sites and contact
//! details, the write-only secrets) are handled beside the table by the adapters.
use super::{BookingMode, EmbedMode, Settings, SettingsInput, DEFAULT_RETENTION_DAYS};
use crate::alert::AlertOn;
use crate::appearance::{Position, Rgb, Theme};
use crate::provider::Provider;
use crate::redirect::RefParam;
use url::Url;

/// A settings (or client) field an error can point at, named as in the JSON API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SettingsField {
    BookingMode,
    ExternalBookingProviderName,
    ExternalBookingUrl,
    ExternalBookingEmbedMode,
    ExternalBookingDisclaimer,
    ExternalBookingUtmSource,
    ExternalBookingUtmCampaign,
    ExternalBookingWebhookProvider,
    ExternalBookingCompletionEventName,
    Services,
    AllowedOrigins,
    ContactEmail,
    ContactPhone,
    BusinessName,
    Slug,
    ServiceRoutes,
    ConsentText,
    RetentionDays,
    ForwardUrl,
    ExternalBookingPrefill,
    ExternalBookingWebhookEnabled,
    ConsentRequired,
    ForwardEnabled,
    WidgetBrandColor,
    WidgetTheme,
    WidgetPosition,
    WidgetLauncherLabel,
    WidgetGreeting,
    AlertEmails,
    AlertOn,
    ExternalBookingPassVisitorUtms,
    ExternalBookingRefParam,
}

impl SettingsField {
    pub const ALL: [SettingsField; 32] = [
        SettingsField::BookingMode,
        SettingsField::ExternalBookingProviderName,
        SettingsField::ExternalBookingUrl,
        SettingsField::ExternalBookingEmbedMode,
        SettingsField::ExternalBookingDisclaimer,
        SettingsField::ExternalBookingUtmSource,
        SettingsField::ExternalBookingUtmCampaign,
        SettingsField::ExternalBookingWebhookProvider,
        SettingsField::ExternalBookingCompletionEventName,
        SettingsField::Services,
        SettingsField::AllowedOrigins,
        SettingsField::ContactEmail,
        SettingsField::ContactPhone,
        SettingsField::BusinessName,
        SettingsField::Slug,
        SettingsField::ServiceRoutes,
        SettingsField::ConsentText,
        SettingsField::RetentionDays,
        SettingsField::ForwardUrl,
        SettingsField::ExternalBookingPrefill,
        SettingsField::ExternalBookingWebhookEnabled,
        SettingsField::ConsentRequired,
        SettingsField::ForwardEnabled,
        SettingsField::WidgetBrandColor,
        SettingsField::WidgetTheme,
        SettingsField::WidgetPosition,
        SettingsField::WidgetLauncherLabel,
        SettingsField::WidgetGreeting,
        SettingsField::AlertEmails,
        SettingsField::AlertOn,
        SettingsField::ExternalBookingPassVisitorUtms,
        SettingsField::ExternalBookingRefParam,
    ];

    pub fn json_name(self) -> &'static str {
        match self {
            SettingsField::BookingMode => "bookingMode",
            SettingsField::ExternalBookingProviderName => "externalBookingProviderName",
            SettingsField::ExternalBookingUrl => "externalBookingUrl",
            SettingsField::ExternalBookingEmbedMode => "externalBookingEmbedMode",
            SettingsField::ExternalBookingDisclaimer => "externalBookingDisclaimer",
            SettingsField::ExternalBookingUtmSource => "externalBookingUtmSource",
            SettingsField::ExternalBookingUtmCampaign => "externalBookingUtmCampaign",
            SettingsField::ExternalBookingWebhookProvider => "externalBookingWebhookProvider",
            SettingsField::ExternalBookingCompletionEventName => {
                "externalBookingCompletionEventName"
            }
            SettingsField::Services => "services",
            SettingsField::AllowedOrigins => "allowedOrigins",
            SettingsField::ContactEmail => "contactEmail",
            SettingsField::ContactPhone => "contactPhone",
            SettingsField::BusinessName => "name",
            SettingsField::Slug => "slug",
            SettingsField::ServiceRoutes => "serviceRoutes",
            SettingsField::ConsentText => "consentText",
            SettingsField::RetentionDays => "retentionDays",
            SettingsField::ForwardUrl => "forwardUrl",
            SettingsField::ExternalBookingPrefill => "externalBookingPrefill",
            SettingsField::ExternalBookingWebhookEnabled => "externalBookingWebhookEnabled",
            SettingsField::ConsentRequired => "consentRequired",
            SettingsField::ForwardEnabled => "forwardEnabled",
            SettingsField::WidgetBrandColor => "widgetBrandColor",
            SettingsField::WidgetTheme => "widgetTheme",
            SettingsField::WidgetPosition => "widgetPosition",
            SettingsField::WidgetLauncherLabel => "widgetLauncherLabel",
            SettingsField::WidgetGreeting => "widgetGreeting",
            SettingsField::AlertEmails => "alertEmails",
            SettingsField::AlertOn => "alertOn",
            SettingsField::ExternalBookingPassVisitorUtms => "externalBookingPassVisitorUtms",
            SettingsField::ExternalBookingRefParam => "externalBookingRefParam",
        }
    }
}

/// How a field is written on the wire and stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A string (or null); a TEXT column.
    Text,
    /// true/false; an INTEGER column of 0/1; a checkbox in the form.
    Bool,
    /// A whole number; an INTEGER column; typed as digits in the form.
    Count,
    /// A list of strings; a TEXT column holding a JSON array; one per line in the form.
    List,
}

/// A value as submitted (form or JSON), before validation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Raw {
    Text(String),
    Bool(bool),
    List(Vec<String>),
}

/// A value as stored (and as the JSON API shows it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stored {
    Text(Option<String>),
    Bool(bool),
    Int(i64),
    List(Vec<String>),
}

impl Stored {
    /// The form's value for a stored one (what the settings page shows before editing).
    pub fn to_raw(&self) -> Raw {
        match self {
            Stored::Text(t) => Raw::Text(t.clone().unwrap_or_default()),
            Stored::Bool(b) => Raw::Bool(*b),
            Stored::Int(n) => Raw::Text(n.to_string()),
            Stored::List(l) => Raw::List(l.clone()),
        }
    }
}

/// One settings field.
pub struct FieldDef {
    pub field: SettingsField,
    /// Its column in `client_settings`.
    pub column: &'static str,
    pub kind: Kind,
    /// Shown, under its JSON name, in the public widget-config.
    pub public: bool,
    /// What a JSON body that leaves the field out means.
    pub absent: Raw,
    /// The validated value, as stored.
    pub stored: fn(&Settings) -> Stored,
    /// Reads a stored value back into settings (an unreadable one degrades to the default).
    pub load: fn(&mut Settings, Stored),
    pub input: fn(&SettingsInput) -> Raw,
    pub set_input: fn(&mut SettingsInput, Raw),
}

impl FieldDef {
    pub fn json_name(&self) -> &'static str {
        self.field.json_name()
    }

    /// The field of this JSON name.
    pub fn named(json_name: &str) -> Option<&'static FieldDef> {
        FIELDS.iter().find(|f| f.json_name() == json_name)
    }
}

/// A settings value's stored form.
trait StoredValue: Sized {
    fn store(&self) -> Stored;
    fn load(value: Stored) -> Self;
}

impl StoredValue for Option<String> {
    fn store(&self) -> Stored {
        Stored::Text(self.clone())
    }
    fn load(value: Stored) -> Self {
        match value {
            Stored::Text(t) => t,
            _ => None,
        }
    }
}

impl StoredValue for bool {
    fn store(&self) -> Stored {
        Stored::Bool(*self)
    }
    fn load(value: Stored) -> Self {
        matches!(value, Stored::Bool(true))
    }
}

impl StoredValue for u32 {
    fn store(&self) -> Stored {
        Stored::Int(i64::from(*self))
    }
    fn load(value: Stored) -> Self {
        match value {
            Stored::Int(n) => u32::try_from(n).unwrap_or(DEFAULT_RETENTION_DAYS),
            _ => DEFAULT_RETENTION_DAYS,
        }
    }
}

impl StoredValue for Vec<String> {
    fn store(&self) -> Stored {
        Stored::List(self.clone())
    }
    fn load(value: Stored) -> Self {
        match value {
            Stored::List(l) => l,
            _ => Vec::new(),
        }
    }
}

impl StoredValue for Option<Url> {
    fn store(&self) -> Stored {
        Stored::Text(self.as_ref().map(|u| u.to_string()))
    }
    fn load(value: Stored) -> Self {
        Option::<String>::load(value).and_then(|u| Url::parse(&u).ok())
    }
}

impl StoredValue for Option<Provider> {
    fn store(&self) -> Stored {
        Stored::Text(self.map(|p| p.slug().to_string()))
    }
    fn load(value: Stored) -> Self {
        Option::<String>::load(value).and_then(|p| Provider::from_slug(&p))
    }
}

impl StoredValue for BookingMode {
    fn store(&self) -> Stored {
        Stored::Text(Some(self.as_str().to_string()))
    }
    fn load(value: Stored) -> Self {
        Option::<String>::load(value)
            .and_then(|m| BookingMode::parse(&m))
            .unwrap_or_default()
    }
}

impl StoredValue for EmbedMode {
    fn store(&self) -> Stored {
        Stored::Text(Some(self.as_str().to_string()))
    }
    fn load(value: Stored) -> Self {
        Option::<String>::load(value)
            .and_then(|m| EmbedMode::parse(&m))
            .unwrap_or_default()
    }
}

impl StoredValue for Option<Rgb> {
    fn store(&self) -> Stored {
        Stored::Text(self.map(Rgb::hex))
    }
    fn load(value: Stored) -> Self {
        Option::<String>::load(value).and_then(|c| Rgb::parse(&c))
    }
}

impl StoredValue for AlertOn {
    fn store(&self) -> Stored {
        Stored::Text(Some(self.as_str().to_string()))
    }
    fn load(value: Stored) -> Self {
        Option::<String>::load(value)
            .and_then(|a| AlertOn::parse(&a))
            .unwrap_or_default()
    }
}

impl StoredValue for RefParam {
    fn store(&self) -> Stored {
        Stored::Text(Some(self.as_str().to_string()))
    }
    fn load(value: Stored) -> Self {
        Option::<String>::load(value)
            .and_then(|r| RefParam::parse(&r))
            .unwrap_or_default()
    }
}

impl StoredValue for Theme {
    fn store(&self) -> Stored {
        Stored::Text(Some(self.as_str().to_string()))
    }
    fn load(value: Stored) -> Self {
        Option::<String>::load(value)
            .and_then(|t| Theme::parse(&t))
            .unwrap_or_default()
    }
}

impl StoredValue for Position {
    fn store(&self) -> Stored {
        Stored::Text(Some(self.as_str().to_string()))
    }
    fn load(value: Stored) -> Self {
        Option::<String>::load(value)
            .and_then(|p| Position::parse(&p))
            .unwrap_or_default()
    }
}

/// A submitted value's form.
trait RawValue {
    fn raw(&self) -> Raw;
    fn set(&mut self, value: Raw);
}

impl RawValue for String {
    fn raw(&self) -> Raw {
        Raw::Text(self.clone())
    }
    fn set(&mut self, value: Raw) {
        if let Raw::Text(t) = value {
            *self = t;
        }
    }
}

impl RawValue for bool {
    fn raw(&self) -> Raw {
        Raw::Bool(*self)
    }
    fn set(&mut self, value: Raw) {
        if let Raw::Bool(b) = value {
            *self = b;
        }
    }
}

impl RawValue for Vec<String> {
    fn raw(&self) -> Raw {
        Raw::List(self.clone())
    }
    fn set(&mut self, value: Raw) {
        if let Raw::List(l) = value {
            *self = l;
        }
    }
}

macro_rules! fields {
    ($($variant:ident: $name:ident, $column:literal, $kind:ident, public: $public:literal, absent: $absent:expr;)*) => {
        /// Every settings field with one value, in the settings page's order.
        pub const FIELDS: &[FieldDef] = &[$(FieldDef {
            field: SettingsField::$variant,
            column: $column,
            kind: Kind::$kind,
            public: $public,
            absent: $absent,
            stored: |s| StoredValue::store(&s.$name),
            load: |s, v| s.$name = StoredValue::load(v),
            input: |i| RawValue::raw(&i.$name),
            set_input: |i, v| RawValue::set(&mut i.$name, v),
        }),*];
    };
}

const EMPTY: Raw = Raw::Text(String::new());
const OFF: Raw = Raw::Bool(false);

fields! {
    BookingMode: booking_mode, "booking_mode", Text, public: false, absent: EMPTY;
    ExternalBookingProviderName: external_booking_provider_name, "external_booking_provider_name", Text, public: false, absent: EMPTY;
    ExternalBookingUrl: external_booking_url, "external_booking_url", Text, public: false, absent: EMPTY;
    ExternalBookingEmbedMode: external_booking_embed_mode, "external_booking_embed_mode", Text, public: false, absent: EMPTY;
    ExternalBookingDisclaimer: external_booking_disclaimer, "external_booking_disclaimer", Text, public: false, absent: EMPTY;
    ExternalBookingUtmSource: external_booking_utm_source, "external_booking_utm_source", Text, public: false, absent: EMPTY;
    ExternalBookingUtmCampaign: external_booking_utm_campaign, "external_booking_utm_campaign", Text, public: false, absent: EMPTY;
    // As when a client is created: the provider's form is prefilled unless turned off.
    ExternalBookingPrefill: external_booking_prefill, "external_booking_prefill", Bool, public: false, absent: Raw::Bool(true);
    Services: services, "services", List, public: false, absent: Raw::List(Vec::new());
    ConsentRequired: consent_required, "consent_required", Bool, public: false, absent: OFF;
    ConsentText: consent_text, "consent_text", Text, public: false, absent: EMPTY;
    RetentionDays: retention_days, "retention_days", Count, public: false, absent: EMPTY;
    ExternalBookingWebhookEnabled: external_booking_webhook_enabled, "external_booking_webhook_enabled", Bool, public: false, absent: OFF;
    ExternalBookingWebhookProvider: external_booking_webhook_provider, "external_booking_webhook_provider", Text, public: false, absent: EMPTY;
    ExternalBookingCompletionEventName: external_booking_completion_event_name, "external_booking_completion_event_name", Text, public: false, absent: EMPTY;
    ForwardEnabled: forward_enabled, "forward_enabled", Bool, public: false, absent: OFF;
    ForwardUrl: forward_url, "forward_url", Text, public: false, absent: EMPTY;
    WidgetBrandColor: widget_brand_color, "widget_brand_color", Text, public: true, absent: EMPTY;
    WidgetTheme: widget_theme, "widget_theme", Text, public: true, absent: EMPTY;
    WidgetPosition: widget_position, "widget_position", Text, public: true, absent: EMPTY;
    WidgetLauncherLabel: widget_launcher_label, "widget_launcher_label", Text, public: true, absent: EMPTY;
    WidgetGreeting: widget_greeting, "widget_greeting", Text, public: true, absent: EMPTY;
    AlertEmails: alert_emails, "alert_emails", List, public: false, absent: Raw::List(Vec::new());
    AlertOn: alert_on, "alert_on", Text, public: false, absent: EMPTY;
    ExternalBookingPassVisitorUtms: external_booking_pass_visitor_utms, "external_booking_pass_visitor_utms", Bool, public: false, absent: OFF;
    ExternalBookingRefParam: external_booking_ref_param, "external_booking_ref_param", Text, public: false, absent: EMPTY;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::{validate_settings, Strictness};

    fn valid_input() -> SettingsInput {
        SettingsInput {
            booking_mode: "external".into(),
            external_booking_provider_name: "Calendly".into(),
            external_booking_url: "https://calendly.com/spa/60min".into(),
            external_booking_embed_mode: "redirect".into(),
            external_booking_utm_campaign: "winter".into(),
            external_booking_prefill: true,
            services: vec!["Massage".into(), "Facial".into()],
            consent_required: true,
            consent_text: "I agree.".into(),
            retention_days: "90".into(),
            widget_brand_color: "#1E3A8A".into(),
            widget_theme: "dark".into(),
            widget_position: "bottom-left".into(),
            widget_launcher_label: "Reserve a table".into(),
            ..SettingsInput::default()
        }
    }

    #[test]
    fn every_name_and_column_is_declared_once() {
        for (i, a) in FIELDS.iter().enumerate() {
            for b in &FIELDS[i + 1..] {
                assert_ne!(a.json_name(), b.json_name());
                assert_ne!(a.column, b.column);
            }
            assert!(a
                .column
                .bytes()
                .all(|c| c.is_ascii_lowercase() || c == b'_'));
            assert_eq!(
                FieldDef::named(a.json_name()).map(|f| f.column),
                Some(a.column)
            );
        }
        assert!(FieldDef::named("clientId").is_none());
    }

    #[test]
    fn stored_settings_read_back_as_they_were_validated() {
        let settings = validate_settings(&valid_input(), Strictness::Save).unwrap();
        let mut loaded = Settings::default();
        for f in FIELDS {
            (f.load)(&mut loaded, (f.stored)(&settings));
        }
        // Routes are stored beside the table.
        loaded.service_routes = settings.service_routes.clone();
        assert_eq!(loaded, settings);
    }

    #[test]
    fn the_form_shows_what_is_stored_and_saves_it_unchanged() {
        let settings = validate_settings(&valid_input(), Strictness::Save).unwrap();
        let mut input = SettingsInput::default();
        for f in FIELDS {
            (f.set_input)(&mut input, (f.stored)(&settings).to_raw());
        }
        assert_eq!(
            validate_settings(&input, Strictness::Save).unwrap(),
            settings
        );
        for f in FIELDS {
            let kind_matches = matches!(
                ((f.input)(&input), f.kind),
                (Raw::Text(_), Kind::Text | Kind::Count)
                    | (Raw::Bool(_), Kind::Bool)
                    | (Raw::List(_), Kind::List)
            );
            assert!(kind_matches, "{}", f.json_name());
        }
    }

    #[test]
    fn unreadable_stored_values_degrade_to_defaults() {
        let mut s = Settings::default();
        let field = |name| FieldDef::named(name).unwrap();
        (field("bookingMode").load)(&mut s, Stored::Text(Some("warp".into())));
        (field("externalBookingUrl").load)(&mut s, Stored::Text(Some("not a url".into())));
        (field("retentionDays").load)(&mut s, Stored::Int(-4));
        (field("externalBookingWebhookProvider").load)(&mut s, Stored::Text(Some("nope".into())));
        assert_eq!(s.booking_mode, BookingMode::External);
        assert_eq!(s.external_booking_url, None);
        assert_eq!(s.retention_days, DEFAULT_RETENTION_DAYS);
        assert_eq!(s.external_booking_webhook_provider, None);
    }
}
