//! One handoff: its timeline, everything the visitor gave us, and the status actions core
//! allows from where it stands.
use handoff_core::{
    attribution::Attribution, pipeline::display_time, provider::Provider, status::HandoffStatus,
};
use maud::{html, Markup};

use super::{
    badge, csrf_field,
    events::{identifier_label, provider_name},
    layout, notice, paths,
    pipeline::source_label,
    time, Frame, NoticeKind, Section,
};
use crate::{
    links,
    repo::{HandoffRow, UnmatchedEventRow},
};

pub struct DetailView<'a> {
    pub frame: &'a Frame<'a>,
    pub handoff: &'a HandoffRow,
    /// Unmatched provider events an admin linked to this handoff.
    pub linked_events: &'a [UnmatchedEventRow],
    pub edge: &'a url::Url,
    pub notice: Option<(NoticeKind, String)>,
}

/// Who or what made a change, in words.
fn actor(by: Option<&str>) -> Option<String> {
    match by? {
        "manual" => Some("by an admin".into()),
        "scheduled" => Some("automatically, after no completion arrived in time".into()),
        other => webhook_provider(other).map(|name| format!("by webhook ({name})")),
    }
}

/// `webhook:<provider>` → the provider's name.
fn webhook_provider(by: &str) -> Option<&str> {
    let slug = by.strip_prefix("webhook:")?;
    Some(Provider::from_slug(slug).map_or("provider", Provider::display_name))
}

struct Event {
    at: i64,
    title: String,
    text: String,
    class: &'static str,
}

fn timeline(h: &HandoffRow, linked: &[UnmatchedEventRow]) -> Vec<Event> {
    let mut events = vec![Event {
        at: h.created_at.get(),
        title: "Created".into(),
        text: match &h.source_page {
            Some(source) => format!("Captured on {}", source_label(source)),
            None => "Captured by the booking assistant".into(),
        },
        class: "t-created",
    }];
    if let Some(at) = h.redirected_at {
        let count = h.redirect_count;
        events.push(Event {
            at: at.get(),
            title: "Sent to the booking page".into(),
            text: if count > 1 {
                format!("First redirect; the link was opened {count} times in all")
            } else {
                "First redirect; the link was opened once".into()
            },
            class: "t-redirected",
        });
    }
    for e in linked {
        let ids = e
            .identifiers()
            .iter()
            .map(|(name, value)| format!("{} {value}", identifier_label(name)))
            .collect::<Vec<_>>()
            .join(", ");
        events.push(Event {
            at: e.linked_at.unwrap_or(e.received_at).get(),
            title: "Provider event linked".into(),
            text: format!(
                "An admin linked a verified booking event to this handoff ({}, {}, {ids})",
                provider_name(&e.provider),
                e.event_type
            ),
            class: "t-linked",
        });
    }
    if let Some(at) = h.completed_at {
        let by_webhook = h.completed_by.as_deref().and_then(webhook_provider);
        // Linking completes in the same write, so the two share their timestamp.
        let from_link = linked.iter().any(|e| e.linked_at == Some(at));
        events.push(Event {
            at: at.get(),
            title: match by_webhook {
                Some(name) => format!("Completed — by webhook ({name})"),
                None => "Completed".into(),
            },
            text: match (by_webhook, from_link) {
                (Some(_), false) => {
                    "The provider's verified booking event carried this handoff's reference".into()
                }
                (Some(_), true) => "From the verified booking event an admin linked".into(),
                (None, _) => match actor(h.completed_by.as_deref()) {
                    Some(who) => format!("Marked completed {who}"),
                    None => "Marked completed".into(),
                },
            },
            class: "t-completed",
        });
    }
    if let Some(at) = h.abandoned_at {
        events.push(Event {
            at: at.get(),
            title: "Abandoned".into(),
            text: match actor(h.abandoned_by.as_deref()) {
                Some(who) => format!("Marked abandoned {who}"),
                None => "Marked abandoned".into(),
            },
            class: "t-abandoned",
        });
    }
    // Stable: at the same instant, a link shows before the completion it caused.
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
    let may = |to: HandoffStatus| h.status.can_transition_to(to);
    let link = links::continue_url(v.edge, h.id.as_str());
    layout(
        &h.customer_name,
        Section::Pipeline,
        Some(v.frame),
        html! {
            a.back href=(paths::HOME) { "← All handoffs" }
            div.page-head.with-badge {
                h1 { (h.customer_name) }
                (badge(h.status))
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
                        form.inline method="post" action=(paths::at(paths::HANDOFF_COMPLETE, h.id.as_str())) {
                            (csrf_field(v.frame))
                            button.btn.primary type="submit" { "Mark completed" }
                        }
                    }
                    @if may(HandoffStatus::Abandoned) {
                        form.inline method="post" action=(paths::at(paths::HANDOFF_ABANDON, h.id.as_str())) data-confirm="Mark this handoff as abandoned?" {
                            (csrf_field(v.frame))
                            button.btn.secondary type="submit" { "Mark abandoned" }
                        }
                    }
                    @if h.status.is_final() {
                        p.muted { "Completed handoffs are final." }
                    }
                }
            }
            div.detail-grid {
                section.card aria-labelledby="timeline-h" {
                    h2 #timeline-h { "Timeline" }
                    ol.timeline {
                        @for e in timeline(h, v.linked_events) {
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
                        dt { "Provider" } dd {
                            (value(h.provider_name_used.as_deref()))
                            @if let Some(route) = &h.route_service { span.muted { " (the " (route) " route)" } }
                        }
                        @if let Some(at) = h.consent_at {
                            dt { "Consent" } dd { "Agreed " (time(at)) }
                        }
                        @if let Some(at) = h.erased_at {
                            dt { "Erased" } dd { "Personal details erased " (time(at)) }
                        }
                        dt { "Booking URL used" } dd.break {
                            @match &h.external_booking_url_used {
                                Some(url) => code { (url) },
                                None => span.muted { "Not redirected yet" },
                            }
                        }
                        dt { "Reference" } dd { code { (h.id) } }
                    }
                }
                (first_touch(&h.attribution()))
            }
        },
    )
}

/// Where the lead came from, as the visitor's first touch recorded it.
fn first_touch(a: &Attribution) -> Markup {
    fn label(name: &str) -> &str {
        match name {
            "landingPage" => "Landing page",
            "referrer" => "Came from",
            "utmSource" => "utm_source",
            "utmMedium" => "utm_medium",
            "utmCampaign" => "utm_campaign",
            "utmTerm" => "utm_term",
            "utmContent" => "utm_content",
            "liFatId" => "li_fat_id",
            other => other,
        }
    }
    html! {
        section.card aria-labelledby="source-h" {
            h2 #source-h { "Where it came from" }
            @if a.is_empty() {
                p.muted { "Nothing was recorded: a direct visit, or details erased." }
            } @else {
                dl.fields {
                    @for (name, value) in a.pairs() {
                        dt { (label(name)) } dd.break { (value) }
                    }
                }
            }
        }
    }
}
