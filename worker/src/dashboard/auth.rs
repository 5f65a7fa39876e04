//! Dashboard sign-in, sign-out and the session check every other page starts with.
//!
//! Sign-in trades the client's admin key for an HMAC-signed cookie (see
//! `handoff_core::session`) carrying the client id, the key's hash and an expiry. Each
//! request verifies the signature and expiry, then checks in one indexed read that the key
//! still exists, belongs to that client and is not revoked. Writes additionally need the
//! same-origin check and the CSRF token derived from the cookie.
use handoff_core::{
    crypto::{hash_admin_key, hash_ip},
    id::is_admin_key_shaped,
    session::{
        clear_cookie, is_cross_site, is_local_host, safe_next, session_cookie_name, set_cookie,
        signin_cookie_name, signin_nonce, Session, SessionError, SessionKeys, DASHBOARD_HOME,
        SESSION_TTL_MS, SIGNIN_NONCE_TTL_S,
    },
};
use worker::{Request, Response};

use super::{error_page, html_page, paths, views, Form, Frame};
use crate::{
    app::App,
    error::{AppError, AppResult},
    http::{self, form_field as field},
    links, random,
    repo::SessionClient,
};

/// Sign-in and dashboard forms are small.
pub const FORM_LIMIT: usize = 16 * 1024;

/// A verified session: the client it is for and the CSRF token its forms carry.
pub struct Signed {
    pub client: SessionClient,
    pub csrf: String,
}

impl Signed {
    /// What every page's frame shows for this session.
    pub fn frame(&self) -> Frame<'_> {
        Frame {
            business: &self.client.name,
            csrf: &self.csrf,
            unlinked_events: self.client.unlinked_events,
            booking_unavailable: self.client.booking_unavailable,
        }
    }
}

/// Why a sign-in page is shown.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    None,
    Expired,
    SignedOut,
    Revoked,
}

impl Reason {
    fn code(self) -> Option<&'static str> {
        match self {
            Reason::None => None,
            Reason::Expired => Some("expired"),
            Reason::SignedOut => Some("signed-out"),
            Reason::Revoked => Some("revoked"),
        }
    }

    fn parse(s: &str) -> Self {
        match s {
            "expired" => Reason::Expired,
            "signed-out" => Reason::SignedOut,
            "revoked" => Reason::Revoked,
            _ => Reason::None,
        }
    }

    pub fn message(self) -> Option<&'static str> {
        match self {
            Reason::None => None,
            Reason::Expired => Some("Your session has expired. Please sign in again."),
            Reason::SignedOut => Some("You're signed out."),
            Reason::Revoked => {
                Some("That admin key is no longer valid. Sign in with a current key.")
            }
        }
    }
}

/// Cookies are `Secure` + `__Host-` except on a developer's own machine.
pub fn is_local(app: &App) -> bool {
    app.edge.host_str().is_some_and(is_local_host)
}

fn keys(app: &App) -> Option<SessionKeys> {
    app.secret_bytes("SESSION_KEY")
        .map(|k| SessionKeys::derive(&k))
}

/// This edge's origin, as a browser sends it in `Origin`.
fn own_origin(app: &App) -> String {
    app.edge.origin().ascii_serialization()
}

/// The sign-in page's URL, carrying where to go afterwards and why.
fn sign_in_url(app: &App, next: Option<&str>, reason: Reason) -> url::Url {
    let mut url = links::local_url(app, paths::SIGN_IN);
    let mut q = url::form_urlencoded::Serializer::new(String::new());
    if let Some(next) = next.and_then(safe_next).filter(|n| *n != DASHBOARD_HOME) {
        q.append_pair("next", next);
    }
    if let Some(code) = reason.code() {
        q.append_pair("reason", code);
    }
    let q = q.finish();
    url.set_query((!q.is_empty()).then_some(q.as_str()));
    url
}

/// The path and query of the request, for `next`.
fn here(req: &Request) -> Option<String> {
    let url = req.url().ok()?;
    Some(match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    })
}

/// A redirect to sign-in that also forgets the session cookie.
fn to_sign_in(app: &App, next: Option<&str>, reason: Reason) -> Response {
    let resp = http::see_other(&sign_in_url(app, next, reason));
    let local = is_local(app);
    http::with_cookie(resp, &clear_cookie(session_cookie_name(local), local))
}

const NOT_CONFIGURED: AppError = AppError::Unconfigured(
    "The dashboard isn't configured on this server yet (the SESSION_KEY secret is missing).",
);

fn keys_or_unconfigured(app: &App) -> AppResult<SessionKeys> {
    keys(app).ok_or(NOT_CONFIGURED)
}

/// The session of a request, or the response to send instead (sign-in redirect, 503).
pub async fn require(app: &App, req: &Request) -> Result<Signed, Response> {
    let keys = keys_or_unconfigured(app).map_err(|e| error_page(None, &e))?;
    let next = here(req);
    let cookie_name = session_cookie_name(is_local(app));
    let Some(cookie) = http::cookie(req, cookie_name) else {
        return Err(to_sign_in(app, next.as_deref(), Reason::None));
    };
    let session = match keys.open(&cookie, app.now) {
        Ok(session) => session,
        Err(SessionError::Expired) => {
            return Err(to_sign_in(app, next.as_deref(), Reason::Expired))
        }
        Err(SessionError::Malformed | SessionError::BadSignature) => {
            return Err(to_sign_in(app, next.as_deref(), Reason::None))
        }
    };
    match app
        .repo
        .session_client(&session.client_id, &session.key_hash)
        .await
    {
        Ok(Some(client)) => Ok(Signed {
            client,
            csrf: keys.csrf_token(&cookie),
        }),
        Ok(None) => Err(to_sign_in(app, None, Reason::Revoked)),
        Err(e) => Err(error_page(None, &e)),
    }
}

/// For POSTs: refuses cross-site requests, needs a session, reads the form and checks its
/// CSRF token. Returns the session and the form's pairs.
pub async fn require_write(app: &App, mut req: Request) -> Result<(Signed, Form), Response> {
    refuse_cross_site(app, &req).map_err(|e| error_page(None, &e))?;
    // A form posted after the session ended cannot be replayed: back to the dashboard.
    let signed = require(app, &req).await.map_err(|resp| {
        if resp.status_code() == 303 {
            to_sign_in(app, None, Reason::Expired)
        } else {
            resp
        }
    })?;
    let checked = async {
        let form = http::read_form(&mut req, FORM_LIMIT).await?;
        let keys = keys_or_unconfigured(app)?;
        let cookie = http::cookie(&req, session_cookie_name(is_local(app))).unwrap_or_default();
        if !keys.check_csrf(&cookie, field(&form, "csrf").unwrap_or("")) {
            return Err(AppError::FormExpired);
        }
        Ok(form)
    };
    match checked.await {
        Ok(form) => Ok((signed, form)),
        Err(e) => Err(error_page(Some(&signed.frame()), &e)),
    }
}

/// A state-changing request another site started (Fetch Metadata, else Origin).
pub fn refuse_cross_site(app: &App, req: &Request) -> AppResult<()> {
    let site = http::header(req, "Sec-Fetch-Site");
    let origin = http::header(req, "Origin");
    if is_cross_site(site.as_deref(), origin.as_deref(), &own_origin(app)) {
        return Err(AppError::CrossSite);
    }
    Ok(())
}

/// `GET /dashboard/sign-in`: the form, with a fresh anti-forgery nonce; straight on when
/// already signed in.
pub async fn sign_in_page(app: &App, req: Request) -> AppResult<Response> {
    let req = &req;
    let next = http::query_param(req, "next");
    let next = next.as_deref().and_then(safe_next);
    if let Some(keys) = keys(app) {
        let cookie = http::cookie(req, session_cookie_name(is_local(app)));
        if let Some(Ok(session)) = cookie.map(|c| keys.open(&c, app.now)) {
            if let Ok(Some(_)) = app
                .repo
                .session_client(&session.client_id, &session.key_hash)
                .await
            {
                return Ok(http::see_other(&links::local_url(
                    app,
                    next.unwrap_or(DASHBOARD_HOME),
                )));
            }
        }
    }
    let reason = http::query_param(req, "reason")
        .map(|r| Reason::parse(&r))
        .unwrap_or(Reason::None);
    sign_in_form(app, 200, next, reason.message(), None)
}

/// Renders the sign-in form with a new nonce cookie.
fn sign_in_form(
    app: &App,
    status: u16,
    next: Option<&str>,
    notice: Option<&str>,
    error: Option<&str>,
) -> AppResult<Response> {
    let keys = keys_or_unconfigured(app)?;
    let nonce = signin_nonce(&random::bytes16()?);
    let token = keys.signin_token(&nonce).unwrap_or_default();
    let local = is_local(app);
    let resp = html_page(
        status,
        views::sign_in(&views::SignIn {
            csrf: &token,
            next,
            notice,
            error,
        }),
    );
    Ok(http::with_cookie(
        resp,
        &set_cookie(signin_cookie_name(local), &nonce, SIGNIN_NONCE_TTL_S, local),
    ))
}

/// Asks the `SIGNIN_LIMITER` binding, keyed by the hashed client IP. A missing or failing
/// limiter lets the attempt through (and logs it): admin keys carry 256 random bits, so the
/// limiter slows guessing, it is not what makes guessing hopeless.
async fn allow_sign_in(app: &App, req: &Request) -> bool {
    let ip = http::header(req, "CF-Connecting-IP").unwrap_or_else(|| "-".into());
    let salt = app
        .ip_salt()
        .or_else(|| app.secret_bytes("SESSION_KEY"))
        .unwrap_or_default();
    let key = format!("signin:{}", hash_ip(&salt, &ip));
    app.allow("SIGNIN_LIMITER", &key).await
}

/// `POST /dashboard/sign-in`
pub async fn sign_in(app: &App, mut req: Request) -> AppResult<Response> {
    refuse_cross_site(app, &req)?;
    let keys = keys_or_unconfigured(app)?;
    let form = http::read_form(&mut req, FORM_LIMIT).await?;
    let next = field(&form, "next").and_then(safe_next);
    let local = is_local(app);
    let nonce = http::cookie(&req, signin_cookie_name(local)).unwrap_or_default();
    if !keys.check_signin_token(&nonce, field(&form, "csrf").unwrap_or("")) {
        return sign_in_form(
            app,
            403,
            next,
            None,
            Some("This sign-in form expired. Please enter your admin key again (and check that cookies are allowed)."),
        );
    }
    if !allow_sign_in(app, &req).await {
        let resp = sign_in_form(
            app,
            429,
            next,
            None,
            Some(
                "Too many sign-in attempts from your network. Please wait a minute and try again.",
            ),
        )?;
        return Ok(http::with_header(resp, "Retry-After", "60"));
    }
    let key = field(&form, "adminKey").unwrap_or("").trim();
    let key_hash = hash_admin_key(key);
    let client = if is_admin_key_shaped(key) {
        app.repo.client_for_admin_key(&key_hash).await?
    } else {
        None
    };
    let Some(client) = client else {
        return sign_in_form(
            app,
            401,
            next,
            None,
            Some("That admin key wasn't recognised. Check that you copied all of it (it starts with hok_) and try again."),
        );
    };
    let cookie = keys.seal(&Session {
        client_id: client.as_str().to_string(),
        key_hash,
        expires_at: app.now + SESSION_TTL_MS,
    });
    let resp = http::see_other(&links::local_url(app, next.unwrap_or(DASHBOARD_HOME)));
    let resp = http::with_cookie(
        resp,
        &set_cookie(
            session_cookie_name(local),
            &cookie,
            SESSION_TTL_MS / 1000,
            local,
        ),
    );
    Ok(http::with_cookie(
        resp,
        &clear_cookie(signin_cookie_name(local), local),
    ))
}

/// `POST /dashboard/sign-out`: forgets the cookie. Needs the CSRF token while the session is
/// valid (so another site cannot sign an admin out); an already-dead session just goes.
pub async fn sign_out(app: &App, mut req: Request) -> AppResult<Response> {
    refuse_cross_site(app, &req)?;
    let local = is_local(app);
    let cookie = http::cookie(&req, session_cookie_name(local));
    let live = match (keys(app), &cookie) {
        (Some(keys), Some(cookie)) => keys.open(cookie, app.now).is_ok().then_some(keys),
        _ => None,
    };
    if let (Some(keys), Some(cookie)) = (live, &cookie) {
        let form = http::read_form(&mut req, FORM_LIMIT)
            .await
            .unwrap_or_default();
        if !keys.check_csrf(cookie, field(&form, "csrf").unwrap_or("")) {
            return Err(AppError::FormExpired);
        }
    }
    Ok(to_sign_in(app, None, Reason::SignedOut))
}
