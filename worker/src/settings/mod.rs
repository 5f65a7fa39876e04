//! The settings service, shared by the dashboard's form and `PUT /api/v1/admin/settings`, so
//! both validate with exactly the same core rules (`validate_settings` with
//! `Strictness::Save`, `validate_origin`, `lead::clean_field`), seal secrets and save alike.
//!
//! Saving probes the booking URL when iframe mode is chosen and records whether the page may
//! be framed; a new webhook secret is sealed with `SECRETS_KEY` and never shown again.
use crate::{
    app::App,
    error::{AppError, AppResult},
    http::{self, form_field},
    random,
    repo::{Client, ClientId, SecretChange, SettingsMeta, SettingsUpdate},
};
use handoff_core::{
    appearance, forward,
    lead::{clean_field, Field},
    settings::{
        validate_origin, validate_settings, BookingMode, EmbedMode, FieldDef, Kind, Raw,
        RouteInput, Settings, SettingsInput, Stored, Strictness, FIELDS,
    },
};
use serde::Deserialize;
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

/// The routes as the form and the API show them.
fn route_inputs(c: &Client) -> Vec<RouteInput> {
    c.settings
        .service_routes
        .iter()
        .map(|r| RouteInput {
            service: r.service.clone(),
            provider_name: r.provider_name.clone().unwrap_or_default(),
            booking_url: r.booking_url.to_string(),
            keywords: r.keywords.join(", "),
        })
        .collect()
}

impl SettingsForm {
    /// What is stored, for the form's initial values (never a secret).
    pub fn from_client(c: &Client) -> Self {
        let mut input = SettingsInput::default();
        for f in FIELDS {
            (f.set_input)(&mut input, (f.stored)(&c.settings).to_raw());
        }
        input.service_routes = route_inputs(c);
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        SettingsForm {
            input,
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
        let mut input = SettingsInput::default();
        for f in FIELDS {
            let raw = match f.kind {
                Kind::Bool => Raw::Bool(checked(f.json_name())),
                Kind::List => Raw::List(lines(&text(f.json_name()))),
                Kind::Text | Kind::Count => Raw::Text(text(f.json_name())),
            };
            (f.set_input)(&mut input, raw);
        }
        input.service_routes = route_rows(form);
        SettingsForm {
            input,
            allowed_origins: lines(&text("allowedOrigins")),
            contact_email: text("contactEmail"),
            contact_phone: text("contactPhone"),
            external_booking_webhook_secret: text("externalBookingWebhookSecret"),
            clear_webhook_secret: checked("clearWebhookSecret"),
            forward_secret: text("forwardSecret"),
            clear_forward_secret: checked("clearForwardSecret"),
        }
    }

    /// `PUT /api/v1/admin/settings`'s body: the names `GET` returns, each with its JSON type
    /// (a field left out is its empty value). The read-only fields `GET` adds are accepted
    /// and ignored, so a read-modify-write works; anything else — a client id included — and
    /// a field given twice are a 400.
    pub fn from_json(body: &[u8]) -> AppResult<Self> {
        let Pairs(pairs) = http::parse_json(body)?;
        let mut form = SettingsForm::default();
        for f in FIELDS {
            (f.set_input)(&mut form.input, f.absent.clone());
        }
        let mut seen: Vec<&str> = Vec::new();
        for (name, value) in &pairs {
            if seen.contains(&name.as_str()) {
                return Err(invalid(format!("duplicate field `{name}`")));
            }
            seen.push(name);
            if let Some(f) = FieldDef::named(name) {
                (f.set_input)(&mut form.input, raw_of(f, value)?);
                continue;
            }
            match name.as_str() {
                "allowedOrigins" => form.allowed_origins = strings(name, value)?,
                "contactEmail" => form.contact_email = string(name, value)?,
                "contactPhone" => form.contact_phone = string(name, value)?,
                "externalBookingWebhookSecret" => {
                    form.external_booking_webhook_secret = string(name, value)?
                }
                "clearWebhookSecret" => form.clear_webhook_secret = flag(name, value)?,
                "forwardSecret" => form.forward_secret = string(name, value)?,
                "clearForwardSecret" => form.clear_forward_secret = flag(name, value)?,
                "serviceRoutes" => form.input.service_routes = routes(value)?,
                n if READ_ONLY.contains(&n) => {}
                _ => return Err(invalid(format!("unknown field `{name}`"))),
            }
        }
        Ok(form)
    }
}

/// What `GET` adds that a `PUT` may send back unchanged.
const READ_ONLY: [&str; 5] = [
    "externalBookingWebhookSecretSet",
    "forwardSecretSet",
    "iframeCheck",
    "bookingAvailable",
    "updatedAt",
];

/// A JSON object's members in order, duplicates kept (so they can be refused).
struct Pairs(Vec<(String, Value)>);

impl<'de> Deserialize<'de> for Pairs {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Pairs;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Pairs, A::Error> {
                let mut out = Vec::new();
                while let Some(pair) = map.next_entry::<String, Value>()? {
                    out.push(pair);
                }
                Ok(Pairs(out))
            }
        }
        d.deserialize_map(Visit)
    }
}

fn invalid(why: String) -> AppError {
    AppError::BadRequest(format!("The request body has an invalid field: {why}."))
}

fn string(name: &str, value: &Value) -> AppResult<String> {
    match value {
        Value::String(s) => Ok(s.clone()),
        Value::Null => Ok(String::new()),
        _ => Err(invalid(format!("`{name}` must be a string"))),
    }
}

fn flag(name: &str, value: &Value) -> AppResult<bool> {
    match value {
        Value::Bool(b) => Ok(*b),
        Value::Null => Ok(false),
        _ => Err(invalid(format!("`{name}` must be true or false"))),
    }
}

fn strings(name: &str, value: &Value) -> AppResult<Vec<String>> {
    match value {
        Value::Null => Ok(Vec::new()),
        Value::Array(items) => items
            .iter()
            .map(|v| match v {
                Value::String(s) => Ok(s.clone()),
                _ => Err(invalid(format!("`{name}` must be a list of strings"))),
            })
            .collect(),
        _ => Err(invalid(format!("`{name}` must be a list of strings"))),
    }
}

/// A table field's JSON value as submitted, checked against its kind.
fn raw_of(f: &FieldDef, value: &Value) -> AppResult<Raw> {
    let name = f.json_name();
    Ok(match f.kind {
        Kind::Text => Raw::Text(string(name, value)?),
        Kind::Bool => Raw::Bool(flag(name, value)?),
        Kind::List => Raw::List(strings(name, value)?),
        Kind::Count => match value {
            Value::Null => Raw::Text(String::new()),
            Value::Number(n) if n.as_u64().is_some_and(|n| n <= u64::from(u32::MAX)) => {
                Raw::Text(n.to_string())
            }
            _ => return Err(invalid(format!("`{name}` must be a whole number"))),
        },
    })
}

fn routes(value: &Value) -> AppResult<Vec<RouteInput>> {
    let rows: Vec<RouteJson> = serde_json::from_value(value.clone())
        .map_err(|e| invalid(format!("`serviceRoutes`: {e}")))?;
    Ok(rows
        .into_iter()
        .map(|r| RouteInput {
            service: r.service,
            provider_name: r.provider_name.unwrap_or_default(),
            booking_url: r.booking_url,
            keywords: r.keywords.join(","),
        })
        .collect())
}

/// A routed service in the API's JSON.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
struct RouteJson {
    service: String,
    provider_name: Option<String>,
    booking_url: String,
    keywords: Vec<String>,
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

/// A stored value as the admin API shows it.
fn json_of(stored: Stored) -> Value {
    match stored {
        Stored::Text(t) => json!(t),
        Stored::Bool(b) => json!(b),
        Stored::Int(n) => json!(n),
        Stored::List(l) => json!(l),
    }
}

/// The colours the widget paints with, chosen once on the server from the brand colour (so
/// the visitor's browser downloads no contrast maths): text on the brand, and per theme the
/// brand as text and the launcher's outline where the brand alone is too faint.
pub fn palette_json(s: &Settings) -> Value {
    let p = appearance::palette(s.widget_brand_color.unwrap_or(appearance::DEFAULT_BRAND));
    let scheme = |s: &appearance::Scheme| {
        json!({
            "surface": s.surface.hex(),
            "ink": s.ink.hex(),
            "brandText": s.brand_text.hex(),
            "outline": s.outline.map(appearance::Rgb::hex),
        })
    };
    json!({
        "brand": p.brand.hex(),
        "onBrand": p.on_brand.hex(),
        "light": scheme(&p.light),
        "dark": scheme(&p.dark),
    })
}

/// The fields widget-config shows (public), under their JSON names.
pub fn public_json(s: &Settings) -> serde_json::Map<String, Value> {
    FIELDS
        .iter()
        .filter(|f| f.public)
        .map(|f| (f.json_name().to_string(), json_of((f.stored)(s))))
        .collect()
}

/// The settings as the admin API returns them: never a secret, only whether one is set.
pub fn settings_json(client: &Client, meta: &SettingsMeta) -> Value {
    let s = &client.settings;
    let mut out: serde_json::Map<String, Value> = FIELDS
        .iter()
        .map(|f| (f.json_name().to_string(), json_of((f.stored)(s))))
        .collect();
    let extra = json!({
        "allowedOrigins": client.allowed_origins,
        "contactEmail": client.contact_email,
        "contactPhone": client.contact_phone,
        "serviceRoutes": s.service_routes.iter().map(|r| json!({
            "service": r.service,
            "providerName": r.provider_name,
            "bookingUrl": r.booking_url.as_str(),
            "keywords": r.keywords,
        })).collect::<Vec<_>>(),
        "forwardSecretSet": meta.has_forward_secret,
        "externalBookingWebhookSecretSet": meta.has_webhook_secret,
        "iframeCheck": client.iframe_check,
        "bookingAvailable": s.booking_mode == BookingMode::Internal || s.booking_available(),
        "updatedAt": handoff_core::time::iso8601_from_millis(meta.updated_at),
    });
    if let Value::Object(extra) = extra {
        out.extend(extra);
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put(body: &str) -> AppResult<SettingsForm> {
        SettingsForm::from_json(body.as_bytes())
    }

    fn refusal(body: &str) -> String {
        match put(body) {
            Err(AppError::BadRequest(why)) => why,
            other => panic!("{body}: expected a 400, got {:?}", other.map(|f| f.input)),
        }
    }

    #[test]
    fn a_put_reads_every_table_field_by_its_json_name_and_kind() {
        let form = put(
            r#"{"bookingMode":"external","externalBookingUrl":"https://cal.com/spa",
                "externalBookingPrefill":false,"services":["Massage","Facial"],
                "retentionDays":90,"consentText":null,"allowedOrigins":["https://spa.example"],
                "serviceRoutes":[{"service":"Facial","bookingUrl":"https://x.example/f","keywords":["face","skin"]}],
                "forwardSecret":"whsec_x","clearWebhookSecret":true}"#,
        )
        .unwrap();
        let i = &form.input;
        assert_eq!(i.booking_mode, "external");
        assert_eq!(i.external_booking_url, "https://cal.com/spa");
        assert!(!i.external_booking_prefill);
        assert_eq!(i.services, ["Massage", "Facial"]);
        assert_eq!(i.retention_days, "90");
        assert_eq!(i.consent_text, "");
        assert_eq!(i.service_routes[0].keywords, "face,skin");
        assert_eq!(form.allowed_origins, ["https://spa.example"]);
        assert_eq!(form.forward_secret, "whsec_x");
        assert!(form.clear_webhook_secret);
    }

    #[test]
    fn a_field_left_out_is_its_empty_value_and_prefill_stays_on() {
        let form = put("{}").unwrap();
        assert!(
            form.input.external_booking_prefill,
            "as when a client is created"
        );
        assert!(!form.input.consent_required);
        assert_eq!(form.input.booking_mode, "");
        assert!(form.input.services.is_empty());
    }

    #[test]
    fn what_get_adds_comes_back_ignored() {
        let form = put(
            r#"{"bookingMode":"internal","updatedAt":"2026-01-01T00:00:00Z","iframeCheck":"allowed",
                "bookingAvailable":true,"forwardSecretSet":true,"externalBookingWebhookSecretSet":false}"#,
        )
        .unwrap();
        assert_eq!(form.input.booking_mode, "internal");
    }

    #[test]
    fn unknown_duplicate_and_mistyped_fields_are_refused_by_name() {
        let cases = [
            (r#"{"clientId":"cl_x"}"#, "unknown field `clientId`"),
            (r#"{"client_id":"cl_x"}"#, "unknown field `client_id`"),
            (r#"{"warnings":[]}"#, "unknown field `warnings`"),
            (
                r#"{"bookingMode":"internal","bookingMode":"external"}"#,
                "duplicate field `bookingMode`",
            ),
            (
                r#"{"retentionDays":"90"}"#,
                "`retentionDays` must be a whole number",
            ),
            (
                r#"{"retentionDays":-1}"#,
                "`retentionDays` must be a whole number",
            ),
            (
                r#"{"retentionDays":1.5}"#,
                "`retentionDays` must be a whole number",
            ),
            (
                r#"{"consentRequired":"yes"}"#,
                "`consentRequired` must be true or false",
            ),
            (
                r#"{"services":"Massage"}"#,
                "`services` must be a list of strings",
            ),
            (
                r#"{"services":[1]}"#,
                "`services` must be a list of strings",
            ),
            (r#"{"bookingMode":7}"#, "`bookingMode` must be a string"),
            (r#"{"serviceRoutes":[{"clientId":"x"}]}"#, "`serviceRoutes`"),
        ];
        for (body, why) in cases {
            let got = refusal(body);
            assert!(
                got.starts_with("The request body has an invalid field: "),
                "{got}"
            );
            assert!(got.contains(why), "{body}: {got}");
        }
        assert_eq!(refusal("[]"), "The request body must be a JSON object.");
    }

    #[test]
    fn the_form_and_the_json_api_read_the_same_settings() {
        let pairs: Vec<(String, String)> = [
            ("bookingMode", "external"),
            ("externalBookingUrl", "https://cal.com/spa"),
            ("services", "Massage\n\n Facial \n"),
            ("retentionDays", "90"),
            ("consentRequired", "on"),
            ("clientId", "ignored"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let from_form = SettingsForm::from_pairs(&pairs).input;
        let from_json = put(
            r#"{"bookingMode":"external","externalBookingUrl":"https://cal.com/spa",
                "services":["Massage","Facial"],"retentionDays":90,"consentRequired":true,
                "externalBookingPrefill":false}"#,
        )
        .unwrap()
        .input;
        let a = validate_settings(&from_form, Strictness::Save).unwrap();
        let b = validate_settings(&from_json, Strictness::Save).unwrap();
        assert_eq!(a, b);
    }
}
