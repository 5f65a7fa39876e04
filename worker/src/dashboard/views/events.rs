//! Unmatched provider events: what each one is (provider, time, type, the provider's own
//! ids) and, per unlinked event, a form to name the handoff it belongs to.
use handoff_core::provider::Provider;
use maud::{html, Markup};

use super::{csrf_field, layout, notice, paths, time, Frame, NoticeKind, Section};
use crate::repo::UnmatchedEventRow;

pub struct EventsView<'a> {
    pub frame: &'a Frame<'a>,
    pub events: &'a [UnmatchedEventRow],
    /// Unlinked events in all (the list may be cut at `limit`).
    pub unlinked: i64,
    pub limit: u32,
    pub notice: Option<(NoticeKind, &'static str)>,
}

/// A provider slug as the admin knows the provider.
pub fn provider_name(slug: &str) -> &str {
    match Provider::from_slug(slug) {
        Some(provider) => provider.display_name(),
        None => slug,
    }
}

/// The provider's id names (core `WebhookEvent::identifiers`) in words.
pub fn identifier_label(name: &str) -> &str {
    match name {
        "invitee_uri" => "Invitee",
        "scheduled_event_uri" => "Scheduled event",
        "booking_uid" => "Booking UID",
        "booking_id" => "Booking ID",
        "appointment_id" => "Appointment ID",
        "order_id" => "Order ID",
        "calendar_id" => "Calendar ID",
        "appointment_type_id" => "Appointment type ID",
        "merchant_id" => "Merchant ID",
        "object_id" => "Object ID",
        "event_id" => "Event ID",
        other => other,
    }
}

pub fn events(v: &EventsView<'_>) -> String {
    layout(
        "Unmatched booking events",
        Section::Events,
        Some(v.frame),
        html! {
            div.page-head {
                h1 { "Unmatched booking events" }
            }
            p.muted.intro {
                "Verified booking events from your provider that didn't name one of your handoffs. "
                "Acuity and Square never send our reference back, so their bookings always land here. "
                "Find the handoff in your pipeline and link it: that marks it completed. "
                "We never match by name, email or time."
            }
            @if let Some((kind, text)) = v.notice { (notice(kind, text)) }
            @if v.events.is_empty() {
                div.card.empty {
                    p { strong { "No unmatched events." } }
                    p.muted { "When your provider confirms a booking we can't match to a handoff, it appears here." }
                }
            } @else {
                p.events-count {
                    @match v.unlinked {
                        0 => "Every event is linked.",
                        1 => "1 event to link.",
                        n => { (n) " events to link." },
                    }
                }
                div.table-wrap {
                    table.events {
                        caption.visually-hidden { "Unmatched booking events, unlinked first, newest first" }
                        thead {
                            tr {
                                th scope="col" { "Received" }
                                th scope="col" { "Provider" }
                                th scope="col" { "Event" }
                                th scope="col" { "Provider's ids" }
                                th scope="col" { "Handoff" }
                            }
                        }
                        tbody {
                            @for e in v.events { (row(v.frame, e)) }
                        }
                    }
                }
                @if v.events.len() as u32 >= v.limit {
                    p.muted { "Showing the latest " (v.limit) " events, unlinked ones first." }
                }
            }
        },
    )
}

fn row(frame: &Frame, e: &UnmatchedEventRow) -> Markup {
    let input_id = format!("ref-{}", e.id);
    html! {
        tr id={ "event-" (e.id) } class=[e.linked_handoff_id.is_some().then_some("linked")] {
            td.created data-label="Received" { (time(e.received_at)) }
            td data-label="Provider" { (provider_name(&e.provider)) }
            td data-label="Event" { code { (e.event_type) } }
            td data-label="Provider's ids" {
                ul.ids {
                    @for (name, value) in e.identifiers() {
                        li { span.id-name { (identifier_label(&name)) } " " code { (value) } }
                    }
                }
            }
            td.link-cell data-label="Handoff" {
                @match (&e.linked_handoff_id, e.linked_at) {
                    (Some(handoff), linked_at) => {
                        span.linked-to {
                            "Linked to "
                            a href=(paths::handoff(handoff)) {
                                (e.linked_customer_name.as_deref().unwrap_or("this handoff"))
                            }
                        }
                        @if let Some(at) = linked_at { span.muted.linked-at { "on " (time(at)) } }
                    }
                    (None, _) => {
                        form.link-form method="post" action=(paths::at(paths::WEBHOOK_EVENT_LINK, &e.id)) {
                            (csrf_field(frame))
                            label for=(input_id) { "Handoff reference" }
                            div.copy-row {
                                input id=(input_id) type="text" name="handoff" required
                                    autocomplete="off" spellcheck="false" autocapitalize="off"
                                    placeholder="Reference or link";
                                button.btn.small.primary type="submit" { "Link and complete" }
                            }
                        }
                    }
                }
            }
        }
    }
}
