//! The settings service, shared by the dashboard's form and `PUT /api/v1/admin/settings`, so
//! both validate with exactly the same core rules (`validate_settings` with
//! `Strictness::Save`, `validate_origin`, `lead::clean_field`), seal secrets and save alike.
//!
//! Saving probes the booking URL when iframe mode is chosen and records whether the page may
//! be framed; a new webhook secret is sealed with `SECRETS_KEY` and never shown again.
use crate::{
    app::App,
    error::{AppError, AppResult},
    http::form_field,
    random,
    repo::{Client, ClientId, SecretChange, SettingsMeta, SettingsUpdate},
};
use handoff_core::{
    forward,
    lead::{clean_field, Field},
    settings::{
        validate_origin, validate_settings, BookingMode, EmbedMode, RouteInput, Settings,
        SettingsInput, Strictness,
    },
};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

mod probe;

pub const ORIGINS_MAX: usize = 20;
pub const ORIGINS_TOO_MANY: &str = "Please list at most 20 websites.";
pub const SECRET_MAX: usize = 512;
pub const SECRET_TOO_LONG: &str = "Please keep the secret under 512 characters.";
pub const SECRET_REQUIRED: &str =
    "Enter the signing secret from your provider to turn on webhook confirmation.";
pub const SECRET_UNAVAILABLE: &str =
    "Secrets can't be stored right now: the server has no SECRETS_KEY configured.";

/// The settings as an admin submits them (form or JSON), every value raw: core's settings
/// input, plus what lives beside it (the client's sites and contact details, the secrets).
#[derive(Clone, Debug, Default)]
pub struct SettingsForm {
    pub input: SettingsInput,
    pub allowed_origins: Vec<String>,
    pub contact_email: String,
    pub contact_phone: String,
    /// Write-only: empty keeps the stored secret.
    pub external_booking_webhook_secret: String,
    pub clear_webhook_secret: bool,
    /// Write-only too (lead forwarding's signing secret).
    pub forward_secret: String,
    pub clear_forward_secret: bool,
}

fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// The routing table's rows as the page posts them: four repeated names, in row order.
fn route_rows(form: &[(String, String)]) -> Vec<RouteInput> {
    let column = |name: &str| -> Vec<String> {
        form.iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    };
    let (services, providers, urls, keywords) = (
        column("routeService"),
        column("routeProvider"),
        column("routeUrl"),
        column("routeKeywords"),
    );
    let at = |col: &[String], i: usize| col.get(i).cloned().unwrap_or_default();
    (0..services.len().max(urls.len()))
        .map(|i| RouteInput {
            service: at(&services, i),
            provider_name: at(&providers, i),
            booking_url: at(&urls, i),
            keywords: at(&keywords, i),
        })
        .collect()
}

impl SettingsForm {
    /// What is stored, for the form's initial values (never a secret).
    pub fn from_client(c: &Client) -> Self {
        let s = &c.settings;
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let url = |v: &Option<url::Url>| v.as_ref().map(|u| u.to_string()).unwrap_or_default();
        SettingsForm {
            input: SettingsInput {
                booking_mode: s.booking_mode.as_str().into(),
                external_booking_provider_name: text(&s.external_booking_provider_name),
                external_booking_url: url(&s.external_booking_url),
                external_booking_embed_mode: s.external_booking_embed_mode.as_str().into(),
                external_booking_disclaimer: text(&s.external_booking_disclaimer),
                external_booking_utm_source: text(&s.external_booking_utm_source),
                external_booking_utm_campaign: text(&s.external_booking_utm_campaign),
                external_booking_prefill: s.external_booking_prefill,
                external_booking_webhook_enabled: s.external_booking_webhook_enabled,
                external_booking_webhook_provider: s
                    .external_booking_webhook_provider
                    .map(|p| p.slug().to_string())
                    .unwrap_or_default(),
                external_booking_completion_event_name: text(
                    &s.external_booking_completion_event_name,
                ),
                services: s.services.clone(),
                service_routes: s
                    .service_routes
                    .iter()
                    .map(|r| RouteInput {
                        service: r.service.clone(),
                        provider_name: text(&r.provider_name),
                        booking_url: r.booking_url.to_string(),
                        keywords: r.keywords.join(", "),
                    })
                    .collect(),
                consent_required: s.consent_required,
                consent_text: text(&s.consent_text),
                retention_days: s.retention_days.to_string(),
                forward_enabled: s.forward_enabled,
                forward_url: url(&s.forward_url),
            },
            allowed_origins: c.allowed_origins.clone(),
            contact_email: text(&c.contact_email),
            contact_phone: text(&c.contact_phone),
            ..SettingsForm::default()
        }
    }

    /// From the page's form: the API's names, lists one per line, checkboxes present or not.
    /// Anything else in the form (a client id, say) is ignored.
    pub fn from_pairs(form: &[(String, String)]) -> Self {
        let text = |name: &str| form_field(form, name).unwrap_or("").to_string();
        let checked = |name: &str| form_field(form, name).is_some();
        SettingsForm {
            input: SettingsInput {
                booking_mode: text("bookingMode"),
                external_booking_provider_name: text("externalBookingProviderName"),
                external_booking_url: text("externalBookingUrl"),
                external_booking_embed_mode: text("externalBookingEmbedMode"),
                external_booking_disclaimer: text("externalBookingDisclaimer"),
                external_booking_utm_source: text("externalBookingUtmSource"),
                external_booking_utm_campaign: text("externalBookingUtmCampaign"),
                external_booking_prefill: checked("externalBookingPrefill"),
                external_booking_webhook_enabled: checked("externalBookingWebhookEnabled"),
                external_booking_webhook_provider: text("externalBookingWebhookProvider"),
                external_booking_completion_event_name: text("externalBookingCompletionEventName"),
                services: lines(&text("services")),
                service_routes: route_rows(form),
                consent_required: checked("consentRequired"),
                consent_text: text("consentText"),
                retention_days: text("retentionDays"),
                forward_enabled: checked("forwardEnabled"),
                forward_url: text("forwardUrl"),
            },
            allowed_origins: lines(&text("allowedOrigins")),
            contact_email: text("contactEmail"),
            contact_phone: text("contactPhone"),
            external_booking_webhook_secret: text("externalBookingWebhookSecret"),
            clear_webhook_secret: checked("clearWebhookSecret"),
            forward_secret: text("forwardSecret"),
            clear_forward_secret: checked("clearForwardSecret"),
        }
    }
}

/// A routed service in the API's JSON.
#[derive(Deserialize, Serialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct RouteJson {
    service: String,
    provider_name: Option<String>,
    booking_url: String,
    keywords: Vec<String>,
}

/// `PUT /api/v1/admin/settings`'s body: the same names as `GET` returns. The read-only
/// fields `GET` adds are accepted and ignored (so a read-modify-write works); anything
/// else — a client id included — is a 400.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct SettingsJson {
    booking_mode: Option<String>,
    external_booking_provider_name: Option<String>,
    external_booking_url: Option<String>,
    external_booking_embed_mode: Option<String>,
    external_booking_disclaimer: Option<String>,
    external_booking_utm_source: Option<String>,
    external_booking_utm_campaign: Option<String>,
    external_booking_prefill: Option<bool>,
    allowed_origins: Option<Vec<String>>,
    contact_email: Option<String>,
    contact_phone: Option<String>,
    services: Option<Vec<String>>,
    service_routes: Option<Vec<RouteJson>>,
    external_booking_webhook_enabled: Option<bool>,
    external_booking_webhook_provider: Option<String>,
    external_booking_webhook_secret: Option<String>,
    clear_webhook_secret: Option<bool>,
    external_booking_completion_event_name: Option<String>,
    consent_required: Option<bool>,
    consent_text: Option<String>,
    retention_days: Option<u32>,
    forward_enabled: Option<bool>,
    forward_url: Option<String>,
    forward_secret: Option<String>,
    clear_forward_secret: Option<bool>,
    #[serde(rename = "externalBookingWebhookSecretSet")]
    _secret_set: serde::de::IgnoredAny,
    #[serde(rename = "forwardSecretSet")]
    _forward_secret_set: serde::de::IgnoredAny,
    #[serde(rename = "iframeCheck")]
    _iframe_check: serde::de::IgnoredAny,
    #[serde(rename = "bookingAvailable")]
    _booking_available: serde::de::IgnoredAny,
    #[serde(rename = "updatedAt")]
    _updated_at: serde::de::IgnoredAny,
}

impl From<SettingsJson> for SettingsForm {
    fn from(j: SettingsJson) -> Self {
        SettingsForm {
            input: SettingsInput {
                booking_mode: j.booking_mode.unwrap_or_default(),
                external_booking_provider_name: j
                    .external_booking_provider_name
                    .unwrap_or_default(),
                external_booking_url: j.external_booking_url.unwrap_or_default(),
                external_booking_embed_mode: j.external_booking_embed_mode.unwrap_or_default(),
                external_booking_disclaimer: j.external_booking_disclaimer.unwrap_or_default(),
                external_booking_utm_source: j.external_booking_utm_source.unwrap_or_default(),
                external_booking_utm_campaign: j.external_booking_utm_campaign.unwrap_or_default(),
                // As when a client is created: prefill unless turned off.
                external_booking_prefill: j.external_booking_prefill.unwrap_or(true),
                external_booking_webhook_enabled: j
                    .external_booking_webhook_enabled
                    .unwrap_or(false),
                external_booking_webhook_provider: j
                    .external_booking_webhook_provider
                    .unwrap_or_default(),
                external_booking_completion_event_name: j
                    .external_booking_completion_event_name
                    .unwrap_or_default(),
                services: j.services.unwrap_or_default(),
                service_routes: j
                    .service_routes
                    .unwrap_or_default()
                    .into_iter()
                    .map(|r| RouteInput {
                        service: r.service,
                        provider_name: r.provider_name.unwrap_or_default(),
                        booking_url: r.booking_url,
                        keywords: r.keywords.join(","),
                    })
                    .collect(),
                consent_required: j.consent_required.unwrap_or(false),
                consent_text: j.consent_text.unwrap_or_default(),
                retention_days: j.retention_days.map(|d| d.to_string()).unwrap_or_default(),
                forward_enabled: j.forward_enabled.unwrap_or(false),
                forward_url: j.forward_url.unwrap_or_default(),
            },
            allowed_origins: j.allowed_origins.unwrap_or_default(),
            contact_email: j.contact_email.unwrap_or_default(),
            contact_phone: j.contact_phone.unwrap_or_default(),
            external_booking_webhook_secret: j.external_booking_webhook_secret.unwrap_or_default(),
            clear_webhook_secret: j.clear_webhook_secret.unwrap_or(false),
            forward_secret: j.forward_secret.unwrap_or_default(),
            clear_forward_secret: j.clear_forward_secret.unwrap_or(false),
        }
    }
}

/// Validated, ready to store.
struct Valid {
    settings: Settings,
    origins: Vec<String>,
    contact_email: Option<String>,
    contact_phone: Option<String>,
    secret: SecretInput,
    forward_secret: SecretInput,
}

enum SecretInput {
    Keep,
    New(String),
    Clear,
}

/// Field errors in the API's names, in the form's order.
pub type FieldErrors = Vec<(&'static str, &'static str)>;

/// Which secrets are stored now.
#[derive(Clone, Copy)]
struct StoredSecrets {
    webhook: bool,
    forward: bool,
}

fn secret_input(typed: &str, clear: bool) -> SecretInput {
    match typed.trim() {
        "" if clear => SecretInput::Clear,
        "" => SecretInput::Keep,
        new => SecretInput::New(new.to_string()),
    }
}

impl SecretInput {
    fn too_long(&self) -> bool {
        matches!(self, SecretInput::New(s) if s.chars().count() > SECRET_MAX)
    }

    fn will_have(&self, stored: bool) -> bool {
        match self {
            SecretInput::New(_) => true,
            SecretInput::Clear => false,
            SecretInput::Keep => stored,
        }
    }
}

fn validate(form: &SettingsForm, stored: StoredSecrets) -> Result<Valid, FieldErrors> {
    let mut errors: FieldErrors = Vec::new();
    let settings = validate_settings(&form.input, Strictness::Save)
        .map_err(|errs| errors.extend(errs.iter().map(|e| (e.field.json_name(), e.message))))
        .ok();

    let mut origins: Vec<String> = Vec::new();
    for raw in form.allowed_origins.iter().filter(|o| !o.trim().is_empty()) {
        match validate_origin(raw) {
            Ok(origin) if !origins.contains(&origin) => origins.push(origin),
            Ok(_) => {}
            Err(message) => {
                errors.push(("allowedOrigins", message));
                break;
            }
        }
    }
    if origins.len() > ORIGINS_MAX {
        errors.push(("allowedOrigins", ORIGINS_TOO_MANY));
    }
    let contact_email = clean_field(Field::CustomerEmail, &form.contact_email)
        .map_err(|m| errors.push(("contactEmail", m)))
        .ok()
        .flatten();
    let contact_phone = clean_field(Field::CustomerPhone, &form.contact_phone)
        .map_err(|m| errors.push(("contactPhone", m)))
        .ok()
        .flatten();

    let secret = secret_input(
        &form.external_booking_webhook_secret,
        form.clear_webhook_secret,
    );
    if secret.too_long() {
        errors.push(("externalBookingWebhookSecret", SECRET_TOO_LONG));
    }
    if form.input.external_booking_webhook_enabled && !secret.will_have(stored.webhook) {
        errors.push(("externalBookingWebhookSecret", SECRET_REQUIRED));
    }
    let forward_secret = secret_input(&form.forward_secret, form.clear_forward_secret);
    if let SecretInput::New(new) = &forward_secret {
        if forward::secret_key(new).is_none() {
            errors.push(("forwardSecret", forward::SECRET_INVALID));
        }
    }
    if form.input.forward_enabled && !forward_secret.will_have(stored.forward) {
        errors.push(("forwardSecret", forward::SECRET_REQUIRED));
    }

    match (settings, errors.is_empty()) {
        (Some(settings), true) => Ok(Valid {
            settings,
            origins,
            contact_email,
            contact_phone,
            secret,
            forward_secret,
        }),
        _ => {
            // The form's order: core's fields, then ours.
            let order = |name: &str| FORM_ORDER.iter().position(|n| *n == name).unwrap_or(99);
            errors.sort_by_key(|(name, _)| order(name));
            Err(errors)
        }
    }
}

/// The fields in the order the page shows them.
const FORM_ORDER: [&str; 26] = [
    "bookingMode",
    "externalBookingProviderName",
    "externalBookingUrl",
    "externalBookingEmbedMode",
    "externalBookingDisclaimer",
    "externalBookingUtmSource",
    "externalBookingUtmCampaign",
    "allowedOrigins",
    "services",
    "serviceRoutes",
    "contactEmail",
    "contactPhone",
    "consentRequired",
    "consentText",
    "retentionDays",
    "externalBookingWebhookEnabled",
    "externalBookingWebhookProvider",
    "externalBookingWebhookSecret",
    "externalBookingCompletionEventName",
    "forwardEnabled",
    "forwardUrl",
    "forwardSecret",
    "externalBookingPrefill",
    "clearWebhookSecret",
    "clearForwardSecret",
    "consentGiven",
];

/// What a save found out about framing (iframe mode only).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IframeCheck {
    Allowed,
    Blocked,
    /// The probe failed (network, timeout): recorded as unknown, so visitors get the redirect.
    Unknown,
}

impl IframeCheck {
    pub fn from_stored(v: Option<&str>) -> Self {
        match v {
            Some("allowed") => IframeCheck::Allowed,
            Some("blocked") => IframeCheck::Blocked,
            _ => IframeCheck::Unknown,
        }
    }

    fn stored(self) -> Option<&'static str> {
        match self {
            IframeCheck::Allowed => Some("allowed"),
            IframeCheck::Blocked => Some("blocked"),
            IframeCheck::Unknown => None,
        }
    }
}

/// A new secret sealed with `SECRETS_KEY` under this client (never stored in the clear).
fn seal(
    app: &App,
    client: &ClientId,
    input: SecretInput,
    field: &'static str,
) -> AppResult<SecretChange> {
    Ok(match input {
        SecretInput::Keep => SecretChange::Keep,
        SecretInput::Clear => SecretChange::Clear,
        SecretInput::New(plain) => {
            let Some(key) = app.secret_bytes("SECRETS_KEY") else {
                return Err(AppError::Validation(vec![(field, SECRET_UNAVAILABLE)]));
            };
            let nonce = random::bytes32()?;
            let mut n24 = [0u8; 24];
            n24.copy_from_slice(&nonce[..24]);
            SecretChange::Set(crate::secrets::seal(&key, client.as_str(), &n24, &plain))
        }
    })
}

/// Validates, probes, seals and stores. `Err(AppError::Validation)` carries the field errors.
pub async fn save(
    app: &App,
    client: &ClientId,
    form: &SettingsForm,
) -> AppResult<Option<IframeCheck>> {
    let (_, meta) = app
        .repo
        .client_settings(client)
        .await?
        .ok_or(AppError::NotFound)?;
    let stored = StoredSecrets {
        webhook: meta.has_webhook_secret,
        forward: meta.has_forward_secret,
    };
    let valid = validate(form, stored).map_err(AppError::Validation)?;
    let s = &valid.settings;

    let iframe = match (&s.external_booking_url, s.external_booking_embed_mode) {
        (Some(url), EmbedMode::Iframe) if s.booking_mode == BookingMode::External => {
            Some(probe::framing(url, &valid.origins).await)
        }
        _ => None,
    };

    let webhook_secret = seal(app, client, valid.secret, "externalBookingWebhookSecret")?;
    let forward_secret = seal(app, client, valid.forward_secret, "forwardSecret")?;

    let update = SettingsUpdate {
        settings: s,
        allowed_origins: &valid.origins,
        contact_email: valid.contact_email.as_deref(),
        contact_phone: valid.contact_phone.as_deref(),
        webhook_secret,
        forward_secret,
        iframe_check: iframe.and_then(IframeCheck::stored),
    };
    app.repo.save_settings(client, &update, app.now).await?;
    Ok(iframe)
}

/// The settings as the admin API returns them: never the webhook secret, only whether one is set.
pub fn settings_json(client: &Client, meta: &SettingsMeta) -> Value {
    let s = &client.settings;
    json!({
        "bookingMode": s.booking_mode.as_str(),
        "externalBookingProviderName": s.external_booking_provider_name,
        "externalBookingUrl": s.external_booking_url.as_ref().map(|u| u.as_str()),
        "externalBookingEmbedMode": s.external_booking_embed_mode.as_str(),
        "externalBookingDisclaimer": s.external_booking_disclaimer,
        "externalBookingUtmSource": s.external_booking_utm_source,
        "externalBookingUtmCampaign": s.external_booking_utm_campaign,
        "externalBookingPrefill": s.external_booking_prefill,
        "allowedOrigins": client.allowed_origins,
        "contactEmail": client.contact_email,
        "contactPhone": client.contact_phone,
        "services": s.services,
        "serviceRoutes": s.service_routes.iter().map(|r| json!({
            "service": r.service,
            "providerName": r.provider_name,
            "bookingUrl": r.booking_url.as_str(),
            "keywords": r.keywords,
        })).collect::<Vec<_>>(),
        "consentRequired": s.consent_required,
        "consentText": s.consent_text,
        "retentionDays": s.retention_days,
        "forwardEnabled": s.forward_enabled,
        "forwardUrl": s.forward_url.as_ref().map(|u| u.as_str()),
        "forwardSecretSet": meta.has_forward_secret,
        "externalBookingWebhookEnabled": s.external_booking_webhook_enabled,
        "externalBookingWebhookProvider": s.external_booking_webhook_provider.map(|p| p.slug()),
        "externalBookingWebhookSecretSet": meta.has_webhook_secret,
        "externalBookingCompletionEventName": s.external_booking_completion_event_name,
        "iframeCheck": client.iframe_check,
        "bookingAvailable": s.booking_mode == BookingMode::Internal || s.booking_available(),
        "updatedAt": handoff_core::time::iso8601_from_millis(meta.updated_at),
    })
}
