//! The iframe probe: fetches the booking page once (GET, following redirects, with a
//! timeout) and lets core judge its `X-Frame-Options` / CSP `frame-ancestors` headers
//! against the client's own sites.
use std::time::Duration;

use handoff_core::framing::{framing as judge, Framing};
use worker::{AbortController, Fetch, Headers, Method, Request, RequestInit};

use super::IframeCheck;
use crate::http::within;

/// Long enough for a slow booking page, short enough for a settings save.
const TIMEOUT: Duration = Duration::from_secs(5);

/// Whether `url` may be framed by every one of `embedders` (the client's allowed origins).
pub async fn framing(url: &url::Url, embedders: &[String]) -> IframeCheck {
    let headers = Headers::new();
    let _ = headers.set("Accept", "text/html");
    let _ = headers.set("User-Agent", "HandoffFramingCheck/1.0");
    let mut init = RequestInit::new();
    init.with_method(Method::Get).with_headers(headers);
    let Ok(request) = Request::new_with_init(url.as_str(), &init) else {
        return IframeCheck::Unknown;
    };
    let controller = AbortController::default();
    let signal = controller.signal();
    let fetch = Fetch::Request(request);
    let response = match within(fetch.send_with_signal(&signal), TIMEOUT).await {
        Some(Ok(resp)) => resp,
        Some(Err(e)) => {
            worker::console_log!("iframe probe failed: {}", e);
            return IframeCheck::Unknown;
        }
        None => {
            controller.abort();
            worker::console_log!("iframe probe timed out");
            return IframeCheck::Unknown;
        }
    };
    let xfo = response.headers().get("X-Frame-Options").ok().flatten();
    let csp = response
        .headers()
        .get("Content-Security-Policy")
        .ok()
        .flatten();
    let embedders: Vec<&str> = embedders.iter().map(String::as_str).collect();
    match judge(xfo.as_deref(), csp.as_deref(), url.as_str(), &embedders) {
        Framing::Allowed => IframeCheck::Allowed,
        Framing::Blocked => IframeCheck::Blocked,
    }
}
