//! The admin dashboard at `/dashboard`: server-rendered HTML (maud, which escapes every
//! interpolated value) with a little progressive-enhancement JS served from here.
//!
//! Every page but sign-in needs a session ([`auth`]); the effective client comes from that
//! session only — no route reads a client id from the path, the query or a form. Every
//! state-changing request is a POST with a CSRF token and is refused when cross-site.
use worker::{Method, Request, Response};

use crate::{app::App, http, pages};

mod assets;
pub mod auth;
mod deliveries;
mod detail;
mod events;
mod export;
mod pipeline;
mod privacy;
pub mod probe;
pub mod settings;
mod views;

/// The dashboard's CSP: scripts and styles only from this origin (`/dashboard/assets/`),
/// nothing inline, nothing framed, forms only to ourselves.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   connect-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// An HTML page with the dashboard's CSP.
pub(crate) fn html_page(status: u16, markup: String) -> Response {
    http::with_header(http::html(status, markup), "Content-Security-Policy", CSP)
}

/// `/dashboard/…`
pub async fn route(app: &App, req: Request, rest: &[&str]) -> Response {
    use Method::{Get, Head, Post};
    let method = req.method();
    let rest = match rest {
        // `/dashboard/` is `/dashboard`.
        [""] => &[][..],
        rest => rest,
    };
    match (method, rest) {
        (Get | Head, ["assets", file]) => assets::serve(file),
        (Get | Head, []) => pipeline::page(app, &req).await,
        (Get | Head, ["export.csv"]) => export::csv(app, &req).await,
        (Get | Head, ["sign-in"]) => auth::sign_in_page(app, &req).await,
        (Post, ["sign-in"]) => auth::sign_in(app, req).await,
        (Post, ["sign-out"]) => auth::sign_out(app, req).await,
        (Get | Head, ["handoffs", id]) => detail::page(app, &req, id).await,
        (Post, ["handoffs", id, action @ ("complete" | "abandon")]) => {
            detail::change_status(app, req, id, action).await
        }
        (Get | Head, ["webhook-events"]) => events::page(app, &req).await,
        (Post, ["webhook-events", id, "link"]) => events::link(app, req, id).await,
        (Get | Head, ["settings"]) => settings::page(app, &req).await,
        (Post, ["settings"]) => settings::save_page(app, req).await,
        (Get | Head, ["privacy"]) => privacy::page(app, &req).await,
        (Post, ["privacy", "find"]) => privacy::find(app, req).await,
        (Post, ["privacy", "erase"]) => privacy::erase(app, req).await,
        (Get | Head, ["deliveries"]) => deliveries::page(app, &req).await,
        (Post, ["deliveries", id, "retry"]) => deliveries::retry(app, req, id).await,
        (
            _,
            []
            | ["export.csv"]
            | ["handoffs", _]
            | ["assets", _]
            | ["webhook-events"]
            | ["privacy"]
            | ["deliveries"],
        ) => views::method_not_allowed("GET, HEAD"),
        (
            _,
            ["sign-out"]
            | ["handoffs", _, "complete" | "abandon"]
            | ["webhook-events", _, "link"]
            | ["privacy", "find" | "erase"]
            | ["deliveries", _, "retry"],
        ) => views::method_not_allowed("POST"),
        (_, ["sign-in"] | ["settings"]) => views::method_not_allowed("GET, HEAD, POST"),
        _ => pages::not_found_page(),
    }
}
