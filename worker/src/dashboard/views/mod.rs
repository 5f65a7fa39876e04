//! The dashboard's templates (maud: every interpolated value is escaped). Handlers pass
//! plain data in; nothing here reads the request or the database. No inline styles or
//! scripts: the CSP allows only `/dashboard/assets/`.
use handoff_core::status::HandoffStatus;
use maud::{html, Markup, DOCTYPE};
use worker::Response;

use super::{auth::Signed, html_page};
use crate::{error::AppError, http};

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

/// Which top-level section a page belongs to (highlighted in the navigation).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Pipeline,
    Events,
    Settings,
    None,
}

/// The document around every dashboard page.
pub fn layout(title: &str, section: Section, signed: Option<&Signed>, body: Markup) -> String {
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
                link rel="stylesheet" href="/dashboard/assets/app.css";
                script src="/dashboard/assets/app.js" defer {}
            }
            body {
                header.top {
                    div.wrap.top-inner {
                        a.brand href="/dashboard" { "Handoff" }
                        @if let Some(signed) = signed {
                            span.business { (signed.client.name) }
                            nav.main-nav aria-label="Dashboard" {
                                a href="/dashboard" aria-current=[(section == Section::Pipeline).then_some("page")] { "Handoffs" }
                                a href="/dashboard/webhook-events" aria-current=[(section == Section::Events).then_some("page")] {
                                    "Webhook events"
                                    @if signed.client.unlinked_events > 0 {
                                        " "
                                        span.nav-badge { (signed.client.unlinked_events) }
                                        span.visually-hidden { " to link" }
                                    }
                                }
                                a href="/dashboard/settings" aria-current=[(section == Section::Settings).then_some("page")] { "Settings" }
                            }
                            form.sign-out method="post" action="/dashboard/sign-out" {
                                input type="hidden" name="csrf" value=(signed.csrf);
                                button.link type="submit" { "Sign out" }
                            }
                        }
                    }
                }
                @if let Some(signed) = signed {
                    @if signed.client.booking_unavailable {
                        div.banner role="alert" {
                            div.wrap {
                                strong { "Online booking is off for your visitors. " }
                                "External booking mode is on but there is no booking page URL, so visitors only see your contact details. "
                                a href="/dashboard/settings#externalBookingUrl" { "Add your booking URL in Settings" }
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
pub fn badge(status: &str) -> Markup {
    let (class, label) = match HandoffStatus::parse(status) {
        Some(s) => (s.as_str(), s.label()),
        None => ("unknown", "Unknown"),
    };
    html! { span class={ "badge badge-" (class) } { (label) } }
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
pub fn csrf_field(signed: &Signed) -> Markup {
    html! { input type="hidden" name="csrf" value=(signed.csrf); }
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
                form method="post" action="/dashboard/sign-in" {
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

/// A page with just a heading and a sentence (errors, unconfigured server).
pub fn message_page(status: u16, title: &str, text: &str) -> Response {
    message_page_for(None, status, title, text)
}

fn message_page_for(signed: Option<&Signed>, status: u16, title: &str, text: &str) -> Response {
    html_page(
        status,
        layout(
            title,
            Section::None,
            signed,
            html! {
                section.card.message {
                    h1 { (title) }
                    p { (text) }
                    p { a href="/dashboard" { "Back to your handoffs" } }
                }
            },
        ),
    )
}

pub fn forbidden(signed: Option<&Signed>, text: &str) -> Response {
    message_page_for(signed, 403, "Request refused", text)
}

pub fn not_found(signed: Option<&Signed>) -> Response {
    message_page_for(
        signed,
        404,
        "Not found",
        "We couldn't find that. It may not exist, or it may belong to another account.",
    )
}

/// Any error as a page: status and sentence from the one error type, cause logged there.
pub fn error_page(signed: Option<&Signed>, e: &AppError) -> Response {
    e.log();
    match e {
        AppError::NotFound => not_found(signed),
        e => message_page_for(signed, e.status(), "Something went wrong", &e.message()),
    }
}

pub fn method_not_allowed(allow: &'static str) -> Response {
    let resp = message_page(
        405,
        "Not available",
        "This address doesn't accept that kind of request.",
    );
    http::with_header(resp, "Allow", allow)
}
