//! Lead forwarding: a client's own endpoint receives `handoff.created`, `handoff.redirected`
//! and `handoff.completed`, signed per the Standard Webhooks convention
//! (<https://www.standardwebhooks.com/>): headers `webhook-id`, `webhook-timestamp` (Unix
//! seconds) and `webhook-signature: v1,<base64 HMAC-SHA256>` over `id.timestamp.body`, keyed
//! with the bytes of a `whsec_<base64>` secret. Retries follow the convention's schedule.

use serde_json::{json, Value};

use crate::{
    crypto::{base64_decode, base64_encode, hmac_sha256},
    time::iso8601_from_millis,
};

pub const SECRET_PREFIX: &str = "whsec_";
pub const SECRET_INVALID: &str =
    "Use a signing secret like whsec_ followed by 24 to 64 bytes in base64 (use the one suggested).";
pub const SECRET_REQUIRED: &str =
    "Forwarding needs a signing secret: keep the suggested one or paste your own.";
/// Seconds after the first attempt: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.
const RETRY_DELAYS_SECS: [i64; 7] = [5, 300, 1800, 7200, 18_000, 36_000, 36_000];
/// A response body is not read beyond this, nor stored.
pub const ERROR_TEXT_MAX: usize = 200;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ForwardEvent {
    Created,
    Redirected,
    Completed,
}

impl ForwardEvent {
    pub fn as_str(self) -> &'static str {
        match self {
            ForwardEvent::Created => "handoff.created",
            ForwardEvent::Redirected => "handoff.redirected",
            ForwardEvent::Completed => "handoff.completed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            ForwardEvent::Created,
            ForwardEvent::Redirected,
            ForwardEvent::Completed,
        ]
        .into_iter()
        .find(|e| e.as_str() == s)
    }
}

/// The signing key inside a `whsec_<base64>` secret: 24 to 64 bytes.
pub fn secret_key(secret: &str) -> Option<Vec<u8>> {
    let key = base64_decode(secret.trim().strip_prefix(SECRET_PREFIX)?)?;
    (24..=64).contains(&key.len()).then_some(key)
}

/// A new secret from 32 random bytes.
pub fn new_secret(random: &[u8; 32]) -> String {
    format!("{SECRET_PREFIX}{}", base64_encode(random))
}

/// `v1,<base64>` for this message; `None` when the secret is malformed.
pub fn signature(secret: &str, msg_id: &str, timestamp_secs: i64, body: &str) -> Option<String> {
    let key = secret_key(secret)?;
    let signed = format!("{msg_id}.{timestamp_secs}.{body}");
    Some(format!(
        "v1,{}",
        base64_encode(&hmac_sha256(&key, signed.as_bytes()))
    ))
}

/// When to try again after `attempts` failed attempts (counting the first), or `None`: give up.
pub fn next_attempt_at(now_ms: i64, attempts: u32) -> Option<i64> {
    let delay = RETRY_DELAYS_SECS.get(attempts.checked_sub(1)? as usize)?;
    Some(now_ms + delay * 1000)
}

/// Only a 2xx acknowledges a delivery (the convention: anything else is retried).
pub fn acknowledged(status: u16) -> bool {
    (200..300).contains(&status)
}

/// A handoff as it is forwarded: what the business's own dashboard shows about it.
pub struct ForwardHandoff<'a> {
    pub id: &'a str,
    pub status: &'a str,
    pub created_at: i64,
    pub customer_name: &'a str,
    pub customer_email: Option<&'a str>,
    pub customer_phone: Option<&'a str>,
    pub requested_service: Option<&'a str>,
    pub preferred_date_time_text: Option<&'a str>,
    pub notes: Option<&'a str>,
    pub source_page: Option<&'a str>,
    pub provider_name: Option<&'a str>,
    pub redirected_at: Option<i64>,
    pub completed_at: Option<i64>,
    pub erased: bool,
    /// Where the lead came from (attribution key, value), in the API's key order.
    pub attribution: &'a [(&'static str, String)],
}

/// The JSON body: `{type, timestamp, data}` as the convention recommends. The data is the
/// handoff as it is when delivered, so a retry after an erasure sends no erased data.
pub fn payload(event: ForwardEvent, occurred_at: i64, h: &ForwardHandoff) -> String {
    let time = |ms: Option<i64>| ms.map(iso8601_from_millis).map_or(Value::Null, Value::from);
    json!({
        "type": event.as_str(),
        "timestamp": iso8601_from_millis(occurred_at),
        "data": {
            "id": h.id,
            "status": h.status,
            "createdAt": iso8601_from_millis(h.created_at),
            "customerName": h.customer_name,
            "customerEmail": h.customer_email,
            "customerPhone": h.customer_phone,
            "requestedService": h.requested_service,
            "preferredDateTimeText": h.preferred_date_time_text,
            "notes": h.notes,
            "sourcePage": h.source_page,
            "providerName": h.provider_name,
            "redirectedAt": time(h.redirected_at),
            "completedAt": time(h.completed_at),
            "erased": h.erased,
            "attribution": if h.attribution.is_empty() {
                Value::Null
            } else {
                Value::Object(h.attribution.iter().map(|(k, v)| (k.to_string(), Value::from(v.as_str()))).collect())
            },
        }
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    // The Standard Webhooks reference vector (their libraries' test suites).
    const SPEC_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const SPEC_ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const SPEC_TS: i64 = 1_614_265_330;
    const SPEC_BODY: &str = r#"{"test": 2432232314}"#;
    const SPEC_SIGNATURE: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    #[test]
    fn signs_the_standard_webhooks_reference_vector() {
        assert_eq!(
            signature(SPEC_SECRET, SPEC_ID, SPEC_TS, SPEC_BODY).as_deref(),
            Some(SPEC_SIGNATURE)
        );
        // Any change to id, time or body changes the signature.
        assert_ne!(
            signature(SPEC_SECRET, "msg_other", SPEC_TS, SPEC_BODY).as_deref(),
            Some(SPEC_SIGNATURE)
        );
        assert_ne!(
            signature(SPEC_SECRET, SPEC_ID, SPEC_TS + 1, SPEC_BODY).as_deref(),
            Some(SPEC_SIGNATURE)
        );
        assert_ne!(
            signature(SPEC_SECRET, SPEC_ID, SPEC_TS, r#"{"test": 2432232315}"#).as_deref(),
            Some(SPEC_SIGNATURE)
        );
    }

    #[test]
    fn secrets_are_whsec_base64_of_24_to_64_bytes() {
        let fresh = new_secret(&[7u8; 32]);
        assert!(fresh.starts_with("whsec_"));
        assert_eq!(secret_key(&fresh), Some(vec![7u8; 32]));
        for bad in [
            "",
            "whsec_",
            "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "whsec_not base64!",
            "whsec_c2hvcnQ=",
            &format!("whsec_{}", base64_encode(&[1u8; 65])),
        ] {
            assert_eq!(secret_key(bad), None, "{bad}");
            assert_eq!(signature(bad, SPEC_ID, SPEC_TS, SPEC_BODY), None);
        }
    }

    #[test]
    fn retries_on_the_conventions_schedule_then_gives_up() {
        let t = 1_000_000;
        let delays: Vec<Option<i64>> = (1..=8)
            .map(|n| next_attempt_at(t, n).map(|at| (at - t) / 1000))
            .collect();
        assert_eq!(
            delays,
            [
                Some(5),
                Some(300),
                Some(1800),
                Some(7200),
                Some(18_000),
                Some(36_000),
                Some(36_000),
                None
            ]
        );
        assert_eq!(next_attempt_at(t, 0), None);
        assert!(
            acknowledged(200)
                && acknowledged(204)
                && !acknowledged(301)
                && !acknowledged(410)
                && !acknowledged(500)
        );
    }

    #[test]
    fn the_payload_is_the_handoff_as_delivered() {
        let h = ForwardHandoff {
            id: "AAAAAAAAAAAAAAAAAAAAAA",
            status: "redirected",
            created_at: 0,
            customer_name: "Ada \"Countess\" Lovelace",
            customer_email: Some("ada@example.com"),
            customer_phone: None,
            requested_service: Some("Massage"),
            preferred_date_time_text: None,
            notes: Some("line\nbreak"),
            source_page: None,
            provider_name: Some("Vagaro"),
            redirected_at: Some(60_000),
            completed_at: None,
            erased: false,
            attribution: &[
                ("utmSource", "newsletter".into()),
                ("gclid", "TEST123".into()),
            ],
        };
        let body: Value =
            serde_json::from_str(&payload(ForwardEvent::Redirected, 60_000, &h)).unwrap();
        assert_eq!(body["type"], "handoff.redirected");
        assert_eq!(body["timestamp"], "1970-01-01T00:01:00.000Z");
        assert_eq!(body["data"]["customerName"], "Ada \"Countess\" Lovelace");
        assert_eq!(body["data"]["notes"], "line\nbreak");
        assert_eq!(body["data"]["redirectedAt"], "1970-01-01T00:01:00.000Z");
        assert_eq!(body["data"]["completedAt"], Value::Null);
        assert_eq!(
            body["data"]["attribution"],
            serde_json::json!({"utmSource": "newsletter", "gclid": "TEST123"})
        );
        assert_eq!(
            ForwardEvent::parse("handoff.completed"),
            Some(ForwardEvent::Completed)
        );
        assert_eq!(ForwardEvent::parse("handoff.deleted"), None);
    }
}
