//! `GET /dashboard/webhook-events`: verified provider events that named none of the client's
//! handoffs (Acuity and Square never carry our reference), and `POST
//! /dashboard/webhook-events/:id/link`, where the admin names the handoff one belongs to.
//! Linking completes that handoff; we never guess a match by email or time. Another client's
//! event id gets the same 404 as an unknown one, and another client's handoff reference the
//! same "not found" notice as an unknown one.
use handoff_core::id::HandoffId;
use worker::{Request, Response};

use super::{auth::Signed, html_page, paths, views, Form};
use crate::{
    app::App,
    error::{AppError, AppResult},
    http::{self, form_field},
    links,
    repo::LinkOutcome,
    webhooks,
};

pub async fn page(app: &App, signed: &Signed, req: Request) -> AppResult<Response> {
    let (events, unlinked) = app
        .repo
        .unmatched_events(&signed.client.id, webhooks::UNMATCHED_LIST_LIMIT)
        .await?;
    let notice = http::query_param(&req, "notice").and_then(|code| notice(&code));
    Ok(html_page(
        200,
        views::events(&views::EventsView {
            frame: &signed.frame(),
            events: &events,
            unlinked,
            limit: webhooks::UNMATCHED_LIST_LIMIT,
            notice,
        }),
    ))
}

/// The message for a `?notice=` code; unknown codes show nothing (never echoed).
fn notice(code: &str) -> Option<(views::NoticeKind, &'static str)> {
    use views::NoticeKind::{Error, Success};
    Some(match code {
        "linked" => (Success, "Linked. The handoff is now marked completed."),
        "linked-already-completed" => (
            Success,
            "Linked. That handoff was already completed, so its status didn't change.",
        ),
        "already-linked" => (
            Error,
            "That event is already linked to a handoff, so nothing changed.",
        ),
        "handoff-not-found" => (
            Error,
            "We couldn't find a handoff with that reference. Copy the Reference from the handoff's page (or paste its booking link) and try again.",
        ),
        "missing-reference" => (
            Error,
            "Enter the handoff's reference to link this event.",
        ),
        _ => return None,
    })
}

/// `POST /dashboard/webhook-events/:id/link` with the form field `handoff` (the handoff's
/// reference, or a link ending in it). Back to the list with a notice.
pub async fn link(app: &App, signed: &Signed, form: Form, event_id: &str) -> AppResult<Response> {
    let reference = form_field(&form, "handoff").unwrap_or("").trim();
    let code = if reference.is_empty() {
        "missing-reference"
    } else if let Some(handoff) = HandoffId::from_reference(reference) {
        match webhooks::link_unmatched(app, &signed.client.id, event_id, &handoff).await? {
            LinkOutcome::Completed(..) => "linked",
            LinkOutcome::AlreadyCompleted(..) => "linked-already-completed",
            LinkOutcome::AlreadyLinked => "already-linked",
            LinkOutcome::HandoffNotFound => "handoff-not-found",
            LinkOutcome::EventNotFound => return Err(AppError::NotFound),
        }
    } else {
        // Not shaped like a reference: it cannot name one of this client's handoffs.
        "handoff-not-found"
    };
    Ok(http::see_other(&links::local_url(
        app,
        &paths::with_query(paths::WEBHOOK_EVENTS, &format!("notice={code}")),
    )))
}
