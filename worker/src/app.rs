//! Per-request context: bindings, the repository, this edge's public origin and the time.
use worker::{Env, Request};

use crate::{
    error::{AppError, AppResult},
    repo::{ClientId, Repo},
};

pub struct App {
    pub env: Env,
    pub repo: Repo,
    /// The origin this request reached us on: links we hand out point back here.
    pub edge: url::Url,
    /// Milliseconds since the epoch, read once per request.
    pub now: i64,
    /// Set by a capture for a client that forwards leads: deliver its outbox after responding.
    pub forward_kick: std::cell::RefCell<Option<ClientId>>,
}

impl App {
    pub fn new(req: &Request, env: Env) -> AppResult<Self> {
        let mut edge = req.url().map_err(|e| AppError::Internal(e.to_string()))?;
        edge.set_path("/");
        edge.set_query(None);
        edge.set_fragment(None);
        let repo = Repo::new(&env)?;
        Ok(App {
            env,
            repo,
            edge,
            now: worker::Date::now().as_millis() as i64,
            forward_kick: std::cell::RefCell::new(None),
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
