//! Dashboard sessions: the HMAC-signed cookie that says who is signed in, the CSRF tokens
//! bound to it (and to the sign-in form), the cross-site request check, the cookie's name and
//! attributes, and the `next` target after sign-in (local dashboard paths only).
//!
//! The cookie carries the client id, the SHA-256 of the admin key that signed in (so every
//! request can check in one indexed read that the key is not revoked) and an expiry:
//! `v1.<client id>.<key hash>.<expiry ms>.<hex HMAC-SHA256 of the rest>`. Every part is
//! URL-safe and `.`-free, so no encoding is needed and parsing is a split.

use crate::crypto::{constant_time_eq, hex_decode, hex_encode, hmac_sha256};

/// How long a sign-in lasts.
pub const SESSION_TTL_MS: i64 = 12 * 60 * 60 * 1000;
/// How long the sign-in form's anti-forgery nonce lives.
pub const SIGNIN_NONCE_TTL_S: i64 = 60 * 60;

/// Cookie names: `__Host-` (Secure, Path=/, no Domain: no subdomain can set or shadow it)
/// everywhere but a developer's own machine, where there is no https.
pub const SESSION_COOKIE: &str = "__Host-handoff_session";
pub const SESSION_COOKIE_LOCAL: &str = "handoff_session";
pub const SIGNIN_COOKIE: &str = "__Host-handoff_signin";
pub const SIGNIN_COOKIE_LOCAL: &str = "handoff_signin";

const VERSION: &str = "v1";
const CLIENT_ID_MAX: usize = 64;
const KEY_HASH_LEN: usize = 64;
const MAC_HEX_LEN: usize = 64;
const NONCE_HEX_LEN: usize = 32;

/// Who is signed in, until when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    pub client_id: String,
    /// SHA-256 hex of the admin key used to sign in (see `crypto::hash_admin_key`).
    pub key_hash: String,
    /// Milliseconds since the epoch.
    pub expires_at: i64,
}

/// Why a cookie was not accepted. The caller treats all of them as "signed out"; the
/// distinction only decides the message ("your session expired").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionError {
    Malformed,
    BadSignature,
    Expired,
}

/// Keys derived from the `SESSION_KEY` secret, one per purpose, so a session MAC can never
/// be replayed as a CSRF token or the other way round.
pub struct SessionKeys {
    signing: [u8; 32],
    csrf: [u8; 32],
}

impl SessionKeys {
    pub fn derive(secret: &[u8]) -> Self {
        SessionKeys {
            signing: hmac_sha256(secret, b"handoff/session/v1"),
            csrf: hmac_sha256(secret, b"handoff/csrf/v1"),
        }
    }

    /// The cookie value for `session`.
    ///
    /// # Panics
    /// Never for sessions built from stored ids; a client id with `.` or other characters
    /// outside `[A-Za-z0-9_-]` would make an unreadable cookie, so it is a bug caught here.
    pub fn seal(&self, session: &Session) -> String {
        assert!(is_client_id(&session.client_id), "client id is cookie-safe");
        assert!(is_key_hash(&session.key_hash), "key hash is lowercase hex");
        let body = format!(
            "{VERSION}.{}.{}.{}",
            session.client_id, session.key_hash, session.expires_at
        );
        let mac = hex_encode(&hmac_sha256(&self.signing, body.as_bytes()));
        format!("{body}.{mac}")
    }

    /// Checks the signature (in constant time) before anything else is trusted, then the expiry.
    pub fn open(&self, cookie: &str, now_ms: i64) -> Result<Session, SessionError> {
        let (body, mac) = cookie.rsplit_once('.').ok_or(SessionError::Malformed)?;
        // Lowercase only, so one MAC has one spelling.
        let mac = is_lower_hex(mac, MAC_HEX_LEN)
            .then(|| hex_decode(mac))
            .flatten()
            .ok_or(SessionError::Malformed)?;
        let parts: Vec<&str> = body.split('.').collect();
        let [version, client_id, key_hash, expires_at] = parts.as_slice() else {
            return Err(SessionError::Malformed);
        };
        let expires_at = parse_millis(expires_at).ok_or(SessionError::Malformed)?;
        if *version != VERSION || !is_client_id(client_id) || !is_key_hash(key_hash) {
            return Err(SessionError::Malformed);
        }
        if !constant_time_eq(&hmac_sha256(&self.signing, body.as_bytes()), &mac) {
            return Err(SessionError::BadSignature);
        }
        if now_ms >= expires_at {
            return Err(SessionError::Expired);
        }
        Ok(Session {
            client_id: (*client_id).to_string(),
            key_hash: (*key_hash).to_string(),
            expires_at,
        })
    }

    /// The CSRF token for forms shown to the holder of this (already verified) cookie: a MAC
    /// of the cookie, so it changes with every sign-in and is useless to anyone else.
    pub fn csrf_token(&self, cookie: &str) -> String {
        self.mac_hex(b"session.", cookie)
    }

    pub fn check_csrf(&self, cookie: &str, token: &str) -> bool {
        constant_time_eq(self.csrf_token(cookie).as_bytes(), token.as_bytes())
    }

    /// The sign-in form's token, bound to a random nonce kept in a short-lived cookie
    /// (double submit with a MAC), so another site cannot sign a browser into its own account.
    pub fn signin_token(&self, nonce: &str) -> Option<String> {
        is_nonce(nonce).then(|| self.mac_hex(b"signin.", nonce))
    }

    pub fn check_signin_token(&self, nonce: &str, token: &str) -> bool {
        self.signin_token(nonce)
            .is_some_and(|want| constant_time_eq(want.as_bytes(), token.as_bytes()))
    }

    fn mac_hex(&self, purpose: &[u8], value: &str) -> String {
        let mut msg = purpose.to_vec();
        msg.extend_from_slice(value.as_bytes());
        hex_encode(&hmac_sha256(&self.csrf, &msg))
    }
}

/// A sign-in nonce from 16 random bytes.
pub fn signin_nonce(random: &[u8; 16]) -> String {
    hex_encode(random)
}

fn is_lower_hex(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn is_nonce(s: &str) -> bool {
    is_lower_hex(s, NONCE_HEX_LEN)
}

/// Client ids are `cl_` + base64url; anything in `[A-Za-z0-9_-]` up to 64 chars is accepted.
fn is_client_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= CLIENT_ID_MAX
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

fn is_key_hash(s: &str) -> bool {
    is_lower_hex(s, KEY_HASH_LEN)
}

/// 1..=15 ASCII digits (no sign, no spaces): enough for any date this side of year 30000.
fn parse_millis(s: &str) -> Option<i64> {
    ((1..=15).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// A developer's own machine: no https there, so cookies can be neither `Secure` nor `__Host-`.
pub fn is_local_host(host: &str) -> bool {
    matches!(
        host.to_ascii_lowercase().as_str(),
        "localhost" | "127.0.0.1" | "[::1]" | "::1"
    )
}

/// The `Set-Cookie` value for a session-like cookie. `Lax` lets the admin follow a bookmarked
/// dashboard link from mail or chat while still withholding the cookie from cross-site POSTs.
pub fn set_cookie(name: &str, value: &str, max_age_s: i64, local: bool) -> String {
    let secure = if local { "" } else { "; Secure" };
    format!("{name}={value}; Path=/; Max-Age={max_age_s}; HttpOnly; SameSite=Lax{secure}")
}

/// The `Set-Cookie` value that deletes a cookie.
pub fn clear_cookie(name: &str, local: bool) -> String {
    set_cookie(name, "", 0, local)
}

pub fn session_cookie_name(local: bool) -> &'static str {
    if local {
        SESSION_COOKIE_LOCAL
    } else {
        SESSION_COOKIE
    }
}

pub fn signin_cookie_name(local: bool) -> &'static str {
    if local {
        SIGNIN_COOKIE_LOCAL
    } else {
        SIGNIN_COOKIE
    }
}

/// The value of cookie `name` in a `Cookie` request header (the first, as browsers send the
/// most specific first).
pub fn cookie_value<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim())
}

/// Whether a state-changing request must be refused as cross-site.
///
/// Browsers send `Sec-Fetch-Site` (Fetch Metadata); only `same-origin` and `none` (typed or
/// bookmarked by the user) may change anything — `same-site` is refused too, since a sibling
/// subdomain is not the dashboard. Without that header, fall back to `Origin`: absent (an old
/// browser or a non-browser client, which still needs the CSRF token) passes, anything but our
/// own origin — including `null` — is refused.
pub fn is_cross_site(sec_fetch_site: Option<&str>, origin: Option<&str>, own_origin: &str) -> bool {
    match sec_fetch_site.map(str::trim) {
        Some(site) => !matches!(site, "same-origin" | "none"),
        None => origin.is_some_and(|o| !o.trim().eq_ignore_ascii_case(own_origin)),
    }
}

const NEXT_MAX: usize = 512;
pub const DASHBOARD_HOME: &str = "/dashboard";

/// Where to go after signing in: only a path inside `/dashboard` on this origin (no scheme, no
/// `//host`, no backslashes, no dot segments, no whitespace or controls), else `None`. The
/// sign-in page itself is not a destination.
pub fn safe_next(raw: &str) -> Option<&str> {
    let rest = raw.strip_prefix(DASHBOARD_HOME)?;
    let boundary = rest.is_empty() || rest.starts_with('/') || rest.starts_with('?');
    let path = raw.split(['?', '#']).next().unwrap_or("");
    let ok = boundary
        && raw.len() <= NEXT_MAX
        && raw.bytes().all(|b| b.is_ascii_graphic() && b != b'\\')
        && !path.contains("//")
        && !path.split('/').any(|seg| seg == "." || seg == "..")
        // Encoded dots, slashes and backslashes: nothing we link to needs them, and a server
        // or proxy that decodes them would read another path.
        && !["%2e", "%2f", "%5c"]
            .iter()
            .any(|encoded| path.to_ascii_lowercase().contains(encoded))
        && !path.starts_with("/dashboard/sign-in");
    ok.then_some(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASH: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    const NOW: i64 = 1_795_595_673_123;

    fn session() -> Session {
        Session {
            client_id: "cl_AbC-_09xyzXYZ0123456789".into(),
            key_hash: HASH.into(),
            expires_at: NOW + SESSION_TTL_MS,
        }
    }

    fn keys() -> SessionKeys {
        SessionKeys::derive(b"test-session-key")
    }

    #[test]
    fn a_sealed_session_opens_until_it_expires() {
        let cookie = keys().seal(&session());
        assert!(cookie.starts_with("v1.cl_AbC-_09xyzXYZ0123456789."));
        assert_eq!(keys().open(&cookie, NOW), Ok(session()));
        assert_eq!(
            keys().open(&cookie, NOW + SESSION_TTL_MS - 1),
            Ok(session())
        );
        assert_eq!(
            keys().open(&cookie, NOW + SESSION_TTL_MS),
            Err(SessionError::Expired)
        );
        assert_eq!(keys().open(&cookie, i64::MAX), Err(SessionError::Expired));
    }

    #[test]
    fn cookie_values_are_cookie_safe() {
        let cookie = keys().seal(&session());
        assert!(cookie
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-')));
    }

    #[test]
    fn rejects_a_cookie_signed_with_another_key() {
        let cookie = SessionKeys::derive(b"another-key").seal(&session());
        assert_eq!(keys().open(&cookie, NOW), Err(SessionError::BadSignature));
    }

    #[test]
    fn rejects_every_single_character_tampering() {
        let cookie = keys().seal(&session());
        let alphabet = b"0123456789abcdefABCDEF_-.xz";
        for i in 0..cookie.len() {
            for &c in alphabet {
                let mut bytes = cookie.clone().into_bytes();
                if bytes[i] == c {
                    continue;
                }
                bytes[i] = c;
                let tampered = String::from_utf8(bytes).unwrap();
                assert!(keys().open(&tampered, NOW).is_err(), "{tampered}");
            }
        }
    }

    #[test]
    fn rejects_an_extended_expiry_or_a_swapped_client() {
        let cookie = keys().seal(&session());
        let later = cookie.replace(
            &format!(".{}.", NOW + SESSION_TTL_MS),
            &format!(".{}.", NOW + 100 * SESSION_TTL_MS),
        );
        assert_ne!(later, cookie);
        assert_eq!(keys().open(&later, NOW), Err(SessionError::BadSignature));
        let other = cookie.replace("cl_AbC-_09xyzXYZ0123456789", "cl_someone_else");
        assert_eq!(keys().open(&other, NOW), Err(SessionError::BadSignature));
    }

    #[test]
    fn rejects_malformed_cookies() {
        let good = keys().seal(&session());
        let mac = good.rsplit_once('.').unwrap().1;
        let cases: Vec<String> = vec![
            String::new(),
            ".".into(),
            "v1".into(),
            "garbage".into(),
            format!("v2.cl_x.{HASH}.1.{mac}"),
            format!("v1..{HASH}.1.{mac}"),
            format!("v1.cl.x.{HASH}.1.{mac}"),
            format!("v1.cl_x.{}.1.{mac}", &HASH[..63]),
            format!("v1.cl_x.{}.1.{mac}", HASH.to_uppercase()),
            format!("v1.cl_x.{HASH}.-1.{mac}"),
            format!("v1.cl_x.{HASH}.+1.{mac}"),
            format!("v1.cl_x.{HASH}..{mac}"),
            format!("v1.cl_x.{HASH}.1e9.{mac}"),
            format!("v1.cl_x.{HASH}.9999999999999999.{mac}"),
            format!("v1.cl_x.{HASH}.1.{}", &mac[..63]),
            format!("v1.cl_x.{HASH}.1.{mac}00"),
            format!("v1.cl_x.{HASH}.1.{}", mac.to_uppercase()),
            format!("v1.cl_x.{HASH}.1.{}", "zz".repeat(32)),
            format!("v1.cl_x.{HASH}.1"),
            format!("v1.cl x.{HASH}.1.{mac}"),
            format!("v1.{}.{HASH}.1.{mac}", "c".repeat(65)),
            format!("{good}.extra"),
        ];
        for cookie in cases {
            assert_eq!(
                keys().open(&cookie, NOW),
                Err(SessionError::Malformed),
                "{cookie:?}"
            );
        }
    }

    #[test]
    #[should_panic(expected = "cookie-safe")]
    fn refuses_to_seal_an_unsafe_client_id() {
        let mut s = session();
        s.client_id = "cl.evil".into();
        keys().seal(&s);
    }

    #[test]
    fn csrf_tokens_are_bound_to_the_session_and_the_key() {
        let cookie = keys().seal(&session());
        let token = keys().csrf_token(&cookie);
        assert_eq!(token.len(), 64);
        assert!(keys().check_csrf(&cookie, &token));
        assert!(!keys().check_csrf(&cookie, ""));
        assert!(!keys().check_csrf(&cookie, &token[..63]));
        assert!(!keys().check_csrf(&cookie, &token.to_uppercase()));
        let mut next = session();
        next.expires_at += 1;
        let other_cookie = keys().seal(&next);
        assert!(!keys().check_csrf(&other_cookie, &token), "another session");
        assert!(!SessionKeys::derive(b"another-key").check_csrf(&cookie, &token));
        // A session MAC is not a CSRF token, and the reverse.
        let mac = cookie.rsplit_once('.').unwrap().1;
        assert!(!keys().check_csrf(&cookie, mac));
    }

    #[test]
    fn signin_tokens_need_a_well_formed_nonce() {
        let nonce = signin_nonce(&[7; 16]);
        assert_eq!(nonce, "07".repeat(16));
        let token = keys().signin_token(&nonce).unwrap();
        assert!(keys().check_signin_token(&nonce, &token));
        assert!(!keys().check_signin_token(&signin_nonce(&[8; 16]), &token));
        assert!(!keys().check_signin_token(&nonce, ""));
        for bad in [
            "",
            "07",
            &"0G".repeat(16),
            &"AB".repeat(16),
            &"0".repeat(33),
        ] {
            assert_eq!(keys().signin_token(bad), None, "{bad}");
            assert!(!keys().check_signin_token(bad, &token));
        }
        let cookie = keys().seal(&session());
        assert_ne!(keys().csrf_token(&nonce), token, "purposes are separated");
        assert!(!keys().check_csrf(&cookie, &token));
    }

    #[test]
    fn knows_local_hosts() {
        for (host, local) in [
            ("localhost", true),
            ("LOCALHOST", true),
            ("127.0.0.1", true),
            ("[::1]", true),
            ("::1", true),
            ("edge.example", false),
            ("127.0.0.2", false),
            ("localhost.evil.example", false),
            ("", false),
        ] {
            assert_eq!(is_local_host(host), local, "{host}");
        }
    }

    #[test]
    fn builds_cookie_headers() {
        assert_eq!(
            set_cookie(SESSION_COOKIE, "v", 60, false),
            "__Host-handoff_session=v; Path=/; Max-Age=60; HttpOnly; SameSite=Lax; Secure"
        );
        assert_eq!(
            set_cookie(SESSION_COOKIE_LOCAL, "v", 60, true),
            "handoff_session=v; Path=/; Max-Age=60; HttpOnly; SameSite=Lax"
        );
        assert_eq!(
            clear_cookie(SESSION_COOKIE, false),
            "__Host-handoff_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax; Secure"
        );
        assert_eq!(session_cookie_name(true), "handoff_session");
        assert_eq!(session_cookie_name(false), "__Host-handoff_session");
        assert_eq!(signin_cookie_name(true), "handoff_signin");
        assert_eq!(signin_cookie_name(false), "__Host-handoff_signin");
    }

    #[test]
    fn reads_cookie_headers() {
        let header = "a=1; __Host-handoff_session=v1.x; handoff_session=local;b=2";
        assert_eq!(cookie_value(header, SESSION_COOKIE), Some("v1.x"));
        assert_eq!(cookie_value(header, SESSION_COOKIE_LOCAL), Some("local"));
        assert_eq!(cookie_value(header, "b"), Some("2"));
        assert_eq!(cookie_value(header, "c"), None);
        assert_eq!(cookie_value("", "a"), None);
        assert_eq!(cookie_value("handoff_session", SESSION_COOKIE_LOCAL), None);
        assert_eq!(
            cookie_value("xhandoff_session=1", SESSION_COOKIE_LOCAL),
            None
        );
        assert_eq!(cookie_value("a=1; a=2", "a"), Some("1"));
    }

    #[test]
    fn refuses_cross_site_writes() {
        let own = "https://edge.example";
        let cases: &[(Option<&str>, Option<&str>, bool)] = &[
            (Some("same-origin"), None, false),
            (Some("none"), None, false),
            (Some("same-origin"), Some("https://evil.example"), false),
            (Some("cross-site"), None, true),
            (Some("cross-site"), Some(own), true),
            (Some("same-site"), None, true),
            (Some("bogus"), None, true),
            (Some(""), None, true),
            (None, None, false),
            (None, Some(own), false),
            (None, Some("HTTPS://EDGE.EXAMPLE"), false),
            (None, Some("https://evil.example"), true),
            (None, Some("https://edge.example.evil.example"), true),
            (None, Some("http://edge.example"), true),
            (None, Some("null"), true),
            (None, Some(""), true),
        ];
        for (site, origin, refused) in cases {
            assert_eq!(
                is_cross_site(*site, *origin, own),
                *refused,
                "{site:?} {origin:?}"
            );
        }
    }

    #[test]
    fn accepts_only_local_dashboard_paths_as_next() {
        let cases: &[(&str, bool)] = &[
            ("/dashboard", true),
            ("/dashboard/", true),
            ("/dashboard?status=new&from=2026-01-01", true),
            ("/dashboard/handoffs/AAAAAAAAAAAAAAAAAAAAAA", true),
            ("/dashboard/settings", true),
            ("/dashboard/export.csv?status=new", true),
            ("/dashboard?next=//evil.example", true),
            ("", false),
            ("/", false),
            ("/dashboardx", false),
            ("/dashboard.evil.example", false),
            ("//evil.example/dashboard", false),
            ("https://evil.example/dashboard", false),
            ("/\\evil.example", false),
            ("/dashboard\\..\\x", false),
            ("/dashboard//evil.example", false),
            ("/dashboard/../r/AAAAAAAAAAAAAAAAAAAAAA", false),
            ("/dashboard/%2e%2e/r/x", false),
            ("/dashboard/%2E%2E/r/x", false),
            ("/dashboard/..%2f..%2fevil", false),
            ("/dashboard/..%2F..%2Fevil", false),
            ("/dashboard/%5c%5cevil.example", false),
            ("/dashboard?source=%2Ftreatments", true),
            ("/dashboard/./settings", false),
            ("/dashboard/ x", false),
            ("/dashboard/\tx", false),
            ("/dashboard/\nLocation: x", false),
            ("/dashboard/é", false),
            ("/dashboard/sign-in", false),
            ("/dashboard/sign-in?next=/dashboard", false),
            ("javascript:alert(1)", false),
            ("dashboard", false),
        ];
        for (raw, ok) in cases {
            assert_eq!(safe_next(raw).is_some(), *ok, "{raw:?}");
        }
        let long = format!("/dashboard?{}", "a".repeat(NEXT_MAX));
        assert_eq!(safe_next(&long), None);
    }
}
