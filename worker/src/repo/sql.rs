//! The SQL the repository assembles from parts, built by pure functions and tested natively:
//! the pipeline's filters and pages, the status sets core's rules allow, the columns an
//! erasure blanks and how a stored phone number is compared. Values are always bound
//! (`?` in order, or `?N`); only constants of ours are ever written into the text.
use handoff_core::{
    pipeline::{Cursor, HandoffFilter, PipelineQuery},
    privacy::{ErasureTarget, ERASED_COLUMNS, PHONE_SEPARATORS},
    settings::{Kind, Stored, FIELDS},
    status::HandoffStatus,
};

/// A bound value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Text(String),
    Int(i64),
    Null,
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Text(s.to_string())
    }
}

impl From<Option<&str>> for Value {
    fn from(s: Option<&str>) -> Self {
        s.map_or(Value::Null, Value::from)
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Self {
        Value::Int(n)
    }
}

impl From<&Stored> for Value {
    /// How a settings value is bound: text as TEXT, flags as 0/1, lists as a JSON array.
    fn from(stored: &Stored) -> Self {
        match stored {
            Stored::Text(t) => t.as_deref().into(),
            Stored::Bool(b) => Value::Int(i64::from(*b)),
            Stored::Int(n) => Value::Int(*n),
            Stored::List(l) => {
                Value::Text(serde_json::to_string(l).unwrap_or_else(|_| "[]".into()))
            }
        }
    }
}

/// A settings column as D1 answered it, read as its field's kind. What does not read as
/// that kind is `Text(None)`, which every field loads as its default.
pub fn stored_of(kind: Kind, column: Option<&serde_json::Value>) -> Stored {
    use serde_json::Value as J;
    match (kind, column) {
        (Kind::Text, Some(J::String(s))) => Stored::Text(Some(s.clone())),
        (Kind::Bool, Some(J::Number(n))) => Stored::Bool(n.as_f64().is_some_and(|n| n != 0.0)),
        (Kind::Count, Some(J::Number(n))) => n.as_i64().map_or(Stored::Text(None), Stored::Int),
        (Kind::List, Some(J::String(s))) => {
            Stored::List(serde_json::from_str(s).unwrap_or_default())
        }
        (Kind::Bool, _) => Stored::Bool(false),
        (Kind::List, _) => Stored::List(Vec::new()),
        _ => Stored::Text(None),
    }
}

/// Every settings column, of the table aliased `alias`.
pub fn settings_columns(alias: &str) -> String {
    FIELDS
        .iter()
        .map(|f| format!("{alias}.{}", f.column))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A new client's settings row: `client_id` (?1), then each column with its value.
pub fn insert_settings(client: &str, columns: Vec<(&str, Value)>) -> Query {
    let mut binds: Vec<Value> = vec![client.into()];
    let mut names = vec!["client_id".to_string()];
    for (column, value) in columns {
        names.push(column.to_string());
        binds.push(value);
    }
    let params: Vec<String> = (1..=binds.len()).map(|n| format!("?{n}")).collect();
    Query {
        sql: format!(
            "INSERT INTO client_settings ({}) VALUES ({})",
            names.join(", "),
            params.join(", ")
        ),
        binds,
    }
}

/// A settings save: every column with its value, `updated_at` moved strictly forward (the
/// redirect's fast path compares against it), and the secrets that change.
pub fn update_settings(
    client: &str,
    columns: Vec<(&str, Value)>,
    now: i64,
    secrets: &[(&str, Option<Option<&str>>)],
) -> Query {
    let mut binds: Vec<Value> = vec![client.into()];
    let mut set = Vec::new();
    for (column, value) in columns {
        binds.push(value);
        set.push(format!("{column} = ?{}", binds.len()));
    }
    binds.push(now.into());
    set.push(format!(
        "updated_at = MAX(?{}, updated_at + 1)",
        binds.len()
    ));
    let secrets = secret_changes(secrets, binds.len() + 1);
    binds.extend(secrets.binds);
    Query {
        sql: format!(
            "UPDATE client_settings SET {}{} WHERE client_id = ?1",
            set.join(", "),
            secrets.sql
        ),
        binds,
    }
}

/// A statement's text and the values for its `?`s, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Query {
    pub sql: String,
    pub binds: Vec<Value>,
}

/// The columns of a handoff every reader selects.
pub const HANDOFF_COLUMNS: &str =
    "id, created_at, source_page, industry, customer_name, customer_email, \
    customer_phone, requested_service, preferred_date_time_text, notes, status, redirected_at, \
    redirect_count, completed_at, completed_by, abandoned_at, abandoned_by, external_booking_url_used, \
    provider_name_used, route_service, consent_at, erased_at, lang, attribution";

/// [`HANDOFF_COLUMNS`] of the table aliased `alias`.
pub fn handoff_columns_of(alias: &str) -> String {
    HANDOFF_COLUMNS
        .split(',')
        .map(|c| format!("{alias}.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A SQL string literal of one of our constants.
fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// The statuses from which `target` may be reached, from core's rules, as an SQL list.
pub fn statuses_that_may_become(target: HandoffStatus) -> String {
    HandoffStatus::ALL
        .iter()
        .filter(|s| s.can_transition_to(target))
        .map(|s| literal(s.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `WHERE` conditions for a filter. The client always comes first; the status only when
/// asked (counts group by it instead).
pub fn filter_conditions(client: &str, filter: &HandoffFilter, with_status: bool) -> Query {
    let mut sql = String::from("client_id = ?");
    let mut binds: Vec<Value> = vec![client.into()];
    if let (true, Some(status)) = (with_status, filter.status) {
        sql.push_str(" AND status = ?");
        binds.push(status.as_str().into());
    }
    if let Some(from) = filter.created_from() {
        sql.push_str(" AND created_at >= ?");
        binds.push(from.into());
    }
    if let Some(before) = filter.created_before() {
        sql.push_str(" AND created_at < ?");
        binds.push(before.into());
    }
    if let Some(industry) = &filter.industry {
        sql.push_str(" AND lower(industry) = lower(?)");
        binds.push(industry.as_str().into());
    }
    if let Some(source) = &filter.source {
        sql.push_str(" AND instr(lower(source_page), lower(?)) > 0");
        binds.push(source.as_str().into());
    }
    if let Some(provider) = &filter.provider {
        sql.push_str(" AND lower(provider_name_used) = lower(?)");
        binds.push(provider.as_str().into());
    }
    Query { sql, binds }
}

/// A page of handoffs in keyset order.
pub fn page(client: &str, filter: &HandoffFilter, cursor: Option<&Cursor>, limit: usize) -> Query {
    let Query { mut sql, mut binds } = filter_conditions(client, filter, true);
    if let Some(cursor) = cursor {
        // Keyset: strictly after the last row shown, in (created_at DESC, id DESC) order,
        // which is exactly the order of both handoff indexes.
        sql.push_str(" AND (created_at, id) < (?, ?)");
        binds.push(cursor.created_at.into());
        binds.push(cursor.id.as_str().into());
    }
    binds.push((limit as i64).into());
    Query {
        sql: format!(
            "SELECT {HANDOFF_COLUMNS} FROM booking_handoffs WHERE {sql} \
             ORDER BY created_at DESC, id DESC LIMIT ?"
        ),
        binds,
    }
}

/// The statements behind one pipeline page, labelled: the page (one extra row says
/// whether there is a next one), the per-status counts and, when asked, the industries.
/// The counts are the trigger-kept running totals unless the filter narrows beyond the
/// status, so the common views never read more than a page of handoffs.
pub fn pipeline(
    client: &str,
    query: &PipelineQuery,
    with_industries: bool,
) -> Vec<(&'static str, Query)> {
    let mut out = vec![(
        "page",
        page(
            client,
            &query.filter,
            query.cursor.as_ref(),
            query.limit + 1,
        ),
    )];
    let counts = if query.filter.counts_are_totals() {
        Query {
            sql: "SELECT status, n, ever_redirected AS redirected FROM client_status_counts \
                  WHERE client_id = ?"
                .into(),
            binds: vec![client.into()],
        }
    } else {
        let Query { sql, binds } = filter_conditions(client, &query.filter, false);
        Query {
            sql: format!(
                "SELECT status, COUNT(*) AS n, SUM(redirected_at IS NOT NULL) AS redirected \
                 FROM booking_handoffs WHERE {sql} GROUP BY status"
            ),
            binds,
        }
    };
    out.push(("counts", counts));
    if with_industries {
        out.push((
            "industries",
            Query {
                sql: "SELECT industry FROM client_industries WHERE client_id = ? \
                      ORDER BY industry LIMIT 50"
                    .into(),
                binds: vec![client.into()],
            },
        ));
    }
    out
}

/// The `SET` list of an erasure: every personal column blanked as core decides.
pub fn erase_set() -> String {
    ERASED_COLUMNS
        .iter()
        .map(|(column, keeps)| match keeps {
            Some(text) => format!("{column} = {}", literal(text)),
            None => format!("{column} = NULL"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The expression that reduces a stored phone column to its digits, dropping the same
/// separators core's `phone_digits` drops from what the admin typed.
pub fn phone_digits(column: &str) -> String {
    PHONE_SEPARATORS
        .iter()
        .fold(column.to_string(), |sql, sep| {
            format!("replace({sql}, {}, '')", literal(&sep.to_string()))
        })
}

/// The condition (after `client_id = ?1 AND erased_at IS NULL AND`) that finds one visitor,
/// with its value (bound as `?2`).
pub fn visitor_condition(target: &ErasureTarget) -> (String, String) {
    match target {
        ErasureTarget::Email(email) => ("lower(customer_email) = ?2".into(), email.clone()),
        ErasureTarget::PhoneDigits(digits) => (
            format!("{} = ?2", phone_digits("customer_phone")),
            digits.clone(),
        ),
    }
}

/// The `SET` additions for stored secrets that change, numbered from `?{first}`: `None`
/// (kept) adds nothing, `Some(Some(sealed))` is bound, `Some(None)` (cleared) becomes NULL.
pub fn secret_changes(changes: &[(&str, Option<Option<&str>>)], first: usize) -> Query {
    let mut sql = String::new();
    let mut binds = Vec::new();
    for (column, change) in changes {
        match change {
            None => {}
            Some(Some(sealed)) => {
                sql.push_str(&format!(", {column} = ?{}", first + binds.len()));
                binds.push((*sealed).into());
            }
            Some(None) => sql.push_str(&format!(", {column} = NULL")),
        }
    }
    Query { sql, binds }
}

#[cfg(test)]
mod tests {
    use super::*;
    use handoff_core::id::HandoffId;

    fn filter(pairs: &[(&str, &str)]) -> HandoffFilter {
        handoff_core::pipeline::parse_query(pairs.iter().copied())
            .0
            .filter
    }

    #[test]
    fn a_filter_binds_every_value_and_writes_none_into_the_text() {
        let cases: Vec<(&[(&str, &str)], bool, &str, Vec<Value>)> = vec![
            (&[], true, "client_id = ?", vec!["c1".into()]),
            (
                &[("status", "redirected")],
                true,
                "client_id = ? AND status = ?",
                vec!["c1".into(), "redirected".into()],
            ),
            (
                &[("status", "redirected")],
                false,
                "client_id = ?",
                vec!["c1".into()],
            ),
            (
                &[("from", "2026-01-02"), ("to", "2026-01-02")],
                true,
                "client_id = ? AND created_at >= ? AND created_at < ?",
                vec![
                    "c1".into(),
                    1_767_312_000_000.into(),
                    1_767_398_400_000.into(),
                ],
            ),
            (
                &[
                    ("industry", "Spa'; --"),
                    ("source", "/x"),
                    ("provider", "Square"),
                ],
                true,
                "client_id = ? AND lower(industry) = lower(?) \
                 AND instr(lower(source_page), lower(?)) > 0 AND lower(provider_name_used) = lower(?)",
                vec![
                    "c1".into(),
                    "Spa'; --".into(),
                    "/x".into(),
                    "Square".into(),
                ],
            ),
        ];
        for (pairs, with_status, sql, binds) in cases {
            let q = filter_conditions("c1", &filter(pairs), with_status);
            assert_eq!(q.sql, sql, "{pairs:?}");
            assert_eq!(q.binds, binds, "{pairs:?}");
            assert_eq!(q.sql.matches('?').count(), q.binds.len());
        }
    }

    #[test]
    fn a_page_continues_strictly_after_its_cursor_and_reads_one_extra_row() {
        let cursor = Cursor {
            created_at: 42,
            id: HandoffId::parse("AAAAAAAAAAAAAAAAAAAAAA").unwrap(),
        };
        let q = page("c1", &filter(&[]), Some(&cursor), 26);
        assert!(q.sql.contains("AND (created_at, id) < (?, ?)"));
        assert!(q.sql.ends_with("ORDER BY created_at DESC, id DESC LIMIT ?"));
        assert_eq!(
            q.binds,
            vec![
                "c1".into(),
                42.into(),
                "AAAAAAAAAAAAAAAAAAAAAA".into(),
                26.into()
            ]
        );
        let query = PipelineQuery {
            filter: filter(&[]),
            cursor: None,
            limit: 25,
        };
        let statements = pipeline("c1", &query, true);
        let labels: Vec<&str> = statements.iter().map(|(l, _)| *l).collect();
        assert_eq!(labels, ["page", "counts", "industries"]);
        assert_eq!(statements[0].1.binds.last(), Some(&Value::Int(26)));
        for (label, q) in &statements {
            assert_eq!(q.sql.matches('?').count(), q.binds.len(), "{label}");
            assert_eq!(q.binds[0], Value::Text("c1".into()), "{label} is scoped");
        }
    }

    #[test]
    fn counts_come_from_the_running_totals_unless_the_filter_narrows() {
        let counts = |pairs: &[(&str, &str)]| {
            let query = PipelineQuery {
                filter: filter(pairs),
                cursor: None,
                limit: 25,
            };
            pipeline("c1", &query, false).remove(1).1.sql
        };
        assert!(counts(&[]).contains("FROM client_status_counts"));
        assert!(counts(&[("status", "new")]).contains("FROM client_status_counts"));
        let narrowed = counts(&[("source", "/spa")]);
        assert!(narrowed.contains("FROM booking_handoffs"), "{narrowed}");
        assert!(narrowed.contains("GROUP BY status"));
        assert!(
            !narrowed.contains("status = ?"),
            "counts group by status instead"
        );
    }

    #[test]
    fn status_sets_follow_cores_rules() {
        let cases = [
            (HandoffStatus::Redirected, "'new', 'abandoned'"),
            (
                HandoffStatus::CompletedExternal,
                "'new', 'redirected', 'abandoned'",
            ),
            (HandoffStatus::Abandoned, "'new', 'redirected'"),
        ];
        for (target, want) in cases {
            assert_eq!(statuses_that_may_become(target), want, "{target:?}");
        }
    }

    #[test]
    fn erasure_blanks_the_personal_columns_with_cores_values() {
        let set = erase_set();
        assert!(set.starts_with("customer_name = '[erased]', customer_email = NULL"));
        assert_eq!(set.matches(" = ").count(), ERASED_COLUMNS.len());
        assert!(!set.contains("status"));
    }

    #[test]
    fn a_stored_phone_is_reduced_to_digits_like_what_the_admin_typed() {
        assert_eq!(
            phone_digits("customer_phone"),
            "replace(replace(replace(replace(replace(replace(customer_phone, ' ', ''), '-', ''), '.', ''), '(', ''), ')', ''), '+', '')"
        );
        let (sql, value) = visitor_condition(&ErasureTarget::PhoneDigits("15550102030".into()));
        assert!(sql.ends_with("= ?2"));
        assert_eq!(value, "15550102030");
        let (sql, value) = visitor_condition(&ErasureTarget::Email("ada@example.com".into()));
        assert_eq!(sql, "lower(customer_email) = ?2");
        assert_eq!(value, "ada@example.com");
    }

    #[test]
    fn only_changed_secrets_are_written_and_new_ones_are_bound() {
        let q = secret_changes(
            &[("a", None), ("b", Some(Some("sealed"))), ("c", Some(None))],
            22,
        );
        assert_eq!(q.sql, ", b = ?22, c = NULL");
        assert_eq!(q.binds, vec!["sealed".into()]);
        let q = secret_changes(&[("a", Some(Some("x"))), ("b", Some(Some("y")))], 5);
        assert_eq!(q.sql, ", a = ?5, b = ?6");
        assert!(secret_changes(&[("a", None)], 1).sql.is_empty());
    }

    #[test]
    fn settings_values_bind_and_read_back_by_kind() {
        use serde_json::json;
        let cases = [
            (
                Kind::Text,
                Stored::Text(Some("Calendly".into())),
                json!("Calendly"),
            ),
            (Kind::Text, Stored::Text(None), json!(null)),
            (Kind::Bool, Stored::Bool(true), json!(1)),
            (Kind::Bool, Stored::Bool(false), json!(0)),
            (Kind::Count, Stored::Int(180), json!(180)),
            (
                Kind::List,
                Stored::List(vec!["Massage".into(), "Facial \"deluxe\"".into()]),
                json!("[\"Massage\",\"Facial \\\"deluxe\\\"\"]"),
            ),
        ];
        for (kind, stored, column) in cases {
            let bound = Value::from(&stored);
            let as_d1 = match &bound {
                Value::Text(t) => json!(t),
                Value::Int(n) => json!(n),
                Value::Null => json!(null),
            };
            assert_eq!(as_d1, column, "{stored:?}");
            assert_eq!(stored_of(kind, Some(&column)), stored, "{column}");
        }
        // Unreadable columns read as "unset", which every field loads as its default.
        assert_eq!(
            stored_of(Kind::Count, Some(&json!("x"))),
            Stored::Text(None)
        );
        assert_eq!(
            stored_of(Kind::List, Some(&json!("not json"))),
            Stored::List(vec![])
        );
        assert_eq!(stored_of(Kind::Bool, None), Stored::Bool(false));
    }

    #[test]
    fn a_settings_save_numbers_every_column_after_the_client() {
        let q = update_settings(
            "c1",
            vec![
                ("booking_mode", "external".into()),
                ("retention_days", 90.into()),
            ],
            1_000,
            &[("forward_secret", Some(Some("sealed")))],
        );
        assert_eq!(
            q.sql,
            "UPDATE client_settings SET booking_mode = ?2, retention_days = ?3, \
             updated_at = MAX(?4, updated_at + 1), forward_secret = ?5 WHERE client_id = ?1"
        );
        assert_eq!(
            q.binds,
            vec![
                "c1".into(),
                "external".into(),
                90.into(),
                1_000.into(),
                "sealed".into()
            ]
        );
        let q = insert_settings(
            "c1",
            vec![
                ("booking_mode", "internal".into()),
                ("updated_at", 5.into()),
            ],
        );
        assert_eq!(
            q.sql,
            "INSERT INTO client_settings (client_id, booking_mode, updated_at) VALUES (?1, ?2, ?3)"
        );
        assert_eq!(q.binds.len(), 3);
        assert_eq!(settings_columns("s").matches("s.").count(), FIELDS.len());
    }

    #[test]
    fn aliased_columns_cover_every_column() {
        let aliased = handoff_columns_of("h");
        assert_eq!(
            aliased.matches("h.").count(),
            HANDOFF_COLUMNS.split(',').count()
        );
        assert!(aliased.starts_with("h.id, h.created_at"));
    }
}
