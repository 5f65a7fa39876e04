//! Privacy controls: the consent line, retention and the right to erasure (the consent line's
//! visitor-facing words are in the language catalogues, `i18n`). What an erased
//! handoff keeps (its status, times, service and provider: the counts and the funnel) and
//! what it loses (everything that identifies or describes the visitor) is decided here.

use crate::text::strip_controls;

/// What an erased handoff's name reads (the column is NOT NULL).
pub const ERASED_NAME: &str = "[erased]";
pub const ERASE_NEEDS_IDENTIFIER: &str =
    "Enter the visitor's email address or phone number to find their data.";

/// The columns an erasure blanks, with the text each keeps (`None`: emptied). Kept: id,
/// status and times, requested service, industry, provider and route (no personal data,
/// and the funnel).
pub const ERASED_COLUMNS: [(&str, Option<&str>); 10] = [
    ("customer_name", Some(ERASED_NAME)),
    ("customer_email", None),
    ("customer_phone", None),
    ("preferred_date_time_text", None),
    ("notes", None),
    ("source_page", None),
    ("user_agent", None),
    ("ip_hash", None),
    ("metadata", None),
    // Click ids and landing paths point at one visit.
    ("attribution", None),
];

/// Who a right-to-erasure request is about, as typed by the admin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErasureTarget {
    /// Lowercased and trimmed; matched case-insensitively.
    Email(String),
    /// Digits only (a leading `+` and separators dropped); matched against stored phones
    /// reduced the same way, so "+1 (555) 010-2030" finds "15550102030".
    PhoneDigits(String),
}

impl ErasureTarget {
    /// `None` when the input is neither an email-looking string nor 7–15 digits.
    pub fn parse(raw: &str) -> Option<Self> {
        let raw = strip_controls(raw, false);
        let raw = raw.trim();
        if raw.contains('@') {
            let email = raw.to_lowercase();
            let (local, domain) = email.split_once('@')?;
            return (!local.is_empty() && domain.contains('.') && email.len() <= 254)
                .then_some(ErasureTarget::Email(email));
        }
        let digits = phone_digits(raw)?;
        (7..=15)
            .contains(&digits.len())
            .then_some(ErasureTarget::PhoneDigits(digits))
    }

    /// What the log records: the kind of identifier, never its value.
    pub fn kind(&self) -> &'static str {
        match self {
            ErasureTarget::Email(_) => "email",
            ErasureTarget::PhoneDigits(_) => "phone",
        }
    }
}

/// The separators people type in phone numbers: [`phone_digits`] drops them, and the
/// repository's SQL drops the same ones from stored numbers before comparing.
pub const PHONE_SEPARATORS: [char; 6] = [' ', '-', '.', '(', ')', '+'];

/// The digits of a phone number as people type them; `None` if anything else is in it.
pub fn phone_digits(raw: &str) -> Option<String> {
    let mut digits = String::new();
    for (i, c) in raw.trim().chars().enumerate() {
        match c {
            '0'..='9' => digits.push(c),
            '+' if i == 0 => {}
            '+' => return None,
            c if PHONE_SEPARATORS.contains(&c) => {}
            _ => return None,
        }
    }
    Some(digits)
}

/// Handoffs created before this are past retention.
pub fn retention_cutoff(now_ms: i64, retention_days: u32) -> i64 {
    now_ms - i64::from(retention_days) * crate::time::DAY_MS
}

/// Whether a capture may be stored: consent is needed only when the business requires it.
pub fn consent_satisfied(required: bool, given: bool) -> bool {
    !required || given
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erasure_targets_are_an_email_or_a_phone_number() {
        assert_eq!(
            ErasureTarget::parse("  Ada@Example.COM "),
            Some(ErasureTarget::Email("ada@example.com".into()))
        );
        assert_eq!(
            ErasureTarget::parse("+1 (555) 010-2030"),
            Some(ErasureTarget::PhoneDigits("15550102030".into()))
        );
        assert_eq!(
            ErasureTarget::parse("555.010.2030"),
            Some(ErasureTarget::PhoneDigits("5550102030".into()))
        );
        for bad in [
            "",
            "ada",
            "@example.com",
            "ada@localhost",
            "12345",
            "1234567890123456",
            "555-CALL-NOW",
            "'; DROP TABLE x;--",
        ] {
            assert_eq!(ErasureTarget::parse(bad), None, "{bad}");
        }
        assert_eq!(ErasureTarget::parse("a@b.co").unwrap().kind(), "email");
        assert_eq!(ErasureTarget::parse("5550102030").unwrap().kind(), "phone");
    }

    #[test]
    fn retention_and_consent() {
        assert_eq!(
            retention_cutoff(200 * crate::time::DAY_MS, 180),
            20 * crate::time::DAY_MS
        );
        assert!(consent_satisfied(false, false));
        assert!(consent_satisfied(true, true));
        assert!(!consent_satisfied(true, false));
    }

    #[test]
    fn erasure_blanks_every_personal_column_and_keeps_the_funnel() {
        let blanked: Vec<&str> = ERASED_COLUMNS.iter().map(|(c, _)| *c).collect();
        for personal in [
            "customer_name",
            "customer_email",
            "customer_phone",
            "notes",
            "preferred_date_time_text",
            "source_page",
            "user_agent",
            "ip_hash",
        ] {
            assert!(blanked.contains(&personal), "{personal}");
        }
        for kept in [
            "status",
            "created_at",
            "requested_service",
            "provider_name_used",
        ] {
            assert!(!blanked.contains(&kept), "{kept}");
        }
    }
}
