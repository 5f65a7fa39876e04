//! The handoff pipeline's query: filters (status, date range, industry, source page) and the
//! keyset cursor over `(created_at DESC, id DESC)`, read from a query string (the dashboard's
//! URL, so a filtered view can be bookmarked, and the admin API's) and written back into one.
//!
//! Unknown parameters are ignored — in particular nothing here names a client: the client
//! always comes from the caller's credentials.

use crate::{
    id::HandoffId,
    status::HandoffStatus,
    text::{char_len, strip_controls},
    time::{iso8601_from_millis, parse_date_ymd, DAY_MS},
};

/// Rows per page (dashboard and API default).
pub const PAGE_SIZE: usize = 50;
/// The most the admin API returns per page.
pub const MAX_PAGE_SIZE: usize = 100;
const TEXT_FILTER_MAX: usize = 100;

pub const STATUS_INVALID: &str = "Choose a status from the list.";
pub const DATE_INVALID: &str = "Use a date like 2026-11-25.";
pub const RANGE_REVERSED: &str = "The end date is before the start date.";
pub const TEXT_TOO_LONG: &str = "Please keep this under 100 characters.";
pub const CURSOR_INVALID: &str = "This page link is out of date. Start again from the first page.";
pub const LIMIT_INVALID: &str = "Use a page size from 1 to 100.";

/// What the pipeline shows. Dates are whole UTC days; `to` is inclusive.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HandoffFilter {
    pub status: Option<HandoffStatus>,
    /// `YYYY-MM-DD`, as given.
    pub from: Option<String>,
    pub to: Option<String>,
    /// Exact industry, compared case-insensitively.
    pub industry: Option<String>,
    /// A piece of the source page URL, case-insensitive.
    pub source: Option<String>,
    /// The provider the visitor was sent to (per-service routing), case-insensitive.
    pub provider: Option<String>,
}

impl HandoffFilter {
    /// `created_at >=` this (00:00 UTC of `from`).
    pub fn created_from(&self) -> Option<i64> {
        self.from.as_deref().and_then(parse_date_ymd)
    }

    /// `created_at <` this (00:00 UTC of the day after `to`).
    pub fn created_before(&self) -> Option<i64> {
        self.to
            .as_deref()
            .and_then(parse_date_ymd)
            .map(|d| d + DAY_MS)
    }

    /// Anything besides the status narrows the view (the per-status counts use the rest).
    pub fn is_empty(&self) -> bool {
        *self == HandoffFilter::default()
    }

    /// Whether the per-status counts for this view are the client's running totals: nothing
    /// but the status narrows it (the counts group by status, so the status itself is moot).
    /// Otherwise they must be counted over the matching rows.
    pub fn counts_are_totals(&self) -> bool {
        self.with_status(None).is_empty()
    }

    /// The same filter with another status (the status chips link to these).
    pub fn with_status(&self, status: Option<HandoffStatus>) -> Self {
        HandoffFilter {
            status,
            ..self.clone()
        }
    }

    /// The filter (and a cursor) as a query string, without `?`; empty when there is none.
    pub fn to_query(&self, cursor: Option<&Cursor>) -> String {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        if let Some(status) = self.status {
            q.append_pair("status", status.as_str());
        }
        for (name, value) in [
            ("from", &self.from),
            ("to", &self.to),
            ("industry", &self.industry),
            ("source", &self.source),
            ("provider", &self.provider),
        ] {
            if let Some(value) = value {
                q.append_pair(name, value);
            }
        }
        if let Some(cursor) = cursor {
            q.append_pair("cursor", &cursor.encode());
        }
        q.finish()
    }
}

/// The last row of a page: the next page starts strictly after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cursor {
    pub created_at: i64,
    pub id: HandoffId,
}

impl Cursor {
    /// `<created_at ms>.<id>`: URL-safe as it stands.
    pub fn encode(&self) -> String {
        format!("{}.{}", self.created_at, self.id)
    }

    pub fn parse(s: &str) -> Option<Self> {
        let (ms, id) = s.split_once('.')?;
        let digits = (1..=15).contains(&ms.len()) && ms.bytes().all(|b| b.is_ascii_digit());
        Some(Cursor {
            created_at: digits.then(|| ms.parse().ok()).flatten()?,
            id: HandoffId::parse(id)?,
        })
    }
}

/// A parameter that could not be used, and why (shown next to the filter, or as a 400).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilterError {
    pub param: &'static str,
    pub message: &'static str,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PipelineQuery {
    pub filter: HandoffFilter,
    pub cursor: Option<Cursor>,
    pub limit: usize,
}

/// Reads the query's pairs. Empty values count as absent and the first of repeated names
/// wins. Unusable parameters are dropped and reported, so the dashboard can still show the
/// rest of the filter while the API answers 400.
pub fn parse_query<I, K, V>(pairs: I) -> (PipelineQuery, Vec<FilterError>)
where
    I: IntoIterator<Item = (K, V)>,
    K: AsRef<str>,
    V: AsRef<str>,
{
    let mut raw: [Option<String>; 8] = Default::default();
    const NAMES: [&str; 8] = [
        "status", "from", "to", "industry", "source", "cursor", "limit", "provider",
    ];
    for (k, v) in pairs {
        let Some(i) = NAMES.iter().position(|n| *n == k.as_ref()) else {
            continue;
        };
        let v = v.as_ref().trim();
        if raw[i].is_none() && !v.is_empty() {
            raw[i] = Some(v.to_string());
        }
    }
    let [status, from, to, industry, source, cursor, limit, provider] = raw;
    let mut errors = Vec::new();
    let mut fail = |param: &'static str, message: &'static str| {
        errors.push(FilterError { param, message });
    };

    let status = status.and_then(|s| match s.as_str() {
        "all" => None,
        s => HandoffStatus::parse(s).or_else(|| {
            fail("status", STATUS_INVALID);
            None
        }),
    });
    let mut day = |param: &'static str, value: Option<String>| {
        value.filter(|d| {
            let ok = parse_date_ymd(d).is_some();
            if !ok {
                fail(param, DATE_INVALID);
            }
            ok
        })
    };
    let from = day("from", from);
    let mut to = day("to", to);
    if let (Some(f), Some(t)) = (&from, &to) {
        if parse_date_ymd(t) < parse_date_ymd(f) {
            fail("to", RANGE_REVERSED);
            to = None;
        }
    }
    let mut text = |param: &'static str, value: Option<String>| {
        let value = value.map(|v| {
            strip_controls(&v, false)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        });
        value.filter(|v| {
            let ok = char_len(v) <= TEXT_FILTER_MAX;
            if !ok {
                fail(param, TEXT_TOO_LONG);
            }
            ok && !v.is_empty()
        })
    };
    let industry = text("industry", industry);
    let source = text("source", source);
    let provider = text("provider", provider);
    let cursor = cursor.and_then(|c| {
        Cursor::parse(&c).or_else(|| {
            fail("cursor", CURSOR_INVALID);
            None
        })
    });
    let limit = match limit {
        None => PAGE_SIZE,
        Some(l) => match l.parse::<usize>() {
            Ok(n) if (1..=MAX_PAGE_SIZE).contains(&n) => n,
            _ => {
                fail("limit", LIMIT_INVALID);
                PAGE_SIZE
            }
        },
    };
    let query = PipelineQuery {
        filter: HandoffFilter {
            status,
            from,
            to,
            industry,
            source,
            provider,
        },
        cursor,
        limit,
    };
    (query, errors)
}

/// A timestamp for people: `2026-11-25 08:34 UTC`.
pub fn display_time(ms: i64) -> String {
    let iso = iso8601_from_millis(ms);
    format!("{} {} UTC", &iso[..10], &iso[11..16])
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "bcdefghij-_0123456789A";

    fn parse(q: &str) -> (PipelineQuery, Vec<FilterError>) {
        parse_query(url::form_urlencoded::parse(q.as_bytes()))
    }

    #[test]
    fn an_empty_query_is_the_first_page_of_everything() {
        let (q, errors) = parse("");
        assert!(errors.is_empty());
        assert!(q.filter.is_empty());
        assert_eq!(q.cursor, None);
        assert_eq!(q.limit, PAGE_SIZE);
        assert_eq!(
            parse("status=&from=&to=&industry=&source=&cursor=")
                .0
                .filter,
            HandoffFilter::default()
        );
        assert_eq!(parse("status=all").0.filter.status, None);
    }

    #[test]
    fn reads_every_filter() {
        let (q, errors) = parse(&format!(
            "status=redirected&from=2026-11-01&to=2026-11-30&industry=Spa&source=%2Ftreatments&cursor=1795595673123.{ID}&limit=20"
        ));
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(q.filter.status, Some(HandoffStatus::Redirected));
        assert_eq!(q.filter.created_from(), parse_date_ymd("2026-11-01"));
        assert_eq!(
            q.filter.created_before(),
            parse_date_ymd("2026-12-01"),
            "to is inclusive"
        );
        assert_eq!(q.filter.industry.as_deref(), Some("Spa"));
        assert_eq!(q.filter.source.as_deref(), Some("/treatments"));
        assert_eq!(
            q.cursor,
            Some(Cursor {
                created_at: 1_795_595_673_123,
                id: HandoffId::parse(ID).unwrap()
            })
        );
        assert_eq!(q.limit, 20);
    }

    #[test]
    fn counts_are_running_totals_only_when_nothing_but_the_status_narrows() {
        for (q, totals) in [
            ("", true),
            ("status=abandoned", true),
            (&format!("cursor=1795595673123.{ID}") as &str, true),
            ("from=2026-11-01", false),
            ("to=2026-11-01", false),
            ("status=new&industry=Spa", false),
            ("source=%2Fspa", false),
            ("provider=Vagaro", false),
        ] {
            assert_eq!(parse(q).0.filter.counts_are_totals(), totals, "{q}");
        }
    }

    #[test]
    fn ignores_unknown_parameters_including_client_ids() {
        let (q, errors) = parse("clientId=cl_other&client=other&client_id=x&status=new");
        assert!(errors.is_empty());
        assert_eq!(q.filter.status, Some(HandoffStatus::New));
    }

    #[test]
    fn drops_and_reports_unusable_parameters() {
        let cases: &[(&str, &str, &str)] = &[
            ("status=done", "status", STATUS_INVALID),
            ("status=NEW", "status", STATUS_INVALID),
            ("from=2026-13-01", "from", DATE_INVALID),
            ("to=yesterday", "to", DATE_INVALID),
            ("from=2026-11-02&to=2026-11-01", "to", RANGE_REVERSED),
            ("cursor=abc", "cursor", CURSOR_INVALID),
            ("cursor=1.short", "cursor", CURSOR_INVALID),
            ("cursor=-1.bcdefghij-_0123456789A", "cursor", CURSOR_INVALID),
            ("cursor=1795595673123", "cursor", CURSOR_INVALID),
            ("limit=0", "limit", LIMIT_INVALID),
            ("limit=101", "limit", LIMIT_INVALID),
            ("limit=ten", "limit", LIMIT_INVALID),
        ];
        for (query, param, message) in cases {
            let (q, errors) = parse(query);
            assert_eq!(errors, vec![FilterError { param, message }], "{query}");
            assert!(q.filter.status.is_none() && q.cursor.is_none(), "{query}");
            assert_eq!(q.limit, PAGE_SIZE);
        }
        let long = "a".repeat(101);
        let (q, errors) = parse(&format!("industry={long}&source={long}&status=new"));
        assert_eq!(errors.len(), 2);
        assert_eq!(q.filter.industry, None);
        assert_eq!(
            q.filter.status,
            Some(HandoffStatus::New),
            "the rest still applies"
        );
    }

    #[test]
    fn the_same_day_is_a_valid_range() {
        let (q, errors) = parse("from=2026-11-25&to=2026-11-25");
        assert!(errors.is_empty());
        assert_eq!(
            q.filter.created_before().unwrap() - q.filter.created_from().unwrap(),
            DAY_MS
        );
    }

    #[test]
    fn text_filters_are_cleaned() {
        let (q, _) = parse("industry=%20%20Spa%0A%20%20and%20%20wellness%20&source=%E2%80%AEx");
        assert_eq!(q.filter.industry.as_deref(), Some("Spa and wellness"));
        assert_eq!(
            q.filter.source.as_deref(),
            Some("x"),
            "bidi override stripped"
        );
    }

    #[test]
    fn the_first_of_repeated_parameters_wins() {
        assert_eq!(
            parse("status=new&status=abandoned").0.filter.status,
            Some(HandoffStatus::New)
        );
        assert_eq!(
            parse("status=&status=abandoned").0.filter.status,
            Some(HandoffStatus::Abandoned)
        );
    }

    #[test]
    fn filters_round_trip_through_their_query_string() {
        let filter = HandoffFilter {
            status: Some(HandoffStatus::CompletedExternal),
            from: Some("2026-01-01".into()),
            to: Some("2026-02-01".into()),
            industry: Some("spa & wellness".into()),
            source: Some("https://x.example/a?b=c#d".into()),
            provider: Some("Square Appointments".into()),
        };
        let cursor = Cursor::parse(&format!("42.{ID}")).unwrap();
        let query = filter.to_query(Some(&cursor));
        assert_eq!(
            query,
            format!("status=completed_external&from=2026-01-01&to=2026-02-01&industry=spa+%26+wellness&source=https%3A%2F%2Fx.example%2Fa%3Fb%3Dc%23d&provider=Square+Appointments&cursor=42.{ID}")
        );
        let (back, errors) = parse(&query);
        assert!(errors.is_empty());
        assert_eq!(back.filter, filter);
        assert_eq!(back.cursor, Some(cursor));
        assert_eq!(HandoffFilter::default().to_query(None), "");
        assert!(!filter.with_status(None).to_query(None).contains("status"));
    }

    #[test]
    fn cursors_round_trip() {
        for ms in [0i64, 1, 1_795_595_673_123, 999_999_999_999_999] {
            let c = Cursor {
                created_at: ms,
                id: HandoffId::parse(ID).unwrap(),
            };
            assert_eq!(Cursor::parse(&c.encode()), Some(c));
        }
        assert_eq!(
            Cursor::parse("1000000000000000.bcdefghij-_0123456789A"),
            None
        );
    }

    #[test]
    fn displays_times_in_utc() {
        assert_eq!(display_time(1_795_595_673_123), "2026-11-25 08:34 UTC");
        assert_eq!(display_time(0), "1970-01-01 00:00 UTC");
    }
}
