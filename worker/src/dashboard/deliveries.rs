//! Lead forwarding's delivery log: `GET /dashboard/deliveries` (the latest deliveries, what
//! each attempt got back) and `POST /dashboard/deliveries/:id/retry` (a failed one, again).
use worker::{Request, Response};

use super::{auth, html_page, views};
use crate::{app::App, http};

const LOG_LIMIT: usize = 50;

pub async fn page(app: &App, req: &Request) -> Response {
    let signed = match auth::require(app, req).await {
        Ok(s) => s,
        Err(resp) => return resp,
    };
    let deliveries = match app.repo.delivery_log(&signed.client.id, LOG_LIMIT).await {
        Ok(d) => d,
        Err(e) => return views::error_page(Some(&signed), &e),
    };
    let notice = match http::query_param(req, "notice").as_deref() {
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
    html_page(
        200,
        views::deliveries(&views::DeliveriesView {
            signed: &signed,
            deliveries: &deliveries,
            limit: LOG_LIMIT,
            notice,
        }),
    )
}

pub async fn retry(app: &App, mut req: Request, id: &str) -> Response {
    let (signed, _) = match auth::require_write(app, &mut req).await {
        Ok(ok) => ok,
        Err(resp) => return resp,
    };
    let notice = match app
        .repo
        .retry_delivery(&signed.client.id, id, app.now)
        .await
    {
        Ok(true) => "retrying",
        // Another client's delivery, an unknown id or one not failed: the same answer.
        Ok(false) => "not-failed",
        Err(e) => return views::error_page(Some(&signed), &e),
    };
    http::see_other(&auth::local_url(
        app,
        &format!("/dashboard/deliveries?notice={notice}"),
    ))
}
