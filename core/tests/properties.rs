//! Property tests for the rules whose inputs are open-ended: anything a visitor can type,
//! any timestamp, any id bytes, any configured booking URL.

#[cfg(feature = "server")]
use handoff_core::id::{is_admin_key_shaped, new_admin_key, HandoffId};
use handoff_core::intent;
use handoff_core::lead::{check_field, validate_lead, Field, LeadInput};
use handoff_core::text::{is_bidi_control, luhn_valid, redact_sensitive, strip_controls};
use handoff_core::time::{iso8601_from_millis, parse_date_ymd};
use proptest::prelude::*;

/// Characters that stress the cleaners: controls, bidi, separators, digits, non-ASCII.
/// Drawn from one `u32` each because proptest's own char strategies are slow in debug builds.
fn nasty_char(code: u32) -> char {
    const SPECIAL: &[char] = &[
        ' ', ' ', ' ', '-', '\n', '\r', '\t', '\u{0}', '\u{7f}', '\u{85}', '\u{202E}', '\u{2066}',
        '\u{200F}', '\u{061C}', '\u{A0}', '?', '#', '@', '.', '(', ')', '+', 'é', '✓',
    ];
    let pick = code >> 8;
    match code & 0xff {
        0..=79 => char::from(b'a' + (pick % 26) as u8),
        80..=149 => char::from(b'0' + (pick % 10) as u8),
        150..=219 => SPECIAL[pick as usize % SPECIAL.len()],
        _ => char::from_u32(pick % 0x11_0000).unwrap_or('\u{FFFD}'),
    }
}

fn nasty_text(max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(any::<u32>(), 0..max)
        .prop_map(|codes| codes.into_iter().map(nasty_char).collect())
}

/// Mostly-plausible values for a field, sometimes hostile, sometimes over the limit.
fn field_value(field: Field) -> BoxedStrategy<String> {
    let over = field.max_chars() + 40;
    let plausible = match field {
        Field::CustomerName => "[A-Za-zé ]{1,40}".boxed(),
        Field::CustomerEmail => "[a-z0-9.+]{1,12}@[a-z]{1,10}\\.(com|org|co\\.uk)".boxed(),
        Field::CustomerPhone => "\\+?[0-9]{3}[ .-]?[0-9]{3}[ .-]?[0-9]{4}".boxed(),
        _ => "[A-Za-z0-9 ,.?#/-]{0,80}".boxed(),
    };
    prop_oneof![
        3 => plausible,
        1 => Just(String::new()),
        1 => nasty_text(over),
        1 => "(4111 1111 1111 1111|123-45-6789|5500-0000-0000-0004) [a-z ]{0,20}",
    ]
    .boxed()
}

fn lead_input() -> impl Strategy<Value = LeadInput> {
    let fields = Field::ALL.map(field_value);
    fields.prop_map(
        |[name, email, phone, service, time, notes, source, industry]| LeadInput {
            customer_name: name,
            customer_email: email,
            customer_phone: phone,
            requested_service: service,
            preferred_date_time_text: time,
            notes,
            source_page: source,
            industry,
        },
    )
}

fn input_value(input: &LeadInput, field: Field) -> &str {
    match field {
        Field::CustomerName => &input.customer_name,
        Field::CustomerEmail => &input.customer_email,
        Field::CustomerPhone => &input.customer_phone,
        Field::RequestedService => &input.requested_service,
        Field::PreferredDateTimeText => &input.preferred_date_time_text,
        Field::Notes => &input.notes,
        Field::SourcePage => &input.source_page,
        Field::Industry => &input.industry,
    }
}

/// Maximal runs of digit groups joined by single spaces or hyphens, as lists of groups.
fn digit_group_runs(s: &str) -> Vec<Vec<String>> {
    let b = s.as_bytes();
    let mut runs = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let mut groups = Vec::new();
        loop {
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            groups.push(s[start..i].to_string());
            if i + 1 < b.len() && matches!(b[i], b' ' | b'-') && b[i + 1].is_ascii_digit() {
                i += 1;
            } else {
                break;
            }
        }
        runs.push(groups);
    }
    runs
}

/// Text with card numbers (valid and not) and SSNs woven into ordinary words and numbers.
fn text_with_numbers() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[a-z]{1,8}",
        "[0-9]{1,20}",
        "4111[ -]?1111[ -]?1111[ -]?1111",
        "5500[ -]?0000[ -]?0000[ -]?0004",
        "3782[ -]?822463[ -]?10005",
        "4222222222222",
        "6304000000000000000",
        "[0-9]{3}[ -][0-9]{2}[ -][0-9]{4}",
        "[0-9]{4}( [0-9]{4}){1,5}",
    ];
    let sep = prop_oneof![Just(" "), Just("-"), Just(""), Just(", "), Just("  ")];
    proptest::collection::vec((piece, sep), 0..12).prop_map(|parts| {
        parts
            .into_iter()
            .flat_map(|(piece, sep)| [piece, sep.to_string()])
            .collect()
    })
}

proptest! {
    #[test]
    fn any_lead_input_is_accepted_or_gets_field_errors(input in lead_input()) {
        match validate_lead(&input) {
            Ok(lead) => {
                for (field, value) in lead.fields() {
                    let Some(value) = value else { continue };
                    prop_assert!(value.chars().count() <= field.max_chars(), "{field:?}: {value:?}");
                    let forbidden = |c: char| (c.is_control() && !(c == '\n' && field == Field::Notes)) || is_bidi_control(c);
                    prop_assert!(!value.contains(forbidden), "{field:?}: {value:?}");
                    prop_assert!(!value.is_empty(), "{field:?}");
                }
            }
            Err(errors) => {
                prop_assert!(!errors.is_empty());
                let order: Vec<usize> = errors
                    .iter()
                    .map(|e| Field::ALL.iter().position(|f| *f == e.field).unwrap())
                    .collect();
                prop_assert!(order.windows(2).all(|w| w[0] < w[1]), "{errors:?}");
            }
        }
    }

    #[test]
    fn validate_lead_agrees_with_check_field(input in lead_input()) {
        // The widget validates field by field; the server validates the whole lead.
        if let Ok(lead) = validate_lead(&input) {
            for (field, value) in lead.fields() {
                let cleaned = check_field(field, input_value(&input, field));
                prop_assert_eq!(cleaned, Ok(value.map(str::to_string)), "{:?}", field);
            }
        }
        for field in Field::ALL {
            if let Err(problem) = check_field(field, input_value(&input, field)) {
                let errors = validate_lead(&input).unwrap_err();
                prop_assert!(errors.iter().any(|e| e.field == field && e.problem == problem));
            }
        }
    }

    #[test]
    fn cleaning_is_idempotent(text in nasty_text(300), field_index in 0usize..8) {
        let field = Field::ALL[field_index];
        if let Ok(Some(cleaned)) = check_field(field, &text) {
            prop_assert_eq!(check_field(field, &cleaned), Ok(Some(cleaned.clone())));
        }
    }

    #[test]
    fn strip_controls_leaves_no_controls_or_bidi(text in nasty_text(200), keep in any::<bool>()) {
        let out = strip_controls(&text, keep);
        prop_assert!(!out.contains(|c: char| (c.is_control() && !(keep && c == '\n')) || is_bidi_control(c)));
        prop_assert!(!out.contains("\n\n\n"));
        prop_assert_eq!(strip_controls(&out, keep), out);
    }

    #[test]
    fn redaction_leaves_no_luhn_valid_card_number(text in text_with_numbers()) {
        let (out, changed) = redact_sensitive(&text);
        for groups in digit_group_runs(&out) {
            for first in 0..groups.len() {
                let mut digits = String::new();
                for group in &groups[first..] {
                    digits.push_str(group);
                    prop_assert!(
                        !((13..=19).contains(&digits.len()) && luhn_valid(&digits)),
                        "{digits} survives in {out:?}"
                    );
                }
            }
        }
        prop_assert_eq!(changed, out != text);
    }

    #[test]
    fn redaction_of_arbitrary_text_never_panics(text in nasty_text(400)) {
        let (out, changed) = redact_sensitive(&text);
        prop_assert_eq!(changed, out != text);
    }

    #[test]
    fn intent_detection_never_panics_and_quotes_the_visitor(
        text in prop_oneof![
            nasty_text(200),
            "([A-Za-z']{1,10}|[0-9]{1,2}(:[0-9]{2})?( ?[ap]\\.?m\\.?)?|[0-9]{1,2}/[0-9]{1,2}|at|the|next|this|Friday|tomorrow|Dec|3rd|noon|[,.?!-]) ?{1,30}"
                .prop_map(|s| s),
            proptest::collection::vec(
                prop_oneof![
                    Just("friday"), Just("next"), Just("week"), Just("at"), Just("5"), Just("pm"),
                    Just("the"), Just("3rd"), Just("dec"), Just("10:30am"), Just("and"), Just("maybe"),
                    Just("book"), Just("massage"), Just("-"), Just("?"), Just("12/3"), Just("tonight"),
                ],
                0..30,
            ).prop_map(|words| words.join(" ")),
        ],
        services in proptest::collection::vec("[A-Za-z' ]{0,20}", 0..5),
    ) {
        let services: Vec<&str> = services.iter().map(String::as_str).collect();
        let found = intent::detect(&text, &services);
        if let Some(service) = &found.service {
            prop_assert!(services.contains(&service.as_str()));
            prop_assert!(found.wants_booking);
        }
        if let Some(time) = &found.time_text {
            prop_assert!(!time.is_empty());
            prop_assert_eq!(time.trim(), time.as_str());
            let input_words: Vec<&str> = text.split_whitespace().collect();
            for word in time.split_whitespace() {
                prop_assert!(
                    input_words.iter().any(|w| w.contains(word)),
                    "{word:?} of {time:?} is not in {text:?}"
                );
            }
        }
    }

    #[cfg(feature = "server")]
    #[test]
    fn handoff_ids_always_parse_back(bytes in any::<[u8; 16]>()) {
        let id = HandoffId::from_bytes(&bytes);
        prop_assert_eq!(id.as_str().len(), 22);
        prop_assert_eq!(HandoffId::parse(id.as_str()), Some(id.clone()));
        prop_assert_eq!(id.to_string(), id.as_str());
    }

    #[cfg(feature = "server")]
    #[test]
    fn admin_keys_are_always_key_shaped(bytes in any::<[u8; 32]>()) {
        let key = new_admin_key(&bytes);
        prop_assert_eq!(key.len(), 47);
        prop_assert!(is_admin_key_shaped(&key));
    }

    #[test]
    fn iso8601_never_panics_and_is_well_formed(ms in any::<i64>()) {
        let s = iso8601_from_millis(ms);
        prop_assert_eq!(s.len(), 24);
        prop_assert!(s.ends_with('Z'));
        prop_assert!(parse_date_ymd(&s[..10]).is_some(), "{}", s);
    }

    #[test]
    fn iso8601_round_trips_through_the_date_in_range(ms in -62_167_219_200_000i64..253_402_300_800_000) {
        let s = iso8601_from_millis(ms);
        let day_start = parse_date_ymd(&s[..10]).unwrap();
        prop_assert_eq!(day_start, ms - ms.rem_euclid(handoff_core::time::DAY_MS));
    }
}

#[cfg(feature = "server")]
mod server {
    use handoff_core::provider::Provider;
    use handoff_core::redirect::{build_redirect_url, Prefill, RedirectParams};
    use proptest::prelude::*;
    use url::Url;

    fn base_url() -> impl Strategy<Value = Url> {
        let scheme = prop_oneof![Just("https"), Just("http")];
        let host = prop_oneof![
            "[a-z][a-z0-9-]{0,10}(\\.[a-z]{2,6}){1,2}",
            Just("localhost".to_string()),
            Just("127.0.0.1".to_string()),
            Just("[::1]".to_string()),
            Just("bücher.example".to_string()),
        ];
        let port = proptest::option::of(1u16..);
        let path = "(/[A-Za-z0-9._~%-]{0,8}){0,3}";
        let query = proptest::option::of("[A-Za-z0-9_=&%+\\[\\]. -]{0,40}");
        let fragment = proptest::option::of("[A-Za-z0-9/?=&#-]{0,12}");
        (scheme, host, port, path, query, fragment).prop_filter_map(
            "must parse",
            |(scheme, host, port, path, query, fragment)| {
                let port = port.map(|p| format!(":{p}")).unwrap_or_default();
                let query = query.map(|q| format!("?{q}")).unwrap_or_default();
                let fragment = fragment.map(|f| format!("#{f}")).unwrap_or_default();
                Url::parse(&format!("{scheme}://{host}{port}{path}{query}{fragment}")).ok()
            },
        )
    }

    fn provider() -> impl Strategy<Value = Provider> {
        proptest::sample::select(Provider::ALL.to_vec())
    }

    proptest! {
        #[test]
        fn redirect_url_reparses_and_keeps_the_base(
            base in base_url(),
            provider in provider(),
            utm_source in proptest::option::of(".{0,12}"),
            utm_campaign in proptest::option::of(".{0,12}"),
            tca_ref in proptest::option::of("[A-Za-z0-9_-]{22}"),
            prefill in proptest::option::of((".{0,20}", proptest::option::of(".{0,20}"), proptest::option::of(".{0,16}"), proptest::option::of(".{0,40}"))),
        ) {
            let prefill = prefill.as_ref().map(|(name, email, phone, notes)| Prefill {
                name,
                email: email.as_deref(),
                phone: phone.as_deref(),
                notes: notes.as_deref(),
            });
            let params = RedirectParams {
                ref_param: Default::default(),
                visitor: &[],
                provider,
                utm_source: utm_source.as_deref(),
                utm_campaign: utm_campaign.as_deref(),
                tca_ref: tca_ref.as_deref(),
                prefill,
            };
            let built = build_redirect_url(&base, &params);
            let reparsed = Url::parse(built.as_str()).expect("the redirect URL re-parses");
            prop_assert_eq!(&reparsed, &built);
            prop_assert_eq!(built.scheme(), base.scheme());
            prop_assert_eq!(built.host_str(), base.host_str());
            prop_assert_eq!(built.port(), base.port());
            prop_assert_eq!(built.path(), base.path());
            prop_assert_eq!(built.fragment(), base.fragment());

            let pairs: Vec<(String, String)> = built.query_pairs().into_owned().collect();
            let values = |key: &str| pairs.iter().filter(|(k, _)| k == key).map(|(_, v)| v.clone()).collect::<Vec<_>>();
            prop_assert_eq!(values("utm_medium"), vec!["booking_widget".to_string()]);
            prop_assert_eq!(values("utm_source").len(), 1);
            if let Some(tca_ref) = &tca_ref {
                prop_assert_eq!(values("tca_ref"), vec![tca_ref.clone()]);
            }
        }
    }
}
