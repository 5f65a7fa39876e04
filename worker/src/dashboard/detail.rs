//! `GET /dashboard/handoffs/:id` and the status changes posted from it (and from the
//! pipeline's rows): mark completed, mark abandoned. Another client's id, an unknown id and
//! a malformed id all get the same 404.
use handoff_core::{
    id::HandoffId,
    session::{safe_next, DASHBOARD_HOME},
    status::HandoffStatus,
};
use worker::{Request, Response};

use super::{auth, html_page, views};
use crate::{app::App, http, repo::Transition};

pub async fn page(app: &App, req: &Request, raw_id: &str) -> Response {
    let signed = match auth::require(app, req).await {
        Ok(s) => s,
        Err(resp) => return resp,
    };
    let Some(id) = HandoffId::parse(raw_id) else {
        return views::not_found(Some(&signed));
    };
    let (handoff, linked) = match app.repo.handoff_with_links(&signed.client.id, &id).await {
        Ok(Some(found)) => found,
        Ok(None) => return views::not_found(Some(&signed)),
        Err(e) => return views::error_page(Some(&signed), &e),
    };
    let notice = http::query_param(req, "notice").and_then(|code| notice(&code, &handoff.status));
    html_page(
        200,
        views::detail(&views::DetailView {
            signed: &signed,
            handoff: &handoff,
            linked_events: &linked,
            edge: &app.edge,
            notice,
        }),
    )
}

/// The message for a `?notice=` code; unknown codes show nothing (never echoed).
fn notice(code: &str, status: &str) -> Option<(views::NoticeKind, String)> {
    let current = HandoffStatus::parse(status).map_or("in another state", |s| s.label());
    Some(match code {
        "completed" => (views::NoticeKind::Success, "Marked as completed.".into()),
        "abandoned" => (views::NoticeKind::Success, "Marked as abandoned.".into()),
        "cannot-complete" => (
            views::NoticeKind::Error,
            format!(
                "This handoff can't be marked completed: it is {}.",
                current.to_lowercase()
            ),
        ),
        "cannot-abandon" => (
            views::NoticeKind::Error,
            format!(
                "This handoff can't be marked abandoned: it is {}.",
                current.to_lowercase()
            ),
        ),
        _ => return None,
    })
}

/// `POST /dashboard/handoffs/:id/complete|abandon`: a conditional update from core's rules;
/// then back to where the admin was (`next`, a local dashboard path) with a notice.
pub async fn change_status(app: &App, mut req: Request, raw_id: &str, action: &str) -> Response {
    let (signed, form) = match auth::require_write(app, &mut req).await {
        Ok(ok) => ok,
        Err(resp) => return resp,
    };
    let Some(id) = HandoffId::parse(raw_id) else {
        return views::not_found(Some(&signed));
    };
    let client = &signed.client.id;
    let result = match action {
        "complete" => {
            app.repo
                .complete_handoff(client, &id, app.now, "manual")
                .await
        }
        _ => {
            app.repo
                .abandon_handoff(client, &id, app.now, "manual")
                .await
        }
    };
    let (done, code) = match (result, action) {
        (Ok(Transition::Done(_)), "complete") => (true, "completed"),
        (Ok(Transition::Done(_)), _) => (true, "abandoned"),
        (Ok(Transition::Refused(_)), "complete") => (false, "cannot-complete"),
        (Ok(Transition::Refused(_)), _) => (false, "cannot-abandon"),
        (Ok(Transition::NotFound), _) => return views::not_found(Some(&signed)),
        (Err(e), _) => return views::error_page(Some(&signed), &e),
    };
    let detail = format!("/dashboard/handoffs/{}", id.as_str());
    let target = match auth::field(&form, "next").and_then(safe_next) {
        // Back to the pipeline view the admin was on, with the notice.
        Some(next) if next == DASHBOARD_HOME || next.starts_with("/dashboard?") => {
            let mut url = auth::local_url(app, next);
            let kept: Vec<(String, String)> = url
                .query_pairs()
                .filter(|(k, _)| k != "notice")
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            let mut q = url::form_urlencoded::Serializer::new(String::new());
            q.extend_pairs(kept);
            q.append_pair("notice", if done { "completed" } else { "refused" });
            url.set_query(Some(&q.finish()));
            url
        }
        _ => auth::local_url(app, &format!("{detail}?notice={code}")),
    };
    http::see_other(&target)
}
