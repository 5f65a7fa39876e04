//! The admin JSON API, authenticated with a client's admin key (`Authorization: Bearer …`).
//! The key decides the effective client; a handoff of any other client is a plain 404.
use handoff_core::{crypto::hash_admin_key, id::HandoffId, time::iso8601_from_millis};
use serde_json::{json, Value};
use worker::{Method, Request, Response};

use crate::{
    app::App,
    error::{AppError, AppResult},
    http, links,
    repo::{ClientId, HandoffRow},
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
        "externalBookingUrlUsed": h.external_booking_url_used,
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
        ["handoffs", id] => match http::only(&req, &[Method::Get], "GET") {
            Some(resp) => resp,
            None => get_handoff(app, &req, id).await,
        },
        _ => AppError::NotFound.json_response(),
    }
}
