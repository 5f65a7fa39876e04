//! Lead forwarding's delivery log.
use maud::html;

use super::{csrf_field, layout, notice, paths, time, Frame, NoticeKind, Section};
use crate::repo::DeliveryLogRow;

pub struct DeliveriesView<'a> {
    pub frame: &'a Frame<'a>,
    pub deliveries: &'a [DeliveryLogRow],
    pub limit: usize,
    pub notice: Option<(NoticeKind, &'static str)>,
}

pub fn deliveries(v: &DeliveriesView<'_>) -> String {
    layout(
        "Deliveries",
        Section::Settings,
        Some(v.frame),
        html! {
            div.page-head { h1 { "Forwarding deliveries" } }
            p.muted.intro { "Each handoff event we sent to your endpoint, newest first. Failed attempts are retried on the Standard Webhooks schedule (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h), then given up." }
            @if let Some((kind, text)) = v.notice { (notice(kind, text)) }
            @if v.deliveries.is_empty() {
                div.card.empty {
                    p { strong { "Nothing sent yet." } }
                    p.muted { "Turn on email alerts or forwarding in " a href=(paths::SETTINGS) { "Settings" } "; new handoffs are then sent to you." }
                }
            } @else {
                div.table-wrap {
                    table.events.deliveries {
                        thead {
                            tr {
                                th scope="col" { "Event" }
                                th scope="col" { "Sent to" }
                                th scope="col" { "Handoff" }
                                th scope="col" { "Status" }
                                th scope="col" { "Attempts" }
                                th scope="col" { "Last answer" }
                                th scope="col" { "" }
                            }
                        }
                        tbody {
                            @for d in v.deliveries {
                                tr id={ "delivery-" (d.id) } {
                                    td data-label="Event" { code { (d.event_type) } br; span.muted { (time(d.occurred_at)) } }
                                    td data-label="Sent to" {
                                        @match (d.channel.as_str(), &d.recipient) {
                                            ("email", Some(to)) => { "Email alert" br; span.muted.break { (to) } },
                                            _ => "Your endpoint",
                                        }
                                    }
                                    td data-label="Handoff" { a href=(paths::handoff(d.handoff_id.as_str())) { "Open" } }
                                    td data-label="Status" {
                                        @match d.status.as_str() {
                                            "delivered" => span.badge.completed_external { "Delivered" },
                                            "failed" => span.badge.abandoned { "Gave up" },
                                            _ => span.badge.new { "Pending" },
                                        }
                                        @if d.status == "pending" && d.attempts > 0 { br; span.muted { "next " (time(d.next_attempt_at)) } }
                                        @if let Some(at) = d.delivered_at { br; span.muted { (time(at)) } }
                                    }
                                    td data-label="Attempts" {
                                        (d.attempts)
                                        @if let Some(at) = d.last_attempt_at { br; span.muted { "last " (time(at)) } }
                                    }
                                    td data-label="Last answer" {
                                        @match (d.last_status, &d.last_error) {
                                            (_, _) if d.status == "delivered" && d.channel == "email" => "Accepted by the email service",
                                            (Some(status), _) if d.status == "delivered" => { "HTTP " (status) }
                                            (_, Some(error)) => (error),
                                            _ => "—",
                                        }
                                    }
                                    td {
                                        @if d.status == "failed" {
                                            form method="post" action=(paths::at(paths::DELIVERY_RETRY, &d.id)) {
                                                (csrf_field(v.frame))
                                                button.btn.small type="submit" { "Retry" }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                @if v.deliveries.len() >= v.limit { p.muted { "Showing the latest " (v.limit) "." } }
            }
        },
    )
}
