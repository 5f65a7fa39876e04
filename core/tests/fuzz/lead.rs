//! `validate_lead`, `clean_field` and `parse_contact`: whatever a visitor sends, the stored
//! lead is clean (no controls, no bidi tricks, within limits) and carries no card number.

use crate::gen::{any_text, text_with_numbers, visible_cards, written_card};
use crate::harness::fuzz;
use handoff_core::lead::{
    check_field, parse_contact, validate_lead, Contact, Field, LeadInput, Problem,
};
use handoff_core::text::is_bidi_control;
use proptest::prelude::*;
use proptest::test_runner::TestCaseResult;

fn field_value(field: Field) -> BoxedStrategy<String> {
    let plausible = match field {
        Field::CustomerName => "[A-Za-zé' -]{1,40}".boxed(),
        Field::CustomerEmail => {
            "[a-zA-Z0-9.+_-]{1,20}@[a-zA-Z0-9-]{1,12}(\\.[a-zA-Z]{2,6}){1,2}".boxed()
        }
        Field::CustomerPhone => "\\+?\\(?[0-9]{3}\\)?[ .-]?[0-9]{3}[ .-]?[0-9]{3,6}".boxed(),
        Field::SourcePage => {
            "(https://[a-z]{1,8}\\.example)?/[a-z0-9/._-]{0,30}(\\?[a-z=&@.]{0,20})?(#[a-z]{0,8})?"
                .boxed()
        }
        _ => "[A-Za-z0-9 ,.?#/'-]{0,80}".boxed(),
    };
    prop_oneof![
        4 => plausible,
        1 => Just(String::new()),
        3 => any_text(field.max_chars() + 40),
        3 => text_with_numbers(),
        1 => written_card(),
    ]
    .boxed()
}

fn lead_input() -> impl Strategy<Value = LeadInput> {
    Field::ALL.map(field_value).prop_map(
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

fn raw(input: &LeadInput, field: Field) -> &str {
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

/// What every stored value must look like, whatever was typed.
fn check_stored(field: Field, value: &str) -> TestCaseResult {
    prop_assert!(!value.is_empty());
    prop_assert!(value.chars().count() <= field.max_chars(), "over the limit");
    prop_assert_eq!(value.trim(), value, "not trimmed");
    let forbidden =
        |c: char| (c.is_control() && !(c == '\n' && field == Field::Notes)) || is_bidi_control(c);
    prop_assert!(!value.contains(forbidden), "control or bidi char stored");
    if field == Field::Notes {
        prop_assert!(!value.contains("\n\n\n"));
    } else {
        let odd_space = |c: char| c.is_whitespace() && c != ' ';
        prop_assert!(
            !value.contains(odd_space) && !value.contains("  "),
            "whitespace not collapsed"
        );
    }
    match field {
        Field::CustomerEmail => {
            let (local, domain) = value.split_once('@').expect("an email has an @");
            prop_assert!(!domain.contains('@') && !local.is_empty());
            prop_assert!(domain
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-'));
        }
        Field::CustomerPhone => {
            let digits: Vec<u8> = value
                .bytes()
                .filter(u8::is_ascii_digit)
                .map(|b| b - b'0')
                .collect();
            prop_assert!((7..=15).contains(&digits.len()), "phone digit count");
            prop_assert!(value
                .chars()
                .enumerate()
                .all(|(i, c)| c.is_ascii_digit() || " -.()".contains(c) || (c == '+' && i == 0)));
        }
        _ => {
            // Free text: no card number survives, however it was written.
            let cards = visible_cards(value);
            prop_assert!(
                cards.is_empty(),
                "card number {:?} stored in {:?}",
                cards,
                value
            );
        }
    }
    if field == Field::SourcePage {
        prop_assert!(!value.contains(['?', '#']), "query or fragment kept");
    }
    // Cleaning what is stored changes nothing (the widget re-validates stored drafts).
    prop_assert_eq!(
        check_field(field, value),
        Ok(Some(value.to_string())),
        "not idempotent"
    );
    Ok(())
}

fn check_lead(input: LeadInput) -> TestCaseResult {
    match validate_lead(&input) {
        Ok(lead) => {
            for (field, value) in lead.fields() {
                // The widget validates field by field, the server the whole lead: they agree.
                prop_assert_eq!(
                    check_field(field, raw(&input, field)),
                    Ok(value.map(str::to_string)),
                    "{:?}",
                    field
                );
                if let Some(value) = value {
                    check_stored(field, value)
                        .map_err(|e| TestCaseError::fail(format!("{field:?}: {e}")))?;
                }
            }
            prop_assert!(lead.customer_email.is_some() || lead.customer_phone.is_some());
        }
        Err(errors) => {
            prop_assert!(!errors.is_empty());
            let order: Vec<usize> = errors
                .iter()
                .map(|e| {
                    Field::ALL
                        .iter()
                        .position(|f| *f == e.field)
                        .unwrap_or(usize::MAX)
                })
                .collect();
            prop_assert!(
                order.windows(2).all(|w| w[0] < w[1]),
                "errors out of order: {:?}",
                errors
            );
            for error in &errors {
                let own = check_field(error.field, raw(&input, error.field));
                let contact_missing = error.field == Field::CustomerEmail
                    && error.problem == Problem::ContactRequired
                    && own == Ok(None);
                prop_assert!(
                    own == Err(error.problem) || contact_missing,
                    "{:?} disagrees with clean_field",
                    error
                );
            }
        }
    }
    // `parse_contact` reads one box as an email or a phone, exactly as those fields do.
    for raw in [&input.customer_email, &input.customer_phone] {
        let as_email = check_field(Field::CustomerEmail, raw);
        let as_phone = check_field(Field::CustomerPhone, raw);
        match parse_contact(raw) {
            Ok(Contact::Email(email)) => prop_assert_eq!(as_email, Ok(Some(email))),
            Ok(Contact::Phone(phone)) => prop_assert_eq!(as_phone, Ok(Some(phone))),
            Err(Problem::ContactRequired) => prop_assert_eq!(as_email, Ok(None)),
            Err(message) => prop_assert!(as_email == Err(message) || as_phone == Err(message)),
        }
    }
    Ok(())
}

#[test]
fn lead_validation() {
    fuzz("lead_validation", lead_input(), check_lead);
}
