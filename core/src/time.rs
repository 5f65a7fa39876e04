//! Calendar arithmetic without a date crate: ISO 8601 timestamps from epoch millis and
//! strict `YYYY-MM-DD` parsing for the dashboard's date filters (proleptic Gregorian, UTC).

pub const DAY_MS: i64 = 86_400_000;

/// 0000-01-01T00:00:00.000Z.
const MIN_MS: i64 = -62_167_219_200_000;
/// 9999-12-31T23:59:59.999Z.
const MAX_MS: i64 = 253_402_300_799_999;

/// Formats as `2026-11-25T08:34:33.123Z`; values outside years 0000..=9999 are clamped.
pub fn iso8601_from_millis(ms: i64) -> String {
    let ms = ms.clamp(MIN_MS, MAX_MS);
    let days = ms.div_euclid(DAY_MS);
    let of_day = ms.rem_euclid(DAY_MS);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        of_day / 3_600_000,
        of_day / 60_000 % 60,
        of_day / 1_000 % 60,
        of_day % 1_000
    )
}

/// Millis at 00:00:00Z of a strict `YYYY-MM-DD` date, or None if malformed or not a real day.
pub fn parse_date_ymd(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = &b[range];
        part.iter()
            .all(u8::is_ascii_digit)
            .then(|| part.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
    };
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    Some(days_from_civil(i64::from(year), month, day) * DAY_MS)
}

pub fn is_leap_year(year: u32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's algorithms (http://howardhinnant.github.io/date_algorithms.html):
// exact for the whole proleptic Gregorian calendar, no tables.

fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let shifted_month = i64::from((month + 9) % 12); // March = 0
    let day_of_year = (153 * shifted_month + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    // Both are small and positive by construction.
    let day = (day_of_year - (153 * shifted_month + 2) / 5 + 1) as u32;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        let cases: &[(i64, &str)] = &[
            (0, "1970-01-01T00:00:00.000Z"),
            (1, "1970-01-01T00:00:00.001Z"),
            (DAY_MS - 1, "1970-01-01T23:59:59.999Z"),
            (1_709_164_800_000, "2024-02-29T00:00:00.000Z"),
            (1_709_251_199_999, "2024-02-29T23:59:59.999Z"),
            (1_795_595_673_123, "2026-11-25T08:34:33.123Z"),
            (951_782_400_000, "2000-02-29T00:00:00.000Z"),
            (4_107_542_400_000, "2100-03-01T00:00:00.000Z"),
            (-1, "1969-12-31T23:59:59.999Z"),
            (-DAY_MS, "1969-12-31T00:00:00.000Z"),
            (-86_400_001, "1969-12-30T23:59:59.999Z"),
            (-62_135_596_800_000, "0001-01-01T00:00:00.000Z"),
            (MIN_MS, "0000-01-01T00:00:00.000Z"),
            (MAX_MS, "9999-12-31T23:59:59.999Z"),
        ];
        for (ms, want) in cases {
            assert_eq!(iso8601_from_millis(*ms), *want, "{ms}");
        }
    }

    #[test]
    fn clamps_out_of_range_instants() {
        let cases: &[(i64, &str)] = &[
            (MIN_MS - 1, "0000-01-01T00:00:00.000Z"),
            (i64::MIN, "0000-01-01T00:00:00.000Z"),
            (MAX_MS + 1, "9999-12-31T23:59:59.999Z"),
            (i64::MAX, "9999-12-31T23:59:59.999Z"),
        ];
        for (ms, want) in cases {
            assert_eq!(iso8601_from_millis(*ms), *want, "{ms}");
        }
    }

    #[test]
    fn parses_valid_dates() {
        let cases: &[(&str, i64)] = &[
            ("1970-01-01", 0),
            ("1970-01-02", DAY_MS),
            ("1969-12-31", -DAY_MS),
            ("2024-02-29", 1_709_164_800_000),
            ("2000-02-29", 951_782_400_000),
            ("2026-11-25", 1_795_564_800_000),
            ("2026-12-31", 1_798_675_200_000),
            ("0000-01-01", MIN_MS),
            ("9999-12-31", MAX_MS + 1 - DAY_MS),
        ];
        for (s, want) in cases {
            assert_eq!(parse_date_ymd(s), Some(*want), "{s}");
        }
    }

    #[test]
    fn rejects_invalid_dates() {
        let cases: &[&str] = &[
            "",
            "2026-00-10",
            "2026-13-01",
            "2026-01-00",
            "2026-01-32",
            "2026-04-31",
            "2026-06-31",
            "2026-09-31",
            "2026-11-31",
            "2023-02-29",
            "1900-02-29",
            "2100-02-29",
            "2024-02-30",
            "2026-1-01",
            "2026-01-1",
            "26-01-01",
            "2026/01/01",
            "2026-01-01T00:00:00Z",
            " 2026-01-01",
            "2026-01-01 ",
            "+026-01-01",
            "2026-0a-01",
            "２０２６-01-01",
            "2026-01-0١",
        ];
        for s in cases {
            assert_eq!(parse_date_ymd(s), None, "{s:?}");
        }
    }

    #[test]
    fn knows_leap_years() {
        let cases = [
            (2024, true),
            (2026, false),
            (2000, true),
            (1900, false),
            (2100, false),
            (2400, true),
            (0, true),
        ];
        for (year, leap) in cases {
            assert_eq!(is_leap_year(year), leap, "{year}");
        }
    }

    #[test]
    fn every_day_round_trips_between_parse_and_format() {
        // Ten years either side of the epoch and around the 2000 leap rule, day by day.
        for start in [-3_653i64, 10_900, 20_000] {
            for day in start..start + 7_305 {
                let formatted = iso8601_from_millis(day * DAY_MS);
                assert_eq!(
                    parse_date_ymd(&formatted[..10]),
                    Some(day * DAY_MS),
                    "{formatted}"
                );
            }
        }
    }
}
