//! The booking URL a business configures (`validate_booking_url`) and the redirect built on
//! it (`build_redirect_url`): whatever the configured URL and the visitor's prefill, the
//! visitor lands on the configured scheme, host and port, the URL re-parses as itself, and
//! each of our parameters appears once with our value.

use crate::gen::{any_text, edit, Edit};
use crate::harness::fuzz;
use handoff_core::provider::Provider;
use handoff_core::redirect::{
    build_redirect_url, Prefill, RedirectParams, DEFAULT_UTM_SOURCE, UTM_MEDIUM,
};
use handoff_core::settings::validate_booking_url;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::TestCaseResult;
use url::Url;

const SCHEMES: &[&str] = &[
    "https://",
    "HTTPS://",
    "http://",
    "https:/",
    "https:",
    "https:\\\\",
    " https://",
    "javascript:",
    "data:text/html,",
    "ftp://",
    "//",
    "https://\t",
    "hTTps://",
];
const USERINFO: &[&str] = &[
    "",
    "",
    "",
    "user:pass@",
    "@",
    "evil.example@",
    "user@",
    ":@",
    "a%40b@",
];
const HOSTS: &[&str] = &[
    "calendly.com",
    "sunrise.as.me",
    "cal.com",
    "localhost",
    "127.0.0.1",
    "[::1]",
    "[2001:db8::1]",
    "bücher.example",
    "xn--bcher-kva.example",
    "EXAMPLE.com",
    "example.com.",
    "0x7f.1",
    "2130706433",
    "evil.example\\@good.example",
    "good.example%2F%2Fevil.example",
    "good.example\u{3002}evil",
    "ex\u{200b}ample.com",
    "good.example#@evil.example",
    "good.example?@evil.example",
    "",
    "a..b",
    "\u{202e}moc.live",
    "%65vil.example",
    "xn--",
];
const PORTS: &[&str] = &["", "", ":443", ":8443", ":0", ":65535", ":65536", ":", ":x"];
const PATHS: &[&str] = &[
    "",
    "/",
    "/book",
    "//evil.example",
    "/\\evil.example",
    "/%2F%2Fevil.example",
    "/..",
    "/../..",
    "/./x",
    "/%2e%2e/",
    "/é",
    "/a b",
    "/%",
    "/?",
    "/#",
    "/;x",
    "/@evil.example",
    "\\\\evil.example",
];
const QUERIES: &[&str] = &[
    "",
    "?",
    "?staff=3",
    "?utm_source=old&keep=1",
    "?tca_ref=stale",
    "?metadata%5Btca_ref%5D=x",
    "?utm%5Fsource=old",
    "?&&",
    "?a=%ZZ",
    "?q=a%20b+c",
    "?name=Someone&email=a%40b.c",
    "?x=1;y=2",
    "?utm_medium",
    "?=v",
    "?%",
    "?a=b#c",
    "?redirect=//evil.example",
    "?UTM_SOURCE=x",
];
const FRAGMENTS: &[&str] = &["", "", "#calendar", "#", "#a#b", "#?x=1", "#//evil.example"];

/// Name, email, phone and notes as the visitor gave them.
type PrefillInput = (String, Option<String>, Option<String>, Option<String>);

#[derive(Debug, Clone)]
struct Case {
    raw_url: String,
    provider: Provider,
    utm_source: Option<String>,
    utm_campaign: Option<String>,
    tca_ref: Option<String>,
    prefill: Option<PrefillInput>,
}

fn raw_url() -> impl Strategy<Value = String> {
    let structured = (
        select(SCHEMES),
        select(USERINFO),
        select(HOSTS),
        select(PORTS),
        select(PATHS),
        select(QUERIES),
        select(FRAGMENTS),
    )
        .prop_map(|(a, b, c, d, e, f, g)| [a, b, c, d, e, f, g].concat());
    prop_oneof![
        6 => structured.clone(),
        2 => (structured, edit()).prop_map(|(url, e): (String, Edit)| e.apply(&url)),
        1 => any_text(80).prop_map(|s| format!("https://{s}")),
        1 => any_text(80),
        1 => (0usize..2100).prop_map(|n| format!("https://calendly.com/{}", "a".repeat(n))),
    ]
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[A-Za-z0-9._-]{0,12}",
        2 => any_text(30),
        1 => select(&["", " ", "&utm_source=evil", "x#frag", "//evil.example", "a=b", "%41", "+", "Mary Jane Watson", "\u{202e}", "\r\nSet-Cookie: x=1"][..]).prop_map(str::to_string),
    ]
}

fn case() -> impl Strategy<Value = Case> {
    let tca_ref = prop_oneof![
        any::<[u8; 16]>().prop_map(|b| handoff_core::id::HandoffId::from_bytes(&b).to_string()),
        value(),
    ];
    (
        raw_url(),
        select(Provider::ALL.to_vec()),
        proptest::option::of(value()),
        proptest::option::of(value()),
        proptest::option::of(tca_ref),
        proptest::option::of((
            value(),
            proptest::option::of(value()),
            proptest::option::of(value()),
            proptest::option::of(value()),
        )),
    )
        .prop_map(
            |(raw_url, provider, utm_source, utm_campaign, tca_ref, prefill)| Case {
                raw_url,
                provider,
                utm_source,
                utm_campaign,
                tca_ref,
                prefill,
            },
        )
}

/// The keys the redirect sets, in order: the README's UTM and `tca_ref` rules and each
/// provider's prefill parameters, for the values that are not blank.
fn set_keys(c: &Case) -> Vec<&'static str> {
    let mut keys = vec!["utm_source", "utm_medium"];
    if non_empty(&c.utm_campaign).is_some() {
        keys.push("utm_campaign");
    }
    if non_empty(&c.tca_ref).is_some() {
        keys.push("tca_ref");
        match c.provider {
            Provider::Calendly => keys.push("utm_content"),
            Provider::CalCom => keys.push("metadata[tca_ref]"),
            _ => {}
        }
    }
    let Some((name, email, phone, notes)) = &c.prefill else {
        return keys;
    };
    let name = name.trim();
    let mut push = |key, set: bool| {
        if set {
            keys.push(key);
        }
    };
    match c.provider {
        Provider::Calendly | Provider::CalCom => {
            push("name", !name.is_empty());
            push("email", non_empty(email).is_some());
            if c.provider == Provider::CalCom {
                push("notes", non_empty(notes).is_some());
            }
        }
        Provider::Acuity => {
            push("firstName", !name.is_empty());
            push("lastName", name.contains(char::is_whitespace));
            push("email", non_empty(email).is_some());
            push("phone", non_empty(phone).is_some());
        }
        _ => {}
    }
    keys
}

fn non_empty(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

fn check(c: Case) -> TestCaseResult {
    let Ok(base) = validate_booking_url(&c.raw_url) else {
        return Ok(());
    };
    // What settings accept: an absolute https URL (http only for loopback), a host, no credentials.
    match base.scheme() {
        "https" => {}
        "http" => prop_assert!(
            matches!(base.host_str(), Some("localhost" | "127.0.0.1" | "[::1]")),
            "http to {:?}",
            base.host_str()
        ),
        other => prop_assert!(false, "scheme {:?} accepted", other),
    }
    prop_assert!(base.host_str().is_some_and(|h| !h.is_empty()));
    prop_assert!(
        base.username().is_empty() && base.password().is_none(),
        "credentials accepted"
    );
    prop_assert!(c.raw_url.trim().chars().count() <= 2048);
    prop_assert_eq!(
        Url::parse(base.as_str()).ok(),
        Some(base.clone()),
        "the stored URL does not re-parse as itself"
    );

    let prefill = c
        .prefill
        .as_ref()
        .map(|(name, email, phone, notes)| Prefill {
            name,
            email: email.as_deref(),
            phone: phone.as_deref(),
            notes: notes.as_deref(),
        });
    let params = RedirectParams {
        ref_param: Default::default(),
        visitor: &[],
        provider: c.provider,
        utm_source: c.utm_source.as_deref(),
        utm_campaign: c.utm_campaign.as_deref(),
        tca_ref: c.tca_ref.as_deref(),
        prefill,
    };
    let built = build_redirect_url(&base, &params);

    // The visitor goes where the business said, whatever the visitor typed.
    prop_assert_eq!(built.origin(), base.origin());
    prop_assert_eq!(built.scheme(), base.scheme());
    prop_assert_eq!(built.host_str(), base.host_str());
    prop_assert_eq!(built.port(), base.port());
    prop_assert_eq!(built.path(), base.path());
    prop_assert_eq!(built.fragment(), base.fragment());
    prop_assert!(built.username().is_empty() && built.password().is_none());
    prop_assert_eq!(
        Url::parse(built.as_str()).ok(),
        Some(built.clone()),
        "the redirect does not re-parse as itself"
    );
    prop_assert!(
        !built.as_str().contains(['\r', '\n', ' ', '\t']),
        "raw whitespace in {:?}",
        built.as_str()
    );

    // The base's own pairs stay, byte for byte and in order; ours follow, once each.
    let keys = set_keys(&c);
    let decode_key = |pair: &str| {
        url::form_urlencoded::parse(pair.as_bytes())
            .next()
            .map(|(k, _)| k.into_owned())
            .unwrap_or_default()
    };
    // The reference's keys are never the base's, even when we send no reference.
    let reference: &[&str] = match c.provider {
        Provider::Calendly => &["tca_ref", "utm_content"],
        Provider::CalCom => &["tca_ref", "metadata[tca_ref]"],
        _ => &["tca_ref"],
    };
    let ours = |key: &str| keys.contains(&key) || reference.contains(&key);
    let kept: Vec<&str> = base
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .filter(|p| !ours(&decode_key(p)))
        .collect();
    let built_pairs: Vec<&str> = built.query().unwrap_or("").split('&').collect();
    prop_assert!(built_pairs.len() >= kept.len());
    prop_assert_eq!(
        &built_pairs[..kept.len()],
        &kept[..],
        "the base's own pairs changed"
    );
    let added: Vec<(String, String)> =
        url::form_urlencoded::parse(built_pairs[kept.len()..].join("&").as_bytes())
            .into_owned()
            .collect();
    let added_keys: Vec<&str> = added.iter().map(|(k, _)| k.as_str()).collect();
    prop_assert_eq!(added_keys, keys, "other parameters than documented");
    let all: Vec<(String, String)> = built.query_pairs().into_owned().collect();
    let values = |key: &str| {
        all.iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect::<Vec<_>>()
    };
    for (key, _) in &added {
        prop_assert_eq!(values(key).len(), 1, "{:?} appears more than once", key);
    }
    prop_assert_eq!(
        values("utm_source"),
        vec![non_empty(&c.utm_source).unwrap_or(DEFAULT_UTM_SOURCE)]
    );
    prop_assert_eq!(values("utm_medium"), vec![UTM_MEDIUM]);
    // A completion finds its handoff by `tca_ref`: only ours may ever be sent.
    let tca_ref: Vec<&str> = non_empty(&c.tca_ref).into_iter().collect();
    prop_assert_eq!(values("tca_ref"), tca_ref, "a tca_ref that is not ours");
    Ok(())
}

#[test]
fn redirect_url() {
    fuzz("redirect_url", case(), check);
}
