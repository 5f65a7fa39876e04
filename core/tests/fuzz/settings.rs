//! `validate_settings`, `validate_origin` and `validate_slug`: any form either saves clean
//! values or gets per-field errors in order; origins come out exactly as browsers send them.

use crate::gen::{any_text, edit, Edit};
use crate::harness::fuzz;
use handoff_core::settings::{
    validate_origin, validate_settings, validate_slug, BookingMode, RouteInput, SettingsField,
    SettingsInput, Strictness,
};
use handoff_core::text::is_bidi_control;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::TestCaseResult;
use url::Url;

fn text(choices: &'static [&'static str], max: usize) -> BoxedStrategy<String> {
    prop_oneof![
        3 => select(choices).prop_map(str::to_string),
        2 => any_text(max),
    ]
    .boxed()
}

fn settings_input() -> impl Strategy<Value = SettingsInput> {
    let mode = text(
        &[
            "",
            "external",
            " Internal ",
            "EXTERNAL",
            "request",
            "internal\u{0}",
        ],
        12,
    );
    let name = text(
        &["", "Calendly", "  Acuity \t Scheduling ", "Square\u{202e}"],
        70,
    );
    let url = text(
        &[
            "",
            "https://calendly.com/sunrise",
            "http://localhost:8787/book",
            "https://user:pw@x.example/",
            "javascript:alert(1)",
            "https://",
            "calendly.com/x",
        ],
        80,
    );
    let embed = text(&["", "redirect", "IFRAME", "popup"], 12);
    let disclaimer = text(&["", "Payment is taken by Acuity."], 320);
    let utm = text(&["", "spa_site", "fall-2026.v1", "a b", "x&y=z", "ü"], 110);
    let provider = text(
        &[
            "", "calendly", "Acuity", "calcom", "square", "generic", "mindbody", "cal.com",
        ],
        12,
    );
    let event = text(&["", "booking.completed", "invitee.created"], 110);
    let service = text(
        &[
            "Facial",
            "facial",
            " Facial ",
            "",
            "Deep  Tissue Massage",
            "\u{202e}Brows",
            "FACIAL",
        ],
        90,
    );
    let route = (
        service.clone(),
        name.clone(),
        url.clone(),
        text(
            &[
                "",
                "masaje, deep tissue",
                "yoga,,pilates",
                "a,b,c,d,e,f,g,h,i,j,k",
            ],
            60,
        ),
    )
        .prop_map(
            |(service, provider_name, booking_url, keywords)| RouteInput {
                service,
                provider_name,
                booking_url,
                keywords,
            },
        );
    let privacy = (
        proptest::collection::vec(route, 0..4),
        any::<bool>(),
        text(&["", "I agree to be contacted."], 320),
        text(
            &["", "7", "180", "3650", "6", "3651", "ninety", "-1", " 90 "],
            8,
        ),
        any::<bool>(),
        url.clone(),
    );
    let look = (
        text(
            &[
                "",
                "#0f766e",
                "#FFEB3B",
                "#fff",
                "teal",
                "#12345g",
                " #1e3a8a ",
            ],
            10,
        ),
        text(&["", "light", "dark", "auto", "Dark", "sepia"], 8),
        text(&["", "bottom-right", "bottom-left", "top-left"], 14),
        text(&["", "Book now", "Reserva tu cita"], 50),
        text(&["", "Hi! How can I help?"], 220),
        proptest::collection::vec(
            text(
                &["", "owner@spa.example", "OWNER@spa.example", "nope", "a@b"],
                260,
            ),
            0..8,
        ),
        text(&["", "each_lead", "off", "daily", "EACH_LEAD"], 12),
        any::<bool>(),
        text(
            &[
                "",
                "utm_content",
                "utm_term",
                "salesforce_uuid",
                "utm_source",
                "UTM_TERM",
            ],
            20,
        ),
    );
    (
        (mode, name, url, embed, disclaimer),
        (
            utm.clone(),
            utm,
            any::<bool>(),
            any::<bool>(),
            provider,
            event,
        ),
        proptest::collection::vec(service, 0..40),
        (privacy, look),
    )
        .prop_map(
            |(
                (mode, name, url, embed, disclaimer),
                (source, campaign, prefill, webhook, provider, event),
                services,
                (
                    (
                        service_routes,
                        consent_required,
                        consent_text,
                        retention_days,
                        forward_enabled,
                        forward_url,
                    ),
                    (
                        brand,
                        theme,
                        position,
                        launcher,
                        greeting,
                        alert_emails,
                        alert_on,
                        pass_utms,
                        ref_param,
                    ),
                ),
            )| SettingsInput {
                booking_mode: mode,
                external_booking_provider_name: name,
                external_booking_url: url,
                external_booking_embed_mode: embed,
                external_booking_disclaimer: disclaimer,
                external_booking_utm_source: source,
                external_booking_utm_campaign: campaign,
                external_booking_prefill: prefill,
                external_booking_webhook_enabled: webhook,
                external_booking_webhook_provider: provider,
                external_booking_completion_event_name: event,
                services,
                service_routes,
                consent_required,
                consent_text,
                retention_days,
                forward_enabled,
                forward_url,
                widget_brand_color: brand,
                widget_theme: theme,
                widget_position: position,
                widget_launcher_label: launcher,
                widget_greeting: greeting,
                alert_emails,
                alert_on,
                external_booking_pass_visitor_utms: pass_utms,
                external_booking_ref_param: ref_param,
            },
        )
}

/// Stored text: no controls or bidi, whitespace collapsed, trimmed, not empty.
fn clean_text(value: &str, max: usize) -> TestCaseResult {
    prop_assert!(!value.is_empty() && value.chars().count() <= max);
    prop_assert!(
        !value.contains(|c: char| c.is_control() || is_bidi_control(c)),
        "{:?}",
        value
    );
    prop_assert!(!value.contains("  ") && !value.contains(|c: char| c.is_whitespace() && c != ' '));
    prop_assert_eq!(value.trim(), value);
    Ok(())
}

fn check_settings((input, strictness): (SettingsInput, Strictness)) -> TestCaseResult {
    match validate_settings(&input, strictness) {
        Ok(s) => {
            for (value, max) in [
                (&s.external_booking_provider_name, 60),
                (&s.external_booking_disclaimer, 300),
                (&s.external_booking_completion_event_name, 100),
                (&s.widget_launcher_label, 40),
                (&s.widget_greeting, 200),
            ] {
                if let Some(value) = value {
                    clean_text(value, max)?;
                }
            }
            for utm in [
                &s.external_booking_utm_source,
                &s.external_booking_utm_campaign,
            ]
            .into_iter()
            .flatten()
            {
                prop_assert!(!utm.is_empty() && utm.len() <= 100);
                prop_assert!(
                    utm.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b)),
                    "{:?}",
                    utm
                );
            }
            prop_assert!(s.services.len() <= 30);
            let mut seen: Vec<String> = Vec::new();
            for service in &s.services {
                clean_text(service, 80)?;
                let key = service.to_lowercase();
                prop_assert!(!seen.contains(&key), "duplicate service {:?}", service);
                seen.push(key);
            }
            if let Some(url) = &s.external_booking_url {
                prop_assert!(
                    url.scheme() == "https"
                        || url.host_str() == Some("localhost")
                        || url.host_str() == Some("127.0.0.1")
                        || url.host_str() == Some("[::1]")
                );
            }
            if strictness == Strictness::Save && s.booking_mode == BookingMode::External {
                prop_assert!(s.booking_available(), "saved external mode without a URL");
            }
            if s.external_booking_webhook_enabled {
                prop_assert!(s.external_booking_webhook_provider.is_some());
            }
            let safe = |url: &Url| {
                url.scheme() == "https"
                    || matches!(url.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"))
            };
            // Per-service links: clean, bounded, unique, each link as safe as the main one, and
            // routing only ever picks one of them.
            prop_assert!(s.service_routes.len() <= 20);
            let mut routed: Vec<String> = Vec::new();
            for r in &s.service_routes {
                clean_text(&r.service, 80)?;
                if let Some(p) = &r.provider_name {
                    clean_text(p, 60)?;
                }
                prop_assert!(r.keywords.len() <= 10);
                for k in &r.keywords {
                    clean_text(k, 40)?;
                }
                prop_assert!(safe(&r.booking_url), "{}", r.booking_url);
                prop_assert!(
                    r.booking_url.username().is_empty() && r.booking_url.password().is_none()
                );
                let key = r.service.to_lowercase();
                prop_assert!(!routed.contains(&key), "duplicate route {:?}", r.service);
                routed.push(key);
                let target = s.booking_target(s.route_for(Some(&r.service), &[]));
                if s.booking_mode == BookingMode::External {
                    prop_assert_eq!(target.map(|t| t.url), Some(&r.booking_url));
                }
            }
            for text in [&input.external_booking_disclaimer, &input.consent_text] {
                if let Some(route) = s.route_for(None, &[text]) {
                    prop_assert!(s.service_routes.iter().any(|r| r == route));
                }
            }
            prop_assert!((7..=3650).contains(&s.retention_days));
            if let Some(text) = &s.consent_text {
                clean_text(text, 300)?;
            }
            if s.forward_enabled {
                prop_assert!(s.forward_url.is_some(), "forwarding on without a URL");
            }
            if let Some(url) = &s.forward_url {
                prop_assert!(safe(url), "{}", url);
            }
            prop_assert!(s.quick_replies().len() <= 30);
            // A draft is never stricter than a save.
            if strictness == Strictness::Save {
                prop_assert_eq!(validate_settings(&input, Strictness::Draft), Ok(s));
            }
        }
        Err(errors) => {
            prop_assert!(!errors.is_empty());
            let at = |f: SettingsField| SettingsField::ALL.iter().position(|g| *g == f);
            let order: Vec<Option<usize>> = errors.iter().map(|e| at(e.field)).collect();
            prop_assert!(order.windows(2).all(|w| w[0] < w[1]), "{:?}", errors);
        }
    }
    Ok(())
}

const ORIGIN_PIECES: &[&str] = &[
    "https://",
    "http://",
    "HTTPS://",
    "ftp://",
    "",
    "seaside.example",
    "SEASIDE.example",
    "localhost",
    "127.0.0.1",
    "[::1]",
    "bücher.example",
    "xn--bcher-kva.example",
    ":443",
    ":8443",
    ":80",
    ":",
    "/",
    "/path",
    "?q",
    "#f",
    "user@",
    "user:pw@",
    " ",
    "\t",
    "null",
    "*",
    ".",
    "\\",
    "//",
    "@evil.example",
];

fn origin() -> impl Strategy<Value = String> {
    let pieces = proptest::collection::vec(select(ORIGIN_PIECES), 1..6).prop_map(|p| p.concat());
    prop_oneof![
        4 => pieces.clone(),
        1 => (pieces, edit()).prop_map(|(p, e): (String, Edit)| e.apply(&p)),
        1 => any_text(40),
    ]
}

fn check_origin(raw: String) -> TestCaseResult {
    let Ok(origin) = validate_origin(&raw) else {
        return Ok(());
    };
    // Exactly what a browser's `Origin` header would say for that site, and stable.
    let url = Url::parse(&origin);
    prop_assert!(url.is_ok(), "{:?} does not parse", origin);
    let url = url.map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(url.origin().ascii_serialization(), origin.clone());
    prop_assert_eq!(
        validate_origin(&origin),
        Ok(origin.clone()),
        "not idempotent"
    );
    prop_assert!(origin.is_ascii() && !origin.ends_with('/'));
    prop_assert!(
        url.scheme() == "https"
            || matches!(url.host_str(), Some("localhost" | "127.0.0.1" | "[::1]")),
        "{:?}",
        origin
    );
    Ok(())
}

fn check_slug(raw: String) -> TestCaseResult {
    let Ok(slug) = validate_slug(&raw) else {
        return Ok(());
    };
    prop_assert!((2..=40).contains(&slug.len()));
    prop_assert!(slug
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
    prop_assert!(!slug.starts_with('-') && !slug.ends_with('-'));
    prop_assert_eq!(validate_slug(&slug), Ok(slug.clone()));
    prop_assert_eq!(slug, raw.trim().to_ascii_lowercase());
    Ok(())
}

#[derive(Debug, Clone)]
enum Case {
    Settings(Box<(SettingsInput, Strictness)>),
    Origin(String),
    Slug(String),
}

#[test]
fn settings() {
    let strictness = select(&[Strictness::Save, Strictness::Draft][..]);
    let slug = prop_oneof!["[a-z0-9-]{0,42}", "[A-Za-z0-9 _-]{0,42}", any_text(44)];
    let case = prop_oneof![
        3 => (settings_input(), strictness).prop_map(|c| Case::Settings(Box::new(c))),
        2 => origin().prop_map(Case::Origin),
        1 => slug.prop_map(Case::Slug),
    ];
    fuzz("settings", case, |case| match case {
        Case::Settings(c) => check_settings(*c),
        Case::Origin(raw) => check_origin(raw),
        Case::Slug(raw) => check_slug(raw),
    });
}
