//! The admin JSON API, authenticated with a client's admin key (`Authorization: Bearer …`).
//! The key decides the effective client; a handoff of any other client is a plain 404.
use handoff_core::{
    attribution::Attribution, crypto::hash_admin_key, id::HandoffId, pipeline::parse_query,
    status::HandoffStatus,
};
use serde_json::{json, Value};
use worker::{Request, Response};

use crate::{
    app::App,
    error::{AppError, AppResult},
    http, links,
    repo::{ClientId, HandoffRow, LinkOutcome, Millis, Transition, UnmatchedEventRow},
    router::{find, Params, Reply, Route, Verb, GET},
    settings, webhooks,
};

/// An admin API handler: it runs for the client whose key the request carries.
type AdminHandler = for<'a> fn(&'a App, ClientId, Request, Params) -> Reply<'a>;

/// A route's handler and whether it changes anything (writes are also refused when a
/// browser says another site started them).
pub struct Admin {
    write: bool,
    run: AdminHandler,
}

const fn read(run: AdminHandler) -> Admin {
    Admin { write: false, run }
}

const fn write(run: AdminHandler) -> Admin {
    Admin { write: true, run }
}

pub(crate) const ROUTES: &[Route<Admin>] = &[
    Route {
        methods: GET,
        pattern: "/api/v1/admin/handoffs",
        handler: read(|app, client, req, _| Box::pin(list_handoffs(app, client, req))),
    },
    Route {
        methods: GET,
        pattern: "/api/v1/admin/handoffs/:id",
        handler: read(|app, client, _, p| {
            Box::pin(async move { get_handoff(app, client, p.get("id")).await })
        }),
    },
    Route {
        methods: &[Verb::Post],
        pattern: "/api/v1/admin/handoffs/:id/complete",
        handler: write(|app, client, _, p| {
            Box::pin(async move { complete_handoff(app, client, p.get("id")).await })
        }),
    },
    Route {
        methods: GET,
        pattern: "/api/v1/admin/webhook-events",
        handler: read(|app, client, _, _| Box::pin(list_webhook_events(app, client))),
    },
    Route {
        methods: &[Verb::Post],
        pattern: "/api/v1/admin/webhook-events/:id/link",
        handler: write(|app, client, req, p| {
            Box::pin(async move { link_webhook_event(app, client, req, p.get("id")).await })
        }),
    },
    Route {
        methods: GET,
        pattern: "/api/v1/admin/settings",
        handler: read(|app, client, _, _| Box::pin(get_settings(app, client))),
    },
    Route {
        methods: &[Verb::Put],
        pattern: "/api/v1/admin/settings",
        handler: write(|app, client, req, _| Box::pin(put_settings(app, client, req))),
    },
];

/// Diagnostics for the scale test, only where the bench var is set: the query plans of this
/// client's pipeline statements for the given filter.
pub(crate) const BENCH_ROUTES: &[Route<Admin>] = &[Route {
    methods: GET,
    pattern: "/api/v1/admin/diagnostics/pipeline-plan",
    handler: read(|app, client, req, _| Box::pin(pipeline_plan(app, client, req))),
}];

/// `/api/v1/admin/…`: the route, then the key (401 before anything is read), then for
/// writes the cross-site check. Errors are JSON, in English.
pub async fn route(app: &App, req: Request, verb: Verb, path: &str) -> Response {
    let table = if app.bench_baseline_enabled() && path.starts_with("/api/v1/admin/diagnostics/") {
        BENCH_ROUTES
    } else {
        ROUTES
    };
    let result = match find(table, verb, path).route() {
        Ok((route, params)) => match authorize(app, &req, route.handler.write).await {
            Ok(client) => (route.handler.run)(app, client, req, params).await,
            Err(e) => Err(e),
        },
        Err(e) => Err(e),
    };
    result.unwrap_or_else(|e| http::json_error(&e, Default::default()))
}

async fn authorize(app: &App, req: &Request, write: bool) -> AppResult<ClientId> {
    if write {
        refuse_cross_site(app, req)?;
    }
    effective_client_id(app, req).await
}

/// The client whose admin key the request carries.
pub async fn effective_client_id(app: &App, req: &Request) -> AppResult<ClientId> {
    let auth = http::header(req, "Authorization").ok_or(AppError::Unauthorized)?;
    let key = auth
        .strip_prefix("Bearer ")
        .map(str::trim)
        .ok_or(AppError::Unauthorized)?;
    if !handoff_core::id::is_admin_key_shaped(key) {
        return Err(AppError::Unauthorized);
    }
    app.repo
        .client_for_admin_key(&hash_admin_key(key))
        .await?
        .ok_or(AppError::Unauthorized)
}

/// Writes are refused when a browser says another site started them. A bearer key is not
/// an ambient credential, so this is defence in depth, not the CSRF protection itself.
fn refuse_cross_site(app: &App, req: &Request) -> AppResult<()> {
    let site = http::header(req, "Sec-Fetch-Site");
    let origin = http::header(req, "Origin");
    let own = app.edge.origin().ascii_serialization();
    if handoff_core::session::is_cross_site(site.as_deref(), origin.as_deref(), &own) {
        return Err(AppError::CrossSite);
    }
    Ok(())
}

fn iso(ms: Option<Millis>) -> Value {
    ms.map(|ms| json!(ms.iso8601())).unwrap_or(Value::Null)
}

/// Where the lead came from, as its keys; null when nothing was recorded.
pub fn attribution_json(a: &Attribution) -> Value {
    if a.is_empty() {
        return Value::Null;
    }
    Value::Object(
        a.pairs()
            .iter()
            .map(|(k, v)| (k.to_string(), json!(v)))
            .collect(),
    )
}

pub fn handoff_json(app: &App, h: &HandoffRow) -> Value {
    json!({
        "id": h.id.as_str(),
        "status": h.status.as_str(),
        "createdAt": h.created_at.iso8601(),
        "customerName": h.customer_name,
        "customerEmail": h.customer_email,
        "customerPhone": h.customer_phone,
        "requestedService": h.requested_service,
        "preferredDateTimeText": h.preferred_date_time_text,
        "notes": h.notes,
        "sourcePage": h.source_page,
        "industry": h.industry,
        "redirectedAt": iso(h.redirected_at),
        "redirectCount": h.redirect_count,
        "completedAt": iso(h.completed_at),
        "completedBy": h.completed_by,
        "abandonedAt": iso(h.abandoned_at),
        "abandonedBy": h.abandoned_by,
        "externalBookingUrlUsed": h.external_booking_url_used,
        "providerName": h.provider_name_used,
        "routeService": h.route_service,
        "consentAt": iso(h.consent_at),
        "erasedAt": iso(h.erased_at),
        "attribution": attribution_json(&h.attribution()),
        "continueUrl": links::continue_url(&app.edge, h.id.as_str()),
    })
}

/// The pipeline query of the request's URL; a bad parameter is a 400 naming it.
fn pipeline_query(req: &Request) -> AppResult<handoff_core::pipeline::PipelineQuery> {
    let url = req.url().map_err(|e| AppError::Internal(e.to_string()))?;
    let (query, errors) = parse_query(url.query_pairs());
    match errors.first() {
        Some(e) => Err(AppError::BadRequest(format!("{}: {}", e.param, e.message))),
        None => Ok(query),
    }
}

/// `GET /api/v1/admin/handoffs/:id`. A malformed id cannot exist: same answer as another
/// client's id.
async fn get_handoff(app: &App, client: ClientId, raw_id: &str) -> AppResult<Response> {
    let id = HandoffId::parse(raw_id).ok_or(AppError::NotFound)?;
    let handoff = app
        .repo
        .handoff(&client, &id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(http::json(200, &handoff_json(app, &handoff)))
}

/// `GET /api/v1/admin/diagnostics/pipeline-plan?<pipeline query>`: `EXPLAIN QUERY PLAN` of
/// exactly the statements the pipeline runs, so a test can prove they use an index.
async fn pipeline_plan(app: &App, client: ClientId, req: Request) -> AppResult<Response> {
    let query = pipeline_query(&req)?;
    let plans = app.repo.explain_pipeline(&client, &query).await?;
    let plans: serde_json::Map<String, Value> = plans
        .into_iter()
        .map(|(label, lines)| (label.to_string(), json!(lines)))
        .collect();
    Ok(http::json(200, &Value::Object(plans)))
}

/// `GET /api/v1/admin/handoffs?status=&from=&to=&industry=&source=&cursor=&limit=`:
/// the dashboard's filters and keyset pagination as JSON.
async fn list_handoffs(app: &App, client: ClientId, req: Request) -> AppResult<Response> {
    let query = pipeline_query(&req)?;
    let page = app.repo.handoff_page(&client, &query, false).await?;
    let mut counts: serde_json::Map<String, Value> = HandoffStatus::ALL
        .iter()
        .map(|s| (s.as_str().to_string(), json!(page.counts.of(*s))))
        .collect();
    counts.insert("total".into(), json!(page.counts.total()));
    counts.insert("everRedirected".into(), json!(page.counts.ever_redirected));
    Ok(http::json(
        200,
        &json!({
            "handoffs": page.handoffs.iter().map(|h| handoff_json(app, h)).collect::<Vec<_>>(),
            "nextCursor": page.next.map(|c| c.encode()),
            "counts": counts,
        }),
    ))
}

/// `POST /api/v1/admin/handoffs/:id/complete`: manual completion, by core's rules.
async fn complete_handoff(app: &App, client: ClientId, raw_id: &str) -> AppResult<Response> {
    let id = HandoffId::parse(raw_id).ok_or(AppError::NotFound)?;
    match app
        .repo
        .complete_handoff(&client, &id, app.now, "manual")
        .await?
    {
        Transition::Done(row) => Ok(http::json(200, &handoff_json(app, &row))),
        Transition::Refused(HandoffStatus::CompletedExternal) => {
            Err(AppError::Conflict("This handoff is already completed."))
        }
        Transition::Refused(_) => Err(AppError::Conflict(
            "This handoff can't be marked completed from its current status.",
        )),
        Transition::NotFound => Err(AppError::NotFound),
    }
}

const SETTINGS_BODY_LIMIT: usize = 32 * 1024;

async fn settings_body(app: &App, client: &ClientId) -> AppResult<Value> {
    let (settings, meta) = app
        .repo
        .client_settings(client)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(settings::settings_json(&settings, &meta))
}

/// `GET /api/v1/admin/settings` (never the webhook secret: only whether one is set).
async fn get_settings(app: &App, client: ClientId) -> AppResult<Response> {
    Ok(http::json(200, &settings_body(app, &client).await?))
}

/// `PUT /api/v1/admin/settings`: the whole settings object, validated exactly as the
/// dashboard's form (422 with a message per field), saved, and returned as `GET` would.
async fn put_settings(app: &App, client: ClientId, mut req: Request) -> AppResult<Response> {
    http::require_json(&req)?;
    let body = http::read_body(&mut req, SETTINGS_BODY_LIMIT).await?;
    let form = settings::SettingsForm::from_json(&body)?;
    let iframe = settings::save(app, &client, &form).await?;
    let mut saved = settings_body(app, &client).await?;
    let warnings: Vec<&str> = match iframe {
        Some(settings::IframeCheck::Blocked) => vec![
            "Your booking page blocks being shown in a frame; visitors get the redirect instead.",
        ],
        Some(settings::IframeCheck::Unknown) => vec![
            "We couldn't reach your booking page to check framing; visitors get the redirect instead.",
        ],
        _ => Vec::new(),
    };
    if let Value::Object(map) = &mut saved {
        map.insert("warnings".into(), json!(warnings));
    }
    Ok(http::json(200, &saved))
}

const LINK_BODY_LIMIT: usize = 4 * 1024;

pub fn webhook_event_json(e: &UnmatchedEventRow) -> Value {
    let identifiers: serde_json::Map<String, Value> = e
        .identifiers()
        .into_iter()
        .map(|(name, value)| (name, json!(value)))
        .collect();
    json!({
        "id": e.id,
        "provider": e.provider,
        "eventType": e.event_type,
        "receivedAt": e.received_at.iso8601(),
        "identifiers": identifiers,
        "linkedHandoffId": e.linked_handoff_id,
        "linkedAt": iso(e.linked_at),
    })
}

/// `GET /api/v1/admin/webhook-events`: verified provider events that named none of this
/// client's handoffs, unlinked first, and how many are still unlinked.
async fn list_webhook_events(app: &App, client: ClientId) -> AppResult<Response> {
    let (events, unlinked) = app
        .repo
        .unmatched_events(&client, webhooks::UNMATCHED_LIST_LIMIT)
        .await?;
    Ok(http::json(
        200,
        &json!({
            "events": events.iter().map(webhook_event_json).collect::<Vec<_>>(),
            "unlinked": unlinked,
        }),
    ))
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct LinkJson {
    handoff_id: String,
}

/// `POST /api/v1/admin/webhook-events/:id/link` with `{"handoffId": …}`: links the event to
/// that handoff and completes it. Another client's event or handoff is a plain 404.
async fn link_webhook_event(
    app: &App,
    client: ClientId,
    mut req: Request,
    event_id: &str,
) -> AppResult<Response> {
    http::require_json(&req)?;
    let body = http::read_body(&mut req, LINK_BODY_LIMIT).await?;
    let input: LinkJson = http::parse_json(&body)?;
    // A malformed id cannot exist: same answer as another client's id.
    let handoff = HandoffId::parse(input.handoff_id.trim()).ok_or(AppError::NotFound)?;
    let (outcome, handoff, event) =
        match webhooks::link_unmatched(app, &client, event_id, &handoff).await? {
            LinkOutcome::Completed(h, e) => ("completed", h, e),
            LinkOutcome::AlreadyCompleted(h, e) => ("already_completed", h, e),
            LinkOutcome::AlreadyLinked => {
                return Err(AppError::Conflict(
                    "This event is already linked to a handoff.",
                ))
            }
            LinkOutcome::EventNotFound | LinkOutcome::HandoffNotFound => {
                return Err(AppError::NotFound)
            }
        };
    Ok(http::json(
        200,
        &json!({
            "outcome": outcome,
            "event": webhook_event_json(&event),
            "handoff": handoff_json(app, &handoff),
        }),
    ))
}
