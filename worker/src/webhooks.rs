//! `POST /api/webhooks/external-booking/:provider?client=SLUG` — verified completion events.
//!
//! Order matters: the client and its webhook settings are looked up, the body is bounded, the
//! client is rate-limited, and the signature is verified against that client's secret over the
//! raw bytes (core `webhook::verify`, constant time) before a single byte is parsed. Only then
//! is the event read, and only the configured completion event completes a handoff — matched by
//! `tca_ref` within this client. A completion that names none of this client's handoffs is kept
//! as an *unmatched event* the admin links by hand ([`link_unmatched`]); other verified events
//! are acknowledged and ignored. Replays are acknowledged and change nothing. Payloads and
//! secrets are never logged, and refusals carry no detail.
use handoff_core::{
    id::{base64url_encode, HandoffId},
    webhook::{parse_event, verify, SignedRequest, WebhookEvent, WebhookProvider},
};
use serde_json::json;
use worker::{Request, Response};

use crate::{
    app::App,
    error::{AppError, AppResult},
    http, random,
    repo::{Client, ClientId, LinkOutcome, Transition},
    router::{dispatch, Handler, Route, Verb, POST},
    secrets,
};

/// Provider payloads are a few KB; 64 KB leaves room without inviting abuse.
pub const BODY_LIMIT: usize = 64 * 1024;

/// The dashboard and the admin API list at most this many unmatched events, unlinked first.
pub const UNMATCHED_LIST_LIMIT: u32 = 200;

/// What the provider is told: a status and one word, never why a request was refused.
fn answer(status: u16, outcome: &str) -> Response {
    http::json(status, &json!({ "outcome": outcome }))
}

/// The surface's one rendering of an error: its status and one word (never why), with the
/// headers HTTP asks for, which providers' retry logic reads.
fn refusal(e: &AppError) -> Response {
    e.log();
    let outcome = match e {
        AppError::NotFound => "not_found",
        AppError::Unauthorized => "unauthorized",
        AppError::PayloadTooLarge(_) => "payload_too_large",
        AppError::RateLimited => "rate_limited",
        AppError::MethodNotAllowed(_) => "method_not_allowed",
        _ => "unavailable",
    };
    http::error_headers(e, answer(e.status(), outcome))
}

pub(crate) const ROUTES: &[Route<Handler>] = &[Route {
    methods: POST,
    pattern: "/api/webhooks/external-booking/:provider",
    handler: |app, mut req, p| {
        Box::pin(async move {
            let outcome = receive(app, &mut req, p.get("provider")).await?;
            Ok(answer(200, outcome))
        })
    },
}];

/// `/api/webhooks/…`
pub async fn route(app: &App, req: Request, verb: Verb, path: &str) -> Response {
    dispatch(ROUTES, app, req, verb, path)
        .await
        .unwrap_or_else(|e| refusal(&e))
}

/// The webhook settings say this client accepts this provider's events.
fn accepts(client: &Client, provider: WebhookProvider) -> bool {
    let s = &client.settings;
    s.external_booking_webhook_enabled
        && s.external_booking_webhook_provider == Some(provider.provider())
}

async fn receive(app: &App, req: &mut Request, provider: &str) -> AppResult<&'static str> {
    let provider = WebhookProvider::from_slug(provider).ok_or(AppError::NotFound)?;
    let slug = http::query_param(req, "client").ok_or(AppError::NotFound)?;
    let client = app
        .repo
        .client_by_slug(&slug)
        .await?
        .ok_or(AppError::NotFound)?;
    if !accepts(&client, provider) {
        return Err(AppError::NotFound);
    }
    let body = http::read_body(req, BODY_LIMIT).await?;
    if !app.allow("WEBHOOK_LIMITER", client.id.as_str()).await {
        return Err(AppError::RateLimited);
    }

    let sealed = app.repo.sealed_webhook_secret(&client.id).await?;
    let secret = match (app.secret_bytes("SECRETS_KEY"), sealed) {
        (Some(key), Some(sealed)) => secrets::open(&key, client.id.as_str(), &sealed),
        _ => None,
    };
    let Some(secret) = secret else {
        // Configured but unusable (no secret saved, or SECRETS_KEY changed): say so in the log.
        worker::console_warn!(
            "webhook for a client without a usable secret ({})",
            provider.slug()
        );
        return Err(AppError::Unauthorized);
    };
    let url = req.url().map(|u| u.to_string()).unwrap_or_default();
    let headers = |name: &str| http::header(req, name);
    let signed = SignedRequest {
        headers: &headers,
        body: &body,
        now_unix: app.now / 1000,
        notification_url: &url,
    };
    verify(provider, &[secret.as_bytes()], &signed).map_err(|_| AppError::Unauthorized)?;

    // Verified: now the body may be read. A verified event we cannot use (a provider's test
    // ping, another event type) is acknowledged so the provider does not retry it forever.
    let Ok(event) = parse_event(provider, &body) else {
        return Ok("ignored");
    };
    let configured = client
        .settings
        .external_booking_completion_event_name
        .as_deref();
    if !provider.is_completion_event(configured, &event.event_type) {
        return Ok("ignored");
    }
    if !app
        .repo
        .record_receipt(&client.id, provider.slug(), &event.event_id, app.now)
        .await?
    {
        return Ok("duplicate");
    }
    match apply(app, &client, provider, &event).await {
        Ok(outcome) => Ok(outcome),
        Err(e) => {
            // Let the provider's retry be processed rather than acknowledged as a replay.
            let _ = app
                .repo
                .forget_receipt(&client.id, provider.slug(), &event.event_id)
                .await;
            Err(e)
        }
    }
}

/// Completes the handoff the event names, within this client; otherwise keeps it unmatched.
async fn apply(
    app: &App,
    client: &Client,
    provider: WebhookProvider,
    event: &WebhookEvent,
) -> AppResult<&'static str> {
    if let Some(handoff) = &event.tca_ref {
        let by = format!("webhook:{}", provider.slug());
        match app
            .repo
            .complete_handoff(&client.id, handoff, app.now, &by)
            .await?
        {
            Transition::Done(_) => return Ok("completed"),
            Transition::Refused(_) => return Ok("already_completed"),
            // Unknown here — including another client's handoff id: treated as unknown.
            Transition::NotFound => {}
        }
    }
    store_unmatched(app, client, provider, event).await?;
    Ok("unmatched")
}

async fn store_unmatched(
    app: &App,
    client: &Client,
    provider: WebhookProvider,
    event: &WebhookEvent,
) -> AppResult<()> {
    let id = format!("ev_{}", base64url_encode(&random::bytes16()?));
    let identifiers =
        serde_json::to_string(&event.identifiers).map_err(|e| AppError::Internal(e.to_string()))?;
    app.repo
        .store_unmatched(
            &client.id,
            &id,
            provider.slug(),
            &event.event_type,
            &event.event_id,
            &identifiers,
            app.now,
        )
        .await
}

/// Links an unmatched event to one of the same client's handoffs, which completes it
/// (`completed_by` names the provider whose verified event it was). The admin's reference
/// is the only link: nothing is matched by email or time. Used by the dashboard's
/// unmatched-events page and `POST /api/v1/admin/webhook-events/:id/link`.
pub async fn link_unmatched(
    app: &App,
    client: &ClientId,
    event_id: &str,
    handoff: &HandoffId,
) -> AppResult<LinkOutcome> {
    app.repo
        .link_unmatched(client, event_id, handoff, app.now)
        .await
}
