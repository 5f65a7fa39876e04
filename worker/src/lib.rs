//! Handoff's edge service: the widget API, the tracking redirect, the hosted booking page,
//! provider webhooks, the admin and operator APIs, the dashboard and the widget's own files,
//! over one D1 database.
//!
//! The entry point only picks the surface a path belongs to; each surface declares its routes
//! once (`router`) and renders its errors once, and decisions live in `handoff-core`.
use worker::{event, Context, Env, Request, Response, Result, ScheduleContext, ScheduledEvent};

mod admin_api;
mod alerts;
mod app;
mod assets;
mod capture;
mod dashboard;
mod edge;
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
mod router;
mod scheduled;
mod secrets;
mod settings;
mod webhooks;
mod widget_api;

use app::App;
use error::AppError;
use router::Verb;

#[event(fetch)]
async fn fetch(req: Request, env: Env, ctx: Context) -> Result<Response> {
    let (resp, outbox) = route(req, env.clone()).await;
    // A capture that filled its client's outbox (forwarding, alerts): the first delivery
    // attempt runs after the response is sent, so the visitor never waits for a receiver.
    if let Some((client, edge)) = outbox {
        ctx.wait_until(async move {
            let now = worker::Date::now().as_millis() as i64;
            forwarding::deliver_due(&env, Some(&client), now, Some(&edge)).await;
        });
    }
    Ok(resp)
}

#[event(scheduled)]
async fn scheduled(event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    scheduled::run(&env, &event.cron(), event.schedule() as i64).await;
}

/// The surfaces, by the prefix of the paths they own. Who owns a path also decides how an
/// unknown path under it is answered (a visitor's mangled link gets a page, an API a JSON 404).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Surface {
    /// `/widget.js`, `/w/…`: static, answered without D1 or the request context.
    Assets,
    /// `/healthz` and the benchmarks' baselines.
    Edge,
    Widget,
    Redirect,
    Hosted,
    Webhooks,
    Admin,
    Operator,
    Dashboard,
    Unknown,
}

impl Surface {
    fn of(path: &str) -> Surface {
        let under = |prefix: &str| {
            path == prefix
                || path
                    .strip_prefix(prefix)
                    .is_some_and(|rest| rest.starts_with('/'))
        };
        if path == "/widget.js" || under("/w") {
            Surface::Assets
        } else if path == "/healthz" || under("/bench") {
            Surface::Edge
        } else if path == "/api/v1/widget-config" || path == "/api/v1/handoffs" {
            Surface::Widget
        } else if under("/r") {
            Surface::Redirect
        } else if under("/b") {
            Surface::Hosted
        } else if under("/api/webhooks") {
            Surface::Webhooks
        } else if under("/api/v1/admin") {
            Surface::Admin
        } else if under("/api/v1/operator") {
            Surface::Operator
        } else if under("/dashboard") {
            Surface::Dashboard
        } else {
            Surface::Unknown
        }
    }
}

/// The response, and the client whose outbox a capture just filled (with the origin its
/// links point at).
async fn route(req: Request, env: Env) -> (Response, Option<(repo::ClientId, url::Url)>) {
    let path = req.path();
    let verb = Verb::from_method(&req.method());
    let surface = Surface::of(&path);
    if surface == Surface::Assets {
        return (assets::route(&req, verb, &path), None);
    }
    let app = match App::new(&req, env) {
        Ok(app) => app,
        Err(e) => {
            e.log();
            return (http::json_error(&e, Default::default()), None);
        }
    };
    let resp = match surface {
        Surface::Assets => unreachable!("answered above"),
        Surface::Edge => edge::route(&app, req, verb, &path).await,
        Surface::Widget => widget_api::route(&app, req, verb, &path).await,
        Surface::Redirect => redirect::route(&app, req, verb, &path).await,
        Surface::Hosted => hosted::route(&app, req, verb, &path).await,
        Surface::Webhooks => webhooks::route(&app, req, verb, &path).await,
        Surface::Admin => admin_api::route(&app, req, verb, &path).await,
        Surface::Operator => operator::route(&app, req, verb, &path).await,
        Surface::Dashboard => dashboard::route(&app, req, verb, &path).await,
        Surface::Unknown => http::json_error(&AppError::NotFound, Default::default()),
    };
    let outbox = app
        .outbox_kick
        .take()
        .map(|client| (client, app.edge.clone()));
    (resp, outbox)
}

#[cfg(test)]
mod tests {
    use super::Surface;
    use crate::router::{Route, Verb};

    /// A surface's table: every pattern is under the surface's own prefix (so the entry point
    /// sends its requests there), and no path and method is declared twice.
    fn check<H>(surface: Surface, routes: &[Route<H>]) {
        for (i, a) in routes.iter().enumerate() {
            assert_eq!(Surface::of(a.pattern), surface, "{}", a.pattern);
            assert!(!a.methods.is_empty(), "{} takes no method", a.pattern);
            assert!(!a.methods.contains(&Verb::Other));
            for b in &routes[i + 1..] {
                let overlap = a.methods.iter().any(|m| b.methods.contains(m));
                assert!(
                    !(a.pattern == b.pattern && overlap),
                    "{} declared twice",
                    a.pattern
                );
            }
        }
    }

    #[test]
    fn every_surface_declares_each_route_once_under_its_own_prefix() {
        check(Surface::Assets, crate::assets::ROUTES);
        check(Surface::Edge, crate::edge::ROUTES);
        check(Surface::Edge, crate::edge::BENCH_ROUTES);
        check(Surface::Widget, crate::widget_api::ROUTES);
        check(Surface::Redirect, crate::redirect::ROUTES);
        check(Surface::Hosted, crate::hosted::ROUTES);
        check(Surface::Webhooks, crate::webhooks::ROUTES);
        check(Surface::Admin, crate::admin_api::ROUTES);
        check(Surface::Admin, crate::admin_api::BENCH_ROUTES);
        check(Surface::Operator, crate::operator::ROUTES);
        check(Surface::Dashboard, crate::dashboard::ROUTES);
    }

    #[test]
    fn every_path_belongs_to_the_surface_of_its_prefix() {
        let cases = [
            ("/widget.js", Surface::Assets),
            ("/w/abc/handoff_widget.js", Surface::Assets),
            ("/widget.json", Surface::Unknown),
            ("/healthz", Surface::Edge),
            ("/bench/static-redirect", Surface::Edge),
            ("/api/v1/widget-config", Surface::Widget),
            ("/api/v1/handoffs", Surface::Widget),
            ("/api/v1/handoffs/x", Surface::Unknown),
            ("/r/abc", Surface::Redirect),
            ("/r/abc/extra", Surface::Redirect),
            ("/r", Surface::Redirect),
            ("/rx", Surface::Unknown),
            ("/b/demo-spa", Surface::Hosted),
            ("/api/webhooks/external-booking/calendly", Surface::Webhooks),
            ("/api/v1/admin/handoffs", Surface::Admin),
            ("/api/v1/operator/clients", Surface::Operator),
            ("/dashboard", Surface::Dashboard),
            ("/dashboard/settings", Surface::Dashboard),
            ("/dashboards", Surface::Unknown),
            ("/", Surface::Unknown),
        ];
        for (path, want) in cases {
            assert_eq!(Surface::of(path), want, "{path}");
        }
    }
}
