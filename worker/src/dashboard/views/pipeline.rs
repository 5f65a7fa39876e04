//! The pipeline: status counts, the funnel, filters, the handoff table (cards on a phone)
//! and keyset paging.
use handoff_core::{
    pipeline::{display_time, FilterError, HandoffFilter},
    status::HandoffStatus,
};
use maud::{html, Markup};

use super::{badge, csrf_field, layout, notice, paths, Frame, NoticeKind, Section};
use crate::{
    links,
    repo::{HandoffPage, HandoffRow, StatusCounts},
};

pub struct PipelineView<'a> {
    pub frame: &'a Frame<'a>,
    pub filter: &'a HandoffFilter,
    pub errors: &'a [FilterError],
    pub page: &'a HandoffPage,
    pub edge: &'a url::Url,
    /// No cursor: this is the newest page.
    pub first_page: bool,
    /// This page's path and query, where row actions come back to.
    pub here: &'a str,
    pub notice: Option<(NoticeKind, &'a str)>,
}

fn pipeline_href(
    filter: &HandoffFilter,
    cursor: Option<&handoff_core::pipeline::Cursor>,
) -> String {
    paths::with_query(paths::HOME, &filter.to_query(cursor))
}

pub fn pipeline(v: &PipelineView<'_>) -> String {
    let counts = &v.page.counts;
    let export_href = paths::with_query(paths::EXPORT, &v.filter.to_query(None));
    layout(
        "Handoffs",
        Section::Pipeline,
        Some(v.frame),
        html! {
            div.page-head {
                h1 { "Booking handoffs" }
                a.btn.secondary href=(export_href) download { "Export CSV" }
            }
            @if let Some((kind, text)) = v.notice { (notice(kind, text)) }
            @match v.frame.unlinked_events {
                0 => {},
                n => p.notice.notice-info.unmatched-notice role="status" {
                    @if n == 1 { "1 verified booking event" } @else { (n) " verified booking events" }
                    " from your provider didn't name a handoff. "
                    a href=(paths::WEBHOOK_EVENTS) { "Link " @if n == 1 { "it" } @else { "them" } " to complete the right handoffs" }
                    "."
                },
            }
            section.summary aria-label="Summary" {
                (status_chips(v.filter, counts))
                (funnel(counts))
            }
            (filters(v))
            @if v.page.handoffs.is_empty() {
                div.card.empty {
                    @if v.filter.is_empty() && v.first_page {
                        p { strong { "No handoffs yet." } }
                        p.muted { "When visitors ask to book through your website's widget, their requests appear here." }
                    } @else {
                        p { strong { "No handoffs match these filters." } }
                        p { a href=(paths::HOME) { "Clear the filters" } }
                    }
                }
            } @else {
                (table(v))
            }
            nav.pager aria-label="Pages" {
                @if !v.first_page {
                    a.btn.secondary href=(pipeline_href(v.filter, None)) { "← Newest" }
                }
                @if let Some(next) = &v.page.next {
                    a.btn.secondary rel="next" href=(pipeline_href(v.filter, Some(next))) { "Older →" }
                }
            }
        },
    )
}

fn status_chips(filter: &HandoffFilter, counts: &StatusCounts) -> Markup {
    let all = [
        (None, "All", counts.total()),
        (
            Some(HandoffStatus::New),
            HandoffStatus::New.label(),
            counts.new,
        ),
        (
            Some(HandoffStatus::Redirected),
            HandoffStatus::Redirected.label(),
            counts.redirected,
        ),
        (
            Some(HandoffStatus::CompletedExternal),
            HandoffStatus::CompletedExternal.label(),
            counts.completed_external,
        ),
        (
            Some(HandoffStatus::Abandoned),
            HandoffStatus::Abandoned.label(),
            counts.abandoned,
        ),
    ];
    html! {
        nav.chips aria-label="Filter by status" {
            @for (status, label, n) in all {
                a class={ "chip chip-" (status.map_or("all", |s| s.as_str())) }
                    href=(pipeline_href(&filter.with_status(status), None))
                    aria-current=[(filter.status == status).then_some("true")] {
                    span.chip-label { (label) }
                    span.chip-count { (n) }
                }
            }
        }
    }
}

/// Created → redirected → completed as horizontal bars (inline SVG: no script, no image).
fn funnel(counts: &StatusCounts) -> Markup {
    let created = counts.total();
    let steps = [
        ("Created", created, "f-created"),
        ("Redirected", counts.ever_redirected, "f-redirected"),
        ("Completed", counts.completed_external, "f-completed"),
    ];
    let summary = format!(
        "Funnel: {created} created, {} redirected, {} completed",
        counts.ever_redirected, counts.completed_external
    );
    const BAR_X: i64 = 92;
    const BAR_MAX: i64 = 150;
    html! {
        figure.funnel {
            figcaption { "Funnel" }
            svg viewBox="0 0 320 96" role="img" aria-label=(summary) preserveAspectRatio="xMinYMin meet" {
                @for (i, (label, n, class)) in steps.iter().enumerate() {
                    @let y = i as i64 * 32;
                    @let width = if created > 0 { (*n * BAR_MAX / created).max(if *n > 0 { 3 } else { 0 }) } else { 0 };
                    @let pct = if created > 0 { format!(" ({}%)", (n * 100 + created / 2) / created) } else { String::new() };
                    text.f-label x="0" y=(y + 17) { (label) }
                    rect.f-track x=(BAR_X) y=(y + 3) width=(BAR_MAX) height="20" rx="4" {}
                    rect class=(class) x=(BAR_X) y=(y + 3) width=(width) height="20" rx="4" {}
                    text.f-value x=(BAR_X + BAR_MAX + 8) y=(y + 17) { (n) (pct) }
                }
            }
        }
    }
}

fn filters(v: &PipelineView<'_>) -> Markup {
    let f = v.filter;
    let error_for = |param: &str| {
        v.errors
            .iter()
            .find(|e| e.param == param)
            .map(|e| e.message)
    };
    let mut industries: Vec<&str> = v.page.industries.iter().map(String::as_str).collect();
    if let Some(current) = f.industry.as_deref() {
        if !industries.iter().any(|i| i.eq_ignore_ascii_case(current)) {
            industries.push(current);
        }
    }
    let active = [
        f.status.is_some(),
        f.from.is_some(),
        f.to.is_some(),
        f.industry.is_some(),
        f.source.is_some(),
        f.provider.is_some(),
    ]
    .iter()
    .filter(|on| **on)
    .count();
    html! {
        // Open without script; on a phone the script folds it away while no filter is set.
        details.filter-panel open data-active=(active) {
            summary {
                "Filters"
                @if active > 0 { span.filter-count { (active) " active" } }
            }
            (filter_form(f, &industries, error_for))
        }
    }
}

fn filter_form(
    f: &HandoffFilter,
    industries: &[&str],
    error_for: impl Fn(&str) -> Option<&'static str>,
) -> Markup {
    html! {
        form.filters.card method="get" action=(paths::HOME) aria-label="Filters" {
            div.field {
                label for="f-status" { "Status" }
                select #f-status name="status" {
                    option value="" selected[f.status.is_none()] { "All statuses" }
                    @for s in HandoffStatus::ALL {
                        option value=(s.as_str()) selected[f.status == Some(s)] { (s.label()) }
                    }
                }
                @if let Some(m) = error_for("status") { span.field-error { (m) } }
            }
            div.field {
                label for="f-from" { "From" }
                input #f-from type="date" name="from" value=[f.from.as_deref()];
                @if let Some(m) = error_for("from") { span.field-error { (m) } }
            }
            div.field {
                label for="f-to" { "To" }
                input #f-to type="date" name="to" value=[f.to.as_deref()];
                @if let Some(m) = error_for("to") { span.field-error { (m) } }
            }
            div.field {
                label for="f-industry" { "Industry" }
                select #f-industry name="industry" {
                    option value="" selected[f.industry.is_none()] { "Any industry" }
                    @for i in industries {
                        option value=(i) selected[f.industry.as_deref().is_some_and(|c| c.eq_ignore_ascii_case(i))] { (i) }
                    }
                }
                @if let Some(m) = error_for("industry") { span.field-error { (m) } }
            }
            div.field {
                label for="f-source" { "Source page contains" }
                input #f-source type="search" name="source" value=[f.source.as_deref()] placeholder="e.g. /treatments";
                @if let Some(m) = error_for("source") { span.field-error { (m) } }
            }
            div.field {
                label for="f-provider" { "Provider" }
                input #f-provider type="search" name="provider" value=[f.provider.as_deref()] placeholder="e.g. Vagaro";
                @if let Some(m) = error_for("provider") { span.field-error { (m) } }
            }
            div.filter-actions {
                button.btn.primary type="submit" { "Apply" }
                a.btn.ghost href=(paths::HOME) { "Clear" }
            }
            @if let Some(m) = error_for("cursor") { p.field-error { (m) } }
        }
    }
}

fn table(v: &PipelineView<'_>) -> Markup {
    html! {
        div.table-wrap {
            table.handoffs {
                caption.visually-hidden { "Booking handoffs, newest first" }
                thead {
                    tr {
                        th scope="col" { "Created" }
                        th scope="col" { "Customer" }
                        th scope="col" { "Contact" }
                        th scope="col" { "Service" }
                        th scope="col" { "Preferred time" }
                        th scope="col" { "Status" }
                        th scope="col" { "Source / industry" }
                        th scope="col" { span.visually-hidden { "Actions" } }
                    }
                }
                tbody {
                    @for h in &v.page.handoffs { (row(v, h)) }
                }
            }
        }
    }
}

/// The source page as a short readable label (host and path), the full URL in a tooltip.
pub fn source_label(source: &str) -> String {
    let short = url::Url::parse(source)
        .ok()
        .and_then(|u| u.host_str().map(|h| format!("{h}{}", u.path())))
        .unwrap_or_else(|| source.to_string());
    truncate(short.trim_end_matches('/'), 40)
}

/// An email that may wrap after its `@` (a `<wbr>`) rather than mid-word.
fn breakable_email(email: &str) -> Markup {
    match email.split_once('@') {
        Some((local, domain)) => html! { (local) "@" wbr; (domain) },
        None => html! { (email) },
    }
}

/// In the table, the business's own host is the same on every row: the path says more.
fn source_path(source: &str) -> String {
    match url::Url::parse(source) {
        Ok(u) if u.path() != "/" => truncate(u.path(), 32),
        Ok(u) => u.host_str().map(|h| truncate(h, 32)).unwrap_or_default(),
        Err(_) => truncate(source, 32),
    }
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() > max {
        format!("{}…", s.chars().take(max - 1).collect::<String>())
    } else {
        s.to_string()
    }
}

fn row(v: &PipelineView<'_>, h: &HandoffRow) -> Markup {
    let detail = paths::handoff(h.id.as_str());
    let can_complete = h.status.can_transition_to(HandoffStatus::CompletedExternal);
    html! {
        tr {
            td.created data-label="Created" {
                @let shown = display_time(h.created_at.get());
                time datetime=(h.created_at.iso8601()) {
                    span.date { (shown[..10]) } " " span.clock { (shown[11..]) }
                }
            }
            td data-label="Customer" { a.customer href=(detail) { (h.customer_name) } }
            td data-label="Contact" {
                @if let Some(email) = &h.customer_email { span.contact { (breakable_email(email)) } }
                @if let Some(phone) = &h.customer_phone { span.contact { (phone) } }
                @if h.customer_email.is_none() && h.customer_phone.is_none() { span.muted { "—" } }
            }
            td data-label="Service" { (h.requested_service.as_deref().unwrap_or("—")) }
            td data-label="Preferred time" { (h.preferred_date_time_text.as_deref().unwrap_or("—")) }
            td data-label="Status" { (badge(h.status)) }
            td data-label="Source / industry" {
                @if let Some(provider) = &h.provider_name_used { span.tag.provider title="Booked through" { (provider) } }
                @if let Some(industry) = &h.industry { span.tag { (industry) } }
                @if let Some(source) = &h.source_page { span.source title=(source) { (source_path(source)) } }
                @if h.industry.is_none() && h.source_page.is_none() { span.muted { "—" } }
            }
            td.actions data-label="Actions" {
                div.row-actions {
                    a.btn.small.secondary href=(detail) { "View" }
                    button.btn.small.secondary type="button" data-copy=(links::continue_url(v.edge, h.id.as_str())) hidden { "Copy link" }
                    @if can_complete {
                        form.inline method="post" action=(paths::at(paths::HANDOFF_COMPLETE, h.id.as_str())) {
                            (csrf_field(v.frame))
                            input type="hidden" name="next" value=(v.here);
                            button.btn.small.primary type="submit" { "Mark completed" }
                        }
                    }
                }
            }
        }
    }
}
