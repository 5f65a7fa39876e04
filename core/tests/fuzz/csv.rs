//! `csv::field` and `csv::record`: every value reads back from the export as itself (or as
//! itself behind the `'` that keeps a spreadsheet from evaluating it), and no cell a
//! spreadsheet reads starts a formula.

use crate::gen::any_text;
use crate::harness::fuzz;
use handoff_core::csv::{field, record};
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::TestCaseResult;

const TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// An RFC 4180 reader written for this test: the record's cells, or None if it is not
/// well-formed (an unterminated quote, text after a closing quote, no CRLF).
fn read_record(line: &str) -> Option<Vec<String>> {
    let body = line.strip_suffix("\r\n")?;
    let mut cells = Vec::new();
    let mut chars = body.chars().peekable();
    loop {
        let mut cell = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            loop {
                match chars.next()? {
                    '"' if chars.peek() == Some(&'"') => {
                        chars.next();
                        cell.push('"');
                    }
                    '"' => break,
                    c => cell.push(c),
                }
            }
            if !matches!(chars.peek(), None | Some(',')) {
                return None;
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c == ',' {
                    break;
                }
                if matches!(c, '"' | '\r' | '\n') {
                    return None;
                }
                cell.push(c);
                chars.next();
            }
        }
        cells.push(cell);
        if chars.next().is_none() {
            return Some(cells);
        }
    }
}

fn cell_value() -> impl Strategy<Value = String> {
    let formula = (
        select(
            &[
                "=",
                "+",
                "-",
                "@",
                "\t",
                "\r",
                "\"=",
                " =",
                "\u{feff}=",
                "'=",
            ][..],
        ),
        any_text(20),
    )
        .prop_map(|(start, rest)| format!("{start}{rest}"));
    prop_oneof![
        3 => any_text(60),
        2 => formula,
        1 => "[,\"\r\n=a ]{0,12}",
        1 => Just("=HYPERLINK(\"http://evil.example\",\"x\")".to_string()),
    ]
}

fn check_cells(values: Vec<String>) -> TestCaseResult {
    for value in &values {
        let cell = field(value);
        let read = read_record(&format!("{cell}\r\n"));
        prop_assert!(read.is_some(), "{:?} is not RFC 4180", cell);
        let read = read.unwrap_or_default();
        prop_assert_eq!(read.len(), 1, "{:?} splits into several cells", cell);
        let neutralised = value.starts_with(TRIGGERS);
        let want = if neutralised {
            format!("'{value}")
        } else {
            value.clone()
        };
        prop_assert_eq!(&read[0], &want);
        prop_assert!(
            !read[0].starts_with(TRIGGERS),
            "{:?} reads as a formula",
            read[0]
        );
        if !cell.starts_with('"') {
            prop_assert!(!cell.contains([',', '"', '\r', '\n']));
        }
    }
    let line = record(values.iter().map(String::as_str));
    prop_assert!(line.ends_with("\r\n"));
    let read = read_record(&line);
    prop_assert!(read.is_some(), "{:?} is not RFC 4180", line);
    let want: Vec<String> = if values.is_empty() {
        vec![String::new()]
    } else {
        values
            .iter()
            .map(|v| {
                if v.starts_with(TRIGGERS) {
                    format!("'{v}")
                } else {
                    v.clone()
                }
            })
            .collect()
    };
    prop_assert_eq!(read.unwrap_or_default(), want);
    Ok(())
}

#[test]
fn csv_cells() {
    fuzz(
        "csv_cells",
        proptest::collection::vec(cell_value(), 0..6),
        check_cells,
    );
}
