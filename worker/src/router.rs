//! Route tables: each surface declares its routes once, as method + path pattern + handler,
//! and the answers for an unknown path (404) or a method the path doesn't take (405 with the
//! `Allow` header) come from that same table. Matching is pure and tested natively.
//!
//! A pattern is a path of `/`-separated segments; a segment `:name` matches any one
//! non-empty segment and is handed to the handler by name. Methods are listed per route
//! (a `GET` route does not answer `HEAD` unless it says so), so `Allow` is exactly what the
//! table accepts.

use std::{future::Future, pin::Pin};

use worker::{Request, Response};

use crate::{
    app::App,
    error::{AppError, AppResult},
};

/// What a handler hands back: the response, or the error its surface renders.
pub type Reply<'a> = Pin<Box<dyn Future<Output = AppResult<Response>> + 'a>>;

/// A handler that needs nothing but the request (each surface may add its own kinds, e.g.
/// the dashboard's signed-in ones).
pub type Handler = for<'a> fn(&'a App, Request, Params) -> Reply<'a>;

/// The methods our surfaces use; anything else only ever gets a 405.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verb {
    Get,
    Head,
    Post,
    Put,
    Delete,
    Options,
    /// Any other method (PATCH, TRACE…): never routed.
    Other,
}

impl Verb {
    /// The order `Allow` lists them in.
    const ORDER: [Verb; 6] = [
        Verb::Get,
        Verb::Head,
        Verb::Post,
        Verb::Put,
        Verb::Delete,
        Verb::Options,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Verb::Get => "GET",
            Verb::Head => "HEAD",
            Verb::Post => "POST",
            Verb::Put => "PUT",
            Verb::Delete => "DELETE",
            Verb::Options => "OPTIONS",
            Verb::Other => "",
        }
    }

    pub fn from_method(method: &worker::Method) -> Self {
        use worker::Method;
        match method {
            Method::Get => Verb::Get,
            Method::Head => Verb::Head,
            Method::Post => Verb::Post,
            Method::Put => Verb::Put,
            Method::Delete => Verb::Delete,
            Method::Options => Verb::Options,
            _ => Verb::Other,
        }
    }
}

impl<H> Route<H> {
    /// The methods besides `OPTIONS`, for a CORS preflight's `Access-Control-Allow-Methods`.
    pub fn methods_except_options(&self) -> String {
        let methods: Vec<&str> = self
            .methods
            .iter()
            .filter(|v| **v != Verb::Options)
            .map(|v| v.as_str())
            .collect();
        methods.join(", ")
    }
}

/// Method sets routes are declared with.
pub const GET: &[Verb] = &[Verb::Get];
pub const GET_HEAD: &[Verb] = &[Verb::Get, Verb::Head];
pub const POST: &[Verb] = &[Verb::Post];

/// One row of a surface's table.
#[derive(Debug, PartialEq, Eq)]
pub struct Route<H> {
    pub methods: &'static [Verb],
    pub pattern: &'static str,
    pub handler: H,
}

/// The `:name` segments a pattern captured, by name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Params(Vec<(&'static str, String)>);

impl Params {
    /// The captured segment (percent-encoding left as sent: ids and slugs are checked by core).
    /// A name the pattern doesn't have is a bug in the table, so it reads as empty.
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(n, _)| *n == name)
            .map_or("", |(_, v)| v.as_str())
    }
}

/// What the table says about a request.
#[derive(Debug, PartialEq, Eq)]
pub enum Lookup<'r, H> {
    Route(&'r Route<H>, Params),
    /// The path exists but not for this method: the `Allow` header's value.
    MethodNotAllowed(String),
    NotFound,
}

impl<'r, H> Lookup<'r, H> {
    /// The route, or the error an unknown path (404) or another method (405) is.
    pub fn route(self) -> AppResult<(&'r Route<H>, Params)> {
        match self {
            Lookup::Route(route, params) => Ok((route, params)),
            Lookup::MethodNotAllowed(allow) => Err(AppError::MethodNotAllowed(allow)),
            Lookup::NotFound => Err(AppError::NotFound),
        }
    }
}

/// Runs the plain handler `routes` has for this request.
pub async fn dispatch(
    routes: &[Route<Handler>],
    app: &App,
    req: Request,
    verb: Verb,
    path: &str,
) -> AppResult<Response> {
    let (route, params) = find(routes, verb, path).route()?;
    (route.handler)(app, req, params).await
}

/// The captures when `path` matches `pattern`.
fn matches(pattern: &'static str, path: &str) -> Option<Params> {
    let mut pattern_segments = pattern.split('/');
    let mut path_segments = path.split('/');
    let mut params = Vec::new();
    loop {
        match (pattern_segments.next(), path_segments.next()) {
            (None, None) => return Some(Params(params)),
            (Some(p), Some(s)) => match p.strip_prefix(':') {
                Some(name) if !s.is_empty() => params.push((name, s.to_string())),
                Some(_) => return None,
                None if p == s => {}
                None => return None,
            },
            _ => return None,
        }
    }
}

/// Finds the route for `verb` and `path` (the URL's path, query excluded).
pub fn find<'r, H>(routes: &'r [Route<H>], verb: Verb, path: &str) -> Lookup<'r, H> {
    let mut allowed: Vec<Verb> = Vec::new();
    for route in routes {
        let Some(params) = matches(route.pattern, path) else {
            continue;
        };
        if route.methods.contains(&verb) {
            return Lookup::Route(route, params);
        }
        allowed.extend(route.methods);
    }
    if allowed.is_empty() {
        return Lookup::NotFound;
    }
    let allow: Vec<&str> = Verb::ORDER
        .iter()
        .filter(|v| allowed.contains(v))
        .map(|v| v.as_str())
        .collect();
    Lookup::MethodNotAllowed(allow.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &[Route<&str>] = &[
        Route {
            methods: GET_HEAD,
            pattern: "/dashboard",
            handler: "pipeline",
        },
        Route {
            methods: GET_HEAD,
            pattern: "/dashboard/handoffs/:id",
            handler: "detail",
        },
        Route {
            methods: POST,
            pattern: "/dashboard/handoffs/:id/complete",
            handler: "complete",
        },
        Route {
            methods: GET_HEAD,
            pattern: "/dashboard/settings",
            handler: "settings",
        },
        Route {
            methods: POST,
            pattern: "/dashboard/settings",
            handler: "save settings",
        },
        Route {
            methods: &[Verb::Post, Verb::Options],
            pattern: "/api/v1/handoffs",
            handler: "capture",
        },
    ];

    fn route(verb: Verb, path: &str) -> Option<(&'static str, Params)> {
        match find(TABLE, verb, path) {
            Lookup::Route(r, p) => Some((r.handler, p)),
            _ => None,
        }
    }

    #[test]
    fn finds_the_route_for_a_method_and_a_path() {
        let cases = [
            (Verb::Get, "/dashboard", "pipeline"),
            (Verb::Head, "/dashboard", "pipeline"),
            (Verb::Get, "/dashboard/settings", "settings"),
            (Verb::Post, "/dashboard/settings", "save settings"),
            (Verb::Options, "/api/v1/handoffs", "capture"),
        ];
        for (verb, path, want) in cases {
            assert_eq!(
                route(verb, path).map(|(h, _)| h),
                Some(want),
                "{verb:?} {path}"
            );
        }
    }

    #[test]
    fn hands_captured_segments_to_the_handler_by_name() {
        let (handler, params) = route(Verb::Post, "/dashboard/handoffs/abc-_9/complete").unwrap();
        assert_eq!(handler, "complete");
        assert_eq!(params.get("id"), "abc-_9");
        assert_eq!(params.get("missing"), "");
    }

    #[test]
    fn a_known_path_with_another_method_is_405_with_what_the_table_allows() {
        let cases = [
            (Verb::Post, "/dashboard", "GET, HEAD"),
            (Verb::Delete, "/dashboard/settings", "GET, HEAD, POST"),
            (Verb::Get, "/dashboard/handoffs/x/complete", "POST"),
            (Verb::Get, "/api/v1/handoffs", "POST, OPTIONS"),
            (Verb::Other, "/dashboard/handoffs/x", "GET, HEAD"),
        ];
        for (verb, path, allow) in cases {
            assert_eq!(
                find(TABLE, verb, path),
                Lookup::MethodNotAllowed(allow.to_string()),
                "{verb:?} {path}"
            );
        }
    }

    #[test]
    fn anything_the_table_does_not_name_is_not_found() {
        for path in [
            "/",
            "",
            "/dashboard/",
            "/dashboard/handoffs",
            "/dashboard/handoffs/",
            "/dashboard/handoffs/x/",
            "/dashboard/handoffs/x/abandon",
            "/dashboard/settings/x",
            "/dashboardx",
            "/DASHBOARD",
            "dashboard",
        ] {
            assert_eq!(find(TABLE, Verb::Get, path), Lookup::NotFound, "{path:?}");
        }
    }

    #[test]
    fn a_capture_never_spans_or_skips_a_segment() {
        assert_eq!(
            find(TABLE, Verb::Get, "/dashboard/handoffs/a/b"),
            Lookup::NotFound
        );
        assert_eq!(
            find(TABLE, Verb::Get, "/dashboard/handoffs//complete"),
            Lookup::NotFound
        );
    }
}
