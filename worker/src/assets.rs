//! The widget's files, embedded at build time (see build.rs).
//!
//! `/widget.js` is the one URL businesses paste, so it is cached briefly and revalidated;
//! the glue and wasm live under `/w/{version}/` and never change, so they are immutable.
//! All are public static assets: `Access-Control-Allow-Origin: *` lets any host page's
//! module import and wasm fetch reach them.
use worker::{Request, Response};

use crate::{
    error::AppError,
    http,
    router::{find, Lookup, Params, Route, Verb, GET_HEAD},
};

type Handler = fn(&Request, &Params) -> Option<Response>;

/// The widget's files: no D1, no request context.
pub(crate) const ROUTES: &[Route<Handler>] = &[
    Route {
        methods: GET_HEAD,
        pattern: "/widget.js",
        handler: |req, _| Some(loader(http::header(req, "If-None-Match").as_deref())),
    },
    Route {
        methods: GET_HEAD,
        pattern: "/w/:version/:file",
        handler: |_, p| bundle(p.get("version"), p.get("file")),
    },
];

/// Answers `/widget.js` and `/w/…`; errors as the JSON APIs answer them.
pub fn route(req: &Request, verb: Verb, path: &str) -> Response {
    let e = match find(ROUTES, verb, path) {
        Lookup::Route(route, params) => match (route.handler)(req, &params) {
            Some(resp) => return resp,
            None => AppError::NotFound,
        },
        Lookup::MethodNotAllowed(allow) => AppError::MethodNotAllowed(allow),
        Lookup::NotFound => AppError::NotFound,
    };
    http::json_error(&e, Default::default())
}

pub const VERSION: &str = include_str!(concat!(env!("OUT_DIR"), "/asset_version.txt"));
const LOADER: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/widget.js"));
const GLUE: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/handoff_widget.js"));
const WASM: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/handoff_widget_bg.wasm"));

fn asset(content_type: &str, body: &[u8], cache_control: &str) -> Response {
    let resp = http::bytes(content_type, body.to_vec());
    let resp = http::with_header(resp, "Cache-Control", cache_control);
    let resp = http::with_header(resp, "Access-Control-Allow-Origin", "*");
    let resp = http::with_header(resp, "Cross-Origin-Resource-Policy", "cross-origin");
    http::with_header(resp, "ETag", &format!("\"{VERSION}\""))
}

pub fn loader(if_none_match: Option<&str>) -> Response {
    if if_none_match.is_some_and(|tag| tag.trim() == format!("\"{VERSION}\"")) {
        let resp = http::with_header(http::not_modified(), "ETag", &format!("\"{VERSION}\""));
        return http::with_header(resp, "Access-Control-Allow-Origin", "*");
    }
    asset(
        "text/javascript; charset=utf-8",
        LOADER,
        "public, max-age=300, must-revalidate",
    )
}

/// `/w/{version}/{file}`. An old version (a page cached across a deploy) still gets the
/// current files: they are compatible within one deploy, and a 404 would break the widget.
pub fn bundle(version: &str, file: &str) -> Option<Response> {
    let immutable = "public, max-age=31536000, immutable";
    let cache = if version == VERSION {
        immutable
    } else {
        "no-cache"
    };
    match file {
        "handoff_widget.js" => Some(asset("text/javascript; charset=utf-8", GLUE, cache)),
        "handoff_widget_bg.wasm" => Some(asset("application/wasm", WASM, cache)),
        _ => None,
    }
}
