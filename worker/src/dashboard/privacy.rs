//! Right to erasure: `GET /dashboard/privacy` (the search form and the erasure log),
//! `POST /dashboard/privacy/find` (how many handoffs hold this visitor's data: nothing is
//! changed yet) and `POST /dashboard/privacy/erase` (erase them). Only the signed-in client's
//! handoffs are searched; the log records how many and by which kind of identifier, never
//! the identifier itself.
use handoff_core::privacy::{ErasureTarget, ERASE_NEEDS_IDENTIFIER};
use worker::{Request, Response};

use super::{auth::Signed, html_page, paths, views, Form};
use crate::{
    app::App,
    error::AppResult,
    http::{self, form_field},
    links, random,
};

const LOG_LIMIT: usize = 50;

async fn render(
    app: &App,
    signed: &Signed,
    status: u16,
    found: Option<views::Found<'_>>,
    notice: Option<(views::NoticeKind, String)>,
) -> AppResult<Response> {
    let log = app.repo.erasure_log(&signed.client.id, LOG_LIMIT).await?;
    Ok(html_page(
        status,
        views::privacy(&views::PrivacyView {
            frame: &signed.frame(),
            found,
            notice,
            log: &log,
        }),
    ))
}

pub async fn page(app: &App, signed: &Signed, req: Request) -> AppResult<Response> {
    // `?erased=N`: a number only, so nothing about the visitor travels in the URL.
    let notice = http::query_param(&req, "erased")
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
    render(app, signed, 200, None, notice).await
}

/// `POST /dashboard/privacy/find` with `identifier`: counts, changes nothing.
pub async fn find(app: &App, signed: &Signed, form: Form) -> AppResult<Response> {
    let raw = form_field(&form, "identifier").unwrap_or("");
    let Some(target) = ErasureTarget::parse(raw) else {
        return needs_identifier(app, signed).await;
    };
    let count = app.repo.count_visitor(&signed.client.id, &target).await?;
    let found = views::Found {
        identifier: raw.trim(),
        kind: target.kind(),
        count,
    };
    render(app, signed, 200, Some(found), None).await
}

/// `POST /dashboard/privacy/erase` with `identifier`: erases, logs, back to the page.
pub async fn erase(app: &App, signed: &Signed, form: Form) -> AppResult<Response> {
    let Some(target) = ErasureTarget::parse(form_field(&form, "identifier").unwrap_or("")) else {
        return needs_identifier(app, signed).await;
    };
    let n = app
        .repo
        .erase_visitor(&signed.client.id, &target, &random::log_id()?, app.now)
        .await?;
    Ok(http::see_other(&links::local_url(
        app,
        &paths::with_query(paths::PRIVACY, &format!("erased={n}")),
    )))
}

async fn needs_identifier(app: &App, signed: &Signed) -> AppResult<Response> {
    let notice = (views::NoticeKind::Error, ERASE_NEEDS_IDENTIFIER.to_string());
    render(app, signed, 422, None, Some(notice)).await
}
