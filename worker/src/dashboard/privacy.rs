//! Right to erasure: `GET /dashboard/privacy` (the search form and the erasure log),
//! `POST /dashboard/privacy/find` (how many handoffs hold this visitor's data: nothing is
//! changed yet) and `POST /dashboard/privacy/erase` (erase them). Only the signed-in client's
//! handoffs are searched; the log records how many and by which kind of identifier, never
//! the identifier itself.
use handoff_core::privacy::{ErasureTarget, ERASE_NEEDS_IDENTIFIER};
use worker::{Request, Response};

use super::{auth, html_page, views};
use crate::{app::App, http, random};

const LOG_LIMIT: usize = 50;

async fn render(
    app: &App,
    signed: &auth::Signed,
    status: u16,
    found: Option<views::Found<'_>>,
    notice: Option<(views::NoticeKind, String)>,
) -> Response {
    match app.repo.erasure_log(&signed.client.id, LOG_LIMIT).await {
        Ok(log) => html_page(
            status,
            views::privacy(&views::PrivacyView {
                signed,
                found,
                notice,
                log: &log,
            }),
        ),
        Err(e) => views::error_page(Some(signed), &e),
    }
}

pub async fn page(app: &App, req: &Request) -> Response {
    let signed = match auth::require(app, req).await {
        Ok(s) => s,
        Err(resp) => return resp,
    };
    // `?erased=N`: a number only, so nothing about the visitor travels in the URL.
    let notice = http::query_param(req, "erased")
        .and_then(|n| n.parse::<u32>().ok())
        .map(|n| {
            (
                views::NoticeKind::Success,
                match n {
                    0 => "Nothing left to erase: that visitor's data was already gone.".to_string(),
                    1 => "Erased the visitor's details from 1 handoff.".to_string(),
                    n => format!("Erased the visitor's details from {n} handoffs."),
                },
            )
        });
    render(app, &signed, 200, None, notice).await
}

/// `POST /dashboard/privacy/find` with `identifier`: counts, changes nothing.
pub async fn find(app: &App, mut req: Request) -> Response {
    let (signed, form) = match auth::require_write(app, &mut req).await {
        Ok(ok) => ok,
        Err(resp) => return resp,
    };
    let raw = auth::field(&form, "identifier").unwrap_or("");
    let Some(target) = ErasureTarget::parse(raw) else {
        let notice = (views::NoticeKind::Error, ERASE_NEEDS_IDENTIFIER.to_string());
        return render(app, &signed, 422, None, Some(notice)).await;
    };
    match app.repo.count_visitor(&signed.client.id, &target).await {
        Ok(count) => {
            let found = views::Found {
                identifier: raw.trim(),
                kind: target.kind(),
                count,
            };
            render(app, &signed, 200, Some(found), None).await
        }
        Err(e) => views::error_page(Some(&signed), &e),
    }
}

/// `POST /dashboard/privacy/erase` with `identifier`: erases, logs, back to the page.
pub async fn erase(app: &App, mut req: Request) -> Response {
    let (signed, form) = match auth::require_write(app, &mut req).await {
        Ok(ok) => ok,
        Err(resp) => return resp,
    };
    let Some(target) = ErasureTarget::parse(auth::field(&form, "identifier").unwrap_or("")) else {
        let notice = (views::NoticeKind::Error, ERASE_NEEDS_IDENTIFIER.to_string());
        return render(app, &signed, 422, None, Some(notice)).await;
    };
    let erased = match random::log_id() {
        Ok(log_id) => {
            app.repo
                .erase_visitor(&signed.client.id, &target, &log_id, app.now)
                .await
        }
        Err(e) => Err(e),
    };
    match erased {
        Ok(n) => http::see_other(&auth::local_url(
            app,
            &format!("/dashboard/privacy?erased={n}"),
        )),
        Err(e) => views::error_page(Some(&signed), &e),
    }
}
