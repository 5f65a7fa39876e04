//! `GET /dashboard`: the pipeline of handoffs under the filter in the URL, newest first.
use handoff_core::pipeline::{parse_query, PAGE_SIZE};
use worker::{Request, Response};

use super::{auth::Signed, html_page, paths, views};
use crate::{
    app::App,
    error::{AppError, AppResult},
};

pub async fn page(app: &App, signed: &Signed, req: Request) -> AppResult<Response> {
    let url = req.url().map_err(|_| AppError::NotFound)?;
    // The dashboard pages at 50; only the API takes `limit`.
    let (mut query, errors) = parse_query(url.query_pairs().filter(|(k, _)| k != "limit"));
    query.limit = PAGE_SIZE;
    let handoffs = app
        .repo
        .handoff_page(&signed.client.id, &query, true)
        .await?;
    // Where row actions come back to: this view rebuilt from what was understood, so
    // nothing else from the URL is echoed.
    let here = paths::with_query(paths::HOME, &query.filter.to_query(query.cursor.as_ref()));
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
    Ok(html_page(
        200,
        views::pipeline(&views::PipelineView {
            frame: &signed.frame(),
            filter: &query.filter,
            errors: &errors,
            page: &handoffs,
            edge: &app.edge,
            first_page: query.cursor.is_none(),
            here: &here,
            notice,
        }),
    ))
}
