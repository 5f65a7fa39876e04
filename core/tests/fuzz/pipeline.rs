//! The pipeline's query string (`parse_query`, `to_query`, `Cursor`) and the dates it
//! filters on: any query reads without panicking, what it keeps is valid, and writing the
//! filter back out reads as the same filter.

use crate::gen::any_text;
use crate::harness::fuzz;
use handoff_core::id::HandoffId;
use handoff_core::pipeline::{display_time, parse_query, Cursor, MAX_PAGE_SIZE, PAGE_SIZE};
use handoff_core::time::{is_leap_year, iso8601_from_millis, parse_date_ymd};
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::TestCaseResult;

const NAMES: &[&str] = &[
    "status", "from", "to", "industry", "source", "cursor", "limit", "client", "Status", "status ",
];

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => select(&["new", "redirected", "completed_external", "abandoned", "all", "NEW", "0", "100", "101", "-1", "50 ", "1e2", "2026-02-29", "2024-02-29", "0000-01-01", "9999-12-31", "2026-13-01", "2026-1-01", ""][..]).prop_map(str::to_string),
        2 => "[0-9]{4}-[0-9]{2}-[0-9]{2}",
        2 => ("[0-9]{1,16}", any::<[u8; 16]>()).prop_map(|(ms, id)| format!("{ms}.{}", HandoffId::from_bytes(&id))),
        3 => any_text(120),
    ]
}

fn pairs() -> impl Strategy<Value = Vec<(String, String)>> {
    let name = prop_oneof![5 => select(NAMES).prop_map(str::to_string), 1 => any_text(8)];
    proptest::collection::vec((name, value()), 0..10)
}

fn check_query(pairs: Vec<(String, String)>) -> TestCaseResult {
    let (query, errors) = parse_query(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    for error in &errors {
        prop_assert!(NAMES.contains(&error.param), "{:?}", error);
    }
    let filter = &query.filter;
    for date in [&filter.from, &filter.to].into_iter().flatten() {
        prop_assert!(parse_date_ymd(date).is_some(), "kept date {:?}", date);
    }
    if let (Some(from), Some(before)) = (filter.created_from(), filter.created_before()) {
        prop_assert!(from < before, "reversed range kept");
    }
    for text in [&filter.industry, &filter.source].into_iter().flatten() {
        prop_assert!(!text.is_empty() && text.chars().count() <= 100);
        prop_assert!(
            !text.contains(char::is_control),
            "control char kept: {:?}",
            text
        );
    }
    prop_assert!((1..=MAX_PAGE_SIZE).contains(&query.limit));

    // What the dashboard links to reads back as the same view, with no error.
    let written = filter.to_query(query.cursor.as_ref());
    let reread: Vec<(String, String)> = url::form_urlencoded::parse(written.as_bytes())
        .into_owned()
        .collect();
    let (again, errors) = parse_query(reread);
    prop_assert!(
        errors.is_empty(),
        "{:?} reads back with errors {:?}",
        written,
        errors
    );
    prop_assert_eq!(&again.filter, filter, "{:?}", written);
    prop_assert_eq!(again.cursor, query.cursor);
    prop_assert_eq!(again.limit, PAGE_SIZE);
    Ok(())
}

fn check_cursor((ms, id, text): (i64, [u8; 16], String)) -> TestCaseResult {
    let cursor = Cursor {
        created_at: ms,
        id: HandoffId::from_bytes(&id),
    };
    prop_assert_eq!(Cursor::parse(&cursor.encode()), Some(cursor));
    if let Some(parsed) = Cursor::parse(&text) {
        prop_assert!(parsed.created_at >= 0);
        prop_assert_eq!(Cursor::parse(&parsed.encode()), Some(parsed));
    }
    Ok(())
}

fn check_dates((text, ms): (String, i64)) -> TestCaseResult {
    if let Some(day) = parse_date_ymd(&text) {
        prop_assert_eq!(
            &iso8601_from_millis(day)[..10],
            text.as_str(),
            "not the same day"
        );
        prop_assert_eq!(day.rem_euclid(86_400_000), 0);
    }
    let iso = iso8601_from_millis(ms);
    prop_assert_eq!(iso.len(), 24);
    let day = parse_date_ymd(&iso[..10]);
    prop_assert!(day.is_some(), "{:?} is not a day", iso);
    let year: u32 = iso[..4].parse().unwrap_or(0);
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    prop_assert_eq!(is_leap_year(year), leap);
    let shown = display_time(ms);
    prop_assert!(shown.ends_with(" UTC") && shown.starts_with(&iso[..10]));
    Ok(())
}

#[derive(Debug, Clone)]
enum Case {
    Query(Vec<(String, String)>),
    Cursor((i64, [u8; 16], String)),
    Dates((String, i64)),
}

#[test]
fn pipeline_query() {
    let date_text = prop_oneof!["[0-9]{4}-[0-9]{2}-[0-9]{2}", any_text(12)];
    let case = prop_oneof![
        4 => pairs().prop_map(Case::Query),
        1 => (0i64..=999_999_999_999_999, any::<[u8; 16]>(), prop_oneof![value(), any_text(40)]).prop_map(Case::Cursor),
        1 => (date_text, prop_oneof![any::<i64>(), -62_167_219_200_000i64..253_402_300_800_000]).prop_map(Case::Dates),
    ];
    fuzz("pipeline_query", case, |case| match case {
        Case::Query(pairs) => check_query(pairs),
        Case::Cursor(c) => check_cursor(c),
        Case::Dates(d) => check_dates(d),
    });
}
