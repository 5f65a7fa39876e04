//! Handoff's edge service: the widget API, the tracking redirect, the admin and operator
//! APIs and the widget's own files, over one D1 database.
//!
//! The entry point only routes; each surface module owns its handlers, and decisions live in
//! `handoff-core`.
use worker::{
    event, Context, Env, Method, Request, Response, Result, ScheduleContext, ScheduledEvent,
};

mod admin_api;
mod app;
mod assets;
mod capture;
mod dashboard;
mod error;
mod forwarding;
mod hosted;
mod http;
mod links;
mod operator;
mod pages;
mod random;
mod redirect;
mod repo;
mod scheduled;
mod secrets;
mod webhooks;
mod widget_api;

use app::App;
use error::AppError;

#[event(fetch)]
async fn fetch(req: Request, env: Env, ctx: Context) -> Result<Response> {
    let (resp, forward) = route(req, env.clone()).await;
    // A capture for a client that forwards leads: the first delivery attempt runs after the
    // response is sent, so the visitor never waits for the business's endpoint.
    if let Some(client) = forward {
        ctx.wait_until(async move {
            let now = worker::Date::now().as_millis() as i64;
            forwarding::deliver_due(&env, Some(&client), now).await;
        });
    }
    Ok(resp)
}

#[event(scheduled)]
async fn scheduled(event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    scheduled::run(&env, &event.cron(), event.schedule() as i64).await;
}

use http::only;

fn bench_redirect() -> Response {
    http::found(&url::Url::parse("https://provider.example/book").expect("a constant URL"))
}

/// The response, and the client whose lead-forwarding outbox a capture just filled.
async fn route(req: Request, env: Env) -> (Response, Option<repo::ClientId>) {
    let path = req.path();
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    use Method::{Get, Head, Options, Post};

    // Static assets first: they need neither D1 nor the request context.
    match segments.as_slice() {
        ["widget.js"] => {
            let resp = only(&req, &[Get, Head], "GET, HEAD")
                .unwrap_or_else(|| assets::loader(http::header(&req, "If-None-Match").as_deref()));
            return (resp, None);
        }
        ["w", version, file] => {
            let resp = only(&req, &[Get, Head], "GET, HEAD").unwrap_or_else(|| {
                assets::bundle(version, file).unwrap_or_else(|| AppError::NotFound.json_response())
            });
            return (resp, None);
        }
        _ => {}
    }

    let app = match App::new(&req, env) {
        Ok(app) => app,
        Err(e) => return (e.json_response(), None),
    };
    let resp = match segments.as_slice() {
        ["healthz"] => match only(&req, &[Get, Head], "GET, HEAD") {
            Some(resp) => resp,
            None => match app.repo.health().await {
                Ok(()) => http::json(
                    200,
                    &serde_json::json!({ "ok": true, "assetVersion": assets::VERSION }),
                ),
                Err(e) => e.json_response(),
            },
        },
        ["api", "v1", "widget-config"] => match only(&req, &[Get, Options], "GET, OPTIONS") {
            Some(resp) => resp,
            None => widget_api::config(&app, req).await,
        },
        ["api", "v1", "handoffs"] => match only(&req, &[Post, Options], "POST, OPTIONS") {
            Some(resp) => resp,
            None => widget_api::capture(&app, req).await,
        },
        ["r", id] => match only(&req, &[Get, Head], "GET, HEAD") {
            Some(resp) => resp,
            None => redirect::follow(&app, &req, id).await,
        },
        // Visitors reach these by links that get mangled (a suffix, a trailing slash): anything
        // but exactly `/r/ID` or `/b/SLUG` is the friendly page, never a JSON 404 or a redirect.
        ["r", ..] => pages::link_not_found(),
        ["b", slug] => hosted::route(&app, req, slug).await,
        ["b", ..] => pages::not_found_page(),
        // The benchmarks' same-run baselines, only where enabled: a static 302 with no D1, and
        // a static 302 after one trivial D1 round trip (the runtime's floor for any redirect
        // that must touch the database).
        ["bench", "static-redirect"] if app.bench_baseline_enabled() => bench_redirect(),
        ["bench", "d1-redirect"] if app.bench_baseline_enabled() => match app.repo.ping().await {
            Ok(()) => bench_redirect(),
            Err(e) => e.json_response(),
        },
        ["api", "webhooks", "external-booking", provider] => {
            webhooks::receive(&app, req, provider).await
        }
        ["api", "v1", "admin", rest @ ..] => admin_api::route(&app, req, rest).await,
        ["api", "v1", "operator", rest @ ..] => operator::route(&app, req, rest).await,
        ["dashboard", rest @ ..] => dashboard::route(&app, req, rest).await,
        _ => AppError::NotFound.json_response(),
    };
    (resp, app.forward_kick.take())
}
