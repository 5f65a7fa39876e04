//! `GET /dashboard`: the pipeline of handoffs under the filter in the URL, newest first.
use handoff_core::pipeline::parse_query;
use worker::Request;

use super::{auth, html_page, views};
use crate::app::App;

pub async fn page(app: &App, req: &Request) -> worker::Response {
    let signed = match auth::require(app, req).await {
        Ok(s) => s,
        Err(resp) => return resp,
    };
    let url = match req.url() {
        Ok(url) => url,
        Err(_) => return views::not_found(Some(&signed)),
    };
    // The dashboard pages at 50; only the API takes `limit`.
    let (mut query, errors) = parse_query(url.query_pairs().filter(|(k, _)| k != "limit"));
    query.limit = handoff_core::pipeline::PAGE_SIZE;
    let result = app.repo.handoff_page(&signed.client.id, &query, true).await;
    let handoffs = match result {
        Ok(p) => p,
        Err(e) => return views::error_page(Some(&signed), &e),
    };
    // Where row actions come back to: this view rebuilt from what was understood, so
    // nothing else from the URL is echoed.
    let here = match query.filter.to_query(query.cursor.as_ref()) {
        q if q.is_empty() => "/dashboard".to_string(),
        q => format!("/dashboard?{q}"),
    };
    let notice = match url
        .query_pairs()
        .find(|(k, _)| k == "notice")
        .as_ref()
        .map(|(_, v)| v.as_ref())
    {
        Some("completed") => Some((views::NoticeKind::Success, "Marked as completed.")),
        Some("refused") => Some((
            views::NoticeKind::Error,
            "That handoff's status changed in the meantime, so it couldn't be marked completed.",
        )),
        _ => None,
    };
    html_page(
        200,
        views::pipeline(&views::PipelineView {
            signed: &signed,
            filter: &query.filter,
            errors: &errors,
            page: &handoffs,
            edge: &app.edge,
            first_page: query.cursor.is_none(),
            here: &here,
            notice,
        }),
    )
}
