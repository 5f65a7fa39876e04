//! Dashboard sessions: a sealed cookie opens as itself and any single edit of it does not;
//! arbitrary cookies never open; CSRF and sign-in tokens accept exactly themselves; the
//! `Cookie` header parser and the post-sign-in `next` check hold for any input.

use crate::gen::{any_text, edit, Edit};
use crate::harness::fuzz;
use handoff_core::session::{cookie_value, safe_next, Session, SessionError, SessionKeys};
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::TestCaseResult;
use url::Url;

#[derive(Debug, Clone)]
struct SealCase {
    secret: Vec<u8>,
    client_id: String,
    key_hash: String,
    expires_at: i64,
    now: i64,
    edit: Edit,
    nonce: [u8; 16],
}

fn seal_case() -> impl Strategy<Value = SealCase> {
    (
        proptest::collection::vec(any::<u8>(), 0..40),
        "[A-Za-z0-9_-]{1,64}",
        "[0-9a-f]{64}",
        0i64..=999_999_999_999_999,
        prop_oneof![Just(0i64), 0i64..=999_999_999_999_999, any::<i64>()],
        edit(),
        any::<[u8; 16]>(),
    )
        .prop_map(
            |(secret, client_id, key_hash, expires_at, now, edit, nonce)| SealCase {
                secret,
                client_id,
                key_hash,
                expires_at,
                now,
                edit,
                nonce,
            },
        )
}

fn check_seal(c: SealCase) -> TestCaseResult {
    let keys = SessionKeys::derive(&c.secret);
    let session = Session {
        client_id: c.client_id.clone(),
        key_hash: c.key_hash.clone(),
        expires_at: c.expires_at,
    };
    let cookie = keys.seal(&session);
    let opened = keys.open(&cookie, c.now);
    if c.now < c.expires_at {
        prop_assert_eq!(opened, Ok(session.clone()));
    } else {
        prop_assert_eq!(opened, Err(SessionError::Expired));
    }
    // Any edit of the cookie is refused (there is one spelling of each session).
    let edited = c.edit.apply(&cookie);
    if edited != cookie {
        let got = keys.open(&edited, i64::MIN);
        prop_assert!(
            matches!(
                got,
                Err(SessionError::Malformed | SessionError::BadSignature)
            ),
            "edited cookie {:?} opened: {:?}",
            edited,
            got
        );
    }
    // Another key never opens it.
    let other = SessionKeys::derive(&[c.secret.as_slice(), b"x"].concat());
    prop_assert_eq!(
        other.open(&cookie, i64::MIN),
        Err(SessionError::BadSignature)
    );

    // CSRF: the token for this cookie, and nothing else, checks.
    let token = keys.csrf_token(&cookie);
    prop_assert!(keys.check_csrf(&cookie, &token));
    let edited_token = c.edit.apply(&token);
    if edited_token != token {
        prop_assert!(!keys.check_csrf(&cookie, &edited_token));
    }
    if edited != cookie {
        prop_assert!(!keys.check_csrf(&edited, &token));
    }
    prop_assert!(!other.check_csrf(&cookie, &token));

    // Sign-in tokens, bound to a nonce of 32 lowercase hex chars.
    let nonce = handoff_core::session::signin_nonce(&c.nonce);
    let signin = keys.signin_token(&nonce);
    prop_assert!(signin.is_some());
    let signin = signin.unwrap_or_default();
    prop_assert!(keys.check_signin_token(&nonce, &signin));
    let edited_nonce = c.edit.apply(&nonce);
    if edited_nonce != nonce {
        prop_assert!(!keys.check_signin_token(&edited_nonce, &signin));
    }
    Ok(())
}

fn check_open((secret, cookie, now): (Vec<u8>, String, i64)) -> TestCaseResult {
    let keys = SessionKeys::derive(&secret);
    let got = keys.open(&cookie, now);
    prop_assert!(got.is_err(), "a made-up cookie opened: {:?}", got);
    prop_assert!(!keys.check_csrf(&cookie, &cookie));
    Ok(())
}

fn made_up_cookie() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => any_text(200),
        2 => "v1\\.[A-Za-z0-9_.-]{0,70}\\.[0-9a-f]{60,68}\\.[0-9]{0,17}\\.[0-9a-fA-F]{60,68}",
        1 => "(v1|v2|)(\\.[a-z0-9]{0,5}){0,7}",
    ]
}

/// A `Cookie` header built from pairs, and the name to look for.
fn cookie_header() -> impl Strategy<Value = (Vec<(String, String)>, String, String)> {
    let name = prop_oneof![
        select(
            &[
                "__Host-handoff_session",
                "handoff_session",
                "__Host-handoff_signin",
                "a",
                "handoff_session2"
            ][..]
        )
        .prop_map(str::to_string),
        "[A-Za-z0-9_-]{1,8}",
    ];
    let value = prop_oneof![
        "[A-Za-z0-9._=-]{0,20}",
        Just("\"quoted\"".to_string()),
        Just(String::new())
    ];
    let glue = select(&["; ", ";", " ; ", ";  "][..]).prop_map(str::to_string);
    (
        proptest::collection::vec((name.clone(), value), 0..5),
        name,
        glue,
    )
}

fn check_cookie_header(
    (pairs, name, glue): (Vec<(String, String)>, String, String),
) -> TestCaseResult {
    let header = pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(&glue);
    let want = pairs
        .iter()
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim());
    prop_assert_eq!(cookie_value(&header, &name), want, "{:?}", header);
    Ok(())
}

fn check_cookie_text((header, name): (String, String)) -> TestCaseResult {
    if let Some(value) = cookie_value(&header, &name) {
        prop_assert!(header.contains(value));
        prop_assert!(!value.contains(';'));
        prop_assert_eq!(value.trim(), value);
    }
    Ok(())
}

const NEXT_PIECES: &[&str] = &[
    "/dashboard",
    "/dashboard/",
    "/handoffs/abc",
    "/settings",
    "?status=new",
    "#top",
    "//evil.example",
    "/\\evil.example",
    "\\",
    "/%2e%2e/",
    "/%2E%2E/x",
    "/../",
    "/./",
    "/..",
    "/.",
    "%2f%2fevil.example",
    "/%2F%2Fevil.example",
    "@evil.example",
    ".evil.example",
    "/sign-in",
    "/dashboard/sign-in",
    "\t",
    " ",
    "\u{0}",
    "\u{202e}",
    "é",
    "https://evil.example/dashboard",
    "/dashboard.evil.example",
    ":",
    "%5C",
    "/;/",
    "/..;/",
    "%09",
    "/\u{3002}evil",
    "?next=//evil.example",
    "/%252e%252e/",
    "%",
    "~",
];

fn next_target() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::collection::vec(select(NEXT_PIECES), 0..6).prop_map(|p| p.concat()),
        1 => any_text(60),
        1 => (proptest::collection::vec(select(NEXT_PIECES), 0..4), edit()).prop_map(|(p, e)| e.apply(&p.concat())),
    ]
}

fn check_next(raw: String) -> TestCaseResult {
    let Some(next) = safe_next(&raw) else {
        return Ok(());
    };
    prop_assert_eq!(next, raw.as_str());
    // Followed by a browser from any dashboard page, it stays on our origin and in the dashboard.
    for from in [
        "https://edge.example/dashboard/sign-in",
        "https://edge.example/dashboard/handoffs/x/y",
    ] {
        let base = Url::parse(from).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let landed = base.join(next);
        prop_assert!(landed.is_ok(), "{:?} does not resolve", next);
        let landed = landed.map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(
            landed.origin(),
            base.origin(),
            "{:?} leaves the origin",
            next
        );
        let path = landed.path();
        prop_assert!(
            path == "/dashboard" || path.starts_with("/dashboard/"),
            "{:?} lands on {:?}",
            next,
            path
        );
        prop_assert!(
            !path.starts_with("/dashboard/sign-in"),
            "{:?} lands on the sign-in page",
            next
        );
        prop_assert!(landed.username().is_empty() && landed.password().is_none());
    }
    Ok(())
}

/// One input for one of the module's parsers.
#[derive(Debug, Clone)]
enum Case {
    Seal(SealCase),
    Open((Vec<u8>, String, i64)),
    CookieHeader((Vec<(String, String)>, String, String)),
    CookieText((String, String)),
    Next(String),
}

fn case() -> impl Strategy<Value = Case> {
    prop_oneof![
        3 => seal_case().prop_map(Case::Seal),
        2 => (proptest::collection::vec(any::<u8>(), 0..40), made_up_cookie(), any::<i64>()).prop_map(Case::Open),
        1 => cookie_header().prop_map(Case::CookieHeader),
        1 => (any_text(100), any_text(10)).prop_map(Case::CookieText),
        3 => next_target().prop_map(Case::Next),
    ]
}

#[test]
fn session_cookies() {
    fuzz("session_cookies", case(), |case| match case {
        Case::Seal(c) => check_seal(c),
        Case::Open(c) => check_open(c),
        Case::CookieHeader(c) => check_cookie_header(c),
        Case::CookieText(c) => check_cookie_text(c),
        Case::Next(c) => check_next(c),
    });
}
