//! The admin dashboard at `/dashboard`: server-rendered HTML (maud, which escapes every
//! interpolated value) with a little progressive-enhancement JS served from here.
//!
//! One route table says what each URL is and what it needs: [`Handler::Page`] runs only with
//! a session ([`auth`]), [`Handler::Write`] only for a same-site POST carrying the session's
//! CSRF token. The effective client comes from that session only — no route reads a client id
//! from the path, the query or a form. Errors become pages in one place ([`error_page`]).
use worker::{Request, Response};

use crate::{
    app::App,
    error::{AppError, AppResult},
    http, pages,
    router::{self, find, Params, Reply, Route, Verb, GET_HEAD, POST},
};

mod assets;
pub mod auth;
mod deliveries;
mod detail;
mod events;
mod export;
pub(crate) mod paths;
mod pipeline;
mod privacy;
mod settings;
mod views;

use auth::Signed;
use views::Frame;

/// A form's pairs, in order.
pub type Form = Vec<(String, String)>;

/// What a route needs before its handler runs.
pub enum Handler {
    /// Nothing: sign-in, sign-out and the assets decide for themselves.
    Public(router::Handler),
    /// A signed-in page.
    Page(for<'a> fn(&'a App, &'a Signed, Request, Params) -> Reply<'a>),
    /// A signed-in write: same-site, and a form whose CSRF token matches the session.
    Write(for<'a> fn(&'a App, &'a Signed, Form, Params) -> Reply<'a>),
}

pub(crate) const ROUTES: &[Route<Handler>] = &[
    Route {
        methods: GET_HEAD,
        pattern: paths::ASSET,
        handler: Handler::Public(|_, _, p| Box::pin(async move { assets::serve(p.get("file")) })),
    },
    Route {
        methods: GET_HEAD,
        pattern: paths::HOME,
        handler: Handler::Page(|app, s, req, _| Box::pin(pipeline::page(app, s, req))),
    },
    Route {
        methods: GET_HEAD,
        pattern: paths::HOME_SLASH,
        handler: Handler::Page(|app, s, req, _| Box::pin(pipeline::page(app, s, req))),
    },
    Route {
        methods: GET_HEAD,
        pattern: paths::EXPORT,
        handler: Handler::Page(|app, s, req, _| Box::pin(export::csv(app, s, req))),
    },
    Route {
        methods: GET_HEAD,
        pattern: paths::SIGN_IN,
        handler: Handler::Public(|app, req, _| Box::pin(auth::sign_in_page(app, req))),
    },
    Route {
        methods: POST,
        pattern: paths::SIGN_IN,
        handler: Handler::Public(|app, req, _| Box::pin(auth::sign_in(app, req))),
    },
    Route {
        methods: POST,
        pattern: paths::SIGN_OUT,
        handler: Handler::Public(|app, req, _| Box::pin(auth::sign_out(app, req))),
    },
    Route {
        methods: GET_HEAD,
        pattern: paths::HANDOFF,
        handler: Handler::Page(|app, s, req, p| {
            Box::pin(async move { detail::page(app, s, req, p.get("id")).await })
        }),
    },
    Route {
        methods: POST,
        pattern: paths::HANDOFF_COMPLETE,
        handler: Handler::Write(|app, s, form, p| {
            Box::pin(async move { detail::complete(app, s, form, p.get("id")).await })
        }),
    },
    Route {
        methods: POST,
        pattern: paths::HANDOFF_ABANDON,
        handler: Handler::Write(|app, s, form, p| {
            Box::pin(async move { detail::abandon(app, s, form, p.get("id")).await })
        }),
    },
    Route {
        methods: GET_HEAD,
        pattern: paths::WEBHOOK_EVENTS,
        handler: Handler::Page(|app, s, req, _| Box::pin(events::page(app, s, req))),
    },
    Route {
        methods: POST,
        pattern: paths::WEBHOOK_EVENT_LINK,
        handler: Handler::Write(|app, s, form, p| {
            Box::pin(async move { events::link(app, s, form, p.get("id")).await })
        }),
    },
    Route {
        methods: GET_HEAD,
        pattern: paths::SETTINGS,
        handler: Handler::Page(|app, s, req, _| Box::pin(settings::page(app, s, req))),
    },
    Route {
        methods: POST,
        pattern: paths::SETTINGS,
        handler: Handler::Write(|app, s, form, _| Box::pin(settings::save_page(app, s, form))),
    },
    Route {
        methods: POST,
        pattern: paths::ALERT_TEST,
        handler: Handler::Write(|app, s, _, _| Box::pin(settings::test_alert(app, s))),
    },
    Route {
        methods: GET_HEAD,
        pattern: paths::PRIVACY,
        handler: Handler::Page(|app, s, req, _| Box::pin(privacy::page(app, s, req))),
    },
    Route {
        methods: POST,
        pattern: paths::PRIVACY_FIND,
        handler: Handler::Write(|app, s, form, _| Box::pin(privacy::find(app, s, form))),
    },
    Route {
        methods: POST,
        pattern: paths::PRIVACY_ERASE,
        handler: Handler::Write(|app, s, form, _| Box::pin(privacy::erase(app, s, form))),
    },
    Route {
        methods: GET_HEAD,
        pattern: paths::DELIVERIES,
        handler: Handler::Page(|app, s, req, _| Box::pin(deliveries::page(app, s, req))),
    },
    Route {
        methods: POST,
        pattern: paths::DELIVERY_RETRY,
        handler: Handler::Write(|app, s, _, p| {
            Box::pin(async move { deliveries::retry(app, s, p.get("id")).await })
        }),
    },
];

/// `/dashboard…`. A path the table doesn't name is the public "page not found".
pub async fn route(app: &App, req: Request, verb: Verb, path: &str) -> Response {
    let (route, params) = match find(ROUTES, verb, path).route() {
        Ok(found) => found,
        Err(AppError::NotFound) => return pages::not_found_page(),
        Err(e) => return error_page(None, &e),
    };
    match &route.handler {
        Handler::Public(handler) => handler(app, req, params)
            .await
            .unwrap_or_else(|e| error_page(None, &e)),
        Handler::Page(handler) => match auth::require(app, &req).await {
            Ok(signed) => answer(&signed, handler(app, &signed, req, params).await),
            Err(resp) => resp,
        },
        Handler::Write(handler) => match auth::require_write(app, req).await {
            Ok((signed, form)) => answer(&signed, handler(app, &signed, form, params).await),
            Err(resp) => resp,
        },
    }
}

fn answer(signed: &Signed, result: AppResult<Response>) -> Response {
    result.unwrap_or_else(|e| error_page(Some(&signed.frame()), &e))
}

/// The dashboard's CSP: scripts and styles only from this origin (`/dashboard/assets/`),
/// nothing inline, nothing framed, forms only to ourselves.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   connect-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// An HTML page with the dashboard's CSP.
pub(crate) fn html_page(status: u16, markup: String) -> Response {
    http::with_header(http::html(status, markup), "Content-Security-Policy", CSP)
}

/// A page with a heading and one sentence.
fn message_page(frame: Option<&Frame>, status: u16, title: &str, text: &str) -> Response {
    html_page(status, views::message(frame, title, text))
}

/// The dashboard's one rendering of an error, as a page in the signed-in frame when there is
/// one. The cause of a server-side failure is logged, never shown.
pub fn error_page(frame: Option<&Frame>, e: &AppError) -> Response {
    e.log();
    let refused = "Request refused";
    let resp = match e {
        AppError::NotFound => message_page(
            frame,
            404,
            "Not found",
            "We couldn't find that. It may not exist, or it may belong to another account.",
        ),
        AppError::MethodNotAllowed(_) => message_page(
            frame,
            405,
            "Not available",
            "This address doesn't accept that kind of request.",
        ),
        AppError::CrossSite => message_page(
            frame,
            403,
            refused,
            "This request came from another website, so it was refused. Open the dashboard directly and try again.",
        ),
        AppError::FormExpired => message_page(
            frame,
            403,
            refused,
            "This form has expired or didn't come from this dashboard. Go back, reload the page and try again.",
        ),
        // The one error type's 415 sentence is for the JSON API; a form needs this advice.
        AppError::UnsupportedMediaType => message_page(
            frame,
            415,
            refused,
            "Dashboard forms are sent as application/x-www-form-urlencoded.",
        ),
        AppError::Unconfigured(why) => message_page(frame, 503, "Dashboard unavailable", why),
        e => message_page(frame, e.status(), "Something went wrong", &e.message()),
    };
    http::error_headers(e, resp)
}
