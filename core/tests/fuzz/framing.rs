//! `framing::framing`: arbitrary `X-Frame-Options` and CSP headers never panic, and the
//! verdict behaves like the browser rules it models: case-blind, and never loosened by
//! another policy or by fewer embedders.

use crate::gen::any_text;
use crate::harness::fuzz;
use handoff_core::framing::{framing, Framing};
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::TestCaseResult;
use url::Url;

const SOURCES: &[&str] = &[
    "'none'",
    "'self'",
    "*",
    "https:",
    "http:",
    "data:",
    "ws:",
    "'unsafe-inline'",
    "'nonce-abc'",
    "https://seaside.example",
    "seaside.example",
    "seaside.example:443",
    "https://seaside.example:*",
    "http://seaside.example",
    "*.seaside.example",
    "https://*.seaside.example",
    "*.example",
    "*.",
    "https://*",
    "https://calendly.com",
    "calendly.com/path?x",
    "[::1]:8443",
    "https://[::1]:8443",
    "https://seaside.example:8443",
    "https://SEASIDE.example",
    "xn--bcher-kva.example",
];
const EMBEDDERS: &[&str] = &[
    "https://seaside.example",
    "https://www.seaside.example",
    "http://seaside.example",
    "https://calendly.com",
    "https://[::1]:8443",
    "https://seaside.example:8443",
    "null",
    "file:///x",
    "https://xn--bcher-kva.example",
    "https://bücher.example",
    " https://seaside.example ",
];
const PAGES: &[&str] = &[
    "https://calendly.com/seaside/60min",
    "http://calendly.com/",
    "https://[::1]:8443/",
    "https://seaside.example/book",
    "not a url",
    "",
];

fn csp() -> impl Strategy<Value = String> {
    let source = prop_oneof![6 => select(SOURCES).prop_map(str::to_string), 1 => any_text(12)];
    let name = select(
        &[
            "frame-ancestors",
            "FRAME-ANCESTORS",
            "default-src",
            "script-src",
            "frame-src",
            " frame-ancestors",
        ][..],
    );
    let directive = (name, proptest::collection::vec(source, 0..4))
        .prop_map(|(name, sources)| format!("{name} {}", sources.join(" ")));
    let policy = proptest::collection::vec(directive, 0..3).prop_map(|d| d.join("; "));
    prop_oneof![
        4 => proptest::collection::vec(policy, 0..3).prop_map(|p| p.join(", ")),
        1 => any_text(80),
    ]
}

fn xfo() -> impl Strategy<Value = String> {
    let value = select(
        &[
            "DENY",
            "deny",
            " SameOrigin ",
            "ALLOWALL",
            "ALLOW-FROM https://seaside.example",
            "nonsense",
            "",
        ][..],
    );
    prop_oneof![
        4 => proptest::collection::vec(value, 0..3).prop_map(|v| v.join(", ")),
        1 => any_text(40),
    ]
}

type Case = (Option<String>, Option<String>, String, Vec<String>, String);

fn case() -> impl Strategy<Value = Case> {
    let page = prop_oneof![4 => select(PAGES).prop_map(str::to_string), 1 => any_text(30)];
    let embedder = prop_oneof![5 => select(EMBEDDERS).prop_map(str::to_string), 1 => any_text(30)];
    (
        proptest::option::of(xfo()),
        proptest::option::of(csp()),
        page,
        proptest::collection::vec(embedder, 0..4),
        csp(),
    )
}

/// What the browser would treat as an ancestor origin (as `framing` reads its embedders).
fn usable(embedder: &str) -> bool {
    Url::parse(embedder.trim()).is_ok_and(|u| u.host_str().is_some())
}

fn check((xfo, csp, page, embedders, other_policy): Case) -> TestCaseResult {
    let embedders: Vec<&str> = embedders.iter().map(String::as_str).collect();
    let judge = |xfo: Option<&str>, csp: Option<&str>, embedders: &[&str]| {
        framing(xfo, csp, &page, embedders)
    };
    let verdict = judge(xfo.as_deref(), csp.as_deref(), &embedders);
    prop_assert_eq!(
        judge(xfo.as_deref(), csp.as_deref(), &embedders),
        verdict,
        "not deterministic"
    );

    // Header values are case-insensitive where it matters, and ASCII case never matters.
    let upper = |s: &Option<String>| s.as_ref().map(|s| s.to_ascii_uppercase());
    prop_assert_eq!(
        judge(upper(&xfo).as_deref(), upper(&csp).as_deref(), &embedders),
        verdict,
        "case changed the verdict"
    );

    // Every policy is enforced: another one can only block more.
    let csp_only = judge(None, csp.as_deref(), &embedders);
    let both = format!("{}, {other_policy}", csp.as_deref().unwrap_or(""));
    if judge(None, Some(&both), &embedders) == Framing::Allowed {
        prop_assert_eq!(
            csp_only,
            Framing::Allowed,
            "adding a policy allowed framing"
        );
        prop_assert_eq!(
            judge(None, Some(&other_policy), &embedders),
            Framing::Allowed
        );
    }
    let none = format!("{}, frame-ancestors 'none'", csp.as_deref().unwrap_or(""));
    prop_assert_eq!(
        judge(xfo.as_deref(), Some(&none), &embedders),
        Framing::Blocked,
        "'none' did not block"
    );

    // Allowed for several sites means allowed for each of them.
    if verdict == Framing::Allowed {
        for embedder in embedders.iter().filter(|e| usable(e)) {
            prop_assert_eq!(
                judge(xfo.as_deref(), csp.as_deref(), &[embedder]),
                Framing::Allowed,
                "allowed for all but not for {:?}",
                embedder
            );
        }
    }
    Ok(())
}

#[test]
fn framing_headers() {
    fuzz("framing_headers", case(), check);
}
