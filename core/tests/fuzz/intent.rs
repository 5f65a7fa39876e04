//! `intent::detect`: whatever a visitor types, the service it reports is one of the
//! business's, and the time it reports is the visitor's own words.

use crate::gen::any_text;
use crate::harness::fuzz;
use handoff_core::intent::detect;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::TestCaseResult;

const WORDS: &[&str] = &[
    "book",
    "booking",
    "appointment",
    "I'd",
    "like",
    "a",
    "the",
    "next",
    "this",
    "at",
    "on",
    "Friday",
    "FRIDAY",
    "fridays",
    "tues",
    "morning",
    "afternoons",
    "tonight",
    "noon",
    "week",
    "weekend",
    "5",
    "12",
    "13",
    "3pm",
    "10:30",
    "10:30am",
    "7",
    "pm",
    "a.m.",
    "p.m",
    "Dec",
    "3rd",
    "31st",
    "2026",
    "12/3",
    "12/03/26",
    "massage",
    "massages",
    "deep",
    "tissue",
    "gel",
    "manicure",
    "Men's",
    "cut",
    "Café",
    "Массаж",
    "come",
    "in",
    "sign",
    "up",
    "-",
    "?",
    "!",
    ",",
    "…",
    "—",
    "(",
    ")",
    "\u{202e}",
    "\u{200b}",
    "٣",
    "½",
];

fn message() -> impl Strategy<Value = String> {
    let word = prop_oneof![4 => select(WORDS).prop_map(str::to_string), 1 => any_text(6)];
    let glue = select(&[" ", " ", "", ", ", "\n", "\t", "  ", "."][..]);
    prop_oneof![
        1 => any_text(300),
        3 => proptest::collection::vec((word, glue), 0..40)
            .prop_map(|parts| parts.into_iter().flat_map(|(w, g)| [w, g.to_string()]).collect()),
    ]
}

fn services() -> impl Strategy<Value = Vec<String>> {
    let service = prop_oneof![
        3 => select(&["Massage", "Deep Tissue Massage", "Gel Manicure", "Men's Cut", "Café Facial", "Массаж", "a", "", "   "][..]).prop_map(str::to_string),
        1 => any_text(20),
    ];
    proptest::collection::vec(service, 0..6)
}

fn check_intent((text, services): (String, Vec<String>)) -> TestCaseResult {
    let list: Vec<&str> = services.iter().map(String::as_str).collect();
    let found = detect(&text, &list);
    prop_assert_eq!(&detect(&text, &list), &found, "not deterministic");
    if let Some(service) = &found.service {
        prop_assert!(
            list.contains(&service.as_str()),
            "{:?} is not a listed service",
            service
        );
        prop_assert!(found.wants_booking);
    }
    if let Some(time) = &found.time_text {
        prop_assert!(!time.is_empty());
        prop_assert_eq!(time.trim(), time.as_str());
        for word in time.split_whitespace() {
            prop_assert!(
                text.contains(word),
                "{:?} of {:?} is not in the message",
                word,
                time
            );
        }
    }
    Ok(())
}

#[test]
fn intent_detection() {
    fuzz("intent_detection", (message(), services()), check_intent);
}
