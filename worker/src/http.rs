//! Small response helpers shared by every surface: JSON, HTML, redirects, CORS, security headers.
use futures_util::{
    future::{select, Either},
    StreamExt,
};
use handoff_core::i18n::{self, Lang};
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::{future::Future, pin::pin, time::Duration};
use worker::{Headers, Request, Response};

use crate::error::{AppError, AppResult};

fn build(status: u16, content_type: &str, body: Vec<u8>) -> Response {
    let headers = Headers::new();
    // Header names and values here are static or validated: setting them cannot fail.
    let _ = headers.set("Content-Type", content_type);
    let _ = headers.set("X-Content-Type-Options", "nosniff");
    Response::from_bytes(body)
        .map(|r| r.with_status(status).with_headers(headers))
        .unwrap_or_else(|_| Response::empty().expect("empty response").with_status(500))
}

pub fn json<T: Serialize>(status: u16, value: &T) -> Response {
    let body = serde_json::to_vec(value).unwrap_or_else(|_| b"{}".to_vec());
    with_header(
        build(status, "application/json; charset=utf-8", body),
        "Cache-Control",
        "no-store",
    )
}

/// An HTML page with a strict CSP: no scripts, styles only from the page itself, no framing.
pub fn html(status: u16, markup: String) -> Response {
    let resp = build(status, "text/html; charset=utf-8", markup.into_bytes());
    let resp = with_header(
        resp,
        "Content-Security-Policy",
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; \
         frame-ancestors 'none'; base-uri 'none'",
    );
    let resp = with_header(resp, "X-Frame-Options", "DENY");
    let resp = with_header(resp, "Referrer-Policy", "no-referrer");
    with_header(resp, "Cache-Control", "no-store")
}

pub fn bytes(content_type: &str, body: Vec<u8>) -> Response {
    build(200, content_type, body)
}

/// 302 to an absolute URL that the caller built (never one taken from the request).
pub fn found(location: &url::Url) -> Response {
    let resp = build(302, "text/plain; charset=utf-8", Vec::new());
    let resp = with_header(resp, "Location", location.as_str());
    let resp = with_header(resp, "Cache-Control", "no-store");
    // The provider does not need to learn the tracking link the visitor came through.
    with_header(resp, "Referrer-Policy", "no-referrer")
}

pub fn no_content() -> Response {
    build(204, "text/plain; charset=utf-8", Vec::new())
}

pub fn with_header(resp: Response, name: &str, value: &str) -> Response {
    let headers = resp.headers().clone();
    let _ = headers.set(name, value);
    resp.with_headers(headers)
}

/// CORS for an origin the client allowed (or `None`: no CORS headers, the browser blocks).
/// `Vary: Origin` always, since the answer depends on it.
pub fn with_cors(resp: Response, allowed_origin: Option<&str>) -> Response {
    let resp = with_header(resp, "Vary", "Origin");
    match allowed_origin {
        Some(origin) => with_header(resp, "Access-Control-Allow-Origin", origin),
        None => resp,
    }
}

pub fn preflight(allowed_origin: Option<&str>, methods: &str) -> Response {
    let resp = with_cors(no_content(), allowed_origin);
    if allowed_origin.is_none() {
        return resp;
    }
    let resp = with_header(resp, "Access-Control-Allow-Methods", methods);
    let resp = with_header(resp, "Access-Control-Allow-Headers", "Content-Type");
    with_header(resp, "Access-Control-Max-Age", "86400")
}

pub fn header(req: &Request, name: &str) -> Option<String> {
    req.headers().get(name).ok().flatten()
}

pub fn query_param(req: &Request, name: &str) -> Option<String> {
    let url = req.url().ok()?;
    let value = url
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned());
    value
}

/// The visitor's language: `explicit` (a `?lang=` or the one a handoff was captured in)
/// when we speak it, else the browser's `Accept-Language`, else English.
pub fn visitor_lang(req: &Request, explicit: Option<&str>) -> Lang {
    lang_of(explicit, header(req, "Accept-Language").as_deref())
}

/// [`visitor_lang`] from an `Accept-Language` value read earlier (the request may be gone).
pub fn lang_of(explicit: Option<&str>, accept_language: Option<&str>) -> Lang {
    i18n::negotiate(
        explicit,
        i18n::accept_language(accept_language.unwrap_or("")),
    )
}

/// Reads the body up to `limit` bytes: 413 beyond it. Content-Length is checked first, then the
/// bytes as they arrive (the header can lie or be absent), so a huge streamed body is refused
/// after `limit` bytes instead of being buffered whole in a 128 MB isolate.
pub async fn read_body(req: &mut Request, limit: usize) -> AppResult<Vec<u8>> {
    if let Some(len) = header(req, "Content-Length").and_then(|v| v.trim().parse::<u64>().ok()) {
        if len > limit as u64 {
            return Err(AppError::PayloadTooLarge(limit));
        }
    }
    // A request without a body (the only way `stream` fails before any read) is an empty one.
    let Ok(mut chunks) = req.stream() else {
        return Ok(Vec::new());
    };
    let mut body = Vec::new();
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk.map_err(|e| {
            // The runtime's message is for our log, not for the caller.
            worker::console_warn!("reading a request body failed: {}", e);
            AppError::BadRequest("Could not read the request body.".into())
        })?;
        if body.len() + chunk.len() > limit {
            return Err(AppError::PayloadTooLarge(limit));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The request's media type without parameters, lower-cased ("" when absent).
fn media_type(req: &Request) -> String {
    let ct = header(req, "Content-Type").unwrap_or_default();
    ct.split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// 415 unless the request says it is JSON.
pub fn require_json(req: &Request) -> AppResult<()> {
    if media_type(req) == "application/json" {
        Ok(())
    } else {
        Err(AppError::UnsupportedMediaType)
    }
}

/// Parses a JSON object body into `T`, answering 400 with serde's own explanation for a bad
/// field (it names the field and position, and echoes only unknown field names and
/// non-string values).
///
/// Anything but an object is refused first: serde reads a JSON array positionally into a
/// struct's fields (`["Ada","ada@example.com"]` would be a lead), and its message for other
/// values names our Rust type.
pub fn parse_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> AppResult<T> {
    if body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        let valid = serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok();
        return Err(AppError::BadRequest(if valid {
            "The request body must be a JSON object.".into()
        } else {
            "The request body is not valid JSON.".into()
        }));
    }
    serde_json::from_slice(body).map_err(|e| {
        let why = match e.classify() {
            serde_json::error::Category::Data => {
                format!("The request body has an invalid field: {e}.")
            }
            _ => "The request body is not valid JSON.".to_string(),
        };
        AppError::BadRequest(why)
    })
}

pub fn not_modified() -> Response {
    build(304, "text/plain; charset=utf-8", Vec::new())
}

/// Adds a `Set-Cookie` header (appended: a response may set several cookies).
pub fn with_cookie(resp: Response, set_cookie: &str) -> Response {
    let headers = resp.headers().clone();
    let _ = headers.append("Set-Cookie", set_cookie);
    resp.with_headers(headers)
}

/// The value of cookie `name` sent with the request.
pub fn cookie(req: &Request, name: &str) -> Option<String> {
    let header = header(req, "Cookie")?;
    handoff_core::session::cookie_value(&header, name).map(str::to_string)
}

/// 303 See Other: where a browser goes after a form POST (always with GET).
pub fn see_other(location: &url::Url) -> Response {
    found(location).with_status(303)
}

/// Reads an `application/x-www-form-urlencoded` body (up to `limit` bytes) into its pairs,
/// in order; 415 for any other content type (a form post is all a dashboard page sends).
pub async fn read_form(req: &mut Request, limit: usize) -> AppResult<Vec<(String, String)>> {
    if media_type(req) != "application/x-www-form-urlencoded" {
        return Err(AppError::UnsupportedMediaType);
    }
    let body = read_body(req, limit).await?;
    Ok(url::form_urlencoded::parse(&body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect())
}

/// The first value of a form field.
pub fn form_field<'a>(form: &'a [(String, String)], name: &str) -> Option<&'a str> {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// `None` when `fut` is not done within `timeout` (outbound fetches: the iframe probe, lead
/// forwarding).
pub async fn within<F: Future>(fut: F, timeout: Duration) -> Option<F::Output> {
    match select(pin!(fut), pin!(worker::Delay::from(timeout))).await {
        Either::Left((out, _)) => Some(out),
        Either::Right(_) => None,
    }
}

/// The JSON APIs' one rendering of an error: `{error, message}` with the message in `lang`
/// (what a visitor can meet is translated; see [`AppError::message_in`]), the field messages
/// of a validation error, the direct link of a failed capture, and the headers HTTP asks for
/// (RFC 9110 §15.5.6 `Allow`, RFC 6585 §4 `Retry-After`).
pub fn json_error(e: &AppError, lang: Lang) -> Response {
    e.log();
    let mut body = Map::new();
    body.insert("error".into(), json!(e.code()));
    body.insert("message".into(), json!(e.message_in(lang)));
    match e {
        AppError::Validation(fields) => {
            let fields: Map<String, Value> = fields
                .iter()
                .map(|(name, msg)| ((*name).to_string(), json!(msg)))
                .collect();
            body.insert("fields".into(), Value::Object(fields));
        }
        AppError::CaptureFailed { fallback_url, .. } => {
            body.insert("fallbackUrl".into(), json!(fallback_url));
        }
        _ => {}
    }
    error_headers(e, json(e.status(), &Value::Object(body)))
}

/// `Allow` on a 405 and `Retry-After` on a 429, whatever the body.
pub fn error_headers(e: &AppError, resp: Response) -> Response {
    match e {
        AppError::MethodNotAllowed(allow) => with_header(resp, "Allow", allow),
        AppError::RateLimited => with_header(resp, "Retry-After", "60"),
        _ => resp,
    }
}
