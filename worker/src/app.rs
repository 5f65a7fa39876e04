//! Per-request context: bindings, the repository, this edge's public origin and the time.
use worker::{Env, Request};

use crate::{
    error::{AppError, AppResult},
    repo::{ClientId, Repo},
};

pub struct App {
    pub env: Env,
    pub repo: Repo,
    /// Our public origin: every absolute link we hand out (continue links, redirects,
    /// forwarding payloads) points here. `PUBLIC_ORIGIN` when configured, never the request's
    /// `Host` then; without it (local development) the origin the request reached.
    pub edge: url::Url,
    /// Milliseconds since the epoch, read once per request.
    pub now: i64,
    /// Set by a capture that filled its client's outbox (lead forwarding, email alerts):
    /// its first delivery attempt runs after the response.
    pub outbox_kick: std::cell::RefCell<Option<ClientId>>,
}

impl App {
    pub fn new(req: &Request, env: Env) -> AppResult<Self> {
        let requested = req.url().map_err(|e| AppError::Internal(e.to_string()))?;
        let configured = env.var("PUBLIC_ORIGIN").ok().map(|v| v.to_string());
        let edge = public_origin(configured.as_deref(), &requested).ok_or(
            AppError::Unconfigured("PUBLIC_ORIGIN is not an http(s) origin"),
        )?;
        let repo = Repo::new(&env)?;
        Ok(App {
            env,
            repo,
            edge,
            now: worker::Date::now().as_millis() as i64,
            outbox_kick: std::cell::RefCell::new(None),
        })
    }

    /// A secret used as key material (`SESSION_KEY`, `SECRETS_KEY`, `IP_SALT`).
    pub fn secret_bytes(&self, name: &str) -> Option<Vec<u8>> {
        self.secret(name).map(String::into_bytes)
    }

    /// A secret binding's value; `None` when unset or empty.
    pub fn secret(&self, name: &str) -> Option<String> {
        self.env
            .secret(name)
            .ok()
            .map(|s| s.to_string())
            .filter(|s| !s.is_empty())
    }

    /// The salt for hashing visitor IPs. Without it no IP information is stored at all.
    pub fn ip_salt(&self) -> Option<Vec<u8>> {
        self.secret_bytes("IP_SALT")
    }

    /// The benchmarks' baseline routes (`/bench/…`) and the admin query-plan diagnostics exist
    /// only where the `BENCH_BASELINE` var is "1" (bench and test runs), never in production.
    pub fn bench_baseline_enabled(&self) -> bool {
        self.env
            .var("BENCH_BASELINE")
            .map(|v| v.to_string() == "1")
            .unwrap_or(false)
    }

    pub fn operator_token(&self) -> Option<String> {
        self.secret("OPERATOR_TOKEN")
    }

    /// Asks a rate-limiting binding (`CAPTURE_LIMITER`, `SIGNIN_LIMITER`, `WEBHOOK_LIMITER`)
    /// whether `key` may go on. A missing binding or a failing limiter lets the request
    /// through and says so in the log: losing a visitor's booking request or a provider's
    /// completion is worse than a burst, which origins, signatures and 256-bit keys already bound.
    pub async fn allow(&self, binding: &str, key: &str) -> bool {
        match self.env.rate_limiter(binding) {
            Ok(limiter) => match limiter.limit(key.to_string()).await {
                Ok(outcome) => outcome.success,
                Err(e) => {
                    worker::console_error!("rate limiter {} failed: {}", binding, e);
                    true
                }
            },
            Err(_) => true,
        }
    }
}

/// The configured public origin, for work outside a request (the scheduled job's alerts).
pub fn configured_origin(env: &Env) -> Option<url::Url> {
    bare_origin(env.var("PUBLIC_ORIGIN").ok()?.to_string().trim())
}

/// `https://book.example` (a trailing `/` allowed; no path, query, fragment or credentials).
fn bare_origin(configured: &str) -> Option<url::Url> {
    let url = url::Url::parse(configured).ok()?;
    let bare = matches!(url.scheme(), "http" | "https")
        && url.host_str().is_some()
        && url.username().is_empty()
        && url.password().is_none()
        && url.path() == "/"
        && url.query().is_none()
        && url.fragment().is_none();
    bare.then_some(url)
}

/// The origin links are built on: the configured one (`https://book.example`, a trailing `/`
/// allowed; no path, query, fragment or credentials) when set and non-empty, else the
/// request's own. `None`: a configured value that is not such an origin.
fn public_origin(configured: Option<&str>, request: &url::Url) -> Option<url::Url> {
    let mut origin = match configured.map(str::trim).filter(|c| !c.is_empty()) {
        Some(c) => bare_origin(c)?,
        None => request.clone(),
    };
    origin.set_path("/");
    origin.set_query(None);
    origin.set_fragment(None);
    Some(origin)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_use_the_configured_origin_never_the_requests_host() {
        let forged = url::Url::parse("http://evil.example/dashboard?x=1#y").unwrap();
        let cases = [
            (Some("https://book.example"), "https://book.example/"),
            (Some("https://book.example/"), "https://book.example/"),
            (Some(" http://127.0.0.1:8787 "), "http://127.0.0.1:8787/"),
            (None, "http://evil.example/"),
            (Some(""), "http://evil.example/"),
        ];
        for (configured, want) in cases {
            let got = public_origin(configured, &forged).map(|u| u.to_string());
            assert_eq!(got.as_deref(), Some(want), "{configured:?}");
        }
    }

    #[test]
    fn a_configured_value_that_is_not_a_bare_origin_is_refused() {
        let request = url::Url::parse("https://book.example/").unwrap();
        for bad in [
            "book.example",
            "ftp://book.example",
            "https://book.example/base",
            "https://book.example/?q",
            "https://user:pw@book.example",
            "https://book.example/#top",
            "javascript:alert(1)",
        ] {
            assert_eq!(public_origin(Some(bad), &request), None, "{bad}");
        }
    }
}
