//! The edge's own routes: `/healthz`, and the benchmarks' same-run baselines (only where
//! `BENCH_BASELINE` is set): a static 302 with no D1, and a static 302 after one trivial D1
//! round trip (the runtime's floor for any redirect that must touch the database).
use worker::{Request, Response};

use crate::{
    app::App,
    assets,
    error::AppResult,
    http,
    router::{dispatch, Handler, Route, Verb, GET_HEAD},
};

pub(crate) const ROUTES: &[Route<Handler>] = &[Route {
    methods: GET_HEAD,
    pattern: "/healthz",
    handler: |app, _, _| Box::pin(health(app)),
}];

pub(crate) const BENCH_ROUTES: &[Route<Handler>] = &[
    Route {
        methods: GET_HEAD,
        pattern: "/bench/static-redirect",
        handler: |_, _, _| Box::pin(async { Ok(bench_redirect()) }),
    },
    Route {
        methods: GET_HEAD,
        pattern: "/bench/d1-redirect",
        handler: |app, _, _| {
            Box::pin(async move {
                app.repo.ping().await?;
                Ok(bench_redirect())
            })
        },
    },
];

pub async fn route(app: &App, req: Request, verb: Verb, path: &str) -> Response {
    let table = if app.bench_baseline_enabled() && path.starts_with("/bench/") {
        BENCH_ROUTES
    } else {
        ROUTES
    };
    dispatch(table, app, req, verb, path)
        .await
        .unwrap_or_else(|e| http::json_error(&e, Default::default()))
}

/// D1 answers *and* holds our schema.
async fn health(app: &App) -> AppResult<Response> {
    app.repo.health().await?;
    Ok(http::json(
        200,
        &serde_json::json!({ "ok": true, "assetVersion": assets::VERSION }),
    ))
}

fn bench_redirect() -> Response {
    http::found(&url::Url::parse("https://provider.example/book").expect("a constant URL"))
}
