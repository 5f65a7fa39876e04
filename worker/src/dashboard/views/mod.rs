//! The dashboard's templates (maud: every interpolated value is escaped). Handlers pass
//! plain data in; nothing here reads the request or the database. No inline styles or
//! scripts: the CSP allows only `/dashboard/assets/`.
use handoff_core::{pipeline::display_time, status::HandoffStatus};
use maud::{html, Markup, DOCTYPE};

use super::paths;
use crate::repo::Millis;

mod deliveries;
mod detail;
mod events;
mod pipeline;
mod privacy;
mod settings;

pub use deliveries::{deliveries, DeliveriesView};
pub use detail::{detail, DetailView};
pub use events::{events, EventsView};
pub use pipeline::{pipeline, PipelineView};
pub use privacy::{privacy, Found, PrivacyView};
pub use settings::{settings, SettingsView};

/// What the frame of every signed-in page shows: the business, the nav badge, the "booking is
/// off" banner, and the CSRF token its forms carry. Plain data, so a view never sees a session.
pub struct Frame<'a> {
    pub business: &'a str,
    pub csrf: &'a str,
    /// Verified provider events that matched no handoff and are not linked yet.
    pub unlinked_events: i64,
    /// External mode without a booking URL: visitors cannot book, the admin must be told.
    pub booking_unavailable: bool,
}

/// Which top-level section a page belongs to (highlighted in the navigation).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Pipeline,
    Events,
    Settings,
    None,
}

/// The document around every dashboard page.
pub fn layout(title: &str, section: Section, frame: Option<&Frame>, body: Markup) -> String {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="robots" content="noindex";
                // No favicon to fetch (the worker serves none; the browser's probe would 404).
                link rel="icon" href="data:,";
                title { (title) " · Handoff" }
                link rel="stylesheet" href=(paths::asset("app.css"));
                script src=(paths::asset("app.js")) defer {}
            }
            body {
                header.top {
                    div.wrap.top-inner {
                        a.brand href=(paths::HOME) { "Handoff" }
                        @if let Some(frame) = frame {
                            span.business { (frame.business) }
                            nav.main-nav aria-label="Dashboard" {
                                a href=(paths::HOME) aria-current=[(section == Section::Pipeline).then_some("page")] { "Handoffs" }
                                a href=(paths::WEBHOOK_EVENTS) aria-current=[(section == Section::Events).then_some("page")] {
                                    "Webhook events"
                                    @if frame.unlinked_events > 0 {
                                        " "
                                        span.nav-badge { (frame.unlinked_events) }
                                        span.visually-hidden { " to link" }
                                    }
                                }
                                a href=(paths::SETTINGS) aria-current=[(section == Section::Settings).then_some("page")] { "Settings" }
                            }
                            form.sign-out method="post" action=(paths::SIGN_OUT) {
                                input type="hidden" name="csrf" value=(frame.csrf);
                                button.link type="submit" { "Sign out" }
                            }
                        }
                    }
                }
                @if let Some(frame) = frame {
                    @if frame.booking_unavailable {
                        div.banner role="alert" {
                            div.wrap {
                                strong { "Online booking is off for your visitors. " }
                                "External booking mode is on but there is no booking page URL, so visitors only see your contact details. "
                                a href={ (paths::SETTINGS) "#externalBookingUrl" } { "Add your booking URL in Settings" }
                                "."
                            }
                        }
                    }
                }
                main.wrap { (body) }
            }
        }
    }
    .into_string()
}

/// A status badge an admin can read at a glance (colour plus the word).
pub fn badge(status: HandoffStatus) -> Markup {
    html! { span class={ "badge badge-" (status.as_str()) } { (status.label()) } }
}

/// A moment as every page shows it: readable, with the exact time for machines.
pub fn time(at: Millis) -> Markup {
    html! { time datetime=(at.iso8601()) { (display_time(at.get())) } }
}

/// A flash message after an action.
pub fn notice(kind: NoticeKind, text: &str) -> Markup {
    let class = match kind {
        NoticeKind::Success => "notice notice-success",
        NoticeKind::Error => "notice notice-error",
        NoticeKind::Info => "notice notice-info",
    };
    html! { p class=(class) role=(if kind == NoticeKind::Error { "alert" } else { "status" }) { (text) } }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    Success,
    Error,
    Info,
}

/// The hidden CSRF field every dashboard form carries.
pub fn csrf_field(frame: &Frame) -> Markup {
    html! { input type="hidden" name="csrf" value=(frame.csrf); }
}

pub struct SignIn<'a> {
    pub csrf: &'a str,
    pub next: Option<&'a str>,
    pub notice: Option<&'a str>,
    pub error: Option<&'a str>,
}

pub fn sign_in(v: &SignIn<'_>) -> String {
    layout(
        "Sign in",
        Section::None,
        None,
        html! {
            section.card.sign-in {
                h1 { "Sign in to your dashboard" }
                p.muted { "Use the admin key you were given when your business was set up. It starts with " code { "hok_" } "." }
                @if let Some(text) = v.notice { (notice(NoticeKind::Info, text)) }
                @if let Some(text) = v.error { (notice(NoticeKind::Error, text)) }
                form method="post" action=(paths::SIGN_IN) {
                    input type="hidden" name="csrf" value=(v.csrf);
                    @if let Some(next) = v.next { input type="hidden" name="next" value=(next); }
                    div.field {
                        label for="adminKey" { "Admin key" }
                        input #adminKey type="password" name="adminKey" required autocomplete="current-password"
                            spellcheck="false" autocapitalize="off" aria-invalid=[v.error.map(|_| "true")];
                    }
                    button.btn.primary type="submit" { "Sign in" }
                }
            }
        },
    )
}

/// A page with just a heading and a sentence (errors, refusals, an unconfigured server).
pub fn message(frame: Option<&Frame>, title: &str, text: &str) -> String {
    layout(
        title,
        Section::None,
        frame,
        html! {
            section.card.message {
                h1 { (title) }
                p { (text) }
                p { a href=(paths::HOME) { "Back to your handoffs" } }
            }
        },
    )
}
