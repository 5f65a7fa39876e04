//! `GET /r/:id` — the tracking redirect behind every "Continue to booking" link.
//!
//! A click counts and moves the handoff to `redirected` (first click sets `redirected_at` and
//! the URL used), then answers 302 to the client's configured provider URL. The target is
//! built from the client's settings, never from the request, so there is no open redirect.
//! `HEAD` requests and link-preview bots get the same answer without being counted.
use handoff_core::{id::HandoffId, useragent::is_link_preview_bot};
use worker::{Method, Request, Response};

use crate::{app::App, http, links, pages};

pub async fn follow(app: &App, req: &Request, raw_id: &str) -> Response {
    let Some(id) = HandoffId::parse(raw_id) else {
        return pages::link_not_found();
    };
    let counts = req.method() != Method::Head
        && !http::header(req, "User-Agent").is_some_and(|ua| is_link_preview_bot(&ua));

    // Fast path: one statement when the URL planned at capture is still current.
    if counts {
        match app.repo.record_click_planned(&id, app.now).await {
            Ok(Some(planned)) => {
                if let Ok(url) = url::Url::parse(&planned) {
                    return http::found(&url);
                }
            }
            Ok(None) => {}
            Err(e) => {
                e.log();
                return pages::link_temporarily_unavailable();
            }
        }
    }

    // Slow path: settings changed since capture (or nothing was planned, or not counting).
    let (client, handoff) = match app.repo.redirect_context(&id).await {
        Ok(Some(found)) => found,
        Ok(None) => return pages::link_not_found(),
        Err(e) => {
            e.log();
            return pages::link_temporarily_unavailable();
        }
    };
    let Some(target) = links::handoff_target(&client, &handoff.id, links::prefill_of(&handoff))
    else {
        return pages::booking_unavailable(&client);
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
    http::found(&target)
}
