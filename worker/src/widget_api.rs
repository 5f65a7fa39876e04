//! The public widget API: `GET /api/v1/widget-config` and `POST /api/v1/handoffs`.
//!
//! Both are cross-origin by nature (the widget runs on the business's site), so both answer
//! CORS only to the origins that client allowed, with `Vary: Origin`. The client is named by
//! its public slug and verified by that origin; no other id is accepted from the caller.
use handoff_core::{
    copy,
    crypto::hash_ip,
    id::HandoffId,
    lead::{validate_lead, LeadInput},
    redirect::Prefill,
    settings::BookingMode,
};
use serde::Deserialize;
use serde_json::json;
use worker::{Method, Request, Response};

use crate::{
    app::App,
    error::{AppError, AppResult},
    http, links, random,
    repo::{Client, NewHandoff},
};

/// Captures are small; anything bigger is not a booking request.
pub const CAPTURE_BODY_LIMIT: usize = 8 * 1024;
const USER_AGENT_MAX_CHARS: usize = 200;

/// The request's Origin when the client allows it.
fn allowed_origin<'a>(client: &Client, origin: &'a Option<String>) -> Option<&'a str> {
    origin.as_deref().filter(|o| client.allows_origin(o))
}

async fn client_from_query(app: &App, req: &Request) -> AppResult<Client> {
    let slug = http::query_param(req, "client").ok_or_else(|| {
        AppError::BadRequest(
            "Name the business with ?client=SLUG (the data-client of the script tag).".into(),
        )
    })?;
    app.repo
        .client_by_slug(&slug)
        .await?
        .ok_or(AppError::NotFound)
}

/// Answers API errors as JSON, with CORS when the origin is allowed so the widget can read
/// the message.
fn respond(result: AppResult<Response>, cors: Option<&str>) -> Response {
    http::with_cors(result.unwrap_or_else(|e| e.json_response()), cors)
}

pub async fn config(app: &App, req: Request) -> Response {
    let origin = http::header(&req, "Origin");
    let client = match client_from_query(app, &req).await {
        Ok(c) => c,
        Err(e) => return respond(Err(e), None),
    };
    let cors = allowed_origin(&client, &origin);
    if req.method() == Method::Options {
        return http::preflight(cors, "GET");
    }
    let s = &client.settings;
    let body = json!({
        "client": client.slug,
        "businessName": client.name,
        "bookingMode": s.booking_mode.as_str(),
        "bookingAvailable": s.booking_mode == BookingMode::Internal || s.booking_available(),
        "providerName": s.external_booking_provider_name,
        "embedMode": s.external_booking_embed_mode.as_str(),
        "iframeAllowed": client.iframe_check.as_deref() == Some("allowed"),
        "disclaimer": s.external_booking_disclaimer,
        "services": s.services,
        "contact": { "email": client.contact_email, "phone": client.contact_phone },
        "fallbackUrl": links::direct_target(&client).map(|u| u.to_string()),
        "hostedPageUrl": links::hosted_page_url(&app.edge, &client.slug),
    });
    // Settings changes must reach the next page load: revalidate every time.
    let resp = http::with_header(http::json(200, &body), "Cache-Control", "no-cache");
    respond(Ok(resp), cors)
}

/// The capture body: exactly the API's field names, nothing else (unknown or duplicate
/// fields are a 400, so a typo never silently drops data).
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
struct CaptureBody {
    customer_name: Option<String>,
    customer_email: Option<String>,
    customer_phone: Option<String>,
    requested_service: Option<String>,
    preferred_date_time_text: Option<String>,
    notes: Option<String>,
    source_page: Option<String>,
    industry: Option<String>,
}

impl From<CaptureBody> for LeadInput {
    fn from(b: CaptureBody) -> Self {
        LeadInput {
            customer_name: b.customer_name.unwrap_or_default(),
            customer_email: b.customer_email.unwrap_or_default(),
            customer_phone: b.customer_phone.unwrap_or_default(),
            requested_service: b.requested_service.unwrap_or_default(),
            preferred_date_time_text: b.preferred_date_time_text.unwrap_or_default(),
            notes: b.notes.unwrap_or_default(),
            source_page: b.source_page.unwrap_or_default(),
            industry: b.industry.unwrap_or_default(),
        }
    }
}

pub async fn capture(app: &App, mut req: Request) -> Response {
    let origin = http::header(&req, "Origin");
    let client = match client_from_query(app, &req).await {
        Ok(c) => c,
        Err(e) => return respond(Err(e), None),
    };
    let cors = allowed_origin(&client, &origin);
    if req.method() == Method::Options {
        return http::preflight(cors, "POST");
    }
    let result = capture_for(app, &mut req, &client, origin.as_deref(), cors.is_some()).await;
    respond(result, cors)
}

async fn capture_for(
    app: &App,
    req: &mut Request,
    client: &Client,
    origin: Option<&str>,
    origin_allowed: bool,
) -> AppResult<Response> {
    // A browser always sends Origin on a cross-origin POST; only the client's own sites may write.
    if origin.is_none() || !origin_allowed {
        return Err(AppError::ForbiddenOrigin);
    }
    http::require_json(req)?;
    let body = http::read_body(req, CAPTURE_BODY_LIMIT).await?;

    let ip_hash = http::header(req, "CF-Connecting-IP")
        .and_then(|ip| app.ip_salt().map(|salt| hash_ip(&salt, &ip)));
    let limiter_key = format!(
        "{}:{}",
        client.id.as_str(),
        ip_hash.as_deref().unwrap_or("-")
    );
    if !app.allow_capture(&limiter_key).await {
        return Err(AppError::RateLimited);
    }

    let input: CaptureBody = http::parse_json(&body)?;
    let lead =
        validate_lead(&input.into()).map_err(|errors| AppError::from_field_errors(&errors))?;

    let s = &client.settings;
    let external = s.booking_mode == BookingMode::External;
    if external && !s.booking_available() {
        return Err(AppError::BookingUnavailable);
    }

    let id = HandoffId::from_bytes(&random::bytes16()?);
    let visitor = Prefill {
        name: &lead.customer_name,
        email: lead.customer_email.as_deref(),
        phone: lead.customer_phone.as_deref(),
        notes: lead.notes.as_deref(),
    };
    let planned = links::handoff_target(client, id.as_str(), visitor).map(|u| u.to_string());
    let user_agent = http::header(req, "User-Agent")
        .map(|ua| ua.chars().take(USER_AGENT_MAX_CHARS).collect::<String>());
    let new = NewHandoff {
        id: &id,
        created_at: app.now,
        lead: &lead,
        planned_url: planned.as_deref(),
        user_agent: user_agent.as_deref(),
        ip_hash: ip_hash.as_deref(),
    };
    if let Err(e) = app.repo.insert_handoff(&client.id, &new).await {
        // The visitor can still book: hand them the provider link without our reference.
        return Err(AppError::CaptureFailed {
            cause: e.to_string(),
            fallback_url: links::direct_target(client).map(|u| u.to_string()),
        });
    }

    let body = if external {
        json!({
            "id": id.as_str(),
            "status": "new",
            "bookingMode": "external",
            "continueUrl": links::continue_url(&app.edge, id.as_str()),
            "providerName": s.external_booking_provider_name,
            "copy": copy::handoff_copy(s.external_booking_provider_name.as_deref()),
            "disclaimer": s.external_booking_disclaimer,
        })
    } else {
        json!({
            "id": id.as_str(),
            "status": "new",
            "bookingMode": "internal",
            "copy": copy::request_only_copy(&client.name),
        })
    };
    Ok(http::json(201, &body))
}
