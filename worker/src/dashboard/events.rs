//! `GET /dashboard/webhook-events`: verified provider events that named none of the client's
//! handoffs (Acuity and Square never carry our reference), and `POST
//! /dashboard/webhook-events/:id/link`, where the admin names the handoff one belongs to.
//! Linking completes that handoff; we never guess a match by email or time. Another client's
//! event id gets the same 404 as an unknown one, and another client's handoff reference the
//! same "not found" notice as an unknown one.
use handoff_core::id::HandoffId;
use worker::{Request, Response};

use super::{auth, html_page, views};
use crate::{app::App, http, repo::LinkOutcome, webhooks};

pub async fn page(app: &App, req: &Request) -> Response {
    let signed = match auth::require(app, req).await {
        Ok(s) => s,
        Err(resp) => return resp,
    };
    let (events, unlinked) = match app
        .repo
        .unmatched_events(&signed.client.id, webhooks::UNMATCHED_LIST_LIMIT)
        .await
    {
        Ok(found) => found,
        Err(e) => return views::error_page(Some(&signed), &e),
    };
    let notice = http::query_param(req, "notice").and_then(|code| notice(&code));
    html_page(
        200,
        views::events(&views::EventsView {
            signed: &signed,
            events: &events,
            unlinked,
            limit: webhooks::UNMATCHED_LIST_LIMIT,
            notice,
        }),
    )
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
pub async fn link(app: &App, mut req: Request, event_id: &str) -> Response {
    let (signed, form) = match auth::require_write(app, &mut req).await {
        Ok(ok) => ok,
        Err(resp) => return resp,
    };
    let reference = auth::field(&form, "handoff").unwrap_or("").trim();
    let code = if reference.is_empty() {
        "missing-reference"
    } else if let Some(handoff) = HandoffId::from_reference(reference) {
        match webhooks::link_unmatched(app, &signed.client.id, event_id, &handoff).await {
            Ok(LinkOutcome::Completed(..)) => "linked",
            Ok(LinkOutcome::AlreadyCompleted(..)) => "linked-already-completed",
            Ok(LinkOutcome::AlreadyLinked) => "already-linked",
            Ok(LinkOutcome::HandoffNotFound) => "handoff-not-found",
            Ok(LinkOutcome::EventNotFound) => return views::not_found(Some(&signed)),
            Err(e) => return views::error_page(Some(&signed), &e),
        }
    } else {
        // Not shaped like a reference: it cannot name one of this client's handoffs.
        "handoff-not-found"
    };
    http::see_other(&auth::local_url(
        app,
        &format!("/dashboard/webhook-events?notice={code}"),
    ))
}
