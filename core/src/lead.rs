//! What a valid lead is: the visitor's fields, their cleaning, limits, messages and
//! redaction, shared by the widget (as the visitor types) and the capture API.
//!
//! Single-char patterns are written as char sets (`split(['@'])`): the widget's wasm then
//! carries one string searcher instead of also the `memchr` one (~0.3 KB gzipped).

use crate::i18n::{Lang, PerField, Strings};
use crate::text::{
    char_len, luhn_valid, redact_sensitive, strip_controls, truncate_chars,
    truncate_whole_digit_groups,
};

/// One field of a lead, named as in the JSON API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    CustomerName,
    CustomerEmail,
    CustomerPhone,
    RequestedService,
    PreferredDateTimeText,
    Notes,
    SourcePage,
    Industry,
}

/// The catalogue's per-field sentences, by field: declared here, beside `Field`, so the
/// catalogue never depends on the lead (one direction: lead → i18n).
impl PerField {
    pub fn get(&self, field: Field) -> &'static str {
        match field {
            Field::CustomerName => self.name,
            Field::CustomerEmail => self.email,
            Field::CustomerPhone => self.phone,
            Field::RequestedService => self.service,
            Field::PreferredDateTimeText => self.time,
            Field::Notes => self.notes,
            Field::SourcePage => self.source_page,
            Field::Industry => self.industry,
        }
    }
}

impl Field {
    /// Every field, in the order errors are reported.
    pub const ALL: [Field; 8] = [
        Field::CustomerName,
        Field::CustomerEmail,
        Field::CustomerPhone,
        Field::RequestedService,
        Field::PreferredDateTimeText,
        Field::Notes,
        Field::SourcePage,
        Field::Industry,
    ];

    pub fn json_name(self) -> &'static str {
        match self {
            Field::CustomerName => "customerName",
            Field::CustomerEmail => "customerEmail",
            Field::CustomerPhone => "customerPhone",
            Field::RequestedService => "requestedService",
            Field::PreferredDateTimeText => "preferredDateTimeText",
            Field::Notes => "notes",
            Field::SourcePage => "sourcePage",
            Field::Industry => "industry",
        }
    }

    /// Longest accepted value, in chars.
    pub fn max_chars(self) -> usize {
        match self {
            Field::CustomerName => 100,
            Field::CustomerEmail => 254, // RFC 5321 path limit
            Field::CustomerPhone => 32,
            Field::RequestedService => 120,
            Field::PreferredDateTimeText => 200,
            Field::Notes => 1000,
            Field::SourcePage => 500,
            Field::Industry => 60,
        }
    }

    /// What the field is called, in the visitor's language (`t`, its catalogue).
    pub fn label(self, t: &Strings) -> &'static str {
        t.labels.get(self)
    }

    pub fn from_json_name(s: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.json_name() == s)
    }

    /// Free text that could carry a card number or SSN; email and phone have their own rules.
    fn is_redacted(self) -> bool {
        !matches!(self, Field::CustomerEmail | Field::CustomerPhone)
    }
}

/// Why a value was refused. Validation speaks no language; [`Problem::message`] says it in
/// the visitor's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    NameRequired,
    NameNeedsLetters,
    EmailInvalid,
    PhoneInvalid,
    PhoneLooksLikeCard,
    ContactRequired,
    /// Over [`Field::max_chars`].
    TooLong(Field),
}

impl Problem {
    /// The sentence in the visitor's language (`t`, its catalogue).
    pub fn message(self, t: &Strings) -> &'static str {
        match self {
            Problem::NameRequired => t.name_required,
            Problem::NameNeedsLetters => t.name_needs_letters,
            Problem::EmailInvalid => t.email_invalid,
            Problem::PhoneInvalid => t.phone_invalid,
            Problem::PhoneLooksLikeCard => t.phone_looks_like_card,
            Problem::ContactRequired => t.contact_required,
            Problem::TooLong(field) => t.too_long.get(field),
        }
    }
}

/// The lead as submitted: every field raw, empty when absent.
#[derive(Default, Clone, Debug, PartialEq)]
pub struct LeadInput {
    pub customer_name: String,
    pub customer_email: String,
    pub customer_phone: String,
    pub requested_service: String,
    pub preferred_date_time_text: String,
    pub notes: String,
    pub source_page: String,
    pub industry: String,
}

impl LeadInput {
    /// The input as it may be shown back to the visitor when it is refused (the no-JS form
    /// keeps what they typed): card numbers and SSNs redacted in every field, and a phone
    /// refused as card-shaped left empty. No page ever carries a card number, not even back
    /// to the visitor who typed it.
    pub fn for_redisplay(&self) -> LeadInput {
        let redact = |s: &str| crate::text::redact_sensitive(s).0;
        LeadInput {
            customer_name: redact(&self.customer_name),
            customer_email: redact(&self.customer_email),
            customer_phone: match parse_phone(self.customer_phone.trim()) {
                Err(Problem::PhoneLooksLikeCard) => String::new(),
                _ => redact(&self.customer_phone),
            },
            requested_service: redact(&self.requested_service),
            preferred_date_time_text: redact(&self.preferred_date_time_text),
            notes: redact(&self.notes),
            source_page: redact(&self.source_page),
            industry: redact(&self.industry),
        }
    }

    fn raw(&self, field: Field) -> &str {
        match field {
            Field::CustomerName => &self.customer_name,
            Field::CustomerEmail => &self.customer_email,
            Field::CustomerPhone => &self.customer_phone,
            Field::RequestedService => &self.requested_service,
            Field::PreferredDateTimeText => &self.preferred_date_time_text,
            Field::Notes => &self.notes,
            Field::SourcePage => &self.source_page,
            Field::Industry => &self.industry,
        }
    }
}

/// A cleaned, validated and redacted lead, ready to store.
#[derive(Clone, Debug, PartialEq)]
pub struct Lead {
    pub customer_name: String,
    pub customer_email: Option<String>,
    pub customer_phone: Option<String>,
    pub requested_service: Option<String>,
    pub preferred_date_time_text: Option<String>,
    pub notes: Option<String>,
    pub source_page: Option<String>,
    pub industry: Option<String>,
    /// Whether a card number or SSN was removed from any field.
    pub redacted: bool,
}

impl Lead {
    /// Every field with what is stored for it, in [`Field::ALL`] order.
    pub fn fields(&self) -> [(Field, Option<&str>); 8] {
        [
            (Field::CustomerName, Some(self.customer_name.as_str())),
            (Field::CustomerEmail, self.customer_email.as_deref()),
            (Field::CustomerPhone, self.customer_phone.as_deref()),
            (Field::RequestedService, self.requested_service.as_deref()),
            (
                Field::PreferredDateTimeText,
                self.preferred_date_time_text.as_deref(),
            ),
            (Field::Notes, self.notes.as_deref()),
            (Field::SourcePage, self.source_page.as_deref()),
            (Field::Industry, self.industry.as_deref()),
        ]
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub field: Field,
    pub problem: Problem,
}

impl FieldError {
    pub fn message(&self, t: &Strings) -> &'static str {
        self.problem.message(t)
    }
}

/// How a visitor can be reached.
#[derive(Clone, Debug, PartialEq)]
pub enum Contact {
    Email(String),
    Phone(String),
}

/// Validates every field, reporting all errors in [`Field::ALL`] order.
pub fn validate_lead(input: &LeadInput) -> Result<Lead, Vec<FieldError>> {
    let mut values: [Option<String>; 8] = Default::default();
    let mut errors = Vec::new();
    let mut redacted = false;
    let mut contact_given = false;
    for (slot, field) in Field::ALL.into_iter().enumerate() {
        let result = clean(field, input.raw(field));
        if matches!(field, Field::CustomerEmail | Field::CustomerPhone) {
            // An invalid contact counts as given: its own error says what to fix.
            contact_given |= !matches!(result, Ok(None));
        }
        match result {
            Ok(Some(cleaned)) => {
                redacted |= cleaned.redacted;
                values[slot] = Some(cleaned.text);
            }
            Ok(None) => {}
            Err(problem) => errors.push(FieldError { field, problem }),
        }
    }
    if !contact_given {
        // Reported under the email field, in its place in the order (only the name precedes it).
        let at = usize::from(
            errors
                .first()
                .is_some_and(|e| e.field == Field::CustomerName),
        );
        errors.insert(
            at,
            FieldError {
                field: Field::CustomerEmail,
                problem: Problem::ContactRequired,
            },
        );
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let [name, email, phone, service, time, notes, source, industry] = values;
    Ok(Lead {
        // Cleaning never returns Ok(None) for the name.
        customer_name: name.unwrap_or_default(),
        customer_email: email,
        customer_phone: phone,
        requested_service: service,
        preferred_date_time_text: time,
        notes,
        source_page: source,
        industry,
        redacted,
    })
}

/// Cleans and validates one field exactly as [`validate_lead`] does (including
/// redaction), so the widget can check each answer as it is typed.
pub fn check_field(field: Field, raw: &str) -> Result<Option<String>, Problem> {
    clean(field, raw).map(|cleaned| cleaned.map(|c| c.text))
}

/// [`check_field`] with the problem in English, for the admin surfaces (the dashboard and the
/// operator API validate a business's own contact details with the visitor rules).
pub fn clean_field(field: Field, raw: &str) -> Result<Option<String>, &'static str> {
    check_field(field, raw).map_err(|problem| problem.message(Lang::En.strings()))
}

/// Email if it contains '@', else phone.
pub fn parse_contact(raw: &str) -> Result<Contact, Problem> {
    let text = normalize(Field::CustomerEmail, raw);
    if text.is_empty() {
        return Err(Problem::ContactRequired);
    }
    if text.contains(['@']) {
        check_len(Field::CustomerEmail, &text)?;
        parse_email(&text).map(Contact::Email)
    } else {
        check_len(Field::CustomerPhone, &text)?;
        parse_phone(&text).map(Contact::Phone)
    }
}

struct Cleaned {
    text: String,
    redacted: bool,
}

fn clean(field: Field, raw: &str) -> Result<Option<Cleaned>, Problem> {
    let text = normalize(field, raw);
    if text.is_empty() {
        return match field {
            Field::CustomerName => Err(Problem::NameRequired),
            _ => Ok(None),
        };
    }
    let text = match field {
        Field::CustomerName => {
            if !text.chars().any(char::is_alphabetic) {
                return Err(Problem::NameNeedsLetters);
            }
            check_len(field, &text)?;
            text
        }
        Field::CustomerEmail => {
            check_len(field, &text)?;
            parse_email(&text)?
        }
        Field::CustomerPhone => {
            check_len(field, &text)?;
            parse_phone(&text)?
        }
        Field::RequestedService | Field::PreferredDateTimeText | Field::Notes => {
            check_len(field, &text)?;
            text
        }
        Field::SourcePage => {
            // Query strings and fragments can hold personal data (emails, tokens).
            let page = text.split(['?', '#']).next().unwrap_or_default().trim();
            let page = truncate_chars(page, field.max_chars()).trim_end();
            if page.is_empty() {
                return Ok(None);
            }
            page.to_string()
        }
        Field::Industry => truncate_chars(&text, field.max_chars())
            .trim_end()
            .to_string(),
    };
    if !field.is_redacted() {
        return Ok(Some(Cleaned {
            text,
            redacted: false,
        }));
    }
    let (text, redacted) = redact_sensitive(&text);
    // A placeholder is longer than 13 digits; the limit still holds for what is stored, and
    // the cut never leaves the front of a number (which could itself pass for a card).
    let text = truncate_whole_digit_groups(&text, field.max_chars())
        .trim_end()
        .to_string();
    Ok(Some(Cleaned { text, redacted }))
}

/// Controls out, trimmed, and (except in notes) internal whitespace collapsed.
fn normalize(field: Field, raw: &str) -> String {
    if field == Field::Notes {
        strip_controls(raw, true).trim().to_string()
    } else {
        let stripped = strip_controls(raw, false);
        let mut out = String::with_capacity(stripped.len());
        for word in stripped.split_whitespace() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
        out
    }
}

fn check_len(field: Field, text: &str) -> Result<(), Problem> {
    if char_len(text) > field.max_chars() {
        Err(Problem::TooLong(field))
    } else {
        Ok(())
    }
}

/// A pragmatic subset of RFC 5321/5322 that real inboxes use; the domain is lowercased.
fn parse_email(text: &str) -> Result<String, Problem> {
    let mut parts = text.split(['@']);
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err(Problem::EmailInvalid);
    };
    let local_ok = (1..=64).contains(&local.len())
        && local
            .bytes()
            .all(|b| (0x21..=0x7e).contains(&b) && !br#""(),:;<>[\]"#.contains(&b))
        && !local.starts_with('.')
        && !local.ends_with('.')
        // Not `contains("..")`: the substring searcher's panic path formats `char`s with
        // Unicode tables, ~5 KB gzipped in the widget (measured).
        && !local.as_bytes().windows(2).any(|pair| pair == b"..");
    if !local_ok || !domain_ok(domain) {
        return Err(Problem::EmailInvalid);
    }
    let mut email = String::with_capacity(text.len());
    email.push_str(local);
    email.push('@');
    email.push_str(&domain.to_ascii_lowercase());
    Ok(email)
}

fn domain_ok(domain: &str) -> bool {
    let label_ok = |label: &str| {
        (1..=63).contains(&label.len())
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    };
    let Some((_, last)) = domain.rsplit_once(['.']) else {
        return false;
    };
    domain.len() <= 253
        && domain.split(['.']).all(label_ok)
        && last.len() >= 2
        && last.bytes().all(|b| b.is_ascii_alphabetic())
}

/// 16–19 Luhn-valid digits can only be a card. 13–15 digits can be a real international
/// number (about one in ten passes Luhn by chance), so there only the card networks' own
/// shapes count — old Visa (13, "4"), Diners (14, "30"/"36"/"38"), Amex (15, "34"/"37") — and
/// never when the visitor wrote a leading "+", which marks a phone number.
fn looks_like_card(digits: &str, international: bool) -> bool {
    let shaped = match digits.len() {
        16..=19 => true,
        13 => !international && digits.starts_with('4'),
        14 => !international && ["30", "36", "38"].iter().any(|p| digits.starts_with(p)),
        15 => !international && ["34", "37"].iter().any(|p| digits.starts_with(p)),
        _ => false,
    };
    shaped && luhn_valid(digits)
}

fn parse_phone(text: &str) -> Result<String, Problem> {
    let mut digits = String::new();
    for (i, c) in text.chars().enumerate() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '.' | '(' | ')' => {}
            '+' if i == 0 => {}
            _ => return Err(Problem::PhoneInvalid),
        }
    }
    // Checked before the digit count so a 16-digit card gets the message that explains why.
    if looks_like_card(&digits, text.starts_with('+')) {
        return Err(Problem::PhoneLooksLikeCard);
    }
    if !(7..=15).contains(&digits.len()) {
        return Err(Problem::PhoneInvalid);
    }
    Ok(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn too_long_messages_carry_each_fields_limit_in_every_language() {
        for lang in Lang::ALL {
            for field in Field::ALL {
                let message = lang.strings().too_long.get(field);
                let digits: String = message.chars().filter(char::is_ascii_digit).collect();
                assert_eq!(digits, field.max_chars().to_string(), "{lang:?} {field:?}");
            }
        }
    }

    fn lead_with(name: &str, email: &str, phone: &str) -> LeadInput {
        LeadInput {
            customer_name: name.into(),
            customer_email: email.into(),
            customer_phone: phone.into(),
            ..LeadInput::default()
        }
    }

    #[test]
    fn field_metadata_matches_the_json_api() {
        let table: [(Field, &str, usize, &str); 8] = [
            (Field::CustomerName, "customerName", 100, "Name"),
            (Field::CustomerEmail, "customerEmail", 254, "Email"),
            (Field::CustomerPhone, "customerPhone", 32, "Phone"),
            (Field::RequestedService, "requestedService", 120, "Service"),
            (
                Field::PreferredDateTimeText,
                "preferredDateTimeText",
                200,
                "Preferred time",
            ),
            (Field::Notes, "notes", 1000, "Notes"),
            (Field::SourcePage, "sourcePage", 500, "Source page"),
            (Field::Industry, "industry", 60, "Industry"),
        ];
        assert_eq!(Field::ALL, table.map(|row| row.0));
        for (field, json, max, label) in table {
            assert_eq!(field.json_name(), json);
            assert_eq!(field.max_chars(), max);
            assert_eq!(field.label(Lang::En.strings()), label);
            assert_eq!(Field::from_json_name(json), Some(field));
        }
        assert_eq!(Field::from_json_name("CustomerName"), None);
        assert_eq!(Field::from_json_name(""), None);
    }

    #[test]
    fn accepts_valid_emails_and_lowercases_the_domain() {
        let cases: &[(&str, &str)] = &[
            ("name@example.com", "name@example.com"),
            ("  Name@Example.COM  ", "Name@example.com"),
            (
                "first.last+tag@sub.example.co.uk",
                "first.last+tag@sub.example.co.uk",
            ),
            ("o'brien@example.ie", "o'brien@example.ie"),
            ("a@b.io", "a@b.io"),
            (
                "x_y-z!#$%&*=?^`{|}~@my-host.example",
                "x_y-z!#$%&*=?^`{|}~@my-host.example",
            ),
            ("user@xn--bcher-kva.com", "user@xn--bcher-kva.com"),
            ("\u{202E}me@example.com", "me@example.com"),
        ];
        for (input, want) in cases {
            assert_eq!(
                check_field(Field::CustomerEmail, input),
                Ok(Some(want.to_string())),
                "{input:?}"
            );
        }
    }

    #[test]
    fn rejects_invalid_emails() {
        let long_local = format!("{}@example.com", "a".repeat(65));
        let long_label = format!("a@{}.com", "b".repeat(64));
        let cases: Vec<&str> = vec![
            "plainaddress",
            "@example.com",
            "name@",
            "name@@example.com",
            "a@b@example.com",
            "name@example",
            "name@example.c",
            "name@example.c0m",
            "name@example.123",
            "name@-example.com",
            "name@example-.com",
            "name@exa_mple.com",
            "name@example..com",
            "name@.example.com",
            "name@example.com.",
            ".name@example.com",
            "name.@example.com",
            "na..me@example.com",
            "na me@example.com",
            "na\"me@example.com",
            "na(me)@example.com",
            "na,me@example.com",
            "na:me@example.com",
            "na;me@example.com",
            "na<me>@example.com",
            "na[me]@example.com",
            "na\\me@example.com",
            "nämé@example.com",
            "name@exämple.com",
            &long_local,
            &long_label,
        ];
        for input in cases {
            assert_eq!(
                check_field(Field::CustomerEmail, input),
                Err(Problem::EmailInvalid),
                "{input:?}"
            );
        }
    }

    #[test]
    fn accepts_the_longest_local_part_and_domain() {
        let local = "a".repeat(64);
        let label = "b".repeat(63);
        let email = format!("{local}@{label}.com");
        assert_eq!(
            check_field(Field::CustomerEmail, &email),
            Ok(Some(email.clone()))
        );
        let domain = format!("{}.com", vec!["c".repeat(63); 3].join("."));
        assert_eq!(domain.len(), 195);
        let email = format!("x@{domain}");
        assert!(check_field(Field::CustomerEmail, &email).is_ok());
    }

    #[test]
    fn limits_the_domain_to_253_chars() {
        // Unreachable through a 254-char email, but the rule stands on its own.
        let labels = ["d".repeat(63), "e".repeat(63), "f".repeat(63)].join(".");
        let at_limit = format!("{labels}.{}.io", "g".repeat(58));
        assert_eq!(at_limit.len(), 253);
        assert!(domain_ok(&at_limit));
        let over = format!("{labels}.{}.io", "g".repeat(59));
        assert!(!domain_ok(&over));
    }

    #[test]
    fn accepts_ordinary_phone_numbers() {
        let cases: &[(&str, &str)] = &[
            ("(555) 123-4567", "(555) 123-4567"),
            ("555-1234", "555-1234"),
            ("5551234", "5551234"),
            ("+1 772 555 1234", "+1 772 555 1234"),
            ("+44 20 7946 0958", "+44 20 7946 0958"),
            ("772.555.1234", "772.555.1234"),
            ("  772   555\t1234 ", "772 555 1234"),
            ("+123456789012345", "+123456789012345"),
        ];
        for (input, want) in cases {
            assert_eq!(
                check_field(Field::CustomerPhone, input),
                Ok(Some(want.to_string())),
                "{input:?}"
            );
        }
    }

    #[test]
    fn rejects_invalid_phone_numbers() {
        let cases: &[&str] = &[
            "123456",
            "12345-6",
            "1234567890123456",
            "555-CALL-NOW",
            "555 123 4567 ext 2",
            "1+555 123 4567",
            "++1 555 123 4567",
            "555/123/4567",
            "555_123_4567",
            "٥٥٥١٢٣٤٥٦٧",
        ];
        for input in cases {
            assert_eq!(
                check_field(Field::CustomerPhone, input),
                Err(Problem::PhoneInvalid),
                "{input:?}"
            );
        }
    }

    #[test]
    fn refused_input_is_shown_back_redacted() {
        let input = LeadInput {
            customer_name: "Ann 4111 1111 1111 1111".into(),
            customer_phone: "4111111111111111".into(),
            notes: "card 4111-1111-1111-1111, ssn 123-45-6789, call me".into(),
            customer_email: "ann@example".into(),
            ..LeadInput::default()
        };
        let shown = input.for_redisplay();
        assert_eq!(shown.customer_name, "Ann [redacted card number]");
        assert_eq!(
            shown.customer_phone, "",
            "a card typed as a phone is not shown back"
        );
        assert_eq!(
            shown.notes,
            "card [redacted card number], ssn [redacted SSN], call me"
        );
        assert_eq!(
            shown.customer_email, "ann@example",
            "the rest is kept as typed"
        );
        let phone = LeadInput {
            customer_phone: "+44 20 7946 0958".into(),
            ..LeadInput::default()
        };
        assert_eq!(phone.for_redisplay().customer_phone, "+44 20 7946 0958");
    }

    #[test]
    fn rejects_card_shaped_digits_typed_as_phone_numbers() {
        let cases: &[&str] = &[
            "4111 1111 1111 1111",
            "4111-1111-1111-1111",
            "4222222222222",
            "378282246310005",
            "6304000000000000000",
            "+4111111111111111",
        ];
        for input in cases {
            assert_eq!(
                check_field(Field::CustomerPhone, input),
                Err(Problem::PhoneLooksLikeCard),
                "{input:?}"
            );
        }
    }

    #[test]
    fn keeps_international_numbers_that_happen_to_pass_luhn() {
        // 13–15 digit numbers: about one in ten passes Luhn by chance.
        for input in [
            "+86 138 0013 8000 0",
            "86 138 0013 8000 0",
            "+4 222 222 222 222",
        ] {
            let digits: String = input.chars().filter(char::is_ascii_digit).collect();
            assert!(luhn_valid(&digits), "{input:?} is a Luhn-valid case");
            assert!(
                check_field(Field::CustomerPhone, input).is_ok(),
                "{input:?} is a phone number"
            );
        }
    }

    #[test]
    fn over_limit_messages_carry_the_exact_limit() {
        let email_at_limit = format!(
            "{}@{}.{}.{}.com",
            "l".repeat(64),
            "a".repeat(61),
            "b".repeat(61),
            "c".repeat(61)
        );
        let phone_at_limit = format!("(772) 555-1234{}", "-".repeat(18));
        let cases: [(Field, String, &str); 6] = [
            (
                Field::CustomerName,
                "é".repeat(100),
                "Please keep this under 100 characters.",
            ),
            (
                Field::CustomerEmail,
                email_at_limit,
                "Please keep this under 254 characters.",
            ),
            (
                Field::CustomerPhone,
                phone_at_limit,
                "Please keep this under 32 characters.",
            ),
            (
                Field::RequestedService,
                "s".repeat(120),
                "Please keep this under 120 characters.",
            ),
            (
                Field::PreferredDateTimeText,
                "t".repeat(200),
                "Please keep this under 200 characters.",
            ),
            (
                Field::Notes,
                "✓".repeat(1000),
                "Please keep this under 1000 characters.",
            ),
        ];
        for (field, at_limit, message) in cases {
            assert_eq!(char_len(&at_limit), field.max_chars(), "{field:?}");
            assert_eq!(
                check_field(field, &at_limit),
                Ok(Some(at_limit.clone())),
                "{field:?} at the limit"
            );
            let over = format!("a{at_limit}");
            assert_eq!(
                check_field(field, &over),
                Err(Problem::TooLong(field)),
                "{field:?}"
            );
            assert_eq!(Problem::TooLong(field).message(Lang::En.strings()), message);
        }
    }

    #[test]
    fn clean_field_says_the_problem_in_english_for_admin_surfaces() {
        assert_eq!(
            clean_field(Field::CustomerEmail, "nope"),
            Err("Please enter a valid email address, like name@example.com.")
        );
        assert_eq!(
            clean_field(Field::CustomerPhone, " 555-123-4567 "),
            Ok(Some("555-123-4567".into()))
        );
    }

    #[test]
    fn requires_a_name_with_letters() {
        let cases: &[(&str, Result<Option<&str>, Problem>)] = &[
            ("", Err(Problem::NameRequired)),
            ("   ", Err(Problem::NameRequired)),
            ("\u{0}\u{202E}\t", Err(Problem::NameRequired)),
            ("12345", Err(Problem::NameNeedsLetters)),
            ("!!! ---", Err(Problem::NameNeedsLetters)),
            ("Ann", Ok(Some("Ann"))),
            ("  Mary   Jane\n Watson ", Ok(Some("Mary Jane Watson"))),
            ("José Álvarez", Ok(Some("José Álvarez"))),
            ("李小龙", Ok(Some("李小龙"))),
            ("R2-D2", Ok(Some("R2-D2"))),
        ];
        for (input, want) in cases {
            assert_eq!(
                check_field(Field::CustomerName, input),
                want.map(|v| v.map(str::to_string)),
                "{input:?}"
            );
        }
    }

    #[test]
    fn empty_optional_fields_are_none() {
        for field in Field::ALL.into_iter().filter(|f| *f != Field::CustomerName) {
            assert_eq!(check_field(field, ""), Ok(None), "{field:?}");
            assert_eq!(
                check_field(field, " \t\r\n\u{200E} "),
                Ok(None),
                "{field:?}"
            );
        }
    }

    #[test]
    fn collapses_whitespace_except_in_notes() {
        assert_eq!(
            check_field(Field::RequestedService, "  deep \t tissue\r\n massage "),
            Ok(Some("deep tissue massage".into()))
        );
        assert_eq!(
            check_field(Field::Notes, "  line one\r\n\r\n\r\n\r\nline   two\t!  "),
            Ok(Some("line one\n\nline   two !".into()))
        );
    }

    #[test]
    fn strips_source_page_query_and_fragment() {
        let cases: &[(&str, Option<&str>)] = &[
            ("https://spa.example/book", Some("https://spa.example/book")),
            (
                "https://spa.example/book?email=a@b.com&name=Ann",
                Some("https://spa.example/book"),
            ),
            (
                "https://spa.example/book#contact",
                Some("https://spa.example/book"),
            ),
            ("https://spa.example/a#x?y", Some("https://spa.example/a")),
            ("?token=secret", None),
            ("#frag", None),
            ("  /pricing?x=1 ", Some("/pricing")),
        ];
        for (input, want) in cases {
            assert_eq!(
                check_field(Field::SourcePage, input),
                Ok(want.map(str::to_string)),
                "{input:?}"
            );
        }
    }

    #[test]
    fn truncates_system_fields_on_a_char_boundary() {
        let page = format!("https://spa.example/{}", "é".repeat(600));
        let cleaned = check_field(Field::SourcePage, &page).unwrap().unwrap();
        assert_eq!(char_len(&cleaned), 500);
        assert!(page.starts_with(&cleaned));

        let with_query = format!(
            "https://x.example/{}?q={}",
            "ü".repeat(490),
            "a".repeat(100)
        );
        let cleaned = check_field(Field::SourcePage, &with_query)
            .unwrap()
            .unwrap();
        assert_eq!(cleaned, format!("https://x.example/{}", "ü".repeat(482)));

        let industry = "✓".repeat(70);
        assert_eq!(
            check_field(Field::Industry, &industry),
            Ok(Some("✓".repeat(60)))
        );
        assert_eq!(
            check_field(Field::Industry, "Med Spa"),
            Ok(Some("Med Spa".into()))
        );
    }

    #[test]
    fn clean_field_redacts_free_text_fields() {
        let cases: [(Field, &str, &str); 6] = [
            (
                Field::CustomerName,
                "Ann 4111111111111111",
                "Ann [redacted card number]",
            ),
            (
                Field::RequestedService,
                "massage, card 4111 1111 1111 1111",
                "massage, card [redacted card number]",
            ),
            (
                Field::PreferredDateTimeText,
                "friday 123-45-6789",
                "friday [redacted SSN]",
            ),
            (
                Field::Notes,
                "ssn 123 45 6789\nthanks",
                "ssn [redacted SSN]\nthanks",
            ),
            (
                Field::SourcePage,
                "/pay/4111-1111-1111-1111?x",
                "/pay/[redacted card number]",
            ),
            (Field::Industry, "spa 123-45-6789", "spa [redacted SSN]"),
        ];
        for (field, input, want) in cases {
            assert_eq!(
                check_field(field, input),
                Ok(Some(want.into())),
                "{field:?}"
            );
        }
    }

    #[test]
    fn redaction_never_pushes_a_field_over_its_limit() {
        let notes = "4222222222222 ".repeat(71); // 994 chars of 13-digit cards
        let cleaned = check_field(Field::Notes, &notes).unwrap().unwrap();
        assert!(char_len(&cleaned) <= 1000);
        assert!(cleaned.starts_with("[redacted card number] [redacted card number]"));
        assert!(!cleaned.contains("4222222222222"));
    }

    #[test]
    fn validates_a_complete_lead() {
        let input = LeadInput {
            customer_name: " Ann  Lee ".into(),
            customer_email: "Ann@Example.com".into(),
            customer_phone: "(772) 555-1234".into(),
            requested_service: "Facial".into(),
            preferred_date_time_text: "Friday afternoon".into(),
            notes: "First visit.\nSensitive skin.".into(),
            source_page: "https://spa.example/facials?utm_source=x".into(),
            industry: "med spa".into(),
        };
        assert_eq!(
            validate_lead(&input),
            Ok(Lead {
                customer_name: "Ann Lee".into(),
                customer_email: Some("Ann@example.com".into()),
                customer_phone: Some("(772) 555-1234".into()),
                requested_service: Some("Facial".into()),
                preferred_date_time_text: Some("Friday afternoon".into()),
                notes: Some("First visit.\nSensitive skin.".into()),
                source_page: Some("https://spa.example/facials".into()),
                industry: Some("med spa".into()),
                redacted: false,
            })
        );
    }

    #[test]
    fn one_contact_method_is_enough() {
        let email_only = validate_lead(&lead_with("Ann", "ann@example.com", "")).unwrap();
        assert_eq!(email_only.customer_phone, None);
        let phone_only = validate_lead(&lead_with("Ann", "", "555-123-4567")).unwrap();
        assert_eq!(phone_only.customer_email, None);
    }

    #[test]
    fn requires_an_email_or_a_phone() {
        assert_eq!(
            validate_lead(&lead_with("Ann", " ", "\t")),
            Err(vec![FieldError {
                field: Field::CustomerEmail,
                problem: Problem::ContactRequired
            }])
        );
    }

    #[test]
    fn does_not_ask_for_contact_when_one_was_given_but_invalid() {
        assert_eq!(
            validate_lead(&lead_with("Ann", "", "12")),
            Err(vec![FieldError {
                field: Field::CustomerPhone,
                problem: Problem::PhoneInvalid
            }])
        );
        assert_eq!(
            validate_lead(&lead_with("Ann", "nope", "")),
            Err(vec![FieldError {
                field: Field::CustomerEmail,
                problem: Problem::EmailInvalid
            }])
        );
    }

    #[test]
    fn collects_all_errors_in_field_order() {
        let input = LeadInput {
            customer_name: "123".into(),
            customer_email: "bad@".into(),
            customer_phone: "4111 1111 1111 1111".into(),
            requested_service: "x".repeat(121),
            preferred_date_time_text: "y".repeat(201),
            notes: "z".repeat(1001),
            source_page: "s".repeat(900),
            industry: "i".repeat(90),
        };
        let errors = validate_lead(&input).unwrap_err();
        let fields_and_problems: Vec<(Field, Problem)> =
            errors.iter().map(|e| (e.field, e.problem)).collect();
        assert_eq!(
            fields_and_problems,
            vec![
                (Field::CustomerName, Problem::NameNeedsLetters),
                (Field::CustomerEmail, Problem::EmailInvalid),
                (Field::CustomerPhone, Problem::PhoneLooksLikeCard),
                (
                    Field::RequestedService,
                    Problem::TooLong(Field::RequestedService)
                ),
                (
                    Field::PreferredDateTimeText,
                    Problem::TooLong(Field::PreferredDateTimeText)
                ),
                (Field::Notes, Problem::TooLong(Field::Notes)),
            ]
        );
        let spanish: Vec<&str> = errors
            .iter()
            .map(|e| e.message(Lang::Es.strings()))
            .collect();
        assert_eq!(
            spanish,
            [
                "Escribe un nombre con letras, por favor.",
                "Escribe un email válido, como nombre@ejemplo.com.",
                "Eso parece un número de tarjeta. Nunca necesitamos datos de tarjetas — \
                 escribe un número de teléfono, por favor.",
                "Por favor, no pases de 120 caracteres.",
                "Por favor, no pases de 200 caracteres.",
                "Por favor, no pases de 1000 caracteres.",
            ]
        );
    }

    #[test]
    fn missing_name_and_contact_are_both_reported_in_order() {
        let errors = validate_lead(&LeadInput {
            notes: "n".repeat(1001),
            ..LeadInput::default()
        })
        .unwrap_err();
        assert_eq!(
            errors,
            vec![
                FieldError {
                    field: Field::CustomerName,
                    problem: Problem::NameRequired
                },
                FieldError {
                    field: Field::CustomerEmail,
                    problem: Problem::ContactRequired
                },
                FieldError {
                    field: Field::Notes,
                    problem: Problem::TooLong(Field::Notes)
                },
            ]
        );
    }

    #[test]
    fn redacts_a_pasted_card_in_notes_whatever_its_spaces() {
        // Found by fuzzing: notes keep their spaces as typed, so no-break and thin spaces,
        // dashes and zero-width characters between the groups reached storage.
        for notes in [
            "card 4111\u{A0}1111\u{A0}1111\u{A0}1111",
            "card 4111\u{202F}1111\u{202F}1111\u{202F}1111",
            "card 4111\u{2013}1111\u{2013}1111\u{2013}1111",
            "card 4111\u{200B}1111\u{200B}1111\u{200B}1111",
            "card \u{FF14}\u{FF11}\u{FF11}\u{FF11}\u{FF11}\u{FF11}\u{FF11}\u{FF11}\u{FF11}\u{FF11}\u{FF11}\u{FF11}\u{FF11}\u{FF11}\u{FF11}\u{FF11}",
        ] {
            let mut input = lead_with("Ann", "ann@example.com", "");
            input.notes = notes.into();
            let lead = validate_lead(&input).unwrap();
            assert_eq!(lead.notes.as_deref(), Some("card [redacted card number]"), "{notes:?}");
            assert!(lead.redacted);
        }
        assert_eq!(
            clean_field(Field::SourcePage, "1261\u{2010}062051005 A A"),
            Ok(Some("[redacted card number] A A".into()))
        );
    }

    #[test]
    fn the_cut_after_redaction_never_leaves_part_of_a_number() {
        // Found by fuzzing: redaction made the industry longer than 60 chars, and the cut
        // turned "599 333 26 41 56 3221" (16 digits, no card) into a Luhn-valid 13-digit
        // "599 333 26 41 56 3".
        let industry = "00202120200031000, 52882000 8 7221 0012  599 33\u{200e}3 26 41 56 3221 ";
        assert_eq!(
            clean_field(Field::Industry, industry),
            Ok(Some(
                "00202120200031000, [redacted card number] 599 333 26 41 56".into()
            ))
        );
        // The same holds for an SSN: "123-45-67890" is none, its front would be one.
        // 995 chars; the placeholder adds 6, so the cut falls on the last digit.
        let notes = format!("{} 4111111111111111 123-45-67890", "a".repeat(965));
        let cleaned = clean_field(Field::Notes, &notes).unwrap().unwrap();
        assert!(
            cleaned.ends_with("[redacted card number] 123-45-"),
            "{cleaned}"
        );
    }

    #[test]
    fn flags_a_lead_whose_text_was_redacted() {
        let mut input = lead_with("Ann", "ann@example.com", "");
        assert!(!validate_lead(&input).unwrap().redacted);
        input.notes = "my card 4111 1111 1111 1111, ssn 123-45-6789".into();
        let lead = validate_lead(&input).unwrap();
        assert!(lead.redacted);
        assert_eq!(
            lead.notes.as_deref(),
            Some("my card [redacted card number], ssn [redacted SSN]")
        );
    }

    #[test]
    fn parses_a_contact_as_email_or_phone() {
        let cases: &[(&str, Result<Contact, Problem>)] = &[
            (
                "ann@Example.com",
                Ok(Contact::Email("ann@example.com".into())),
            ),
            (
                " (772) 555-1234 ",
                Ok(Contact::Phone("(772) 555-1234".into())),
            ),
            ("", Err(Problem::ContactRequired)),
            ("  \u{202E} ", Err(Problem::ContactRequired)),
            ("ann@", Err(Problem::EmailInvalid)),
            ("ann at example dot com", Err(Problem::PhoneInvalid)),
            ("4111111111111111", Err(Problem::PhoneLooksLikeCard)),
        ];
        for (input, want) in cases {
            assert_eq!(parse_contact(input), *want, "{input:?}");
        }
        assert_eq!(
            parse_contact(&"5".repeat(33)),
            Err(Problem::TooLong(Field::CustomerPhone))
        );
        assert_eq!(
            parse_contact(&format!("{}@example.com", "a".repeat(250))),
            Err(Problem::TooLong(Field::CustomerEmail))
        );
    }
}
