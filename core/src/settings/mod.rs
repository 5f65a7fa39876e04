//! A client's booking settings and their validation (used by the settings API and the
//! dashboard's settings page alike), plus the booking-URL, origin and slug rules.

use crate::alert::{self, AlertOn};
use crate::appearance::{self, Position, Rgb, Theme};
use crate::provider::Provider;
use crate::redirect::{RefParam, REF_PARAM_INVALID};
use crate::text::{char_len, strip_controls};
use url::Url;

mod fields;
mod urls;
pub use fields::{FieldDef, Kind, Raw, SettingsField, Stored, FIELDS};
pub use urls::*;

/// `internal` is request-only: the lead is captured and the business follows up.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum BookingMode {
    Internal,
    /// The default: this product has no booking engine of its own.
    #[default]
    External,
}

impl BookingMode {
    pub fn as_str(self) -> &'static str {
        match self {
            BookingMode::Internal => "internal",
            BookingMode::External => "external",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [BookingMode::Internal, BookingMode::External]
            .into_iter()
            .find(|mode| mode.as_str() == s)
    }
}

/// How the provider's page is shown; iframe only where the provider allows framing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum EmbedMode {
    #[default]
    Redirect,
    Iframe,
}

impl EmbedMode {
    pub fn as_str(self) -> &'static str {
        match self {
            EmbedMode::Redirect => "redirect",
            EmbedMode::Iframe => "iframe",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [EmbedMode::Redirect, EmbedMode::Iframe]
            .into_iter()
            .find(|mode| mode.as_str() == s)
    }
}

/// The settings form as submitted; strings empty when absent.
#[derive(Default, Clone, Debug)]
pub struct SettingsInput {
    pub booking_mode: String,
    pub external_booking_provider_name: String,
    pub external_booking_url: String,
    pub external_booking_embed_mode: String,
    pub external_booking_disclaimer: String,
    pub external_booking_utm_source: String,
    pub external_booking_utm_campaign: String,
    pub external_booking_prefill: bool,
    pub external_booking_webhook_enabled: bool,
    pub external_booking_webhook_provider: String,
    pub external_booking_completion_event_name: String,
    pub services: Vec<String>,
    /// Per-service booking links, as rows of the form (empty rows are ignored).
    pub service_routes: Vec<RouteInput>,
    pub consent_required: bool,
    pub consent_text: String,
    /// Days; empty means the default.
    pub retention_days: String,
    pub forward_enabled: bool,
    pub forward_url: String,
    /// `#rrggbb`; empty means today's teal.
    pub widget_brand_color: String,
    pub widget_theme: String,
    pub widget_position: String,
    /// The business's own wording, shown as written; empty means our translated default.
    pub widget_launcher_label: String,
    pub widget_greeting: String,
    /// Who is told about each lead (up to 5 addresses).
    pub alert_emails: Vec<String>,
    /// `each_lead` or `off`; empty means `each_lead` when an address is given.
    pub alert_on: String,
    pub external_booking_pass_visitor_utms: bool,
    /// `utm_content` (empty means it), `utm_term` or `salesforce_uuid`.
    pub external_booking_ref_param: String,
}

/// One row of the per-service routing table as submitted.
#[derive(Default, Clone, Debug, PartialEq, Eq)]
pub struct RouteInput {
    pub service: String,
    pub provider_name: String,
    pub booking_url: String,
    /// Comma-separated words that also pick this route.
    pub keywords: String,
}

/// A service (or a keyword in the visitor's request) with its own provider and booking link.
#[derive(Clone, Debug, PartialEq)]
pub struct ServiceRoute {
    pub service: String,
    pub provider_name: Option<String>,
    pub booking_url: Url,
    pub keywords: Vec<String>,
}

/// Where a visitor is sent: the route's link, or the default one.
#[derive(Clone, Copy, Debug)]
pub struct BookingTarget<'a> {
    pub provider_name: Option<&'a str>,
    pub url: &'a Url,
    pub provider: Provider,
    /// The route's service, when a route was chosen.
    pub route: Option<&'a str>,
}

/// Validated settings, ready to store.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    pub booking_mode: BookingMode,
    pub external_booking_provider_name: Option<String>,
    pub external_booking_url: Option<Url>,
    pub external_booking_embed_mode: EmbedMode,
    pub external_booking_disclaimer: Option<String>,
    pub external_booking_utm_source: Option<String>,
    pub external_booking_utm_campaign: Option<String>,
    pub external_booking_prefill: bool,
    pub external_booking_webhook_enabled: bool,
    pub external_booking_webhook_provider: Option<Provider>,
    pub external_booking_completion_event_name: Option<String>,
    pub services: Vec<String>,
    pub service_routes: Vec<ServiceRoute>,
    /// The visitor must tick a consent line before sending.
    pub consent_required: bool,
    /// The business's own consent wording (else the widget's default).
    pub consent_text: Option<String>,
    /// Personal fields of handoffs older than this are erased by the scheduled job.
    pub retention_days: u32,
    /// Lead forwarding: handoff events are POSTed, signed, to this URL.
    pub forward_enabled: bool,
    pub forward_url: Option<Url>,
    /// The widget's and the hosted page's look; `None`: today's teal.
    pub widget_brand_color: Option<Rgb>,
    pub widget_theme: Theme,
    pub widget_position: Position,
    /// Shown as written (not translated); `None`: our default in the visitor's language.
    pub widget_launcher_label: Option<String>,
    pub widget_greeting: Option<String>,
    /// Lower-cased, valid, distinct; at most 5.
    pub alert_emails: Vec<String>,
    pub alert_on: AlertOn,
    /// The redirect carries the visitor's own UTMs and click ids instead of ours.
    pub external_booking_pass_visitor_utms: bool,
    /// Where our reference rides for providers that return only tracking parameters.
    pub external_booking_ref_param: RefParam,
}

impl Default for Settings {
    /// What a client starts with, and what an unreadable stored value falls back to.
    fn default() -> Self {
        Settings {
            booking_mode: BookingMode::default(),
            external_booking_provider_name: None,
            external_booking_url: None,
            external_booking_embed_mode: EmbedMode::default(),
            external_booking_disclaimer: None,
            external_booking_utm_source: None,
            external_booking_utm_campaign: None,
            external_booking_prefill: true,
            external_booking_webhook_enabled: false,
            external_booking_webhook_provider: None,
            external_booking_completion_event_name: None,
            services: Vec::new(),
            service_routes: Vec::new(),
            consent_required: false,
            consent_text: None,
            retention_days: DEFAULT_RETENTION_DAYS,
            forward_enabled: false,
            forward_url: None,
            widget_brand_color: None,
            widget_theme: Theme::default(),
            widget_position: Position::default(),
            widget_launcher_label: None,
            widget_greeting: None,
            alert_emails: Vec::new(),
            alert_on: AlertOn::default(),
            external_booking_pass_visitor_utms: false,
            external_booking_ref_param: RefParam::default(),
        }
    }
}

impl Settings {
    /// The route for a visitor's request: the service they chose, by name; else the first
    /// route whose service name or a keyword appears in what they wrote. `None`: the default
    /// booking link.
    pub fn route_for(
        &self,
        requested_service: Option<&str>,
        texts: &[&str],
    ) -> Option<&ServiceRoute> {
        let chosen = requested_service.map(|s| s.trim().to_lowercase());
        if let Some(chosen) = chosen.as_deref().filter(|c| !c.is_empty()) {
            if let Some(route) = self
                .service_routes
                .iter()
                .find(|r| r.service.to_lowercase() == chosen)
            {
                return Some(route);
            }
        }
        let haystack: Vec<String> = requested_service
            .into_iter()
            .chain(texts.iter().copied())
            .map(|t| format!(" {} ", words_of(t)))
            .collect();
        self.service_routes.iter().find(|route| {
            std::iter::once(route.service.as_str())
                .chain(route.keywords.iter().map(String::as_str))
                .map(|k| format!(" {} ", words_of(k)))
                .filter(|k| k.trim().chars().count() >= 3)
                .any(|k| haystack.iter().any(|h| h.contains(&k)))
        })
    }

    /// Where a visitor with this route goes; `None` when external booking has no link.
    pub fn booking_target<'a>(
        &'a self,
        route: Option<&'a ServiceRoute>,
    ) -> Option<BookingTarget<'a>> {
        if self.booking_mode != BookingMode::External {
            return None;
        }
        match route {
            Some(r) => Some(BookingTarget {
                provider_name: r.provider_name.as_deref(),
                url: &r.booking_url,
                provider: Provider::detect(r.provider_name.as_deref(), r.booking_url.host_str()),
                route: Some(&r.service),
            }),
            None => self.external_booking_url.as_ref().map(|url| BookingTarget {
                provider_name: self.external_booking_provider_name.as_deref(),
                url,
                provider: self.provider(),
                route: None,
            }),
        }
    }

    /// The assistant's quick replies: the routed services first, then the other services.
    pub fn quick_replies(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for s in self
            .service_routes
            .iter()
            .map(|r| r.service.as_str())
            .chain(self.services.iter().map(String::as_str))
        {
            if !out.iter().any(|o| o.to_lowercase() == s.to_lowercase()) && out.len() < SERVICES_MAX
            {
                out.push(s);
            }
        }
        out
    }

    /// Whether a visitor can be sent anywhere: external mode with a URL.
    pub fn booking_available(&self) -> bool {
        self.booking_mode == BookingMode::External && self.external_booking_url.is_some()
    }

    pub fn provider(&self) -> Provider {
        Provider::detect(
            self.external_booking_provider_name.as_deref(),
            self.external_booking_url.as_ref().and_then(Url::host_str),
        )
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettingsError {
    pub field: SettingsField,
    pub message: &'static str,
}

/// `Save` is what the business publishes; `Draft` lets an incomplete form be kept (the
/// dashboard then shows the "booking unavailable" banner).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Strictness {
    Save,
    Draft,
}

pub const BOOKING_MODE_INVALID: &str = "Choose request-only or external booking.";
pub const EMBED_MODE_INVALID: &str = "Choose redirect or iframe.";
pub const URL_REQUIRED: &str = "External booking needs your booking page URL.";
pub const UTM_CHARSET: &str = "Use letters, numbers, dots, dashes or underscores.";
pub const WEBHOOK_PROVIDER_REQUIRED: &str = "Choose which provider sends the webhook.";
pub const TOO_MANY_SERVICES: &str = "Please list at most 30 services.";
pub const SERVICE_TOO_LONG: &str = "Please keep each service under 80 characters.";
pub const ROUTE_INCOMPLETE: &str = "Each routed service needs a name and its booking link.";
pub const ROUTE_URL_INVALID: &str =
    "Each routed booking link must be a full https:// address without a username or password.";
pub const ROUTE_TOO_LONG: &str =
    "Keep service names under 80 characters, provider names under 60 and keywords under 40.";
pub const ROUTES_TOO_MANY: &str =
    "Please route at most 20 services, with at most 10 keywords each.";
pub const ROUTE_DUPLICATE: &str = "Each service can be routed only once.";
pub const RETENTION_INVALID: &str = "Keep personal data for 7 to 3650 days.";
pub const FORWARD_URL_REQUIRED: &str = "Enter the address that should receive your handoffs.";
pub const FORWARD_URL_INVALID: &str =
    "Enter a full https:// address (http only for localhost), without a username or password.";

const PROVIDER_NAME_MAX: usize = 60;
const DISCLAIMER_MAX: usize = 300;
const UTM_MAX: usize = 100;
const EVENT_NAME_MAX: usize = 100;
const SERVICES_MAX: usize = 30;
const SERVICE_MAX_CHARS: usize = 80;
const ROUTES_MAX: usize = 20;
const KEYWORDS_MAX: usize = 10;
const KEYWORD_MAX_CHARS: usize = 40;
const CONSENT_MAX: usize = 300;
const LAUNCHER_LABEL_MAX: usize = 40;
const GREETING_MAX: usize = 200;
/// How long personal fields are kept by default: half a year.
pub const DEFAULT_RETENTION_DAYS: u32 = 180;
const RETENTION_RANGE: std::ops::RangeInclusive<u32> = 7..=3650;
/// Providers whose webhook signatures we can verify.
const WEBHOOK_PROVIDERS: [Provider; 5] = [
    Provider::Calendly,
    Provider::CalCom,
    Provider::Acuity,
    Provider::Square,
    Provider::Generic,
];

/// Validates every field, reporting all errors in [`SettingsField`] order.
pub fn validate_settings(
    input: &SettingsInput,
    strictness: Strictness,
) -> Result<Settings, Vec<SettingsError>> {
    let mut errors = Vec::new();
    let mut fail = |field: SettingsField, message: &'static str| {
        errors.push(SettingsError { field, message });
    };

    let booking_mode = match input.booking_mode.trim().to_ascii_lowercase().as_str() {
        "" => BookingMode::External,
        mode => BookingMode::parse(mode).unwrap_or_else(|| {
            fail(SettingsField::BookingMode, BOOKING_MODE_INVALID);
            BookingMode::External
        }),
    };

    let provider_name = short_text(&input.external_booking_provider_name, PROVIDER_NAME_MAX)
        .unwrap_or_else(|message| {
            fail(SettingsField::ExternalBookingProviderName, message);
            None
        });

    let raw_url = input.external_booking_url.trim();
    let url = if raw_url.is_empty() {
        // Request-only mode needs no URL, and a draft may be saved before it has one.
        if booking_mode == BookingMode::External && strictness == Strictness::Save {
            fail(SettingsField::ExternalBookingUrl, URL_REQUIRED);
        }
        None
    } else {
        validate_booking_url(raw_url)
            .map_err(|message| fail(SettingsField::ExternalBookingUrl, message))
            .ok()
    };

    let embed_mode = match input
        .external_booking_embed_mode
        .trim()
        .to_ascii_lowercase()
        .as_str()
    {
        "" => EmbedMode::Redirect,
        mode => EmbedMode::parse(mode).unwrap_or_else(|| {
            fail(SettingsField::ExternalBookingEmbedMode, EMBED_MODE_INVALID);
            EmbedMode::Redirect
        }),
    };

    let disclaimer =
        short_text(&input.external_booking_disclaimer, DISCLAIMER_MAX).unwrap_or_else(|message| {
            fail(SettingsField::ExternalBookingDisclaimer, message);
            None
        });

    let utm_source = utm_value(&input.external_booking_utm_source).unwrap_or_else(|message| {
        fail(SettingsField::ExternalBookingUtmSource, message);
        None
    });
    let utm_campaign = utm_value(&input.external_booking_utm_campaign).unwrap_or_else(|message| {
        fail(SettingsField::ExternalBookingUtmCampaign, message);
        None
    });

    let webhook_provider = match input
        .external_booking_webhook_provider
        .trim()
        .to_ascii_lowercase()
        .as_str()
    {
        "" => None,
        slug => Provider::from_slug(slug).filter(|p| WEBHOOK_PROVIDERS.contains(p)),
    };
    let webhook_provider_given = !input.external_booking_webhook_provider.trim().is_empty();
    if (webhook_provider_given || input.external_booking_webhook_enabled)
        && webhook_provider.is_none()
    {
        fail(
            SettingsField::ExternalBookingWebhookProvider,
            WEBHOOK_PROVIDER_REQUIRED,
        );
    }

    let event_name = short_text(
        &input.external_booking_completion_event_name,
        EVENT_NAME_MAX,
    )
    .unwrap_or_else(|message| {
        fail(SettingsField::ExternalBookingCompletionEventName, message);
        None
    });

    let services = clean_services(&input.services).unwrap_or_else(|message| {
        fail(SettingsField::Services, message);
        Vec::new()
    });

    let service_routes = clean_routes(&input.service_routes).unwrap_or_else(|message| {
        fail(SettingsField::ServiceRoutes, message);
        Vec::new()
    });

    let consent_text = short_text(&input.consent_text, CONSENT_MAX).unwrap_or_else(|message| {
        fail(SettingsField::ConsentText, message);
        None
    });

    let retention_days = match input.retention_days.trim() {
        "" => DEFAULT_RETENTION_DAYS,
        raw => match raw.parse::<u32>() {
            Ok(days) if RETENTION_RANGE.contains(&days) => days,
            _ => {
                fail(SettingsField::RetentionDays, RETENTION_INVALID);
                DEFAULT_RETENTION_DAYS
            }
        },
    };

    let forward_url = match input.forward_url.trim() {
        "" => {
            if input.forward_enabled {
                fail(SettingsField::ForwardUrl, FORWARD_URL_REQUIRED);
            }
            None
        }
        raw => validate_booking_url(raw)
            .map_err(|_| fail(SettingsField::ForwardUrl, FORWARD_URL_INVALID))
            .ok(),
    };

    let brand_color = match input.widget_brand_color.trim() {
        "" => None,
        raw => Rgb::parse(raw).or_else(|| {
            fail(SettingsField::WidgetBrandColor, appearance::COLOR_INVALID);
            None
        }),
    };
    let theme = match input.widget_theme.trim().to_ascii_lowercase().as_str() {
        "" => Theme::default(),
        raw => Theme::parse(raw).unwrap_or_else(|| {
            fail(SettingsField::WidgetTheme, appearance::THEME_INVALID);
            Theme::default()
        }),
    };
    let position = match input.widget_position.trim().to_ascii_lowercase().as_str() {
        "" => Position::default(),
        raw => Position::parse(raw).unwrap_or_else(|| {
            fail(SettingsField::WidgetPosition, appearance::POSITION_INVALID);
            Position::default()
        }),
    };
    let launcher_label = short_text(&input.widget_launcher_label, LAUNCHER_LABEL_MAX)
        .unwrap_or_else(|message| {
            fail(SettingsField::WidgetLauncherLabel, message);
            None
        });
    let greeting = short_text(&input.widget_greeting, GREETING_MAX).unwrap_or_else(|message| {
        fail(SettingsField::WidgetGreeting, message);
        None
    });

    let mut alert_emails: Vec<String> = Vec::new();
    for raw in input.alert_emails.iter().filter(|e| !e.trim().is_empty()) {
        match crate::lead::clean_field(crate::lead::Field::CustomerEmail, raw) {
            // Mailboxes are matched case-insensitively in practice: one address, once.
            Ok(Some(email)) => {
                let email = email.to_lowercase();
                if !alert_emails.contains(&email) {
                    alert_emails.push(email);
                }
            }
            Ok(None) => {}
            Err(message) => {
                fail(SettingsField::AlertEmails, message);
                break;
            }
        }
    }
    if alert_emails.len() > alert::ALERT_EMAILS_MAX {
        fail(SettingsField::AlertEmails, alert::TOO_MANY_ALERT_EMAILS);
    }
    // An address given with no choice is on; nobody to tell is off, whatever was chosen.
    let alert_on = match input.alert_on.trim().to_ascii_lowercase().as_str() {
        "" => AlertOn::EachLead,
        raw => AlertOn::parse(raw).unwrap_or_else(|| {
            fail(SettingsField::AlertOn, alert::ALERT_ON_INVALID);
            AlertOn::Off
        }),
    };
    let alert_on = if alert_emails.is_empty() {
        AlertOn::Off
    } else {
        alert_on
    };

    let ref_param = match input
        .external_booking_ref_param
        .trim()
        .to_ascii_lowercase()
        .as_str()
    {
        "" => RefParam::default(),
        raw => RefParam::parse(raw).unwrap_or_else(|| {
            fail(SettingsField::ExternalBookingRefParam, REF_PARAM_INVALID);
            RefParam::default()
        }),
    };

    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Settings {
        booking_mode,
        external_booking_provider_name: provider_name,
        external_booking_url: url,
        external_booking_embed_mode: embed_mode,
        external_booking_disclaimer: disclaimer,
        external_booking_utm_source: utm_source,
        external_booking_utm_campaign: utm_campaign,
        external_booking_prefill: input.external_booking_prefill,
        external_booking_webhook_enabled: input.external_booking_webhook_enabled,
        external_booking_webhook_provider: webhook_provider,
        external_booking_completion_event_name: event_name,
        services,
        service_routes,
        consent_required: input.consent_required,
        consent_text,
        retention_days,
        forward_enabled: input.forward_enabled,
        forward_url,
        widget_brand_color: brand_color,
        widget_theme: theme,
        widget_position: position,
        widget_launcher_label: launcher_label,
        widget_greeting: greeting,
        alert_emails,
        alert_on,
        external_booking_pass_visitor_utms: input.external_booking_pass_visitor_utms,
        external_booking_ref_param: ref_param,
    })
}

/// Lowercased words joined by single spaces: "Deep-Tissue  Massage!" → "deep tissue massage".
fn words_of(text: &str) -> String {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Rows with nothing in them are dropped; the rest must be complete and valid.
fn clean_routes(rows: &[RouteInput]) -> Result<Vec<ServiceRoute>, &'static str> {
    let mut routes: Vec<ServiceRoute> = Vec::new();
    for row in rows {
        let service = collapse(&row.service);
        let url = row.booking_url.trim();
        let provider = collapse(&row.provider_name);
        let keywords: Vec<String> = row
            .keywords
            .split([',', '\n'])
            .map(collapse)
            .filter(|k| !k.is_empty())
            .collect();
        if service.is_empty() && url.is_empty() && provider.is_empty() && keywords.is_empty() {
            continue;
        }
        if service.is_empty() || url.is_empty() {
            return Err(ROUTE_INCOMPLETE);
        }
        if char_len(&service) > SERVICE_MAX_CHARS
            || char_len(&provider) > PROVIDER_NAME_MAX
            || keywords.iter().any(|k| char_len(k) > KEYWORD_MAX_CHARS)
        {
            return Err(ROUTE_TOO_LONG);
        }
        if keywords.len() > KEYWORDS_MAX {
            return Err(ROUTES_TOO_MANY);
        }
        let booking_url = validate_booking_url(url).map_err(|_| ROUTE_URL_INVALID)?;
        if routes
            .iter()
            .any(|r| r.service.to_lowercase() == service.to_lowercase())
        {
            return Err(ROUTE_DUPLICATE);
        }
        routes.push(ServiceRoute {
            service,
            provider_name: (!provider.is_empty()).then_some(provider),
            booking_url,
            keywords,
        });
    }
    if routes.len() > ROUTES_MAX {
        return Err(ROUTES_TOO_MANY);
    }
    Ok(routes)
}

/// Controls out, whitespace collapsed, empty -> None, at most `max` chars.
fn short_text(raw: &str, max: usize) -> Result<Option<String>, &'static str> {
    let text = collapse(raw);
    if text.is_empty() {
        return Ok(None);
    }
    if char_len(&text) > max {
        return Err(too_long(max));
    }
    Ok(Some(text))
}

fn collapse(raw: &str) -> String {
    strip_controls(raw, false)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn too_long(max: usize) -> &'static str {
    match max {
        LAUNCHER_LABEL_MAX => "Please keep this under 40 characters.",
        PROVIDER_NAME_MAX => "Please keep this under 60 characters.",
        GREETING_MAX => "Please keep this under 200 characters.",
        // DISCLAIMER_MAX and CONSENT_MAX
        DISCLAIMER_MAX => "Please keep this under 300 characters.",
        // UTM_MAX and EVENT_NAME_MAX
        _ => "Please keep this under 100 characters.",
    }
}

/// UTM values go into every redirect URL, so only URL-safe characters.
fn utm_value(raw: &str) -> Result<Option<String>, &'static str> {
    let value = raw.trim();
    if value.is_empty() {
        return Ok(None);
    }
    if !value
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
    {
        return Err(UTM_CHARSET);
    }
    if value.len() > UTM_MAX {
        return Err(too_long(UTM_MAX));
    }
    Ok(Some(value.to_string()))
}

/// Trimmed, empties and case-insensitive duplicates dropped (first spelling kept).
fn clean_services(raw: &[String]) -> Result<Vec<String>, &'static str> {
    let mut services: Vec<String> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for service in raw {
        let service = collapse(service);
        if service.is_empty() {
            continue;
        }
        if char_len(&service) > SERVICE_MAX_CHARS {
            return Err(SERVICE_TOO_LONG);
        }
        let key = service.to_lowercase();
        if !seen.contains(&key) {
            seen.push(key);
            services.push(service);
        }
    }
    if services.len() > SERVICES_MAX {
        return Err(TOO_MANY_SERVICES);
    }
    Ok(services)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn external(url: &str) -> SettingsInput {
        SettingsInput {
            external_booking_url: url.into(),
            ..SettingsInput::default()
        }
    }

    fn errors(input: &SettingsInput, strictness: Strictness) -> Vec<(SettingsField, &'static str)> {
        match validate_settings(input, strictness) {
            Ok(_) => Vec::new(),
            Err(errors) => errors.into_iter().map(|e| (e.field, e.message)).collect(),
        }
    }

    #[test]
    fn modes_round_trip() {
        for mode in [BookingMode::Internal, BookingMode::External] {
            assert_eq!(BookingMode::parse(mode.as_str()), Some(mode));
        }
        for mode in [EmbedMode::Redirect, EmbedMode::Iframe] {
            assert_eq!(EmbedMode::parse(mode.as_str()), Some(mode));
        }
        assert_eq!(BookingMode::parse("request"), None);
        assert_eq!(EmbedMode::parse("popup"), None);
        assert_eq!(BookingMode::default(), BookingMode::External);
        assert_eq!(EmbedMode::default(), EmbedMode::Redirect);
    }

    #[test]
    fn field_json_names_are_camel_case() {
        let names: Vec<&str> = SettingsField::ALL.iter().map(|f| f.json_name()).collect();
        assert_eq!(
            names,
            [
                "bookingMode",
                "externalBookingProviderName",
                "externalBookingUrl",
                "externalBookingEmbedMode",
                "externalBookingDisclaimer",
                "externalBookingUtmSource",
                "externalBookingUtmCampaign",
                "externalBookingWebhookProvider",
                "externalBookingCompletionEventName",
                "services",
                "allowedOrigins",
                "contactEmail",
                "contactPhone",
                "name",
                "slug",
                "serviceRoutes",
                "consentText",
                "retentionDays",
                "forwardUrl",
                "externalBookingPrefill",
                "externalBookingWebhookEnabled",
                "consentRequired",
                "forwardEnabled",
                "widgetBrandColor",
                "widgetTheme",
                "widgetPosition",
                "widgetLauncherLabel",
                "widgetGreeting",
                "alertEmails",
                "alertOn",
                "externalBookingPassVisitorUtms",
                "externalBookingRefParam",
            ]
        );
    }

    #[test]
    fn defaults_to_external_redirect_mode() {
        let settings =
            validate_settings(&external("https://calendly.com/sunrise"), Strictness::Save).unwrap();
        assert_eq!(settings.booking_mode, BookingMode::External);
        assert_eq!(settings.external_booking_embed_mode, EmbedMode::Redirect);
        assert!(settings.booking_available());
        assert_eq!(settings.provider(), Provider::Calendly);
    }

    fn routed() -> Settings {
        let mut input = external("https://calendly.com/spa/60min");
        input.external_booking_provider_name = "Calendly".into();
        input.services = vec!["Facial".into(), "Massage".into()];
        input.service_routes = vec![
            RouteInput {
                service: "Massage".into(),
                provider_name: "Vagaro".into(),
                booking_url: "https://www.vagaro.com/spa/book".into(),
                keywords: "masaje, deep tissue".into(),
            },
            RouteInput {
                service: "Yoga class".into(),
                provider_name: String::new(),
                booking_url: "https://app.cal.com/spa/yoga".into(),
                keywords: "pilates".into(),
            },
        ];
        validate_settings(&input, Strictness::Save).unwrap()
    }

    #[test]
    fn routes_by_chosen_service_then_by_keyword_else_the_default_link() {
        let s = routed();
        let route = |service: Option<&str>, notes: &str| {
            s.route_for(service, &[notes]).map(|r| r.service.as_str())
        };
        assert_eq!(
            route(Some("massage"), ""),
            Some("Massage"),
            "chosen, any case"
        );
        assert_eq!(
            route(Some("Yoga Class"), "massage please"),
            Some("Yoga class"),
            "the choice beats keywords"
        );
        assert_eq!(
            route(Some("Facial"), ""),
            None,
            "an unrouted service: default link"
        );
        assert_eq!(
            route(None, "Quiero un MASAJE mañana"),
            Some("Massage"),
            "a keyword"
        );
        assert_eq!(
            route(None, "a deep-tissue session"),
            Some("Massage"),
            "a phrase, punctuation aside"
        );
        assert_eq!(
            route(Some("Something else"), "pilates on friday"),
            Some("Yoga class")
        );
        assert_eq!(
            route(None, "a yoga class for two"),
            Some("Yoga class"),
            "the service name itself"
        );
        assert_eq!(route(None, "massages"), None, "whole words only");
        assert_eq!(route(None, "I'd like to book"), None);

        let default = s.booking_target(None).unwrap();
        assert_eq!(default.url.as_str(), "https://calendly.com/spa/60min");
        assert_eq!(default.provider_name, Some("Calendly"));
        assert_eq!(default.route, None);
        let massage = s.booking_target(s.route_for(Some("Massage"), &[])).unwrap();
        assert_eq!(massage.url.host_str(), Some("www.vagaro.com"));
        assert_eq!(massage.provider_name, Some("Vagaro"));
        assert_eq!(massage.route, Some("Massage"));
        let yoga = s
            .booking_target(s.route_for(Some("Yoga class"), &[]))
            .unwrap();
        assert_eq!(
            yoga.provider,
            Provider::CalCom,
            "detected from the route's own host"
        );
        assert_eq!(yoga.provider_name, None);
        assert_eq!(s.quick_replies(), ["Massage", "Yoga class", "Facial"]);
    }

    #[test]
    fn route_rows_are_validated_like_the_main_link() {
        let cases: &[(RouteInput, &str)] = &[
            (
                RouteInput {
                    service: "Massage".into(),
                    ..RouteInput::default()
                },
                ROUTE_INCOMPLETE,
            ),
            (
                RouteInput {
                    booking_url: "https://x.example".into(),
                    ..RouteInput::default()
                },
                ROUTE_INCOMPLETE,
            ),
            (
                RouteInput {
                    service: "M".into(),
                    booking_url: "http://evil.example/".into(),
                    ..RouteInput::default()
                },
                ROUTE_URL_INVALID,
            ),
            (
                RouteInput {
                    service: "M".into(),
                    booking_url: "javascript:alert(1)".into(),
                    ..RouteInput::default()
                },
                ROUTE_URL_INVALID,
            ),
            (
                RouteInput {
                    service: "M".into(),
                    booking_url: "https://u:p@x.example/".into(),
                    ..RouteInput::default()
                },
                ROUTE_URL_INVALID,
            ),
            (
                RouteInput {
                    service: "M".repeat(81),
                    booking_url: "https://x.example/".into(),
                    ..RouteInput::default()
                },
                ROUTE_TOO_LONG,
            ),
            (
                RouteInput {
                    service: "M".into(),
                    booking_url: "https://x.example/".into(),
                    keywords: "k,".repeat(11),
                    ..RouteInput::default()
                },
                ROUTES_TOO_MANY,
            ),
        ];
        for (row, message) in cases {
            let mut input = external("https://calendly.com/spa");
            input.service_routes = vec![row.clone()];
            let errors = validate_settings(&input, Strictness::Save).unwrap_err();
            assert_eq!(
                errors,
                vec![SettingsError {
                    field: SettingsField::ServiceRoutes,
                    message
                }],
                "{row:?}"
            );
        }
        let mut input = external("https://calendly.com/spa");
        let row = RouteInput {
            service: "Massage".into(),
            booking_url: "https://x.example/".into(),
            ..RouteInput::default()
        };
        input.service_routes = vec![
            row.clone(),
            RouteInput {
                service: " MASSAGE ".into(),
                ..row.clone()
            },
        ];
        assert_eq!(
            validate_settings(&input, Strictness::Save).unwrap_err()[0].message,
            ROUTE_DUPLICATE
        );
        input.service_routes = (0..21)
            .map(|i| RouteInput {
                service: format!("S{i}"),
                ..row.clone()
            })
            .collect();
        assert_eq!(
            validate_settings(&input, Strictness::Save).unwrap_err()[0].message,
            ROUTES_TOO_MANY
        );
    }

    #[test]
    fn privacy_and_forwarding_settings() {
        let base = external("https://calendly.com/spa");
        let ok = validate_settings(&base, Strictness::Save).unwrap();
        assert_eq!(ok.retention_days, DEFAULT_RETENTION_DAYS);
        assert!(!ok.consent_required && !ok.forward_enabled);
        for (days, valid) in [
            ("7", true),
            ("3650", true),
            ("6", false),
            ("3651", false),
            ("ninety", false),
            ("-1", false),
            ("1e3", false),
        ] {
            let input = SettingsInput {
                retention_days: days.into(),
                ..base.clone()
            };
            let result = validate_settings(&input, Strictness::Save);
            assert_eq!(result.is_ok(), valid, "{days}");
            if !valid {
                assert_eq!(
                    result.unwrap_err()[0],
                    SettingsError {
                        field: SettingsField::RetentionDays,
                        message: RETENTION_INVALID
                    }
                );
            }
        }
        let on_without_url = SettingsInput {
            forward_enabled: true,
            ..base.clone()
        };
        assert_eq!(
            validate_settings(&on_without_url, Strictness::Save).unwrap_err()[0].message,
            FORWARD_URL_REQUIRED
        );
        for bad in [
            "http://crm.example/hook",
            "ftp://crm.example",
            "https://user:pw@crm.example/",
            "/relative",
        ] {
            let input = SettingsInput {
                forward_enabled: true,
                forward_url: bad.into(),
                ..base.clone()
            };
            assert_eq!(
                validate_settings(&input, Strictness::Save).unwrap_err()[0].message,
                FORWARD_URL_INVALID,
                "{bad}"
            );
        }
        let local = SettingsInput {
            forward_enabled: true,
            forward_url: "http://127.0.0.1:9000/hook".into(),
            ..base.clone()
        };
        assert!(
            validate_settings(&local, Strictness::Save).is_ok(),
            "http for a developer's own machine"
        );
        let long = SettingsInput {
            consent_text: "x".repeat(301),
            ..base
        };
        assert_eq!(
            validate_settings(&long, Strictness::Save).unwrap_err()[0].field,
            SettingsField::ConsentText
        );
    }

    #[test]
    fn refuses_appearance_it_cannot_draw() {
        let errors = validate_settings(
            &SettingsInput {
                booking_mode: "internal".into(),
                widget_brand_color: "teal".into(),
                widget_theme: "sepia".into(),
                widget_position: "top-left".into(),
                widget_launcher_label: "x".repeat(41),
                widget_greeting: "y".repeat(201),
                ..SettingsInput::default()
            },
            Strictness::Save,
        )
        .unwrap_err();
        let fields: Vec<(&str, &str)> = errors
            .iter()
            .map(|e| (e.field.json_name(), e.message))
            .collect();
        assert_eq!(
            fields[..3],
            [
                ("widgetBrandColor", appearance::COLOR_INVALID),
                ("widgetTheme", appearance::THEME_INVALID),
                ("widgetPosition", appearance::POSITION_INVALID),
            ]
        );
        assert_eq!(
            fields[3..],
            [
                (
                    "widgetLauncherLabel",
                    "Please keep this under 40 characters."
                ),
                ("widgetGreeting", "Please keep this under 200 characters."),
            ]
        );
        let defaults = validate_settings(
            &SettingsInput {
                booking_mode: "internal".into(),
                ..SettingsInput::default()
            },
            Strictness::Save,
        )
        .unwrap();
        assert_eq!(defaults.widget_brand_color, None, "empty is today's teal");
        assert_eq!(defaults.widget_theme, Theme::Light);
        assert_eq!(defaults.widget_position, Position::BottomRight);
        assert_eq!(defaults.widget_launcher_label, None);
    }

    #[test]
    fn accepts_a_complete_form() {
        let input = SettingsInput {
            booking_mode: " External ".into(),
            external_booking_provider_name: "  Acuity \t Scheduling ".into(),
            external_booking_url: " https://sunrise.as.me/schedule.php?owner=1#top ".into(),
            external_booking_embed_mode: "iframe".into(),
            external_booking_disclaimer: "Payment is taken by Acuity.".into(),
            external_booking_utm_source: "spa_site".into(),
            external_booking_utm_campaign: "fall-2026.v1".into(),
            external_booking_prefill: true,
            external_booking_webhook_enabled: true,
            external_booking_webhook_provider: "Acuity".into(),
            external_booking_completion_event_name: "booking.completed".into(),
            services: vec![
                " Facial ".into(),
                "".into(),
                "facial".into(),
                "Deep  Tissue Massage".into(),
                "\u{202E}Brows".into(),
            ],
            service_routes: vec![
                RouteInput::default(),
                RouteInput {
                    service: " Yoga  class ".into(),
                    provider_name: "Mindbody".into(),
                    booking_url: "https://clients.mindbodyonline.com/classic/ws?studioid=1".into(),
                    keywords: "yoga, pilates,, stretch".into(),
                },
            ],
            consent_required: true,
            consent_text: " I agree to be contacted about my booking. ".into(),
            retention_days: " 90 ".into(),
            forward_enabled: true,
            forward_url: "https://crm.example/hooks/handoff".into(),
            widget_brand_color: " #1E3A8A ".into(),
            widget_theme: " Dark".into(),
            widget_position: "BOTTOM-LEFT".into(),
            widget_launcher_label: "  Book  a  visit ".into(),
            widget_greeting: "Hi! Ask me anything.".into(),
            alert_emails: vec![
                " Owner@Spa.example ".into(),
                "".into(),
                "owner@spa.example".into(),
            ],
            alert_on: "".into(),
            external_booking_pass_visitor_utms: true,
            external_booking_ref_param: " UTM_TERM ".into(),
        };
        let settings = validate_settings(&input, Strictness::Save).unwrap();
        assert_eq!(
            settings,
            Settings {
                booking_mode: BookingMode::External,
                external_booking_provider_name: Some("Acuity Scheduling".into()),
                external_booking_url: Some(
                    Url::parse("https://sunrise.as.me/schedule.php?owner=1#top").unwrap()
                ),
                external_booking_embed_mode: EmbedMode::Iframe,
                external_booking_disclaimer: Some("Payment is taken by Acuity.".into()),
                external_booking_utm_source: Some("spa_site".into()),
                external_booking_utm_campaign: Some("fall-2026.v1".into()),
                external_booking_prefill: true,
                external_booking_webhook_enabled: true,
                external_booking_webhook_provider: Some(Provider::Acuity),
                external_booking_completion_event_name: Some("booking.completed".into()),
                services: vec![
                    "Facial".into(),
                    "Deep Tissue Massage".into(),
                    "Brows".into()
                ],
                service_routes: vec![ServiceRoute {
                    service: "Yoga class".into(),
                    provider_name: Some("Mindbody".into()),
                    booking_url: Url::parse(
                        "https://clients.mindbodyonline.com/classic/ws?studioid=1"
                    )
                    .unwrap(),
                    keywords: vec!["yoga".into(), "pilates".into(), "stretch".into()],
                }],
                consent_required: true,
                consent_text: Some("I agree to be contacted about my booking.".into()),
                retention_days: 90,
                forward_enabled: true,
                forward_url: Some(Url::parse("https://crm.example/hooks/handoff").unwrap()),
                widget_brand_color: Some(Rgb(0x1e, 0x3a, 0x8a)),
                widget_theme: Theme::Dark,
                widget_position: Position::BottomLeft,
                widget_launcher_label: Some("Book a visit".into()),
                widget_greeting: Some("Hi! Ask me anything.".into()),
                alert_emails: vec!["owner@spa.example".into()],
                alert_on: AlertOn::EachLead,
                external_booking_pass_visitor_utms: true,
                external_booking_ref_param: RefParam::UtmTerm,
            }
        );
        assert_eq!(settings.provider(), Provider::Acuity);
        assert_eq!(
            settings.quick_replies(),
            ["Yoga class", "Facial", "Deep Tissue Massage", "Brows"]
        );
    }

    #[test]
    fn reports_each_fields_error() {
        let long = |n: usize| "x".repeat(n);
        let cases: Vec<(SettingsInput, SettingsField, &str)> = vec![
            (
                SettingsInput {
                    booking_mode: "sometimes".into(),
                    ..external("https://x.example")
                },
                SettingsField::BookingMode,
                BOOKING_MODE_INVALID,
            ),
            (
                SettingsInput {
                    external_booking_provider_name: long(61),
                    ..external("https://x.example")
                },
                SettingsField::ExternalBookingProviderName,
                "Please keep this under 60 characters.",
            ),
            (
                external("calendly.com/sunrise"),
                SettingsField::ExternalBookingUrl,
                URL_NOT_ABSOLUTE,
            ),
            (
                external(""),
                SettingsField::ExternalBookingUrl,
                URL_REQUIRED,
            ),
            (
                SettingsInput {
                    external_booking_embed_mode: "popup".into(),
                    ..external("https://x.example")
                },
                SettingsField::ExternalBookingEmbedMode,
                EMBED_MODE_INVALID,
            ),
            (
                SettingsInput {
                    external_booking_disclaimer: long(301),
                    ..external("https://x.example")
                },
                SettingsField::ExternalBookingDisclaimer,
                "Please keep this under 300 characters.",
            ),
            (
                SettingsInput {
                    external_booking_utm_source: "my site".into(),
                    ..external("https://x.example")
                },
                SettingsField::ExternalBookingUtmSource,
                UTM_CHARSET,
            ),
            (
                SettingsInput {
                    external_booking_utm_source: long(101),
                    ..external("https://x.example")
                },
                SettingsField::ExternalBookingUtmSource,
                "Please keep this under 100 characters.",
            ),
            (
                SettingsInput {
                    external_booking_utm_campaign: "fall&winter".into(),
                    ..external("https://x.example")
                },
                SettingsField::ExternalBookingUtmCampaign,
                UTM_CHARSET,
            ),
            (
                SettingsInput {
                    external_booking_utm_campaign: long(101),
                    ..external("https://x.example")
                },
                SettingsField::ExternalBookingUtmCampaign,
                "Please keep this under 100 characters.",
            ),
            (
                SettingsInput {
                    external_booking_webhook_enabled: true,
                    ..external("https://x.example")
                },
                SettingsField::ExternalBookingWebhookProvider,
                WEBHOOK_PROVIDER_REQUIRED,
            ),
            (
                SettingsInput {
                    external_booking_webhook_enabled: true,
                    external_booking_webhook_provider: "vagaro".into(),
                    ..external("https://x.example")
                },
                SettingsField::ExternalBookingWebhookProvider,
                WEBHOOK_PROVIDER_REQUIRED,
            ),
            (
                SettingsInput {
                    external_booking_webhook_provider: "nonsense".into(),
                    ..external("https://x.example")
                },
                SettingsField::ExternalBookingWebhookProvider,
                WEBHOOK_PROVIDER_REQUIRED,
            ),
            (
                SettingsInput {
                    external_booking_completion_event_name: long(101),
                    ..external("https://x.example")
                },
                SettingsField::ExternalBookingCompletionEventName,
                "Please keep this under 100 characters.",
            ),
            (
                SettingsInput {
                    services: vec!["ok".into(), long(81)],
                    ..external("https://x.example")
                },
                SettingsField::Services,
                SERVICE_TOO_LONG,
            ),
            (
                SettingsInput {
                    services: (0..31).map(|i| format!("Service {i}")).collect(),
                    ..external("https://x.example")
                },
                SettingsField::Services,
                TOO_MANY_SERVICES,
            ),
        ];
        for (input, field, message) in cases {
            assert_eq!(
                errors(&input, Strictness::Save),
                vec![(field, message)],
                "{field:?}"
            );
        }
    }

    #[test]
    fn accepts_every_field_at_its_limit() {
        let input = SettingsInput {
            external_booking_provider_name: "é".repeat(60),
            external_booking_disclaimer: "é".repeat(300),
            external_booking_utm_source: "s".repeat(100),
            external_booking_utm_campaign: "c".repeat(100),
            external_booking_completion_event_name: "e".repeat(100),
            services: (0..30).map(|i| format!("{i:0>80}")).collect(),
            ..external("https://x.example")
        };
        let settings = validate_settings(&input, Strictness::Save).unwrap();
        assert_eq!(settings.services.len(), 30);
    }

    #[test]
    fn duplicates_and_empties_do_not_count_towards_the_service_limit() {
        let mut services: Vec<String> = (0..30).map(|i| format!("Service {i}")).collect();
        services.extend(["SERVICE 1".into(), "   ".into(), "service 2 ".into()]);
        let input = SettingsInput {
            services,
            ..external("https://x.example")
        };
        assert_eq!(
            validate_settings(&input, Strictness::Save)
                .unwrap()
                .services
                .len(),
            30
        );
    }

    #[test]
    fn collects_all_errors_in_field_order() {
        let input = SettingsInput {
            booking_mode: "x".into(),
            external_booking_url: "http://example.com".into(),
            external_booking_utm_source: "a b".into(),
            external_booking_webhook_enabled: true,
            ..SettingsInput::default()
        };
        assert_eq!(
            errors(&input, Strictness::Save),
            vec![
                (SettingsField::BookingMode, BOOKING_MODE_INVALID),
                (SettingsField::ExternalBookingUrl, URL_NOT_HTTPS),
                (SettingsField::ExternalBookingUtmSource, UTM_CHARSET),
                (
                    SettingsField::ExternalBookingWebhookProvider,
                    WEBHOOK_PROVIDER_REQUIRED
                ),
            ]
        );
    }

    #[test]
    fn drafts_may_lack_a_url_but_not_have_a_bad_one() {
        let draft = validate_settings(&external(""), Strictness::Draft).unwrap();
        assert_eq!(draft.external_booking_url, None);
        assert!(!draft.booking_available());
        assert_eq!(
            errors(&external("ftp://x.example"), Strictness::Draft),
            vec![(SettingsField::ExternalBookingUrl, URL_NOT_HTTPS)]
        );
    }

    #[test]
    fn request_only_mode_needs_no_url() {
        let input = SettingsInput {
            booking_mode: "internal".into(),
            ..SettingsInput::default()
        };
        let settings = validate_settings(&input, Strictness::Save).unwrap();
        assert_eq!(settings.booking_mode, BookingMode::Internal);
        assert!(!settings.booking_available());
        let with_url = SettingsInput {
            booking_mode: "internal".into(),
            external_booking_url: "https://calendly.com/x".into(),
            ..SettingsInput::default()
        };
        let settings = validate_settings(&with_url, Strictness::Save).unwrap();
        assert!(settings.external_booking_url.is_some());
        assert!(
            !settings.booking_available(),
            "request-only never redirects"
        );
    }

    #[test]
    fn accepts_each_webhook_provider_we_can_verify() {
        for (slug, provider) in [
            ("calendly", Provider::Calendly),
            ("calcom", Provider::CalCom),
            ("acuity", Provider::Acuity),
            ("square", Provider::Square),
            ("generic", Provider::Generic),
        ] {
            let input = SettingsInput {
                external_booking_webhook_enabled: true,
                external_booking_webhook_provider: slug.into(),
                ..external("https://x.example")
            };
            let settings = validate_settings(&input, Strictness::Save).unwrap();
            assert_eq!(settings.external_booking_webhook_provider, Some(provider));
        }
        for slug in ["mindbody", "vagaro", "fresha", "setmore", "simplybook"] {
            let input = SettingsInput {
                external_booking_webhook_enabled: true,
                external_booking_webhook_provider: slug.into(),
                ..external("https://x.example")
            };
            assert!(
                validate_settings(&input, Strictness::Save).is_err(),
                "{slug}"
            );
        }
    }

    #[test]
    fn validates_booking_urls() {
        let long_ok = format!("https://x.example/{}", "a".repeat(2048 - 18));
        let long_bad = format!("{long_ok}a");
        let cases: Vec<(&str, Result<&str, &str>)> = vec![
            (
                "https://calendly.com/sunrise/60min",
                Ok("https://calendly.com/sunrise/60min"),
            ),
            ("  https://Cal.com/sunrise  ", Ok("https://cal.com/sunrise")),
            (
                "https://x.example:8443/b?x=1#f",
                Ok("https://x.example:8443/b?x=1#f"),
            ),
            ("https://203.0.113.9/book", Ok("https://203.0.113.9/book")),
            (
                "http://localhost:8787/book",
                Ok("http://localhost:8787/book"),
            ),
            ("http://127.0.0.1:8080/", Ok("http://127.0.0.1:8080/")),
            ("http://[::1]:8080/", Ok("http://[::1]:8080/")),
            (&long_ok, Ok(&long_ok)),
            ("", Err(URL_NOT_ABSOLUTE)),
            ("calendly.com/sunrise", Err(URL_NOT_ABSOLUTE)),
            ("//calendly.com/sunrise", Err(URL_NOT_ABSOLUTE)),
            ("/book", Err(URL_NOT_ABSOLUTE)),
            ("https://", Err(URL_NOT_ABSOLUTE)),
            ("https:// spaces.example", Err(URL_NOT_ABSOLUTE)),
            ("http://calendly.com/sunrise", Err(URL_NOT_HTTPS)),
            ("http://192.168.1.10/", Err(URL_NOT_HTTPS)),
            ("http://localhost.evil.example/", Err(URL_NOT_HTTPS)),
            ("ftp://x.example/", Err(URL_NOT_HTTPS)),
            ("javascript:alert(1)", Err(URL_NOT_HTTPS)),
            ("data:text/html,hi", Err(URL_NOT_HTTPS)),
            ("mailto:book@x.example", Err(URL_NOT_HTTPS)),
            ("https://user:pw@calendly.com/x", Err(URL_HAS_CREDENTIALS)),
            ("https://user@calendly.com/x", Err(URL_HAS_CREDENTIALS)),
            (&long_bad, Err(URL_TOO_LONG)),
        ];
        for (raw, want) in cases {
            let got = validate_booking_url(raw);
            assert_eq!(
                got.as_ref().map(Url::as_str).map_err(|e| *e),
                want,
                "{raw:?}"
            );
        }
    }

    #[test]
    fn validates_origins() {
        let cases: &[(&str, Result<&str, &str>)] = &[
            (
                "https://sunrise-spa.example",
                Ok("https://sunrise-spa.example"),
            ),
            (
                "https://Sunrise-Spa.EXAMPLE/",
                Ok("https://sunrise-spa.example"),
            ),
            ("https://www.example.com:443", Ok("https://www.example.com")),
            (
                "https://www.example.com:8443/",
                Ok("https://www.example.com:8443"),
            ),
            (
                "https://bücher.example",
                Ok("https://xn--bcher-kva.example"),
            ),
            ("http://localhost:8080", Ok("http://localhost:8080")),
            ("http://127.0.0.1:8080/", Ok("http://127.0.0.1:8080")),
            ("http://[::1]:3000", Ok("http://[::1]:3000")),
            ("  https://example.com  ", Ok("https://example.com")),
            ("http://example.com", Err(ORIGIN_NOT_HTTPS)),
            ("https://example.com/path", Err(ORIGIN_NOT_BARE)),
            ("https://example.com/?", Err(ORIGIN_NOT_BARE)),
            ("https://example.com?q=1", Err(ORIGIN_NOT_BARE)),
            ("https://example.com#top", Err(ORIGIN_NOT_BARE)),
            ("example.com", Err(ORIGIN_INVALID)),
            ("*", Err(ORIGIN_INVALID)),
            ("null", Err(ORIGIN_INVALID)),
            ("", Err(ORIGIN_INVALID)),
            ("file:///etc/passwd", Err(ORIGIN_INVALID)),
            ("ftp://example.com", Err(ORIGIN_INVALID)),
            ("https://user@example.com", Err(ORIGIN_INVALID)),
        ];
        for (raw, want) in cases {
            assert_eq!(
                validate_origin(raw).as_deref().map_err(|e| *e),
                *want,
                "{raw:?}"
            );
        }
    }

    #[test]
    fn validates_slugs() {
        let (forty, forty_one) = ("a".repeat(40), "a".repeat(41));
        let cases: &[(&str, Result<&str, &str>)] = &[
            ("sunrise-spa", Ok("sunrise-spa")),
            ("ab", Ok("ab")),
            ("a1", Ok("a1")),
            ("2024-clinic", Ok("2024-clinic")),
            (" Sunrise-Spa ", Ok("sunrise-spa")),
            ("a--b", Ok("a--b")),
            (&forty, Ok(&forty)),
            ("a", Err(SLUG_INVALID)),
            ("", Err(SLUG_INVALID)),
            (&forty_one, Err(SLUG_INVALID)),
            ("-spa", Err(SLUG_INVALID)),
            ("spa-", Err(SLUG_INVALID)),
            ("sun rise", Err(SLUG_INVALID)),
            ("sun_rise", Err(SLUG_INVALID)),
            ("sunrise.spa", Err(SLUG_INVALID)),
            ("café", Err(SLUG_INVALID)),
            ("../x", Err(SLUG_INVALID)),
        ];
        for (raw, want) in cases {
            assert_eq!(
                validate_slug(raw).as_deref().map_err(|e| *e),
                *want,
                "{raw:?}"
            );
        }
    }
}
