//! Storing a visitor's booking request: shared by the widget API and the hosted booking page,
//! so both rate-limit, validate, redact and fail over in exactly the same way.
use handoff_core::{
    crypto::hash_ip,
    i18n::Lang,
    id::HandoffId,
    lead::{validate_lead, LeadInput},
    redirect::Prefill,
    settings::BookingMode,
};
use worker::Request;

use crate::{
    app::App,
    error::{AppError, AppResult},
    http, links, random,
    repo::{Client, NewHandoff},
};

const USER_AGENT_MAX_CHARS: usize = 200;

/// A stored handoff: its id and, in external mode, the tracking link to continue with.
pub struct Captured {
    pub id: HandoffId,
    pub continue_url: Option<String>,
}

/// Rate-limits (per client and hashed IP), validates and redacts the lead, refuses external
/// mode without a URL, and stores the handoff with status `new`. When the write fails the
/// error carries the direct provider link (UTMs, no `tca_ref`) so the visitor can still book.
/// Field errors are worded in the visitor's `lang`.
pub async fn capture_lead(
    app: &App,
    req: &Request,
    client: &Client,
    input: &LeadInput,
    lang: Lang,
) -> AppResult<Captured> {
    let ip_hash = http::header(req, "CF-Connecting-IP")
        .and_then(|ip| app.ip_salt().map(|salt| hash_ip(&salt, &ip)));
    let limiter_key = format!(
        "{}:{}",
        client.id.as_str(),
        ip_hash.as_deref().unwrap_or("-")
    );
    if !app.allow("CAPTURE_LIMITER", &limiter_key).await {
        return Err(AppError::RateLimited);
    }

    let lead = validate_lead(input).map_err(|errors| AppError::from_field_errors(&errors, lang))?;
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
        return Err(AppError::CaptureFailed {
            cause: e.to_string(),
            fallback_url: links::direct_target(client).map(|u| u.to_string()),
        });
    }
    let continue_url = external.then(|| links::continue_url(&app.edge, id.as_str()));
    Ok(Captured { id, continue_url })
}
