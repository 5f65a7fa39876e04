//! Booking-provider webhooks: which header carries each provider's signature, how each one
//! signs (checked over the raw bytes, in constant time, before anything is parsed), and the
//! few facts we keep from a verified event: its type, a dedupe id, the `tca_ref` that finds
//! the handoff, and non-sensitive ids for the admin. Never names, emails or phones.
//!
//! The worker's flow is: look the client's secrets up → [`verify`] → [`parse_event`] →
//! record the receipt `(provider, event_id)` → complete the handoff named by `tca_ref`.

use crate::crypto::{constant_time_eq, hex_decode, hmac_sha256};
use crate::id::HandoffId;
use crate::provider::Provider;
use crate::text::{strip_controls, truncate_chars};
use serde_json::Value;
use std::fmt;

/// Longer signature headers are refused unread (a few `v1` candidates fit easily).
pub const MAX_SIGNATURE_HEADER_LEN: usize = 1024;
/// The worker refuses larger bodies before verifying; [`parse_event`] checks again.
pub const MAX_BODY_LEN: usize = 64 * 1024;
/// Each admin-facing identifier is cut to this many chars.
pub const MAX_IDENTIFIER_CHARS: usize = 200;
/// An event type is a short name such as `invitee.created`.
pub const MAX_EVENT_TYPE_CHARS: usize = 100;
/// The dedupe key is stored as a primary key, so it is bounded rather than truncated
/// (truncating could make two events collide and the second be dropped as a replay).
pub const MAX_EVENT_ID_CHARS: usize = 512;

/// Calendly's documented replay window.
const CALENDLY_TOLERANCE_SECS: i64 = 180;
/// Ours, the timestamped `t=…,v1=…` scheme.
const GENERIC_TOLERANCE_SECS: i64 = 300;
/// What Cal.com sends (and signs with) when the webhook has no secret: anyone could forge it.
const CALCOM_NO_SECRET: &str = "no-secret-provided";
/// 32 bytes as hex.
const HEX_DIGEST_LEN: usize = 64;
/// 32 bytes as padded standard base64.
const BASE64_DIGEST_LEN: usize = 44;
/// Up to year 33658; more digits cannot be a real send time and could overflow.
const MAX_TIMESTAMP_DIGITS: usize = 12;

/// The providers whose webhooks we can verify. The others in [`Provider`] have no
/// verifiable signature (or an unconfirmed one) and complete manually.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WebhookProvider {
    Calendly,
    CalCom,
    Acuity,
    Square,
    /// Ours, for website checkouts and automation tools.
    Generic,
}

impl WebhookProvider {
    pub const ALL: [WebhookProvider; 5] = [
        WebhookProvider::Calendly,
        WebhookProvider::CalCom,
        WebhookProvider::Acuity,
        WebhookProvider::Square,
        WebhookProvider::Generic,
    ];

    pub fn provider(self) -> Provider {
        match self {
            WebhookProvider::Calendly => Provider::Calendly,
            WebhookProvider::CalCom => Provider::CalCom,
            WebhookProvider::Acuity => Provider::Acuity,
            WebhookProvider::Square => Provider::Square,
            WebhookProvider::Generic => Provider::Generic,
        }
    }

    /// None for providers without a webhook we can verify.
    pub fn from_provider(provider: Provider) -> Option<Self> {
        WebhookProvider::ALL
            .into_iter()
            .find(|p| p.provider() == provider)
    }

    /// The `:provider` in `/api/webhooks/external-booking/:provider`, as [`Provider::slug`].
    pub fn slug(self) -> &'static str {
        self.provider().slug()
    }

    /// Exact, lower-case slugs only: `calendly`, `calcom`, `acuity`, `square`, `generic`.
    pub fn from_slug(s: &str) -> Option<Self> {
        Provider::from_slug(s).and_then(WebhookProvider::from_provider)
    }

    /// The header carrying the signature, lower-cased (HTTP header names are case-insensitive).
    pub fn signature_header(self) -> &'static str {
        match self {
            WebhookProvider::Calendly => "calendly-webhook-signature",
            WebhookProvider::CalCom => "x-cal-signature-256",
            WebhookProvider::Acuity => "x-acuity-signature",
            WebhookProvider::Square => "x-square-hmacsha256-signature",
            WebhookProvider::Generic => "handoff-signature",
        }
    }

    /// How far the signed timestamp may be from now, either way; None where the scheme
    /// signs no timestamp (there, replays are stopped by the `(provider, event_id)` receipt).
    pub fn timestamp_tolerance_secs(self) -> Option<i64> {
        match self {
            WebhookProvider::Calendly => Some(CALENDLY_TOLERANCE_SECS),
            WebhookProvider::Generic => Some(GENERIC_TOLERANCE_SECS),
            WebhookProvider::CalCom | WebhookProvider::Acuity | WebhookProvider::Square => None,
        }
    }

    /// The event that means "booked" when the client has not named another one
    /// (`external_booking_completion_event_name`), spelled as [`WebhookEvent::event_type`].
    pub fn default_completion_event(self) -> &'static str {
        match self {
            WebhookProvider::Calendly => "invitee.created",
            WebhookProvider::CalCom => "BOOKING_CREATED",
            WebhookProvider::Acuity => "appointment.scheduled",
            WebhookProvider::Square => "booking.created",
            WebhookProvider::Generic => "booking.completed",
        }
    }

    /// Whether a verified event is the one that completes a handoff: the event the client
    /// named (`external_booking_completion_event_name`, blank meaning unset), else
    /// [`default_completion_event`](Self::default_completion_event). The name is read the
    /// way [`parse_event`] spells event types, so an Acuity admin who types the bare action
    /// `scheduled` (as Acuity's own settings show it) means `appointment.scheduled`.
    pub fn is_completion_event(self, configured: Option<&str>, event_type: &str) -> bool {
        let wanted = configured
            .map(str::trim)
            .filter(|name| !name.is_empty())
            .unwrap_or(self.default_completion_event());
        match (self, wanted) {
            (
                WebhookProvider::Acuity,
                bare @ ("scheduled" | "rescheduled" | "canceled" | "changed"),
            ) => event_type.strip_prefix("appointment.") == Some(bare),
            _ => event_type == wanted,
        }
    }
}

/// Why a webhook was refused. Every variant means "change nothing, answer 4xx"; none
/// carries (or prints) any part of the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SignatureError {
    /// No signature header.
    Missing,
    /// A signature header we cannot read: wrong shape, length, encoding or over 1 KB.
    Malformed,
    /// Well-formed, but no configured secret produced it.
    Mismatch,
    /// A genuine signature whose timestamp is older than the tolerance (a replay, or a
    /// delivery delayed too long).
    Stale,
    /// A genuine signature whose timestamp is further ahead than the tolerance (clock skew).
    FromTheFuture,
    /// No usable secret: none configured, or Cal.com's unsigned `no-secret-provided`.
    NoSecret,
}

impl fmt::Display for SignatureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SignatureError::Missing => "webhook signature header missing",
            SignatureError::Malformed => "webhook signature header malformed",
            SignatureError::Mismatch => "webhook signature does not match",
            SignatureError::Stale => "webhook signature timestamp too old",
            SignatureError::FromTheFuture => "webhook signature timestamp in the future",
            SignatureError::NoSecret => "webhook has no usable secret",
        })
    }
}

impl std::error::Error for SignatureError {}

/// What [`verify`] needs from an incoming request.
pub struct SignedRequest<'a> {
    /// Looks a header up by name. [`verify`] always asks with the lower-case name
    /// ([`WebhookProvider::signature_header`]), so a closure over the Fetch API's `Headers`
    /// (case-insensitive) works as is; one over a plain map must compare case-insensitively.
    /// Repeated headers should be joined with `", "` as Fetch does; the parsers then refuse them.
    pub headers: &'a dyn Fn(&str) -> Option<String>,
    /// The raw body, byte for byte as received.
    pub body: &'a [u8],
    /// Seconds since the epoch, from the caller's clock.
    pub now_unix: i64,
    /// Square only (ignored by the others): the notification URL Square signs along with the
    /// body — the URL it posted to, i.e. the one registered with Square. The worker passes the
    /// request's URL as received; a replay to it is stopped by the event-id receipt.
    pub notification_url: &'a str,
}

/// Checks a webhook's signature against the client's secrets; succeeds if ANY secret
/// produced it (several are allowed while a secret is rotated).
///
/// Runs before anything in the body is parsed. Every secret is tried against every
/// candidate signature and the results OR-ed, so timing does not say which one matched.
/// The signature is checked before the timestamp, so a forgery is always [`Mismatch`] and
/// [`Stale`]/[`FromTheFuture`] mean a genuine delivery outside the window.
/// Empty secrets and the literal `no-secret-provided` are not secrets and are skipped.
///
/// [`Mismatch`]: SignatureError::Mismatch
/// [`Stale`]: SignatureError::Stale
/// [`FromTheFuture`]: SignatureError::FromTheFuture
pub fn verify(
    provider: WebhookProvider,
    secrets: &[&[u8]],
    req: &SignedRequest,
) -> Result<(), SignatureError> {
    let secrets: Vec<&[u8]> = secrets
        .iter()
        .copied()
        .filter(|secret| !secret.is_empty() && *secret != CALCOM_NO_SECRET.as_bytes())
        .collect();
    if secrets.is_empty() {
        return Err(SignatureError::NoSecret);
    }
    let header = (req.headers)(provider.signature_header()).ok_or(SignatureError::Missing)?;
    if header.len() > MAX_SIGNATURE_HEADER_LEN {
        return Err(SignatureError::Malformed);
    }
    match provider {
        WebhookProvider::Calendly => verify_calendly(&header, &secrets, req.body, req.now_unix),
        WebhookProvider::CalCom => verify_calcom(&header, &secrets, req.body),
        WebhookProvider::Acuity => verify_acuity(&header, &secrets, req.body),
        WebhookProvider::Square => verify_square(&header, &secrets, req.notification_url, req.body),
        WebhookProvider::Generic => verify_generic(&header, &secrets, req.body, req.now_unix),
    }
}

// https://developer.calendly.com/api-docs/overview/webhooks/webhook-signatures
// `Calendly-Webhook-Signature: t=<unix>,v1=<hex>`, HMAC-SHA256(signing key, t + "." + body),
// and Calendly's own guidance: refuse timestamps more than 3 minutes away.
fn verify_calendly(
    header: &str,
    secrets: &[&[u8]],
    body: &[u8],
    now_unix: i64,
) -> Result<(), SignatureError> {
    verify_timestamped(header, secrets, body, now_unix, CALENDLY_TOLERANCE_SECS)
}

// https://cal.com/docs/developing/guides/automation/webhooks (verifying the payload)
// `X-Cal-Signature-256: <hex>`, HMAC-SHA256(secret, body). Without a secret Cal.com sends
// `no-secret-provided`, which proves nothing.
fn verify_calcom(header: &str, secrets: &[&[u8]], body: &[u8]) -> Result<(), SignatureError> {
    if header == CALCOM_NO_SECRET {
        return Err(SignatureError::NoSecret);
    }
    let candidate = hex_digest(header).ok_or(SignatureError::Malformed)?;
    matched(any_secret_signed(secrets, &[candidate], |secret| {
        hmac_sha256(secret, body)
    }))
}

// https://developers.acuityscheduling.com/docs/webhooks (verifying webhooks)
// `X-Acuity-Signature: <base64>`, HMAC-SHA256(account API key, body); the body is
// form-urlencoded and carries ids only.
fn verify_acuity(header: &str, secrets: &[&[u8]], body: &[u8]) -> Result<(), SignatureError> {
    let candidate = base64_digest(header).ok_or(SignatureError::Malformed)?;
    matched(any_secret_signed(secrets, &[candidate], |secret| {
        hmac_sha256(secret, body)
    }))
}

// https://developer.squareup.com/docs/webhooks/step3validate
// `x-square-hmacsha256-signature: <base64>`, HMAC-SHA256(signature key, notification URL + body).
fn verify_square(
    header: &str,
    secrets: &[&[u8]],
    notification_url: &str,
    body: &[u8],
) -> Result<(), SignatureError> {
    let candidate = base64_digest(header).ok_or(SignatureError::Malformed)?;
    let signed = [notification_url.as_bytes(), body].concat();
    matched(any_secret_signed(secrets, &[candidate], |secret| {
        hmac_sha256(secret, &signed)
    }))
}

// Ours: Calendly's scheme with a 300 s window, and several
// `v1` so a sender can sign with the old and the new secret while rotating.
fn verify_generic(
    header: &str,
    secrets: &[&[u8]],
    body: &[u8],
    now_unix: i64,
) -> Result<(), SignatureError> {
    verify_timestamped(header, secrets, body, now_unix, GENERIC_TOLERANCE_SECS)
}

/// `t=<unix>,v1=<hex>[,v1=<hex>…]` over `t + "." + body`.
fn verify_timestamped(
    header: &str,
    secrets: &[&[u8]],
    body: &[u8],
    now_unix: i64,
    tolerance_secs: i64,
) -> Result<(), SignatureError> {
    let parsed = parse_timestamped_header(header).ok_or(SignatureError::Malformed)?;
    // The timestamp is signed exactly as sent, digits and all.
    let signed = [parsed.timestamp.as_bytes(), b".", body].concat();
    matched(any_secret_signed(secrets, &parsed.signatures, |secret| {
        hmac_sha256(secret, &signed)
    }))?;
    let age = now_unix.saturating_sub(parsed.unix);
    if age > tolerance_secs {
        Err(SignatureError::Stale)
    } else if age < -tolerance_secs {
        Err(SignatureError::FromTheFuture)
    } else {
        Ok(())
    }
}

struct TimestampedHeader<'a> {
    /// The `t` value as sent.
    timestamp: &'a str,
    unix: i64,
    signatures: Vec<[u8; 32]>,
}

/// Strict: exactly one `t` (1–12 digits), at least one `v1` (64 hex chars), nothing else;
/// no whitespace, no empty parts, no other schemes.
fn parse_timestamped_header(header: &str) -> Option<TimestampedHeader<'_>> {
    let mut timestamp: Option<&str> = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        let (key, value) = part.split_once('=')?;
        match key {
            "t" => {
                let digits_only = !value.is_empty()
                    && value.len() <= MAX_TIMESTAMP_DIGITS
                    && value.bytes().all(|b| b.is_ascii_digit());
                if timestamp.is_some() || !digits_only {
                    return None;
                }
                timestamp = Some(value);
            }
            "v1" => signatures.push(hex_digest(value)?),
            _ => return None,
        }
    }
    let timestamp = timestamp?;
    if signatures.is_empty() {
        return None;
    }
    Some(TimestampedHeader {
        timestamp,
        // At most 12 digits, so this always fits.
        unix: timestamp.parse().ok()?,
        signatures,
    })
}

/// True if any secret's signature equals any candidate. Every pair is compared, without an
/// early exit, so the time taken does not depend on which (if any) matched.
fn any_secret_signed(
    secrets: &[&[u8]],
    candidates: &[[u8; 32]],
    sign: impl Fn(&[u8]) -> [u8; 32],
) -> bool {
    let mut found = false;
    for secret in secrets {
        let expected = sign(secret);
        for candidate in candidates {
            // `|` rather than `||`: no short circuit.
            found |= constant_time_eq(&expected, candidate);
        }
    }
    found
}

fn matched(found: bool) -> Result<(), SignatureError> {
    if found {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

/// Exactly 64 hex chars (either case) → 32 bytes.
fn hex_digest(s: &str) -> Option<[u8; 32]> {
    if s.len() != HEX_DIGEST_LEN {
        return None;
    }
    hex_decode(s)?.try_into().ok()
}

/// Exactly 44 chars of padded standard base64 (RFC 4648 §4) in canonical form → 32 bytes.
fn base64_digest(s: &str) -> Option<[u8; 32]> {
    use base64::{engine::general_purpose::STANDARD, Engine};
    if s.len() != BASE64_DIGEST_LEN {
        return None;
    }
    // The standard engine requires the padding and canonical trailing bits.
    STANDARD.decode(s).ok()?.try_into().ok()
}

/// Why a verified body could not be read. Messages name fields, never their values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ParseError {
    /// Over [`MAX_BODY_LEN`].
    TooLarge,
    /// Not JSON (the JSON providers).
    Syntax,
    /// JSON, but not an object.
    NotAnObject,
    /// A field we need is absent, empty or not a string.
    MissingField(&'static str),
    /// A field we need is too long, has control characters or (for ids) the wrong shape,
    /// or appears twice in a form body.
    InvalidField(&'static str),
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::TooLarge => f.write_str("webhook body too large"),
            ParseError::Syntax => f.write_str("webhook body is not valid JSON"),
            ParseError::NotAnObject => f.write_str("webhook body is not a JSON object"),
            ParseError::MissingField(field) => write!(f, "webhook body lacks `{field}`"),
            ParseError::InvalidField(field) => write!(f, "webhook body has an invalid `{field}`"),
        }
    }
}

impl std::error::Error for ParseError {}

/// The facts we keep from a verified webhook.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebhookEvent {
    /// As the provider names it (`invitee.created`, `BOOKING_CREATED`, …); Acuity's bare
    /// appointment actions gain their `appointment.` prefix.
    pub event_type: String,
    /// Unique per provider and event: the `(provider, event_id)` receipt key that turns a
    /// replay into a no-op. Includes the event type where the provider's id alone would
    /// make, say, a cancellation look like a replay of the booking.
    pub event_id: String,
    /// The handoff this event completes, if the provider carried a valid one back.
    pub tca_ref: Option<HandoffId>,
    /// Non-sensitive ids for the admin (booking uid, appointment id, invitee URI, …), at most
    /// [`MAX_IDENTIFIER_CHARS`] each. Never names, emails or phones.
    pub identifiers: Vec<(&'static str, String)>,
}

/// Reads a body that [`verify`] has accepted. Only the fields named in each provider's
/// section are read; everything else (names, emails, answers) is never copied out.
pub fn parse_event(provider: WebhookProvider, body: &[u8]) -> Result<WebhookEvent, ParseError> {
    if body.len() > MAX_BODY_LEN {
        return Err(ParseError::TooLarge);
    }
    let parse_json: fn(&Value) -> Result<WebhookEvent, ParseError> = match provider {
        WebhookProvider::Acuity => return parse_acuity(body),
        WebhookProvider::Calendly => parse_calendly,
        WebhookProvider::CalCom => parse_calcom,
        WebhookProvider::Square => parse_square,
        WebhookProvider::Generic => parse_generic,
    };
    // serde_json limits nesting depth (128), so a hostile body cannot exhaust the stack.
    let root: Value = serde_json::from_slice(body).map_err(|_| ParseError::Syntax)?;
    if !root.is_object() {
        return Err(ParseError::NotAnObject);
    }
    parse_json(&root)
}

// {"event":"invitee.created","payload":{"uri":"…/invitees/…","event":"…/scheduled_events/…",
//  "tracking":{"utm_content":"<tca_ref>"},…}}. Our reference rides in the tracking parameter
// the business chose (utm_content, utm_term or salesforce_uuid): the first that holds one
// of our ids is it. The invitee URI is the same for the booking and its cancellation, so the
// event type is part of the dedupe key.
fn parse_calendly(root: &Value) -> Result<WebhookEvent, ParseError> {
    let event_type = event_type(required_str(root, &["event"], "event")?, "event")?;
    let invitee = required_str(root, &["payload", "uri"], "payload.uri")?;
    let event_id = event_id(format!("{event_type}:{invitee}"), "payload.uri")?;
    let mut identifiers = Vec::new();
    push_identifier(&mut identifiers, "invitee_uri", Some(invitee.to_string()));
    let scheduled_event = scalar_at(root, &["payload", "event"])
        .or_else(|| scalar_at(root, &["payload", "scheduled_event", "uri"]));
    push_identifier(&mut identifiers, "scheduled_event_uri", scheduled_event);
    Ok(WebhookEvent {
        event_type,
        event_id,
        tca_ref: ["utm_content", "utm_term", "salesforce_uuid"]
            .iter()
            .find_map(|key| tca_ref_at(root, &["payload", "tracking", key])),
        identifiers,
    })
}

// {"triggerEvent":"BOOKING_CREATED","payload":{"uid":"…","bookingId":1,"metadata":{"tca_ref":"…"}}}.
// No timestamp is signed, so the booking uid (with the trigger) is what stops replays.
fn parse_calcom(root: &Value) -> Result<WebhookEvent, ParseError> {
    let event_type = event_type(
        required_str(root, &["triggerEvent"], "triggerEvent")?,
        "triggerEvent",
    )?;
    let uid = required_str(root, &["payload", "uid"], "payload.uid")?;
    let event_id = event_id(format!("{event_type}:{uid}"), "payload.uid")?;
    let mut identifiers = Vec::new();
    push_identifier(&mut identifiers, "booking_uid", Some(uid.to_string()));
    push_identifier(
        &mut identifiers,
        "booking_id",
        scalar_at(root, &["payload", "bookingId"]),
    );
    Ok(WebhookEvent {
        event_type,
        event_id,
        tca_ref: tca_ref_at(root, &["payload", "metadata", "tca_ref"]),
        identifiers,
    })
}

// {"merchant_id":"…","type":"booking.created","event_id":"…","data":{"type":"booking","id":"…"}}.
// Square's event_id is already unique per event.
fn parse_square(root: &Value) -> Result<WebhookEvent, ParseError> {
    let event_type = event_type(required_str(root, &["type"], "type")?, "type")?;
    let event_id = event_id(
        required_str(root, &["event_id"], "event_id")?.to_string(),
        "event_id",
    )?;
    let mut identifiers = Vec::new();
    let object_name = match str_at(root, &["data", "type"]) {
        Some("booking") => "booking_id",
        _ => "object_id",
    };
    push_identifier(
        &mut identifiers,
        object_name,
        scalar_at(root, &["data", "id"]),
    );
    push_identifier(
        &mut identifiers,
        "merchant_id",
        scalar_at(root, &["merchant_id"]),
    );
    Ok(WebhookEvent {
        event_type,
        event_id,
        // Square carries nothing of ours back.
        tca_ref: None,
        identifiers,
    })
}

// {"id":"evt_…","type":"booking.completed","tca_ref":"…"}.
fn parse_generic(root: &Value) -> Result<WebhookEvent, ParseError> {
    let event_type = event_type(required_str(root, &["type"], "type")?, "type")?;
    let event_id = event_id(required_str(root, &["id"], "id")?.to_string(), "id")?;
    Ok(WebhookEvent {
        event_type,
        event_id,
        tca_ref: tca_ref_at(root, &["tca_ref"]),
        identifiers: Vec::new(),
    })
}

// action=appointment.scheduled&id=123&calendarID=4&appointmentTypeID=5 (ids only).
// The static integration sends bare actions (`scheduled`), the webhooks API prefixed ones
// (`appointment.scheduled`); both mean the same event, so both read as the prefixed one.
fn parse_acuity(body: &[u8]) -> Result<WebhookEvent, ParseError> {
    const READ: [&str; 4] = ["action", "id", "calendarID", "appointmentTypeID"];
    let mut values: [Option<String>; 4] = Default::default();
    for (key, value) in url::form_urlencoded::parse(body) {
        if let Some(slot) = READ.iter().position(|name| *name == key) {
            if values[slot].is_some() {
                return Err(ParseError::InvalidField(READ[slot]));
            }
            values[slot] = Some(value.into_owned());
        }
    }
    let [action, id, calendar_id, appointment_type_id] = values;
    let action = action
        .filter(|a| !a.is_empty())
        .ok_or(ParseError::MissingField("action"))?;
    let event_type = match action.as_str() {
        "scheduled" | "rescheduled" | "canceled" | "changed" => format!("appointment.{action}"),
        _ => event_type(&action, "action")?,
    };
    let id = id
        .filter(|id| !id.is_empty())
        .ok_or(ParseError::MissingField("id"))?;
    if !is_numeric_id(&id) {
        return Err(ParseError::InvalidField("id"));
    }
    let event_id = event_id(format!("{event_type}:{id}"), "id")?;
    let id_name = if event_type.starts_with("order.") {
        "order_id"
    } else {
        "appointment_id"
    };
    let mut identifiers = Vec::new();
    push_identifier(&mut identifiers, id_name, Some(id));
    for (name, value) in [
        ("calendar_id", calendar_id),
        ("appointment_type_id", appointment_type_id),
    ] {
        push_identifier(&mut identifiers, name, value.filter(|v| is_numeric_id(v)));
    }
    Ok(WebhookEvent {
        event_type,
        event_id,
        // Acuity's webhook carries ids only; a tca_ref needs an API lookup of the intake field.
        tca_ref: None,
        identifiers,
    })
}

fn is_numeric_id(s: &str) -> bool {
    (1..=20).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
}

fn value_at<'v>(root: &'v Value, path: &[&str]) -> Option<&'v Value> {
    path.iter().try_fold(root, |value, key| value.get(key))
}

fn str_at<'v>(root: &'v Value, path: &[&str]) -> Option<&'v str> {
    value_at(root, path)?.as_str()
}

/// A string, or an integer written out (Cal.com's `bookingId` is a number).
fn scalar_at(root: &Value, path: &[&str]) -> Option<String> {
    match value_at(root, path)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) if n.is_u64() || n.is_i64() => Some(n.to_string()),
        _ => None,
    }
}

fn required_str<'v>(
    root: &'v Value,
    path: &[&str],
    field: &'static str,
) -> Result<&'v str, ParseError> {
    str_at(root, path)
        .filter(|s| !s.is_empty())
        .ok_or(ParseError::MissingField(field))
}

/// A tca_ref that is not a canonical handoff id counts as absent (an unmatched event).
fn tca_ref_at(root: &Value, path: &[&str]) -> Option<HandoffId> {
    str_at(root, path).and_then(HandoffId::parse)
}

fn has_controls(s: &str) -> bool {
    s.chars().any(char::is_control)
}

fn event_type(s: &str, field: &'static str) -> Result<String, ParseError> {
    if s.chars().count() > MAX_EVENT_TYPE_CHARS || has_controls(s) {
        return Err(ParseError::InvalidField(field));
    }
    Ok(s.to_string())
}

fn event_id(s: String, field: &'static str) -> Result<String, ParseError> {
    if s.chars().count() > MAX_EVENT_ID_CHARS || has_controls(&s) {
        return Err(ParseError::InvalidField(field));
    }
    Ok(s)
}

/// Adds an id the admin may see: controls stripped, trimmed, cut to 200 chars. Anything
/// with an `@` is dropped, so an email can never pass for an id.
fn push_identifier(
    identifiers: &mut Vec<(&'static str, String)>,
    name: &'static str,
    value: Option<String>,
) {
    let Some(value) = value else { return };
    let cleaned = strip_controls(&value, false);
    let cleaned = truncate_chars(cleaned.trim(), MAX_IDENTIFIER_CHARS).trim_end();
    if !cleaned.is_empty() && !cleaned.contains('@') {
        identifiers.push((name, cleaned.to_string()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::hex_encode;

    #[test]
    fn slugs_round_trip_through_provider() {
        for p in WebhookProvider::ALL {
            assert_eq!(WebhookProvider::from_slug(p.slug()), Some(p));
            assert_eq!(WebhookProvider::from_provider(p.provider()), Some(p));
            assert_eq!(p.signature_header(), p.signature_header().to_lowercase());
        }
        let slugs = WebhookProvider::ALL.map(WebhookProvider::slug);
        assert_eq!(slugs, ["calendly", "calcom", "acuity", "square", "generic"]);
        for bad in ["", "Calendly", "cal.com", "mindbody", "vagaro", "unknown"] {
            assert_eq!(WebhookProvider::from_slug(bad), None, "{bad:?}");
        }
        for unverifiable in [
            Provider::Mindbody,
            Provider::Vagaro,
            Provider::Fresha,
            Provider::Setmore,
            Provider::SimplyBook,
        ] {
            assert_eq!(WebhookProvider::from_provider(unverifiable), None);
        }
    }

    #[test]
    fn the_completion_event_is_the_configured_one_or_the_default() {
        use WebhookProvider::*;
        let cases: &[(WebhookProvider, Option<&str>, &str, bool)] = &[
            (Calendly, None, "invitee.created", true),
            (Calendly, None, "invitee.canceled", false),
            (Calendly, Some("   "), "invitee.created", true),
            (Calendly, Some("invitee.canceled"), "invitee.created", false),
            (CalCom, None, "BOOKING_CREATED", true),
            (CalCom, None, "booking_created", false),
            (CalCom, Some(" BOOKING_PAID "), "BOOKING_PAID", true),
            (Square, None, "booking.created", true),
            (Square, None, "webhooks.test_notification", false),
            (Generic, None, "booking.completed", true),
            (Generic, Some("order.paid"), "booking.completed", false),
            (Generic, Some("order.paid"), "order.paid", true),
            // Acuity: the bare action as its settings show it, or the prefixed event type.
            (Acuity, None, "appointment.scheduled", true),
            (Acuity, Some("scheduled"), "appointment.scheduled", true),
            (
                Acuity,
                Some("appointment.scheduled"),
                "appointment.scheduled",
                true,
            ),
            (Acuity, Some("changed"), "appointment.changed", true),
            (Acuity, Some("scheduled"), "appointment.canceled", false),
            (Acuity, Some("order.completed"), "order.completed", true),
            // Only Acuity's actions are read bare.
            (Generic, Some("scheduled"), "appointment.scheduled", false),
        ];
        for (provider, configured, event_type, want) in cases {
            assert_eq!(
                provider.is_completion_event(*configured, event_type),
                *want,
                "{provider:?} {configured:?} {event_type}"
            );
        }
    }

    #[test]
    fn calendly_returns_our_reference_wherever_the_business_put_it() {
        let id = "bcdefghij-_0123456789w";
        for key in ["utm_content", "utm_term", "salesforce_uuid"] {
            let body = format!(
                r#"{{"event":"invitee.created","payload":{{"uri":"https://api.calendly.com/i/1","tracking":{{"utm_source":"newsletter","{key}":"{id}"}}}}}}"#
            );
            let event = parse_event(WebhookProvider::Calendly, body.as_bytes()).unwrap();
            assert_eq!(
                event.tca_ref.as_ref().map(|r| r.as_str()),
                Some(id),
                "{key}"
            );
        }
        // A visitor's own utm_content that is not one of our ids does not hide the reference.
        let body = format!(
            r#"{{"event":"invitee.created","payload":{{"uri":"u","tracking":{{"utm_content":"hero button","utm_term":"{id}"}}}}}}"#
        );
        let event = parse_event(WebhookProvider::Calendly, body.as_bytes()).unwrap();
        assert_eq!(event.tca_ref.as_ref().map(|r| r.as_str()), Some(id));
    }

    #[test]
    fn decodes_only_canonical_padded_base64_digests() {
        // RFC 4648 alphabet edge: 0xfb 0xff … encodes with '+' and '/'.
        let all_ones = [0xff_u8; 32];
        let cases: &[(&str, Option<[u8; 32]>)] = &[
            (
                "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
                Some([0; 32]),
            ),
            (
                "//////////////////////////////////////////8=",
                Some(all_ones),
            ),
            // Non-zero trailing bits: the same bytes, spelled non-canonically.
            ("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB=", None),
            ("///////////////////////////////////////////=", None),
            // base64url, missing padding, double padding, wrong lengths, whitespace.
            ("__________________________________________8=", None),
            ("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", None),
            ("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==", None),
            ("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", None),
            (" AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", None),
            ("", None),
            ("=", None),
            ("ééééééééééééééééééééééé", None),
        ];
        for (s, want) in cases {
            assert_eq!(base64_digest(s), *want, "{s:?}");
        }
    }

    #[test]
    fn decodes_exactly_32_byte_hex_digests() {
        let digest = hmac_sha256(b"k", b"m");
        let hex = hex_encode(&digest);
        assert_eq!(hex_digest(&hex), Some(digest));
        assert_eq!(hex_digest(&hex.to_uppercase()), Some(digest));
        for bad in [
            &hex[..62],
            &format!("{hex}00"),
            &format!("{}g", &hex[..63]),
            &format!(" {}", &hex[..63]),
            "",
        ] {
            assert_eq!(hex_digest(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn timestamped_headers_keep_the_timestamp_as_sent() {
        let v1 = "ab".repeat(32);
        let thirteen_digits = format!("t=0001700000000,v1={v1}");
        assert!(parse_timestamped_header(&thirteen_digits).is_none());
        let header = format!("v1={v1},t=001700000000,v1={v1}");
        let parsed = parse_timestamped_header(&header).expect("order is free");
        assert_eq!(parsed.timestamp, "001700000000");
        assert_eq!(parsed.unix, 1_700_000_000);
        assert_eq!(parsed.signatures, vec![[0xab; 32]; 2]);
    }

    #[test]
    fn every_secret_and_candidate_pair_is_compared() {
        let secrets: [&[u8]; 3] = [b"one", b"two", b"three"];
        let sign = |secret: &[u8]| hmac_sha256(secret, b"msg");
        let calls = std::cell::Cell::new(0);
        let counting = |secret: &[u8]| {
            calls.set(calls.get() + 1);
            sign(secret)
        };
        // The first secret matches, yet all three are still computed.
        assert!(any_secret_signed(&secrets, &[sign(b"one")], counting));
        assert_eq!(calls.get(), 3);
        assert!(any_secret_signed(
            &secrets,
            &[[0; 32], sign(b"three")],
            sign
        ));
        assert!(!any_secret_signed(&secrets, &[[0; 32]], sign));
        assert!(!any_secret_signed(&secrets, &[], sign));
    }

    #[test]
    fn errors_print_no_input() {
        let all = [
            SignatureError::Missing,
            SignatureError::Malformed,
            SignatureError::Mismatch,
            SignatureError::Stale,
            SignatureError::FromTheFuture,
            SignatureError::NoSecret,
        ];
        for e in all {
            assert!(e.to_string().starts_with("webhook"), "{e:?}");
        }
        assert_eq!(
            ParseError::MissingField("payload.uri").to_string(),
            "webhook body lacks `payload.uri`"
        );
    }
}
