//! One handoff: its timeline, everything the visitor gave us, and the status actions core
//! allows from where it stands.
use handoff_core::{pipeline::display_time, provider::Provider, status::HandoffStatus};
use maud::{html, Markup};

use super::{badge, csrf_field, layout, notice, pipeline::source_label, NoticeKind, Section};
use crate::{dashboard::auth::Signed, links, repo::HandoffRow};

pub struct DetailView<'a> {
    pub signed: &'a Signed,
    pub handoff: &'a HandoffRow,
    pub edge: &'a url::Url,
    pub notice: Option<(NoticeKind, String)>,
}

/// Who or what made a change, in words.
fn actor(by: Option<&str>) -> Option<String> {
    match by? {
        "manual" => Some("by an admin".into()),
        "scheduled" => Some("automatically, after no completion arrived in time".into()),
        other => {
            let provider = other.strip_prefix("webhook:")?;
            let name = match Provider::from_slug(provider) {
                Some(Provider::CalCom) => "Cal.com",
                Some(Provider::Calendly) => "Calendly",
                Some(Provider::Acuity) => "Acuity",
                Some(Provider::Square) => "Square",
                Some(Provider::Mindbody) => "Mindbody",
                _ => "provider",
            };
            Some(format!("by the {name} webhook"))
        }
    }
}

struct Event {
    at: i64,
    title: &'static str,
    text: String,
    class: &'static str,
}

fn timeline(h: &HandoffRow) -> Vec<Event> {
    let mut events = vec![Event {
        at: h.created_at as i64,
        title: "Created",
        text: match &h.source_page {
            Some(source) => format!("Captured on {}", source_label(source)),
            None => "Captured by the booking assistant".into(),
        },
        class: "t-created",
    }];
    if let Some(at) = h.redirected_at {
        let count = h.redirect_count as i64;
        events.push(Event {
            at: at as i64,
            title: "Sent to the booking page",
            text: if count > 1 {
                format!("First redirect; the link was opened {count} times in all")
            } else {
                "First redirect; the link was opened once".into()
            },
            class: "t-redirected",
        });
    }
    if let Some(at) = h.completed_at {
        events.push(Event {
            at: at as i64,
            title: "Completed",
            text: match actor(h.completed_by.as_deref()) {
                Some(who) => format!("Marked completed {who}"),
                None => "Marked completed".into(),
            },
            class: "t-completed",
        });
    }
    if let Some(at) = h.abandoned_at {
        events.push(Event {
            at: at as i64,
            title: "Abandoned",
            text: match actor(h.abandoned_by.as_deref()) {
                Some(who) => format!("Marked abandoned {who}"),
                None => "Marked abandoned".into(),
            },
            class: "t-abandoned",
        });
    }
    events.sort_by_key(|e| e.at);
    events
}

fn value(v: Option<&str>) -> Markup {
    html! {
        @match v {
            Some(v) => (v),
            None => span.muted { "Not given" },
        }
    }
}

pub fn detail(v: &DetailView<'_>) -> String {
    let h = v.handoff;
    let status = HandoffStatus::parse(&h.status);
    let may = |to: HandoffStatus| status.is_some_and(|s| s.can_transition_to(to));
    let base = format!("/dashboard/handoffs/{}", h.id);
    let link = links::continue_url(v.edge, &h.id);
    layout(
        &h.customer_name,
        Section::Pipeline,
        Some(v.signed),
        html! {
            a.back href="/dashboard" { "← All handoffs" }
            div.page-head.with-badge {
                h1 { (h.customer_name) }
                (badge(&h.status))
            }
            @if let Some((kind, text)) = &v.notice { (notice(*kind, text)) }
            section.card.actions-card aria-label="Actions" {
                div.field.link-field {
                    label for="booking-link" { "Booking link" }
                    div.copy-row {
                        input #booking-link type="text" readonly value=(link);
                        button.btn.secondary type="button" data-copy=(link) aria-controls="booking-link" hidden { "Copy link" }
                    }
                    p.hint { "Send this to the customer if they need to get back to the booking page. Opening it counts as a redirect." }
                }
                div.action-buttons {
                    @if may(HandoffStatus::CompletedExternal) {
                        form.inline method="post" action={ (base) "/complete" } {
                            (csrf_field(v.signed))
                            button.btn.primary type="submit" { "Mark completed" }
                        }
                    }
                    @if may(HandoffStatus::Abandoned) {
                        form.inline method="post" action={ (base) "/abandon" } data-confirm="Mark this handoff as abandoned?" {
                            (csrf_field(v.signed))
                            button.btn.secondary type="submit" { "Mark abandoned" }
                        }
                    }
                    @if status.is_some_and(HandoffStatus::is_final) {
                        p.muted { "Completed handoffs are final." }
                    }
                }
            }
            div.detail-grid {
                section.card aria-labelledby="timeline-h" {
                    h2 #timeline-h { "Timeline" }
                    ol.timeline {
                        @for e in timeline(h) {
                            li class=(e.class) {
                                span.t-title { (e.title) }
                                time datetime=(handoff_core::time::iso8601_from_millis(e.at)) { (display_time(e.at)) }
                                span.t-text { (e.text) }
                            }
                        }
                    }
                }
                section.card aria-labelledby="request-h" {
                    h2 #request-h { "Request" }
                    dl.fields {
                        dt { "Name" } dd { (h.customer_name) }
                        dt { "Email" } dd { (value(h.customer_email.as_deref())) }
                        dt { "Phone" } dd { (value(h.customer_phone.as_deref())) }
                        dt { "Service" } dd { (value(h.requested_service.as_deref())) }
                        dt { "Preferred time" } dd { (value(h.preferred_date_time_text.as_deref())) }
                        dt { "Notes" } dd.notes { (value(h.notes.as_deref())) }
                        dt { "Source page" } dd.break { (value(h.source_page.as_deref())) }
                        dt { "Industry" } dd { (value(h.industry.as_deref())) }
                        dt { "Booking URL used" } dd.break {
                            @match &h.external_booking_url_used {
                                Some(url) => code { (url) },
                                None => span.muted { "Not redirected yet" },
                            }
                        }
                        dt { "Reference" } dd { code { (h.id) } }
                    }
                }
            }
        },
    )
}
