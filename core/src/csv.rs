//! CSV export cells: RFC 4180 quoting plus neutralising spreadsheet formulas.
//!
//! A visitor writes the lead, an admin opens the export in a spreadsheet: a cell starting
//! with `=`, `+`, `-` or `@` (or a tab or carriage return, which some spreadsheets skip
//! before looking for one) would be evaluated as a formula (CSV injection; see OWASP's
//! "CSV Injection" page). Such cells get a leading `'`, which spreadsheets show as text.
//! Quoting follows RFC 4180 §2: fields with `,`, `"`, CR or LF are enclosed in double
//! quotes and inner quotes are doubled; records end with CRLF.

use std::borrow::Cow;

/// Characters that make a spreadsheet read a cell as a formula when they come first.
const FORMULA_TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// One cell, neutralised and quoted as needed.
pub fn field(value: &str) -> Cow<'_, str> {
    let neutral: Cow<'_, str> = if value.starts_with(FORMULA_TRIGGERS) {
        Cow::Owned(format!("'{value}"))
    } else {
        Cow::Borrowed(value)
    };
    if neutral.contains([',', '"', '\r', '\n']) {
        Cow::Owned(format!("\"{}\"", neutral.replace('"', "\"\"")))
    } else {
        neutral
    }
}

/// A cell of ours (an id, a time, a count, a status, a URL we built): quoted as needed,
/// never prefixed, so it reads exactly as the API returns it.
pub fn data(value: &str) -> Cow<'_, str> {
    if value.contains([',', '"', '\r', '\n']) {
        Cow::Owned(format!("\"{}\"", value.replace('"', "\"\"")))
    } else {
        Cow::Borrowed(value)
    }
}

/// What a cell holds: text someone else typed (neutralised) or data of ours (kept as is).
#[derive(Clone, Copy, Debug)]
pub enum Cell<'a> {
    Text(&'a str),
    Data(&'a str),
}

/// One record: the cells joined by commas, terminated by CRLF. Every cell is treated as text.
pub fn record<'a, I>(cells: I) -> String
where
    I: IntoIterator<Item = &'a str>,
{
    record_of(cells.into_iter().map(Cell::Text))
}

/// One record of typed cells.
pub fn record_of<'a, I>(cells: I) -> String
where
    I: IntoIterator<Item = Cell<'a>>,
{
    let mut line = cells
        .into_iter()
        .map(|c| match c {
            Cell::Text(v) => field(v),
            Cell::Data(v) => data(v),
        })
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_data_is_quoted_but_never_prefixed() {
        assert_eq!(data("-AbC_9"), "-AbC_9");
        assert_eq!(data("=1+1"), "=1+1");
        assert_eq!(data("a,b"), "\"a,b\"");
        assert_eq!(
            record_of([Cell::Data("-id"), Cell::Text("-2+3"), Cell::Data("x\"y")]),
            "-id,'-2+3,\"x\"\"y\"\r\n"
        );
    }

    #[test]
    fn leaves_plain_cells_alone() {
        for plain in [
            "",
            "Ada Lovelace",
            "ada@example.com",
            "Friday afternoon",
            "2026-11-25T08:34:33.123Z",
            "café ☕",
            "a'b",
            " =not first",
        ] {
            assert_eq!(field(plain), plain, "{plain:?}");
            assert!(matches!(field(plain), Cow::Borrowed(_)));
        }
    }

    #[test]
    fn quotes_per_rfc_4180() {
        let cases: &[(&str, &str)] = &[
            ("a,b", "\"a,b\""),
            ("say \"hi\"", "\"say \"\"hi\"\"\""),
            ("\"", "\"\"\"\""),
            ("line 1\nline 2", "\"line 1\nline 2\""),
            ("line 1\r\nline 2", "\"line 1\r\nline 2\""),
            (",", "\",\""),
        ];
        for (raw, want) in cases {
            assert_eq!(field(raw), *want, "{raw:?}");
        }
    }

    #[test]
    fn neutralises_formula_triggers() {
        let cases: &[(&str, &str)] = &[
            ("=1+1", "'=1+1"),
            (
                "=HYPERLINK(\"http://evil.example\",\"x\")",
                "\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\"",
            ),
            ("+1 555 010 2030", "'+1 555 010 2030"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "\"'\r=1\""),
            ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
            ("=1,2", "\"'=1,2\""),
        ];
        for (raw, want) in cases {
            assert_eq!(field(raw), *want, "{raw:?}");
            assert!(!field(raw)
                .trim_start_matches('"')
                .starts_with(FORMULA_TRIGGERS));
        }
    }

    #[test]
    fn records_end_with_crlf() {
        assert_eq!(record(["a", "b,c", "=x"]), "a,\"b,c\",'=x\r\n");
        assert_eq!(record(Vec::<&str>::new()), "\r\n");
        assert_eq!(record([""]), "\r\n");
        assert_eq!(record(["", ""]), ",\r\n");
    }

    /// A minimal RFC 4180 reader, to prove every value survives the round trip.
    fn parse_record(line: &str) -> Vec<String> {
        let mut cells = Vec::new();
        let mut cell = String::new();
        let mut chars = line.strip_suffix("\r\n").unwrap().chars().peekable();
        let mut quoted = false;
        while let Some(c) = chars.next() {
            match (quoted, c) {
                (false, '"') if cell.is_empty() => quoted = true,
                (true, '"') if chars.peek() == Some(&'"') => {
                    chars.next();
                    cell.push('"');
                }
                (true, '"') => quoted = false,
                (false, ',') => cells.push(std::mem::take(&mut cell)),
                (_, c) => cell.push(c),
            }
        }
        cells.push(cell);
        cells
    }

    #[test]
    fn values_round_trip_through_a_reader() {
        let values = [
            "plain",
            "a,b",
            "\"quoted\"",
            "multi\nline",
            "<script>alert(1)</script>",
            "\"><img src=x onerror=alert(1)>",
            "",
        ];
        assert_eq!(parse_record(&record(values)), values);
        let formulas = ["=1+1", "@x", "-1", "+1"];
        let back = parse_record(&record(formulas));
        for (raw, read) in formulas.iter().zip(back) {
            assert_eq!(read, format!("'{raw}"));
        }
    }
}
