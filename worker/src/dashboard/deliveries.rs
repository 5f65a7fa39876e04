//! Lead forwarding's delivery log: `GET /dashboard/deliveries` (the latest deliveries, what
//! each attempt got back) and `POST /dashboard/deliveries/:id/retry` (a failed one, again).
use worker::{Request, Response};

use super::{auth::Signed, html_page, paths, views};
use crate::{app::App, error::AppResult, http, links};

const LOG_LIMIT: usize = 50;

pub async fn page(app: &App, signed: &Signed, req: Request) -> AppResult<Response> {
    let deliveries = app.repo.delivery_log(&signed.client.id, LOG_LIMIT).await?;
    let notice = match http::query_param(&req, "notice").as_deref() {
        Some("retrying") => Some((
            views::NoticeKind::Success,
            "Queued again: it is sent within a minute.",
        )),
        Some("not-failed") => Some((
            views::NoticeKind::Error,
            "Only a delivery that gave up can be retried.",
        )),
        _ => None,
    };
    Ok(html_page(
        200,
        views::deliveries(&views::DeliveriesView {
            frame: &signed.frame(),
            deliveries: &deliveries,
            limit: LOG_LIMIT,
            notice,
        }),
    ))
}

pub async fn retry(app: &App, signed: &Signed, id: &str) -> AppResult<Response> {
    // Another client's delivery, an unknown id or one not failed: the same answer.
    let notice = match app
        .repo
        .retry_delivery(&signed.client.id, id, app.now)
        .await?
    {
        true => "retrying",
        false => "not-failed",
    };
    Ok(http::see_other(&links::local_url(
        app,
        &paths::with_query(paths::DELIVERIES, &format!("notice={notice}")),
    )))
}
