//! Lead forwarding: delivers the outbox the triggers fill (`forward_deliveries`) to
//! each client's own endpoint, signed per Standard Webhooks (core's `forward` module decides
//! the payload, signature and retry schedule). It never runs in a visitor's request path: a
//! capture hands the first attempt to `waitUntil`, the scheduled job retries with backoff.
use std::time::Duration;

use handoff_core::forward::{
    acknowledged, next_attempt_at, payload, signature, ForwardEvent, ForwardHandoff, ERROR_TEXT_MAX,
};
use worker::{AbortController, Env, Fetch, Headers, Method, Request, RequestInit};

use crate::{
    http::within,
    repo::{AttemptOutcome, ClientId, DueDelivery, Millis, Repo},
    secrets,
};

/// A receiver gets this long to answer (the convention suggests a short timeout).
const TIMEOUT: Duration = Duration::from_secs(10);
/// Deliveries per run: bounded so one run stays well inside a Worker's limits.
pub const BATCH: usize = 25;

/// Sends every due delivery (of one client, or of all), oldest first, on its channel (the
/// client's endpoint, or an email alert linking to `edge`'s dashboard); returns how many were
/// acknowledged. Failures are recorded per delivery and never stop the others.
pub async fn deliver_due(
    env: &Env,
    client: Option<&ClientId>,
    now: i64,
    edge: Option<&url::Url>,
) -> usize {
    let repo = match Repo::new(env) {
        Ok(repo) => repo,
        Err(e) => {
            e.log();
            return 0;
        }
    };
    let due = match repo.due_deliveries(client, now, BATCH).await {
        Ok(due) => due,
        Err(e) => {
            e.log();
            return 0;
        }
    };
    let key = env
        .secret("SECRETS_KEY")
        .ok()
        .map(|s| s.to_string().into_bytes())
        .filter(|k| !k.is_empty());
    let mut delivered = 0;
    for d in &due {
        let outcome = match d.channel.as_str() {
            "email" => crate::alerts::send(env, d, edge, now).await,
            _ => attempt(d, key.as_deref(), now).await,
        };
        if matches!(outcome, AttemptOutcome::Delivered { .. }) {
            delivered += 1;
        }
        if let Err(e) = repo.record_attempt(d, &outcome, now).await {
            e.log();
        }
    }
    delivered
}

/// One attempt; what went wrong is said without the payload or the secret.
async fn attempt(d: &DueDelivery, secrets_key: Option<&[u8]>, now: i64) -> AttemptOutcome {
    let attempts = d.attempts + 1;
    let fail = |status: Option<u16>, error: String| match next_attempt_at(now, attempts) {
        Some(next_at) => AttemptOutcome::Retry {
            status,
            error,
            next_at,
        },
        None => AttemptOutcome::GaveUp { status, error },
    };
    let (Some(url), true) = (d.forward_url.as_deref(), d.forward_enabled) else {
        return AttemptOutcome::GaveUp {
            status: None,
            error: "Forwarding is turned off.".into(),
        };
    };
    let secret = match (secrets_key, d.forward_secret.as_deref()) {
        (Some(key), Some(sealed)) => secrets::open(key, d.client_id.as_str(), sealed),
        _ => None,
    };
    let Some(secret) = secret else {
        return fail(
            None,
            "No usable signing secret: save it again in Settings.".into(),
        );
    };
    let Some(event) = ForwardEvent::parse(&d.event_type) else {
        return AttemptOutcome::GaveUp {
            status: None,
            error: "Unknown event type.".into(),
        };
    };
    let h = &d.handoff;
    let attribution = h.attribution();
    let body = payload(
        event,
        d.occurred_at.get(),
        &ForwardHandoff {
            id: h.id.as_str(),
            status: h.status.as_str(),
            created_at: h.created_at.get(),
            customer_name: &h.customer_name,
            customer_email: h.customer_email.as_deref(),
            customer_phone: h.customer_phone.as_deref(),
            requested_service: h.requested_service.as_deref(),
            preferred_date_time_text: h.preferred_date_time_text.as_deref(),
            notes: h.notes.as_deref(),
            source_page: h.source_page.as_deref(),
            provider_name: h.provider_name_used.as_deref(),
            redirected_at: h.redirected_at.map(Millis::get),
            completed_at: h.completed_at.map(Millis::get),
            erased: h.erased_at.is_some(),
            attribution: attribution.pairs(),
        },
    );
    let timestamp = now / 1000;
    let Some(signed) = signature(&secret, &d.delivery_id, timestamp, &body) else {
        return fail(
            None,
            "The signing secret is malformed: save a new one in Settings.".into(),
        );
    };
    match post(url, &d.delivery_id, timestamp, &signed, body).await {
        Ok(status) if acknowledged(status) => AttemptOutcome::Delivered { status },
        Ok(status) => fail(
            Some(status),
            format!("The endpoint answered HTTP {status}."),
        ),
        Err(error) => fail(None, error),
    }
}

async fn post(
    url: &str,
    id: &str,
    timestamp: i64,
    signed: &str,
    body: String,
) -> Result<u16, String> {
    let headers = Headers::new();
    for (name, value) in [
        ("Content-Type", "application/json"),
        ("User-Agent", "Handoff-Webhooks/1.0"),
        ("webhook-id", id),
        ("webhook-timestamp", &timestamp.to_string()),
        ("webhook-signature", signed),
    ] {
        headers
            .set(name, value)
            .map_err(|_| "Could not build the request.".to_string())?;
    }
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_headers(headers)
        .with_body(Some(body.into()));
    let request = Request::new_with_init(url, &init)
        .map_err(|_| "The forwarding URL could not be used.".to_string())?;
    let controller = AbortController::default();
    let signal = controller.signal();
    match within(Fetch::Request(request).send_with_signal(&signal), TIMEOUT).await {
        Some(Ok(resp)) => Ok(resp.status_code()),
        Some(Err(e)) => Err(truncate(&format!("No response: {e}"))),
        None => {
            controller.abort();
            Err(format!("No response within {} s.", TIMEOUT.as_secs()))
        }
    }
}

fn truncate(s: &str) -> String {
    s.chars().take(ERROR_TEXT_MAX).collect()
}
