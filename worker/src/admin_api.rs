//! The admin JSON API, authenticated with a client's admin key (`Authorization: Bearer …`).
//! The key decides the effective client; a handoff of any other client is a plain 404.
use handoff_core::{
    crypto::hash_admin_key, id::HandoffId, pipeline::parse_query, status::HandoffStatus,
    time::iso8601_from_millis,
};
use serde_json::{json, Value};
use worker::{Method, Request, Response};

use crate::{
    app::App,
    dashboard::settings,
    error::{AppError, AppResult},
    http, links,
    repo::{ClientId, HandoffRow, LinkOutcome, Transition, UnmatchedEventRow},
    webhooks,
};

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

fn iso(ms: Option<f64>) -> Value {
    ms.map(|ms| json!(iso8601_from_millis(ms as i64)))
        .unwrap_or(Value::Null)
}

pub fn handoff_json(app: &App, h: &HandoffRow) -> Value {
    json!({
        "id": h.id,
        "status": h.status,
        "createdAt": iso8601_from_millis(h.created_at as i64),
        "customerName": h.customer_name,
        "customerEmail": h.customer_email,
        "customerPhone": h.customer_phone,
        "requestedService": h.requested_service,
        "preferredDateTimeText": h.preferred_date_time_text,
        "notes": h.notes,
        "sourcePage": h.source_page,
        "industry": h.industry,
        "redirectedAt": iso(h.redirected_at),
        "redirectCount": h.redirect_count as i64,
        "completedAt": iso(h.completed_at),
        "completedBy": h.completed_by,
        "abandonedAt": iso(h.abandoned_at),
        "abandonedBy": h.abandoned_by,
        "externalBookingUrlUsed": h.external_booking_url_used,
        "providerName": h.provider_name_used,
        "routeService": h.route_service,
        "consentAt": iso(h.consent_at),
        "erasedAt": iso(h.erased_at),
        "continueUrl": links::continue_url(&app.edge, &h.id),
    })
}

pub async fn get_handoff(app: &App, req: &Request, raw_id: &str) -> Response {
    let result = async {
        let client = effective_client_id(app, req).await?;
        // A malformed id cannot exist: same answer as another client's id.
        let id = HandoffId::parse(raw_id).ok_or(AppError::NotFound)?;
        let handoff = app
            .repo
            .handoff(&client, &id)
            .await?
            .ok_or(AppError::NotFound)?;
        Ok::<_, AppError>(http::json(200, &handoff_json(app, &handoff)))
    }
    .await;
    result.unwrap_or_else(|e| e.json_response())
}

/// `/api/v1/admin/…`
pub async fn route(app: &App, req: Request, rest: &[&str]) -> Response {
    match rest {
        ["handoffs"] => match http::only(&req, &[Method::Get], "GET") {
            Some(resp) => resp,
            None => list_handoffs(app, &req).await,
        },
        ["handoffs", id] => match http::only(&req, &[Method::Get], "GET") {
            Some(resp) => resp,
            None => get_handoff(app, &req, id).await,
        },
        ["handoffs", id, "complete"] => match http::only(&req, &[Method::Post], "POST") {
            Some(resp) => resp,
            None => complete_handoff(app, &req, id).await,
        },
        ["webhook-events"] => match http::only(&req, &[Method::Get], "GET") {
            Some(resp) => resp,
            None => list_webhook_events(app, &req).await,
        },
        ["webhook-events", id, "link"] => match http::only(&req, &[Method::Post], "POST") {
            Some(resp) => resp,
            None => link_webhook_event(app, req, id).await,
        },
        ["settings"] => match http::only(&req, &[Method::Get, Method::Put], "GET, PUT") {
            Some(resp) => resp,
            None if req.method() == Method::Get => get_settings(app, &req).await,
            None => put_settings(app, req).await,
        },
        // Diagnostics for the scale test, only where the bench var is set: the query plans
        // of this client's pipeline statements for the given filter.
        ["diagnostics", "pipeline-plan"] if app.bench_baseline_enabled() => {
            match http::only(&req, &[Method::Get], "GET") {
                Some(resp) => resp,
                None => pipeline_plan(app, &req).await,
            }
        }
        _ => AppError::NotFound.json_response(),
    }
}

/// `GET /api/v1/admin/diagnostics/pipeline-plan?<pipeline query>`: `EXPLAIN QUERY PLAN` of
/// exactly the statements the pipeline runs, so a test can prove they use an index.
async fn pipeline_plan(app: &App, req: &Request) -> Response {
    let result = async {
        let client = effective_client_id(app, req).await?;
        let url = req.url().map_err(|e| AppError::Internal(e.to_string()))?;
        let (query, errors) = parse_query(url.query_pairs());
        if let Some(e) = errors.first() {
            return Err(AppError::BadRequest(format!("{}: {}", e.param, e.message)));
        }
        let plans = app.repo.explain_pipeline(&client, &query).await?;
        let plans: serde_json::Map<String, Value> = plans
            .into_iter()
            .map(|(label, lines)| (label.to_string(), json!(lines)))
            .collect();
        Ok::<_, AppError>(http::json(200, &Value::Object(plans)))
    }
    .await;
    result.unwrap_or_else(|e| e.json_response())
}

// ---- dashboard and admin API (issue 3) ----

/// Writes are refused when a browser says another site started them. A bearer key is not
/// an ambient credential, so this is defence in depth, not the CSRF protection itself.
fn refuse_cross_site(app: &App, req: &Request) -> Option<Response> {
    let site = http::header(req, "Sec-Fetch-Site");
    let origin = http::header(req, "Origin");
    let own = app.edge.origin().ascii_serialization();
    handoff_core::session::is_cross_site(site.as_deref(), origin.as_deref(), &own).then(|| {
        http::json(
            403,
            &json!({
                "error": "cross_site",
                "message": "Requests started by another website are refused.",
            }),
        )
    })
}

/// `GET /api/v1/admin/handoffs?status=&from=&to=&industry=&source=&cursor=&limit=`:
/// the dashboard's filters and keyset pagination as JSON.
pub async fn list_handoffs(app: &App, req: &Request) -> Response {
    let result = async {
        let client = effective_client_id(app, req).await?;
        let url = req.url().map_err(|e| AppError::Internal(e.to_string()))?;
        let (query, errors) = parse_query(url.query_pairs());
        if let Some(e) = errors.first() {
            return Err(AppError::BadRequest(format!("{}: {}", e.param, e.message)));
        }
        let page = app.repo.handoff_page(&client, &query, false).await?;
        let mut counts: serde_json::Map<String, Value> = HandoffStatus::ALL
            .iter()
            .map(|s| (s.as_str().to_string(), json!(page.counts.of(*s))))
            .collect();
        counts.insert("total".into(), json!(page.counts.total()));
        counts.insert("everRedirected".into(), json!(page.counts.ever_redirected));
        Ok::<_, AppError>(http::json(
            200,
            &json!({
                "handoffs": page.handoffs.iter().map(|h| handoff_json(app, h)).collect::<Vec<_>>(),
                "nextCursor": page.next.map(|c| c.encode()),
                "counts": counts,
            }),
        ))
    }
    .await;
    result.unwrap_or_else(|e| e.json_response())
}

/// `POST /api/v1/admin/handoffs/:id/complete`: manual completion, by core's rules.
pub async fn complete_handoff(app: &App, req: &Request, raw_id: &str) -> Response {
    if let Some(resp) = refuse_cross_site(app, req) {
        return resp;
    }
    let result = async {
        let client = effective_client_id(app, req).await?;
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
    .await;
    result.unwrap_or_else(|e| e.json_response())
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
pub async fn get_settings(app: &App, req: &Request) -> Response {
    let result = async {
        let client = effective_client_id(app, req).await?;
        Ok::<_, AppError>(http::json(200, &settings_body(app, &client).await?))
    }
    .await;
    result.unwrap_or_else(|e| e.json_response())
}

/// `PUT /api/v1/admin/settings`: the whole settings object, validated exactly as the
/// dashboard's form (422 with a message per field), saved, and returned as `GET` would.
pub async fn put_settings(app: &App, mut req: Request) -> Response {
    if let Some(resp) = refuse_cross_site(app, &req) {
        return resp;
    }
    let result = async {
        let client = effective_client_id(app, &req).await?;
        http::require_json(&req)?;
        let body = http::read_body(&mut req, SETTINGS_BODY_LIMIT).await?;
        let input: settings::SettingsJson = http::parse_json(&body)?;
        let iframe = settings::save(app, &client, &input.into()).await?;
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
        Ok::<_, AppError>(http::json(200, &saved))
    }
    .await;
    result.unwrap_or_else(|e| e.json_response())
}

// ---- unmatched webhook events (issue 5) ----

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
        "receivedAt": iso8601_from_millis(e.received_at as i64),
        "identifiers": identifiers,
        "linkedHandoffId": e.linked_handoff_id,
        "linkedAt": iso(e.linked_at),
    })
}

/// `GET /api/v1/admin/webhook-events`: verified provider events that named none of this
/// client's handoffs, unlinked first, and how many are still unlinked.
pub async fn list_webhook_events(app: &App, req: &Request) -> Response {
    let result = async {
        let client = effective_client_id(app, req).await?;
        let (events, unlinked) = app
            .repo
            .unmatched_events(&client, webhooks::UNMATCHED_LIST_LIMIT)
            .await?;
        Ok::<_, AppError>(http::json(
            200,
            &json!({
                "events": events.iter().map(webhook_event_json).collect::<Vec<_>>(),
                "unlinked": unlinked,
            }),
        ))
    }
    .await;
    result.unwrap_or_else(|e| e.json_response())
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct LinkJson {
    handoff_id: String,
}

/// `POST /api/v1/admin/webhook-events/:id/link` with `{"handoffId": …}`: links the event to
/// that handoff and completes it. Another client's event or handoff is a plain 404.
pub async fn link_webhook_event(app: &App, mut req: Request, event_id: &str) -> Response {
    if let Some(resp) = refuse_cross_site(app, &req) {
        return resp;
    }
    let result = async {
        let client = effective_client_id(app, &req).await?;
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
    .await;
    result.unwrap_or_else(|e| e.json_response())
}
