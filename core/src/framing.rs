//! Whether a booking page may be shown in an iframe on the business's own sites, judged from
//! the headers the page answers with (the dashboard probes the URL when iframe mode is saved).
//!
//! Browsers apply CSP `frame-ancestors` and, only when no enforced policy has that directive,
//! `X-Frame-Options`:
//! - HTML Standard, "check a navigation response's adherence to `X-Frame-Options`"
//!   <https://html.spec.whatwg.org/multipage/document-lifecycle.html#the-x-frame-options-header>
//! - CSP Level 3, `frame-ancestors` and "does url match expression in origin"
//!   <https://www.w3.org/TR/CSP3/#directive-frame-ancestors>
//!
//! The embedders are the client's allowed origins: framing is allowed only if every one of
//! them may frame the page (the widget has one setting for all of its sites).

use url::Url;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Framing {
    Allowed,
    Blocked,
}

impl Framing {
    /// The stored `client_settings.iframe_check` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Framing::Allowed => "allowed",
            Framing::Blocked => "blocked",
        }
    }
}

/// An origin as the matching rules need it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Origin {
    scheme: String,
    host: String,
    port: Option<u16>,
}

impl Origin {
    fn parse(raw: &str) -> Option<Self> {
        let url = Url::parse(raw.trim()).ok()?;
        Some(Origin {
            scheme: url.scheme().to_string(),
            host: url.host_str()?.to_ascii_lowercase(),
            port: url.port_or_known_default(),
        })
    }
}

/// `x_frame_options` and `csp` are the header values as a fetch API returns them (repeated
/// headers joined with `, `); `page_url` is the URL that answered; `embedders` are origins
/// like `https://example.com`.
pub fn framing(
    x_frame_options: Option<&str>,
    csp: Option<&str>,
    page_url: &str,
    embedders: &[&str],
) -> Framing {
    let page = Origin::parse(page_url);
    let embedders: Vec<Origin> = embedders.iter().filter_map(|e| Origin::parse(e)).collect();

    // Each comma-separated policy is enforced on its own; within one, the first
    // `frame-ancestors` counts and later duplicates are ignored.
    let source_lists: Vec<Vec<&str>> = csp
        .unwrap_or("")
        .split(',')
        .filter_map(|policy| {
            policy.split(';').find_map(|directive| {
                let mut tokens = directive.split_ascii_whitespace();
                let name = tokens.next()?;
                name.eq_ignore_ascii_case("frame-ancestors")
                    .then(|| tokens.collect())
            })
        })
        .collect();
    if !source_lists.is_empty() {
        let allowed = source_lists.iter().all(|sources| {
            let wildcard = sources.contains(&"*");
            if embedders.is_empty() {
                return wildcard;
            }
            embedders.iter().all(|embedder| {
                sources
                    .iter()
                    .any(|source| matches_source(source, embedder, page.as_ref()))
            })
        });
        return verdict(allowed);
    }

    let mut values: Vec<String> = x_frame_options
        .unwrap_or("")
        .split(',')
        .map(|v| v.trim().to_ascii_lowercase())
        .filter(|v| !v.is_empty())
        .collect();
    values.sort();
    values.dedup();
    let blocking = ["deny", "allowall", "sameorigin"];
    match values.as_slice() {
        [] => Framing::Allowed,
        [one] if one == "deny" => Framing::Blocked,
        [one] if one == "sameorigin" => {
            verdict(!embedders.is_empty() && embedders.iter().all(|e| Some(e) == page.as_ref()))
        }
        // Conflicting values: blocked if any is a real directive, else ignored.
        [_, _, ..] => verdict(!values.iter().any(|v| blocking.contains(&v.as_str()))),
        // `allowall`, the obsolete `allow-from …` and unknown values are ignored by browsers.
        [_] => Framing::Allowed,
    }
}

fn verdict(allowed: bool) -> Framing {
    if allowed {
        Framing::Allowed
    } else {
        Framing::Blocked
    }
}

fn is_network_scheme(scheme: &str) -> bool {
    matches!(scheme, "http" | "https")
}

/// A source's scheme matches the embedder's, counting http → https as an upgrade.
fn scheme_matches(source_scheme: &str, embedder_scheme: &str) -> bool {
    source_scheme.eq_ignore_ascii_case(embedder_scheme)
        || (source_scheme.eq_ignore_ascii_case("http") && embedder_scheme == "https")
}

fn matches_source(source: &str, embedder: &Origin, page: Option<&Origin>) -> bool {
    let lower = source.to_ascii_lowercase();
    match lower.as_str() {
        "*" => is_network_scheme(&embedder.scheme),
        "'self'" => page == Some(embedder),
        // 'none' and every other keyword, nonce or hash matches no origin.
        s if s.starts_with('\'') => false,
        s if is_scheme_source(s) => scheme_matches(&s[..s.len() - 1], &embedder.scheme),
        s => matches_host_source(s, embedder, page),
    }
}

fn is_scheme_source(s: &str) -> bool {
    s.strip_suffix(':').is_some_and(|scheme| {
        scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    })
}

/// `[scheme://]host[:port][/path]`; the path never matters for an ancestor's origin.
fn matches_host_source(source: &str, embedder: &Origin, page: Option<&Origin>) -> bool {
    let (scheme, rest) = match source.split_once("://") {
        Some((scheme, rest)) => (Some(scheme), rest),
        None => (None, source),
    };
    let scheme_ok = match scheme {
        Some(scheme) => scheme_matches(scheme, &embedder.scheme),
        // No scheme: the protected page's own scheme (or its https upgrade).
        None => page.is_some_and(|p| scheme_matches(&p.scheme, &embedder.scheme)),
    };
    let host_port = rest.split('/').next().unwrap_or("");
    let (host, port) = match host_port.find(']') {
        // An IPv6 literal: the port, if any, follows the bracket.
        Some(end) => {
            let (host, rest) = host_port.split_at(end + 1);
            (host, rest.strip_prefix(':'))
        }
        None => match host_port.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (host_port, None),
        },
    };
    let host_ok = match host.strip_prefix("*.") {
        Some(parent) => embedder
            .host
            .strip_suffix(parent)
            .is_some_and(|sub| sub.len() > 1 && sub.ends_with('.')),
        None => !host.is_empty() && embedder.host == host,
    };
    let port_ok = match port {
        Some("*") => true,
        Some(p) => p.parse::<u16>().ok() == embedder.port,
        None => embedder.port == default_port(&embedder.scheme),
    };
    scheme_ok && host_ok && port_ok
}

fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" => Some(80),
        "https" => Some(443),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::Framing::{Allowed, Blocked};
    use super::*;

    const PAGE: &str = "https://calendly.com/seaside/60min";
    const SITE: &str = "https://seaside-spa.example";

    fn judge(xfo: Option<&str>, csp: Option<&str>) -> Framing {
        framing(xfo, csp, PAGE, &[SITE])
    }

    #[test]
    fn no_headers_allow_framing() {
        assert_eq!(judge(None, None), Allowed);
        assert_eq!(judge(Some(""), Some("")), Allowed);
        assert_eq!(
            judge(None, Some("default-src 'self'; script-src 'none'")),
            Allowed
        );
    }

    #[test]
    fn reads_x_frame_options_as_the_html_standard_does() {
        let cases: &[(&str, Framing)] = &[
            ("DENY", Blocked),
            ("deny", Blocked),
            (" Deny ", Blocked),
            ("DENY, DENY", Blocked),
            ("SAMEORIGIN", Blocked),
            ("ALLOWALL", Allowed),
            ("ALLOW-FROM https://seaside-spa.example", Allowed),
            ("nonsense", Allowed),
            ("DENY, SAMEORIGIN", Blocked),
            ("SAMEORIGIN, ALLOWALL", Blocked),
            ("nonsense, other", Allowed),
            ("deny, nonsense", Blocked),
        ];
        for (xfo, want) in cases {
            assert_eq!(judge(Some(xfo), None), *want, "{xfo:?}");
        }
    }

    #[test]
    fn sameorigin_allows_only_the_page_s_own_origin() {
        assert_eq!(
            framing(Some("SAMEORIGIN"), None, PAGE, &["https://calendly.com"]),
            Allowed
        );
        assert_eq!(
            framing(
                Some("SAMEORIGIN"),
                None,
                PAGE,
                &["https://calendly.com", SITE]
            ),
            Blocked
        );
        assert_eq!(framing(Some("SAMEORIGIN"), None, PAGE, &[]), Blocked);
    }

    #[test]
    fn frame_ancestors_replaces_x_frame_options() {
        assert_eq!(judge(Some("DENY"), Some("frame-ancestors *")), Allowed);
        assert_eq!(
            judge(Some("ALLOWALL"), Some("frame-ancestors 'none'")),
            Blocked
        );
        // Report-only policies are not passed in; an unrelated policy changes nothing.
        assert_eq!(judge(Some("DENY"), Some("default-src *")), Blocked);
    }

    #[test]
    fn matches_frame_ancestors_sources() {
        let cases: &[(&str, Framing)] = &[
            ("frame-ancestors *", Allowed),
            ("FRAME-ANCESTORS *", Allowed),
            ("frame-ancestors 'none'", Blocked),
            ("frame-ancestors", Blocked),
            ("frame-ancestors 'self'", Blocked),
            ("frame-ancestors 'NONE'", Blocked),
            ("frame-ancestors https:", Allowed),
            ("frame-ancestors http:", Allowed),
            ("frame-ancestors data:", Blocked),
            ("frame-ancestors https://seaside-spa.example", Allowed),
            ("frame-ancestors https://SEASIDE-SPA.example/", Allowed),
            (
                "frame-ancestors https://seaside-spa.example/any/path",
                Allowed,
            ),
            ("frame-ancestors seaside-spa.example", Allowed),
            ("frame-ancestors http://seaside-spa.example", Allowed),
            ("frame-ancestors https://seaside-spa.example:443", Allowed),
            ("frame-ancestors https://seaside-spa.example:*", Allowed),
            ("frame-ancestors https://seaside-spa.example:8443", Blocked),
            ("frame-ancestors *.seaside-spa.example", Blocked),
            ("frame-ancestors *.example", Allowed),
            ("frame-ancestors https://*.example", Allowed),
            ("frame-ancestors https://other.example", Blocked),
            ("frame-ancestors https://spa.example", Blocked),
            ("frame-ancestors https://evil-seaside-spa.example", Blocked),
            (
                "frame-ancestors 'self' https://seaside-spa.example",
                Allowed,
            ),
            (
                "frame-ancestors 'none' https://seaside-spa.example",
                Allowed,
            ),
            ("frame-ancestors 'unsafe-inline' 'nonce-abc'", Blocked),
            ("default-src 'self'; frame-ancestors 'none'", Blocked),
            ("frame-ancestors *; frame-ancestors 'none'", Allowed),
            ("frame-ancestors *, frame-ancestors 'none'", Blocked),
            ("frame-ancestors 'none', default-src *", Blocked),
            ("frame-ancestors *, default-src 'self'", Allowed),
        ];
        for (csp, want) in cases {
            assert_eq!(judge(None, Some(csp)), *want, "{csp:?}");
        }
    }

    #[test]
    fn every_embedder_must_be_allowed() {
        let csp = Some("frame-ancestors https://seaside-spa.example");
        assert_eq!(framing(None, csp, PAGE, &[SITE]), Allowed);
        assert_eq!(
            framing(None, csp, PAGE, &[SITE, "https://other.example"]),
            Blocked
        );
        assert_eq!(framing(None, csp, PAGE, &[]), Blocked);
        assert_eq!(framing(None, Some("frame-ancestors *"), PAGE, &[]), Allowed);
    }

    #[test]
    fn local_embedders_need_their_port() {
        let page = "http://127.0.0.1:9000/book";
        let site = "http://127.0.0.1:8080";
        let csp = |s: &str| format!("frame-ancestors {s}");
        assert_eq!(
            framing(None, Some(&csp("http://127.0.0.1:8080")), page, &[site]),
            Allowed
        );
        assert_eq!(
            framing(None, Some(&csp("127.0.0.1:8080")), page, &[site]),
            Allowed
        );
        assert_eq!(
            framing(None, Some(&csp("http://127.0.0.1")), page, &[site]),
            Blocked
        );
        assert_eq!(
            framing(None, Some(&csp("'self'")), page, &["http://127.0.0.1:9000"]),
            Allowed
        );
        assert_eq!(framing(Some("DENY"), None, page, &[site]), Blocked);
        assert_eq!(framing(None, None, page, &[site]), Allowed);
        let v6 = "http://[::1]:8080";
        assert_eq!(
            framing(None, Some(&csp("http://[::1]:8080")), page, &[v6]),
            Allowed
        );
        assert_eq!(
            framing(None, Some(&csp("http://[::1]")), page, &[v6]),
            Blocked
        );
    }

    #[test]
    fn stored_names() {
        assert_eq!(Allowed.as_str(), "allowed");
        assert_eq!(Blocked.as_str(), "blocked");
    }
}
