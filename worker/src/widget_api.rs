//! The public widget API: `GET /api/v1/widget-config` and `POST /api/v1/handoffs`.
//!
//! Both are cross-origin by nature (the widget runs on the business's site), so both answer
//! CORS only to the origins that client allowed, with `Vary: Origin`. The client is named by
//! its public slug and verified by that origin; no other id is accepted from the caller.
use handoff_core::{copy, i18n::Lang, lead::LeadInput, settings::BookingMode};
use serde::Deserialize;
use serde_json::json;
use worker::{Method, Request, Response};

use crate::{
    app::App,
    capture::capture_lead,
    error::{AppError, AppResult},
    http, links,
    repo::Client,
};

/// Captures are small; anything bigger is not a booking request.
pub const CAPTURE_BODY_LIMIT: usize = 8 * 1024;

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

/// The client named by `?client=`, and the request's Origin when that client allows it — or
/// the finished response: an error, or the answer to a CORS preflight for `methods`.
async fn client_and_cors(
    app: &App,
    req: &Request,
    methods: &str,
) -> Result<(Client, Option<String>), Response> {
    let origin = http::header(req, "Origin");
    let client = client_from_query(app, req)
        .await
        .map_err(|e| respond(Err(e), None))?;
    let cors = allowed_origin(&client, &origin).map(str::to_string);
    if req.method() == Method::Options {
        return Err(http::preflight(cors.as_deref(), methods));
    }
    Ok((client, cors))
}

pub async fn config(app: &App, req: Request) -> Response {
    let (client, cors) = match client_and_cors(app, &req, "GET").await {
        Ok(found) => found,
        Err(resp) => return resp,
    };
    let cors = cors.as_deref();
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
        "services": s.quick_replies(),
        // The line the visitor must tick before sending, when the business requires one
        // (`text`: the business's wording, or null for ours, given in every language we speak).
        "consent": s.consent_required.then(|| json!({
            "text": s.consent_text,
            "default": Lang::ALL
                .iter()
                .map(|l| (l.tag().to_string(), json!(l.pages().consent_default)))
                .collect::<serde_json::Map<_, _>>(),
        })),
        "contact": { "email": client.contact_email, "phone": client.contact_phone },
        "fallbackUrl": links::direct_target(&client, None).map(|u| u.to_string()),
        "hostedPageUrl": links::hosted_page_url(&app.edge, &client.slug),
    });
    // Settings changes must reach the next page load: revalidate every time.
    let resp = http::with_header(http::json(200, &body), "Cache-Control", "no-cache");
    respond(Ok(resp), cors)
}

/// The capture body: exactly the API's field names, nothing else (unknown or duplicate
/// fields are a 400, so a typo never silently drops data).
#[derive(Deserialize, Default, Clone)]
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
    /// The visitor ticked the business's consent line (only asked when it requires one).
    consent_given: Option<bool>,
}

impl From<&CaptureBody> for LeadInput {
    fn from(b: &CaptureBody) -> Self {
        let b = b.clone();
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
    let (client, cors) = match client_and_cors(app, &req, "POST").await {
        Ok(found) => found,
        Err(resp) => return resp,
    };
    let origin = http::header(&req, "Origin");
    let cors = cors.as_deref();
    // `?lang=` (the widget sends its own): the copy and the visitor-facing errors. English by default.
    let lang = http::query_param(&req, "lang")
        .and_then(|tag| Lang::from_tag(&tag))
        .unwrap_or_default();
    let result = capture_for(
        app,
        &mut req,
        &client,
        origin.as_deref(),
        cors.is_some(),
        lang,
    )
    .await;
    http::with_cors(result.unwrap_or_else(|e| e.json_response_in(lang)), cors)
}

async fn capture_for(
    app: &App,
    req: &mut Request,
    client: &Client,
    origin: Option<&str>,
    origin_allowed: bool,
    lang: Lang,
) -> AppResult<Response> {
    // A browser always sends Origin on a cross-origin POST; only the client's own sites may write.
    if origin.is_none() || !origin_allowed {
        return Err(AppError::ForbiddenOrigin);
    }
    http::require_json(req)?;
    let body = http::read_body(req, CAPTURE_BODY_LIMIT).await?;
    let input: CaptureBody = http::parse_json(&body)?;
    let consent = input.consent_given.unwrap_or(false);
    let captured = capture_lead(app, req, client, &(&input).into(), consent, lang).await?;

    let s = &client.settings;
    let body = match captured.continue_url {
        Some(continue_url) => json!({
            "id": captured.id.as_str(),
            "status": "new",
            "bookingMode": "external",
            "continueUrl": continue_url,
            "providerName": captured.provider_name,
            "copy": copy::handoff_copy(lang, captured.provider_name.as_deref()),
            "disclaimer": s.external_booking_disclaimer,
        }),
        None => json!({
            "id": captured.id.as_str(),
            "status": "new",
            "bookingMode": "internal",
            "copy": copy::request_only_copy(lang, &client.name),
        }),
    };
    Ok(http::json(201, &body))
}
