//! The public widget API: `GET /api/v1/widget-config` and `POST /api/v1/handoffs`.
//!
//! Both are cross-origin by nature (the widget runs on the business's site), so both answer
//! CORS only to the origins that client allowed, with `Vary: Origin`. The client is named by
//! its public slug and verified by that origin; no other id is accepted from the caller.
use handoff_core::{
    appearance,
    attribution::Attribution,
    copy,
    i18n::{Flat, Lang},
    lead::LeadInput,
    settings::BookingMode,
};
use serde::Deserialize;
use serde_json::json;
use worker::{Request, Response};

use crate::{
    app::App,
    capture::capture_lead,
    error::{AppError, AppResult},
    http, links,
    repo::Client,
    router::{find, Reply, Route, Verb},
    settings,
};

/// Captures are small; anything bigger is not a booking request.
pub const CAPTURE_BODY_LIMIT: usize = 8 * 1024;

/// A widget request's context, resolved once before any handler runs: the business named
/// by `?client=`, the request's Origin when that business allows it (CORS answers only to
/// it), and the visitor's language (`?lang=`, which the widget sends; English by default).
pub struct Visit {
    client: Client,
    cors: Option<String>,
    lang: Lang,
}

type WidgetHandler = for<'a> fn(&'a App, &'a Visit, Request) -> Reply<'a>;

pub(crate) const ROUTES: &[Route<WidgetHandler>] = &[
    Route {
        methods: &[Verb::Get, Verb::Options],
        pattern: "/api/v1/widget-config",
        handler: |app, visit, _| Box::pin(config(app, visit)),
    },
    Route {
        methods: &[Verb::Post, Verb::Options],
        pattern: "/api/v1/handoffs",
        handler: |app, visit, req| Box::pin(capture(app, visit, req)),
    },
];

/// `/api/v1/widget-config` and `/api/v1/handoffs`. Errors are JSON in the visitor's language,
/// with CORS when the origin is allowed so the widget can read the message; errors before the
/// client is known (a bad method, no or an unknown `?client=`) carry no CORS.
pub async fn route(app: &App, req: Request, verb: Verb, path: &str) -> Response {
    let refuse = |e: AppError| http::json_error(&e, Lang::default());
    let route = match find(ROUTES, verb, path).route() {
        Ok((route, _)) => route,
        Err(e) => return refuse(e),
    };
    let visit = match Visit::of(app, &req).await {
        Ok(visit) => visit,
        Err(e) => return refuse(e),
    };
    let cors = visit.cors.as_deref();
    if verb == Verb::Options {
        return http::preflight(cors, &route.methods_except_options());
    }
    let result = (route.handler)(app, &visit, req).await;
    http::with_cors(
        result.unwrap_or_else(|e| http::json_error(&e, visit.lang)),
        cors,
    )
}

impl Visit {
    async fn of(app: &App, req: &Request) -> AppResult<Visit> {
        let slug = http::query_param(req, "client").ok_or_else(|| {
            AppError::BadRequest(
                "Name the business with ?client=SLUG (the data-client of the script tag).".into(),
            )
        })?;
        let client = app
            .repo
            .client_by_slug(&slug)
            .await?
            .ok_or(AppError::NotFound)?;
        let cors = http::header(req, "Origin").filter(|o| client.allows_origin(o));
        let lang = http::query_param(req, "lang")
            .and_then(|tag| Lang::from_tag(&tag))
            .unwrap_or_default();
        Ok(Visit { client, cors, lang })
    }
}

async fn config(app: &App, visit: &Visit) -> AppResult<Response> {
    let client = &visit.client;
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
        // The line the visitor must tick before sending, when the business requires one:
        // the business's wording as written, else ours in the visitor's language.
        "consent": s.consent_required.then(|| {
            s.consent_text.as_deref().unwrap_or(visit.lang.pages().consent_default)
        }),
        "contact": { "email": client.contact_email, "phone": client.contact_phone },
        "fallbackUrl": links::direct_target(client, None).map(|u| u.to_string()),
        "hostedPageUrl": links::hosted_page_url(&app.edge, &client.slug),
        // The settings fields core marks public (the widget's own look, say), by their names.
        "settings": settings::public_json(s),
        "palette": settings::palette_json(s),
        // The same look as CSS for the widget's shadow root (core::appearance::widget_css).
        "look": appearance::widget_css(
            s.widget_brand_color.unwrap_or(appearance::DEFAULT_BRAND),
            s.widget_theme,
            s.widget_position,
        ),
        // Every sentence the widget says, in the visitor's language (`?lang=`), in the
        // catalogue's order (`handoff_core::i18n::Flat`): the wasm carries no language.
        "strings": strings(visit.lang),
    });
    // Settings changes must reach the next page load: revalidate every time.
    Ok(http::with_header(
        http::json(200, &body),
        "Cache-Control",
        "no-cache",
    ))
}

/// The visitor's catalogue as `widget-config` sends it.
fn strings(lang: Lang) -> Vec<&'static str> {
    let mut out = Vec::new();
    lang.strings().list(&mut out);
    out
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
    /// Where the lead came from, by core's attribution keys (for API callers).
    attribution: Option<std::collections::BTreeMap<String, String>>,
    /// The visitor's first touch as the widget's loader kept it
    /// (`Attribution::from_first_touch`); used when `attribution` is absent.
    first_touch: Option<String>,
    /// From the visitor first seeing the widget to the send, in ms (the spam check's input).
    elapsed_ms: Option<f64>,
    /// The widget's hidden field, which only a bot fills (the spam check's input).
    honeypot: Option<String>,
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

async fn capture(app: &App, visit: &Visit, mut req: Request) -> AppResult<Response> {
    let (client, lang) = (&visit.client, visit.lang);
    // A browser always sends Origin on a cross-origin POST; only the client's own sites may write.
    if visit.cors.is_none() {
        return Err(AppError::ForbiddenOrigin);
    }
    http::require_json(&req)?;
    let body = http::read_body(&mut req, CAPTURE_BODY_LIMIT).await?;
    let input: CaptureBody = http::parse_json(&body)?;
    let consent = input.consent_given.unwrap_or(false);
    let attribution = match (&input.attribution, &input.first_touch) {
        (None, Some(touch)) => Attribution::from_first_touch(touch),
        (pairs, _) => Attribution::from_pairs(
            pairs
                .iter()
                .flatten()
                .map(|(k, v)| (k.as_str(), v.as_str())),
        )
        .map_err(|_| {
            AppError::BadRequest(
                "The request body has an invalid field: attribution has an unknown key.".into(),
            )
        })?,
    };
    let lead = LeadInput::from(&input);
    let captured = capture_lead(app, &req, client, &lead, consent, lang, &attribution).await?;

    let s = &client.settings;
    let body = match captured.continue_url {
        Some(continue_url) => json!({
            "id": captured.id.as_str(),
            "status": "new",
            "bookingMode": "external",
            "continueUrl": continue_url,
            "providerName": captured.provider_name,
            "copy": copy::handoff_copy(lang.strings(), captured.provider_name.as_deref()),
            "disclaimer": s.external_booking_disclaimer,
        }),
        None => json!({
            "id": captured.id.as_str(),
            "status": "new",
            "bookingMode": "internal",
            "copy": copy::request_only_copy(lang.strings(), &client.name),
        }),
    };
    Ok(http::json(201, &body))
}
