//! `GET /dashboard/export.csv`: the current filter's handoffs as CSV (RFC 4180, formula
//! cells neutralised by core), keyset-paged through the database so memory stays bounded.
use handoff_core::{attribution::KEYS, csv, pipeline::parse_query, time::iso8601_from_millis};
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

fn record(edge: &url::Url, h: &HandoffRow) -> String {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let cells = [
        h.id.to_string(),
        h.created_at.iso8601(),
        h.status.as_str().to_string(),
        h.customer_name.clone(),
        text(&h.customer_email),
        text(&h.customer_phone),
        text(&h.requested_service),
        text(&h.preferred_date_time_text),
        text(&h.notes),
        text(&h.source_page),
        text(&h.industry),
        iso(h.redirected_at),
        h.redirect_count.to_string(),
        iso(h.completed_at),
        text(&h.completed_by),
        iso(h.abandoned_at),
        text(&h.abandoned_by),
        text(&h.external_booking_url_used),
        links::continue_url(edge, h.id.as_str()),
    ];
    // Where the lead came from: one column per attribution key, after the handoff's own.
    let attribution = h.attribution();
    let first_touch = KEYS.iter().map(|k| attribution.get(k.name).unwrap_or(""));
    csv::record(cells.iter().map(String::as_str).chain(first_touch))
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
