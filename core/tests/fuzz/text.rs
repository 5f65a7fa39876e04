//! `strip_controls`, `redact_sensitive`, `luhn_valid`, `truncate_chars`: the text hygiene
//! every stored word goes through.

use crate::gen::{any_text, digit_value, luhn_ok, text_with_numbers, visible_cards, INVISIBLE};
use crate::harness::fuzz;
use handoff_core::text::{
    is_bidi_control, luhn_valid, redact_sensitive, strip_controls, truncate_chars,
};
use proptest::prelude::*;
use proptest::test_runner::TestCaseResult;

/// `ddd-dd-dddd` / `ddd dd dddd` not touching another digit, as a reader sees the text
/// (invisible characters dropped), found without core's scanner.
fn has_ssn(s: &str) -> bool {
    let seen: Vec<char> = s.chars().filter(|c| !INVISIBLE.contains(c)).collect();
    let digit = |i: usize| seen.get(i).copied().and_then(digit_value).is_some();
    (0..seen.len().saturating_sub(10)).any(|i| {
        let sep = seen[i + 3];
        matches!(sep, ' ' | '-')
            && seen[i + 6] == sep
            && [0, 1, 2, 4, 5, 7, 8, 9, 10].iter().all(|k| digit(i + k))
            && (i == 0 || !digit(i - 1))
            && !digit(i + 11)
    })
}

fn check_text((text, keep, max): (String, bool, usize)) -> TestCaseResult {
    let stripped = strip_controls(&text, keep);
    let removed = |c: char| (c.is_control() && !(keep && c == '\n')) || is_bidi_control(c);
    prop_assert!(
        !stripped.contains(removed),
        "control or bidi char left: {:?}",
        stripped
    );
    prop_assert!(!stripped.contains("\n\n\n"));
    prop_assert_eq!(
        strip_controls(&stripped, keep),
        stripped.clone(),
        "strip_controls is not idempotent"
    );
    prop_assert!(stripped.chars().count() <= text.chars().count());
    prop_assert!(
        stripped
            .chars()
            .all(|c| c == ' ' || c == '\n' || text.contains(c)),
        "a char appeared from nowhere"
    );

    let (redacted, changed) = redact_sensitive(&text);
    prop_assert_eq!(changed, redacted != text);
    let cards = visible_cards(&redacted);
    prop_assert!(
        cards.is_empty(),
        "card number {:?} survives in {:?}",
        cards,
        redacted
    );
    prop_assert!(!has_ssn(&redacted), "SSN survives in {:?}", redacted);
    prop_assert_eq!(
        redact_sensitive(&redacted),
        (redacted.clone(), false),
        "redaction is not idempotent"
    );
    // Redaction only ever replaces digits and their separators.
    let letters = |s: &str| s.chars().filter(|c| c.is_alphabetic()).count();
    prop_assert!(
        letters(&redacted) >= letters(&text),
        "redaction removed letters"
    );

    // Luhn, differentially against the textbook version.
    for candidate in [
        text.as_str(),
        &text
            .chars()
            .filter(char::is_ascii_digit)
            .collect::<String>(),
    ] {
        let ascii_digits = !candidate.is_empty() && candidate.bytes().all(|b| b.is_ascii_digit());
        let digits: Vec<u8> = candidate.bytes().map(|b| b.wrapping_sub(b'0')).collect();
        prop_assert_eq!(
            luhn_valid(candidate),
            ascii_digits && luhn_ok(&digits),
            "luhn_valid({:?})",
            candidate
        );
    }

    let cut = truncate_chars(&text, max);
    prop_assert!(text.starts_with(cut));
    prop_assert_eq!(cut.chars().count(), text.chars().count().min(max));
    Ok(())
}

#[test]
fn text_hygiene() {
    let text = prop_oneof![any_text(300), text_with_numbers(), "[0-9]{0,40}"];
    fuzz(
        "text_hygiene",
        (text, any::<bool>(), 0usize..400),
        check_text,
    );
}
