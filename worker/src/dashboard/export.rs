//! `GET /dashboard/export.csv`: the current filter's handoffs as CSV (RFC 4180, formula
//! cells neutralised by core), keyset-paged through the database so memory stays bounded.
use handoff_core::{
    attribution::KEYS,
    csv::{self, Cell},
    pipeline::parse_query,
    time::iso8601_from_millis,
};
use worker::{Request, Response};

use super::auth::Signed;
use crate::{
    app::App,
    error::{AppError, AppResult},
    http, links,
    repo::{HandoffRow, Millis},
};

/// Rows per database page while exporting, and the most one export holds.
const BATCH: usize = 500;
pub const EXPORT_MAX: usize = 10_000;

const HEADER: [&str; 19] = [
    "id",
    "createdAt",
    "status",
    "customerName",
    "customerEmail",
    "customerPhone",
    "requestedService",
    "preferredDateTimeText",
    "notes",
    "sourcePage",
    "industry",
    "redirectedAt",
    "redirectCount",
    "completedAt",
    "completedBy",
    "abandonedAt",
    "abandonedBy",
    "externalBookingUrlUsed",
    "continueUrl",
];

fn iso(ms: Option<Millis>) -> String {
    ms.map(Millis::iso8601).unwrap_or_default()
}

/// One handoff's row. Only cells that can carry someone else's words (the visitor's, a host
/// page's, a configured URL) are neutralised against spreadsheet formulas; ids, times,
/// statuses, counts and our own links read exactly as the API returns them.
fn record(edge: &url::Url, h: &HandoffRow) -> String {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let (created, redirected) = (h.created_at.iso8601(), iso(h.redirected_at));
    let (completed, abandoned) = (iso(h.completed_at), iso(h.abandoned_at));
    let count = h.redirect_count.to_string();
    let continue_url = links::continue_url(edge, h.id.as_str());
    let visitor = [
        h.customer_name.clone(),
        text(&h.customer_email),
        text(&h.customer_phone),
        text(&h.requested_service),
        text(&h.preferred_date_time_text),
        text(&h.notes),
        text(&h.source_page),
        text(&h.industry),
    ];
    let (completed_by, abandoned_by) = (text(&h.completed_by), text(&h.abandoned_by));
    let url_used = text(&h.external_booking_url_used);
    let mut cells = vec![
        Cell::Data(h.id.as_str()),
        Cell::Data(&created),
        Cell::Data(h.status.as_str()),
    ];
    cells.extend(visitor.iter().map(|v| Cell::Text(v)));
    cells.extend([
        Cell::Data(&redirected),
        Cell::Data(&count),
        Cell::Data(&completed),
        Cell::Data(&completed_by),
        Cell::Data(&abandoned),
        Cell::Data(&abandoned_by),
        Cell::Text(&url_used),
        Cell::Data(&continue_url),
    ]);
    // Where the lead came from: one column per attribution key, after the handoff's own.
    let attribution = h.attribution();
    cells.extend(
        KEYS.iter()
            .map(|k| Cell::Text(attribution.get(k.name).unwrap_or(""))),
    );
    csv::record_of(cells)
}

/// The header: the handoff's columns, then the attribution keys.
fn header() -> impl Iterator<Item = &'static str> {
    HEADER.iter().copied().chain(KEYS.iter().map(|k| k.name))
}

pub async fn csv(app: &App, signed: &Signed, req: Request) -> AppResult<Response> {
    let url = req.url().map_err(|_| AppError::NotFound)?;
    let (query, _) = parse_query(url.query_pairs());
    // A byte-order mark so spreadsheet apps read the file as UTF-8.
    let mut body = String::from("\u{feff}");
    body.push_str(&csv::record(header()));
    let mut cursor = None;
    let mut rows = 0;
    let mut truncated = false;
    loop {
        let batch = app
            .repo
            .handoffs_after(&signed.client.id, &query.filter, cursor.as_ref(), BATCH)
            .await?;
        for h in &batch {
            if rows == EXPORT_MAX {
                truncated = true;
                break;
            }
            body.push_str(&record(&app.edge, h));
            rows += 1;
        }
        if truncated || batch.len() < BATCH {
            break;
        }
        cursor = batch.last().map(|h| handoff_core::pipeline::Cursor {
            created_at: h.created_at.get(),
            id: h.id.clone(),
        });
        if cursor.is_none() {
            break;
        }
    }
    let day = &iso8601_from_millis(app.now)[..10];
    let resp = http::bytes("text/csv; charset=utf-8", body.into_bytes());
    let resp = http::with_header(
        resp,
        "Content-Disposition",
        &format!("attachment; filename=\"handoffs-{day}.csv\""),
    );
    let resp = http::with_header(resp, "Cache-Control", "no-store");
    Ok(if truncated {
        http::with_header(resp, "X-Handoff-Export-Truncated", "true")
    } else {
        resp
    })
}
