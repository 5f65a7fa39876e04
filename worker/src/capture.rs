//! Storing a visitor's booking request: shared by the widget API and the hosted booking page,
//! so both rate-limit, validate, redact and fail over in exactly the same way.
use handoff_core::{
    alert::AlertOn,
    attribution::Attribution,
    crypto::hash_ip,
    i18n::Lang,
    id::HandoffId,
    lead::{validate_lead, LeadInput},
    privacy::consent_satisfied,
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

/// A stored handoff: its id and, in external mode, the tracking link to continue with and
/// the provider it leads to (per-service routing may pick another than the default).
pub struct Captured {
    pub id: HandoffId,
    pub continue_url: Option<String>,
    pub provider_name: Option<String>,
}

/// Rate-limits (per client and hashed IP), validates and redacts the lead, checks consent
/// when the business requires it, refuses external mode without a URL, picks the booking
/// link (per-service routing) and stores the handoff with status `new`. When the write fails
/// the error carries the direct provider link (UTMs, no `tca_ref`) so the visitor can still book.
pub async fn capture_lead(
    app: &App,
    req: &Request,
    client: &Client,
    input: &LeadInput,
    consent_given: bool,
    lang: Lang,
    attribution: &Attribution,
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

    let s = &client.settings;
    let lead = match (
        validate_lead(input),
        consent_satisfied(s.consent_required, consent_given),
    ) {
        (Ok(lead), true) => lead,
        (lead, consent_ok) => {
            let mut errors = match lead {
                Err(errors) => errors
                    .iter()
                    .map(|e| (e.field.json_name(), e.message(lang.strings())))
                    .collect(),
                Ok(_) => Vec::new(),
            };
            if !consent_ok {
                errors.push(("consentGiven", lang.pages().consent_required));
            }
            return Err(AppError::Validation(errors));
        }
    };
    let external = s.booking_mode == BookingMode::External;
    if external && !s.booking_available() {
        return Err(AppError::BookingUnavailable);
    }

    let id = HandoffId::from_random(random::bytes16()?);
    let visitor = Prefill {
        name: &lead.customer_name,
        email: lead.customer_email.as_deref(),
        phone: lead.customer_phone.as_deref(),
        notes: lead.notes.as_deref(),
    };
    let texts = [
        lead.notes.as_deref().unwrap_or(""),
        lead.preferred_date_time_text.as_deref().unwrap_or(""),
    ];
    let target = external
        .then(|| links::booking_for(client, lead.requested_service.as_deref(), &texts))
        .flatten();
    let planned = target
        .as_ref()
        .map(|t| links::handoff_target(client, t, id.as_str(), visitor, attribution).to_string());
    let user_agent = http::header(req, "User-Agent")
        .map(|ua| ua.chars().take(USER_AGENT_MAX_CHARS).collect::<String>());
    let new = NewHandoff {
        id: &id,
        created_at: app.now,
        lead: &lead,
        planned_url: planned.as_deref(),
        user_agent: user_agent.as_deref(),
        ip_hash: ip_hash.as_deref(),
        provider_name: target.as_ref().and_then(|t| t.provider_name),
        route_service: target.as_ref().and_then(|t| t.route),
        consent_at: (s.consent_required && consent_given).then_some(app.now),
        lang,
        attribution,
    };
    if let Err(e) = app.repo.insert_handoff(&client.id, &new).await {
        return Err(AppError::CaptureFailed {
            cause: e.to_string(),
            fallback_url: links::direct_target(client, target.as_ref()).map(|u| u.to_string()),
        });
    }
    // The triggers filled the outbox in the same write; deliver after the response.
    if s.forward_enabled || (s.alert_on == AlertOn::EachLead && !s.alert_emails.is_empty()) {
        app.outbox_kick.replace(Some(client.id.clone()));
    }
    let continue_url = external.then(|| links::continue_url(&app.edge, id.as_str()));
    Ok(Captured {
        id,
        continue_url,
        provider_name: target.and_then(|t| t.provider_name).map(str::to_string),
    })
}
