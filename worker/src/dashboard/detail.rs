//! `GET /dashboard/handoffs/:id` and the status changes posted from it (and from the
//! pipeline's rows): mark completed, mark abandoned. Another client's id, an unknown id and
//! a malformed id all get the same 404.
use handoff_core::{
    id::HandoffId,
    session::{safe_next, DASHBOARD_HOME},
    status::HandoffStatus,
};
use worker::{Request, Response};

use super::{auth::Signed, html_page, paths, views, Form};
use crate::{
    app::App,
    error::{AppError, AppResult},
    http::{self, form_field},
    links,
    repo::Transition,
};

pub async fn page(app: &App, signed: &Signed, req: Request, raw_id: &str) -> AppResult<Response> {
    let id = HandoffId::parse(raw_id).ok_or(AppError::NotFound)?;
    let (handoff, linked) = app
        .repo
        .handoff_with_links(&signed.client.id, &id)
        .await?
        .ok_or(AppError::NotFound)?;
    let notice = http::query_param(&req, "notice").and_then(|code| notice(&code, handoff.status));
    Ok(html_page(
        200,
        views::detail(&views::DetailView {
            frame: &signed.frame(),
            handoff: &handoff,
            linked_events: &linked,
            edge: &app.edge,
            notice,
        }),
    ))
}

/// The message for a `?notice=` code; unknown codes show nothing (never echoed).
fn notice(code: &str, status: HandoffStatus) -> Option<(views::NoticeKind, String)> {
    let current = status.label();
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

/// `POST /dashboard/handoffs/:id/complete`
pub async fn complete(app: &App, signed: &Signed, form: Form, raw_id: &str) -> AppResult<Response> {
    let id = HandoffId::parse(raw_id).ok_or(AppError::NotFound)?;
    let moved = app
        .repo
        .complete_handoff(&signed.client.id, &id, app.now, "manual")
        .await?;
    back(app, &form, &id, moved, ("completed", "cannot-complete"))
}

/// `POST /dashboard/handoffs/:id/abandon`
pub async fn abandon(app: &App, signed: &Signed, form: Form, raw_id: &str) -> AppResult<Response> {
    let id = HandoffId::parse(raw_id).ok_or(AppError::NotFound)?;
    let moved = app
        .repo
        .abandon_handoff(&signed.client.id, &id, app.now, "manual")
        .await?;
    back(app, &form, &id, moved, ("abandoned", "cannot-abandon"))
}

/// After a conditional update from core's rules: back to where the admin was (`next`, a local
/// dashboard path) with a notice (`codes`: done, refused).
fn back(
    app: &App,
    form: &Form,
    id: &HandoffId,
    moved: Transition,
    (done_code, refused_code): (&str, &str),
) -> AppResult<Response> {
    let done = match moved {
        Transition::Done(_) => true,
        Transition::Refused(_) => false,
        Transition::NotFound => return Err(AppError::NotFound),
    };
    let target = match form_field(form, "next").and_then(safe_next) {
        // Back to the pipeline view the admin was on, with the notice.
        Some(next)
            if next == DASHBOARD_HOME
                || next
                    .strip_prefix(DASHBOARD_HOME)
                    .is_some_and(|q| q.starts_with('?')) =>
        {
            let mut url = links::local_url(app, next);
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
        _ => {
            let code = if done { done_code } else { refused_code };
            links::local_url(
                app,
                &paths::with_query(&paths::handoff(id.as_str()), &format!("notice={code}")),
            )
        }
    };
    Ok(http::see_other(&target))
}
