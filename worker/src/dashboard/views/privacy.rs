//! The privacy page: find a visitor by email or phone, see how many handoffs hold their data,
//! erase it; and the erasure log (counts only).
use maud::html;

use super::{csrf_field, layout, notice, paths, time, Frame, NoticeKind, Section};
use crate::repo::ErasureLogRow;

/// What a search found.
pub struct Found<'a> {
    /// As the admin typed it (shown back to them only, escaped).
    pub identifier: &'a str,
    pub kind: &'static str,
    pub count: i64,
}

pub struct PrivacyView<'a> {
    pub frame: &'a Frame<'a>,
    pub found: Option<Found<'a>>,
    pub notice: Option<(NoticeKind, String)>,
    pub log: &'a [ErasureLogRow],
}

pub fn privacy(v: &PrivacyView<'_>) -> String {
    layout(
        "Privacy",
        Section::Settings,
        Some(v.frame),
        html! {
            div.page-head.narrow { h1 { "Privacy" } }
            @if let Some((kind, text)) = &v.notice { (notice(*kind, text)) }
            section.card.narrow {
                h2 { "Erase a visitor's data" }
                p.muted { "When someone asks you to delete their data, find them by the email address or phone number they gave. Their name, contact details, notes and browser details are erased from every handoff; the handoffs stay in your counts." }
                form method="post" action=(paths::PRIVACY_FIND) {
                    (csrf_field(v.frame))
                    div.field {
                        label for="identifier" { "Email address or phone number" }
                        div.copy-row {
                            input #identifier name="identifier" type="text" required autocomplete="off" spellcheck="false"
                                value=(v.found.as_ref().map(|f| f.identifier).unwrap_or(""));
                            button.btn type="submit" { "Find" }
                        }
                    }
                }
                @if let Some(found) = &v.found {
                    div.found role="status" {
                        @if found.count == 0 {
                            p { "No handoff holds data for this " (found.kind) "." }
                        } @else {
                            p {
                                strong { (found.count) @if found.count == 1 { " handoff" } @else { " handoffs" } }
                                " hold data for this " (found.kind) "."
                            }
                            form method="post" action=(paths::PRIVACY_ERASE) {
                                (csrf_field(v.frame))
                                input type="hidden" name="identifier" value=(found.identifier);
                                button.btn.danger type="submit" { "Erase their data" }
                            }
                        }
                    }
                }
            }
            section.card.narrow {
                h2 { "Erasure log" }
                @if v.log.is_empty() {
                    p.muted { "Nothing erased yet. Handoffs older than your retention period are erased automatically." }
                } @else {
                    div.table-wrap {
                        table.events.log {
                            thead { tr { th scope="col" { "When" } th scope="col" { "Why" } th scope="col" { "Handoffs" } } }
                            tbody {
                                @for e in v.log {
                                    tr {
                                        td data-label="When" { (time(e.at)) }
                                        td data-label="Why" {
                                            @match (e.reason.as_str(), e.matched_by.as_deref()) {
                                                ("retention", _) => "Retention period ended",
                                                (_, Some("email")) => "Request, found by email",
                                                (_, Some("phone")) => "Request, found by phone",
                                                _ => "Request",
                                            }
                                        }
                                        td data-label="Handoffs" { (e.handoffs) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}
