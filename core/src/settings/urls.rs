//! The URL, origin and slug rules a business's settings are held to: booking and forwarding
//! links are absolute https (http only on a developer's own machine) without credentials,
//! allowed origins are bare origins as browsers send them, slugs are short and URL-safe.
use crate::text::char_len;
use url::Url;

pub const URL_NOT_ABSOLUTE: &str = "Enter the full booking link, starting with https://.";
pub const URL_NOT_HTTPS: &str = "Booking links must use https://.";
pub const URL_HAS_CREDENTIALS: &str = "Booking links can't contain a username or password.";
pub const URL_TOO_LONG: &str = "Please keep this under 2048 characters.";
pub const ORIGIN_INVALID: &str = "Enter an origin like https://example.com.";
pub const ORIGIN_NOT_HTTPS: &str = "Origins must use https:// (http only for localhost).";
pub const ORIGIN_NOT_BARE: &str =
    "Enter just the scheme and host, like https://example.com, with no path, query or fragment.";
pub const SLUG_INVALID: &str =
    "Use 2 to 40 lowercase letters, numbers or dashes, not starting or ending with a dash.";
const URL_MAX_CHARS: usize = 2048;

/// http is only for a developer's own machine.
fn is_loopback_host(url: &Url) -> bool {
    matches!(url.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"))
}

/// An absolute https URL (http only for localhost), with a host and no credentials.
pub fn validate_booking_url(raw: &str) -> Result<Url, &'static str> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(URL_NOT_ABSOLUTE);
    }
    if char_len(raw) > URL_MAX_CHARS {
        return Err(URL_TOO_LONG);
    }
    let url = Url::parse(raw).map_err(|_| URL_NOT_ABSOLUTE)?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback_host(&url) => {}
        _ => return Err(URL_NOT_HTTPS),
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(URL_NOT_ABSOLUTE);
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(URL_HAS_CREDENTIALS);
    }
    Ok(url)
}

/// `scheme://host[:port]` only; returns the origin as browsers send it (no trailing slash,
/// lowercase punycode host, default port omitted).
pub fn validate_origin(raw: &str) -> Result<String, &'static str> {
    let raw = raw.trim();
    let url = Url::parse(raw).map_err(|_| ORIGIN_INVALID)?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback_host(&url) => {}
        "http" => return Err(ORIGIN_NOT_HTTPS),
        _ => return Err(ORIGIN_INVALID),
    }
    if url.host_str().is_none_or(str::is_empty)
        || !url.username().is_empty()
        || url.password().is_some()
    {
        return Err(ORIGIN_INVALID);
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(ORIGIN_NOT_BARE);
    }
    Ok(url.origin().ascii_serialization())
}

/// 2..=40 of `[a-z0-9-]`, not starting or ending with '-'; input is trimmed and lowercased.
pub fn validate_slug(raw: &str) -> Result<String, &'static str> {
    let slug = raw.trim().to_ascii_lowercase();
    let ok = (2..=40).contains(&slug.len())
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-');
    if ok {
        Ok(slug)
    } else {
        Err(SLUG_INVALID)
    }
}
