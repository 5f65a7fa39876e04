//! `GET /r/:id` — the tracking redirect behind every "Continue to booking" link.
//!
//! A click counts and moves the handoff to `redirected` (first click sets `redirected_at` and
//! the URL used), then answers 302 to the client's configured provider URL. The target is
//! built from the client's settings, never from the request, so there is no open redirect.
//! Only real navigations count (core's `classify_click`): `HEAD`, link-preview bots and
//! script fetches get the same answer uncounted; browser prefetches get a 503 no cache keeps,
//! so the visitor's real click comes through and is counted.
use handoff_core::{
    id::HandoffId,
    useragent::{classify_click, ClickKind, ClickRequest},
};
use worker::{Request, Response};

use crate::{
    app::App,
    error::{AppError, AppResult},
    http, links, pages,
    router::{find, Handler, Route, Verb, GET_HEAD},
};

pub(crate) const ROUTES: &[Route<Handler>] = &[Route {
    methods: GET_HEAD,
    pattern: "/r/:id",
    handler: |app, req, p| Box::pin(async move { follow(app, &req, p.get("id")).await }),
}];

/// `/r/…`. Visitors reach it by links that get mangled (a suffix, a trailing slash): anything
/// but exactly `/r/ID` is the friendly page, never a JSON 404 or a redirect. A method no link
/// can send gets the JSON 405.
pub async fn route(app: &App, req: Request, verb: Verb, path: &str) -> Response {
    // Without a handoff (or without D1) to say which language it was captured in, the
    // redirect's own pages speak the browser's: kept to negotiate only if a page is needed,
    // so a click that is answered 302 does no language work.
    let accept_language = http::header(&req, "Accept-Language");
    let result = match find(ROUTES, verb, path).route() {
        Ok((route, params)) => (route.handler)(app, req, params).await,
        Err(AppError::NotFound) => Err(AppError::NotFound),
        Err(e) => return http::json_error(&e, Default::default()),
    };
    result.unwrap_or_else(|e| {
        let lang = http::lang_of(None, accept_language.as_deref());
        match e {
            AppError::NotFound => pages::link_not_found(lang),
            e => {
                e.log();
                pages::link_temporarily_unavailable(lang)
            }
        }
    })
}

async fn follow(app: &App, req: &Request, raw_id: &str) -> AppResult<Response> {
    let id = HandoffId::parse(raw_id).ok_or(AppError::NotFound)?;
    let header = |name: &str| http::header(req, name);
    let (user_agent, sec_purpose, purpose, x_moz, x_purpose) = (
        header("User-Agent"),
        header("Sec-Purpose"),
        header("Purpose"),
        header("X-Moz"),
        header("X-Purpose"),
    );
    let (sec_fetch_mode, sec_fetch_dest) = (header("Sec-Fetch-Mode"), header("Sec-Fetch-Dest"));
    let kind = classify_click(&ClickRequest {
        head: req.method() == worker::Method::Head,
        user_agent: user_agent.as_deref(),
        sec_purpose: sec_purpose.as_deref(),
        purpose: purpose.as_deref(),
        x_moz: x_moz.as_deref(),
        x_purpose: x_purpose.as_deref(),
        sec_fetch_mode: sec_fetch_mode.as_deref(),
        sec_fetch_dest: sec_fetch_dest.as_deref(),
    });
    if kind == ClickKind::DeclinedPrefetch {
        return Ok(pages::prefetch_declined(http::visitor_lang(req, None)));
    }
    let counts = kind == ClickKind::Counted;

    // Fast path: one statement when the URL planned at capture is still current.
    if counts {
        if let Some(planned) = app.repo.record_click_planned(&id, app.now).await? {
            if let Ok(url) = url::Url::parse(&planned) {
                return Ok(http::found(&url));
            }
        }
    }

    // Slow path: settings changed since capture (or nothing was planned, or not counting).
    let (client, handoff) = app
        .repo
        .redirect_context(&id)
        .await?
        .ok_or(AppError::NotFound)?;
    let attribution = handoff.attribution();
    let Some(target) = links::booking_of(&client, &handoff).map(|t| {
        links::handoff_target(
            &client,
            &t,
            handoff.id.as_str(),
            links::prefill_of(&handoff),
            &attribution,
        )
    }) else {
        let lang = http::visitor_lang(req, handoff.lang.as_deref());
        return Ok(pages::booking_unavailable(&client, lang));
    };
    if counts {
        if let Err(e) = app
            .repo
            .record_click(&client.id, &id, target.as_str(), app.now)
            .await
        {
            // The visitor still gets to book; the lost count is in the log.
            e.log();
        }
    }
    Ok(http::found(&target))
}
