//! Text hygiene for anything a visitor types: control/bidi stripping and redaction of
//! card numbers and SSNs before a word of it is stored.

/// What a card-like number is replaced with.
pub const CARD_PLACEHOLDER: &str = "[redacted card number]";
/// What an SSN-like pattern is replaced with.
pub const SSN_PLACEHOLDER: &str = "[redacted SSN]";

/// Card numbers are 13 to 19 digits (ISO/IEC 7812).
const CARD_DIGITS: std::ops::RangeInclusive<usize> = 13..=19;

/// Length in chars, which is what every limit shown to a person counts.
pub fn char_len(s: &str) -> usize {
    s.chars().count()
}

/// Invisible bidi controls can reorder what an admin reads ("Trojan Source"), so they go:
/// every bidi formatting character of UAX #9 (§2) — the implicit marks LRM, RLM and ALM
/// (U+061C, the one outside the General Punctuation block), the embeddings and overrides,
/// and the isolates.
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// Removes C0/C1 controls, DEL and bidi overrides/isolates/marks.
///
/// `'\t'` becomes a space; `"\r\n"`, a lone `'\r'` and `'\n'` become `'\n'` when
/// `keep_newlines`, else a space (so words on two lines never glue together).
/// Runs of three or more newlines collapse to two.
pub fn strip_controls(s: &str, keep_newlines: bool) -> String {
    let line_break = if keep_newlines { '\n' } else { ' ' };
    let mut out = String::with_capacity(s.len());
    // Newlines at the end of `out`; removed characters do not interrupt a run.
    let mut trailing_newlines = 0usize;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        let kept = match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                line_break
            }
            '\n' => line_break,
            '\t' => ' ',
            // `is_control` is exactly C0, DEL and C1 (general category Cc).
            c if c.is_control() || is_bidi_control(c) => continue,
            c => c,
        };
        if kept == '\n' {
            trailing_newlines += 1;
            if trailing_newlines > 2 {
                continue;
            }
        } else {
            trailing_newlines = 0;
        }
        out.push(kept);
    }
    out
}

/// Luhn (mod 10) check; anything but a non-empty string of ASCII digits is not valid.
pub fn luhn_valid(digits: &str) -> bool {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let sum = digits.bytes().rev().enumerate().fold(0u32, |acc, (i, b)| {
        let d = u32::from(b - b'0');
        let d = if i % 2 == 1 {
            let doubled = d * 2;
            if doubled > 9 {
                doubled - 9
            } else {
                doubled
            }
        } else {
            d
        };
        (acc + d) % 10
    });
    sum == 0
}

/// Replaces card-like numbers and SSN-like patterns; returns whether anything changed.
///
/// A card is 13–19 digits passing Luhn, in groups joined by single separators, read as a
/// person reads it (see [`redact_cards`]). An SSN is `ddd-dd-dddd` or `ddd dd dddd` not
/// touching another digit. Both are read past invisible characters, in any keyboard's digits.
pub fn redact_sensitive(s: &str) -> (String, bool) {
    let (without_cards, cards) = redact_cards(s);
    let (without_ssns, ssns) = redact_ssns(&without_cards);
    (without_ssns, cards || ssns)
}

/// Between two digit groups of a card number: one space of any width (no-break, thin and
/// figure spaces come with pasted and auto-formatted numbers) or one hyphen or dash. Not a
/// line break, and not two of them: those separate numbers.
fn is_group_separator(c: char) -> bool {
    let line_break = matches!(
        c,
        '\n' | '\u{B}' | '\u{C}' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}'
    );
    matches!(
        c,
        '-' | '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE63}' | '\u{FF0D}'
    ) || (c.is_whitespace() && !line_break)
}

/// Characters with no width: the digits on either side read as adjacent.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{AD}' | '\u{180E}' | '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}'
    ) || is_bidi_control(c)
}

/// A decimal digit's value: ASCII, fullwidth (CJK input methods), Arabic-Indic, Extended
/// Arabic-Indic (Persian, Urdu) or Devanagari — what visitors' keyboards type.
fn digit_value(c: char) -> Option<u8> {
    const ZEROS: [u32; 5] = [0x30, 0xFF10, 0x660, 0x6F0, 0x966];
    let c = u32::from(c);
    ZEROS
        .iter()
        .find_map(|&zero| c.checked_sub(zero).filter(|d| *d < 10))
        .map(|d| d as u8)
}

/// What a reader sees: every char but the invisible ones, with its byte offset in `s`.
fn visible_chars(s: &str) -> Vec<(usize, char)> {
    s.char_indices()
        .filter(|&(_, c)| !is_invisible(c))
        .collect()
}

/// One group of a digit run: its digits as ASCII, and its byte range in the text.
struct DigitGroup {
    digits: String,
    start: usize,
    end: usize,
}

/// Scans runs of digit groups joined by single separators, as a person reads the text:
/// invisible characters are skipped and every keyboard's digits count. Every whole-group
/// sub-range of 13–19 digits that passes Luhn is a candidate, and the union of overlapping
/// candidates is redacted: a phone number typed right before a card may then go too, but no
/// card digit ever survives because a neighbouring number happened to make a Luhn-valid prefix.
fn redact_cards(s: &str) -> (String, bool) {
    let seen = visible_chars(s);
    let mut out = String::with_capacity(s.len());
    let mut copied = 0usize;
    let mut i = 0usize;
    while i < seen.len() {
        if digit_value(seen[i].1).is_none() {
            i += 1;
            continue;
        }
        let mut groups: Vec<DigitGroup> = Vec::new();
        loop {
            let start = seen[i].0;
            let mut group = DigitGroup {
                digits: String::new(),
                start,
                end: start,
            };
            while let Some(&(at, c)) = seen.get(i) {
                let Some(d) = digit_value(c) else { break };
                group.digits.push(char::from(b'0' + d));
                group.end = at + c.len_utf8();
                i += 1;
            }
            groups.push(group);
            let joined = seen.get(i).is_some_and(|&(_, c)| is_group_separator(c))
                && seen
                    .get(i + 1)
                    .is_some_and(|&(_, c)| digit_value(c).is_some());
            if !joined {
                break;
            }
            i += 1;
        }
        for (first, last) in card_blocks(&groups) {
            out.push_str(char_bounded(s, copied, groups[first].start));
            out.push_str(CARD_PLACEHOLDER);
            copied = groups[last].end;
        }
    }
    let changed = copied > 0;
    out.push_str(char_bounded(s, copied, s.len()));
    (out, changed)
}

/// `&s[from..to]` where both ends are char boundaries the scanners found. Checked rather
/// than indexed: a failing `str` index formats its panic with `char`'s `Debug`, whose
/// Unicode tables would ship in the widget for nothing.
fn char_bounded(s: &str, from: usize, to: usize) -> &str {
    s.get(from..to).unwrap_or_default()
}

/// Inclusive group-index blocks to redact: merged overlapping Luhn-valid 13–19 digit ranges.
fn card_blocks(groups: &[DigitGroup]) -> Vec<(usize, usize)> {
    let mut blocks: Vec<(usize, usize)> = Vec::new();
    for first in 0..groups.len() {
        let mut digits = String::new();
        for (last, group) in groups.iter().enumerate().skip(first) {
            digits.push_str(&group.digits);
            if digits.len() > *CARD_DIGITS.end() {
                break;
            }
            if CARD_DIGITS.contains(&digits.len()) && luhn_valid(&digits) {
                match blocks.last_mut() {
                    Some(block) if first <= block.1 => block.1 = block.1.max(last),
                    _ => blocks.push((first, last)),
                }
            }
        }
    }
    blocks
}

/// SSNs are read the way cards are (invisible characters skipped, any keyboard's digits), so
/// the two scanners agree on where a number starts and ends.
fn redact_ssns(s: &str) -> (String, bool) {
    let seen = visible_chars(s);
    let mut out = String::with_capacity(s.len());
    let mut copied = 0usize;
    let mut i = 0usize;
    while i + 11 <= seen.len() {
        if is_ssn_at(&seen, i) {
            out.push_str(char_bounded(s, copied, seen[i].0));
            out.push_str(SSN_PLACEHOLDER);
            let (at, last) = seen[i + 10];
            copied = at + last.len_utf8();
            i += 11;
        } else {
            i += 1;
        }
    }
    let changed = copied > 0;
    out.push_str(char_bounded(s, copied, s.len()));
    (out, changed)
}

fn is_ssn_at(seen: &[(usize, char)], i: usize) -> bool {
    let digit = |k: usize| seen.get(k).is_some_and(|&(_, c)| digit_value(c).is_some());
    let sep = seen[i + 3].1;
    matches!(sep, '-' | ' ')
        && seen[i + 6].1 == sep
        && [0, 1, 2, 4, 5, 7, 8, 9, 10].iter().all(|&k| digit(i + k))
        && (i == 0 || !digit(i - 1))
        && !digit(i + 11)
}

/// Truncates to at most `max` chars, never splitting a char.
pub fn truncate_chars(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((byte, _)) => s.get(..byte).unwrap_or(s),
        None => s,
    }
}

/// Truncates to at most `max` chars like [`truncate_chars`], but never through a digit
/// group: the front of a number that is no card can pass for one (one prefix in ten passes
/// Luhn), or for an SSN, so a group the cut would split is left out whole.
pub fn truncate_whole_digit_groups(s: &str, max: usize) -> &str {
    let cut = truncate_chars(s, max);
    let rest = s.get(cut.len()..).unwrap_or_default();
    let splits_a_group = rest
        .chars()
        .find(|&c| !is_invisible(c))
        .is_some_and(|c| digit_value(c).is_some());
    if splits_a_group {
        cut.trim_end_matches(|c| digit_value(c).is_some() || is_invisible(c))
    } else {
        cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_c0_c1_del_and_bidi_controls() {
        let cases: &[(&str, &str)] = &[
            ("plain", "plain"),
            ("a\u{0}b\u{7}c\u{1b}d", "abcd"),
            ("del\u{7f}eted", "deleted"),
            ("c1\u{80}\u{85}\u{9f}gone", "c1gone"),
            ("lrm\u{200E}rlm\u{200F}", "lrmrlm"),
            ("alm\u{061C} gone", "alm gone"),
            ("\u{061C}\u{202E}\u{2067}", ""),
            ("\u{202A}\u{202B}\u{202C}\u{202D}\u{202E}evil", "evil"),
            ("\u{2066}\u{2067}\u{2068}\u{2069}iso", "iso"),
            ("zero\u{200B}width stays", "zero\u{200B}width stays"),
            ("café ünïcode ✓", "café ünïcode ✓"),
        ];
        for (input, want) in cases {
            assert_eq!(strip_controls(input, true), *want, "keep: {input:?}");
            assert_eq!(strip_controls(input, false), *want, "flat: {input:?}");
        }
    }

    #[test]
    fn turns_tabs_into_spaces() {
        assert_eq!(strip_controls("a\tb", true), "a b");
        assert_eq!(strip_controls("a\tb", false), "a b");
    }

    #[test]
    fn normalises_line_breaks_when_keeping_newlines() {
        let cases: &[(&str, &str)] = &[
            ("a\nb", "a\nb"),
            ("a\r\nb", "a\nb"),
            ("a\rb", "a\nb"),
            ("a\r\rb", "a\n\nb"),
            ("a\n\n\nb", "a\n\nb"),
            ("a\n\n\n\n\n\nb", "a\n\nb"),
            ("a\r\n\r\n\r\nb", "a\n\nb"),
            ("a\n\u{0}\n\u{7}\nb", "a\n\nb"),
            ("a\n \n \nb", "a\n \n \nb"),
        ];
        for (input, want) in cases {
            assert_eq!(strip_controls(input, true), *want, "{input:?}");
        }
    }

    #[test]
    fn turns_line_breaks_into_spaces_when_flattening() {
        let cases: &[(&str, &str)] = &[
            ("a\nb", "a b"),
            ("a\r\nb", "a b"),
            ("a\rb", "a b"),
            ("a\n\n\nb", "a   b"),
        ];
        for (input, want) in cases {
            assert_eq!(strip_controls(input, false), *want, "{input:?}");
        }
    }

    #[test]
    fn luhn_accepts_known_test_cards_and_rejects_others() {
        let cases: &[(&str, bool)] = &[
            ("4111111111111111", true),
            ("5500000000000004", true),
            ("378282246310005", true),
            ("4222222222222", true),
            ("6011111111111117", true),
            ("4111111111111112", false),
            ("1234567890123456", false),
            ("79927398713", true),
            ("79927398710", false),
            ("0", true),
            ("", false),
            ("4111 1111 1111 1111", false),
            ("41111111a1111111", false),
        ];
        for (input, want) in cases {
            assert_eq!(luhn_valid(input), *want, "{input:?}");
        }
    }

    #[test]
    fn redacts_luhn_valid_cards_with_spaces() {
        let (out, changed) = redact_sensitive("my card is 4111 1111 1111 1111 ok");
        assert_eq!(out, "my card is [redacted card number] ok");
        assert!(changed);
    }

    #[test]
    fn redacts_cards_of_13_16_and_19_digits() {
        let cases: &[(&str, &str)] = &[
            // 13 digits (old Visa)
            ("4222222222222", "[redacted card number]"),
            // 15 digits, Amex grouping 4-6-5
            ("3782 822463 10005", "[redacted card number]"),
            // 16 digits, plain / spaces / hyphens
            ("4111111111111111", "[redacted card number]"),
            (
                "card: 4111-1111-1111-1111.",
                "card: [redacted card number].",
            ),
            (
                "5500 0000 0000 0004, thanks",
                "[redacted card number], thanks",
            ),
            // 19 digits
            ("6304000000000000000", "[redacted card number]"),
            ("6304 0000 0000 0000 000", "[redacted card number]"),
            // mixed single separators
            ("4111 1111-1111 1111", "[redacted card number]"),
            // glued to letters still counts
            ("cc#4111111111111111!", "cc#[redacted card number]!"),
        ];
        for (input, want) in cases {
            let (out, changed) = redact_sensitive(input);
            assert_eq!(out, *want, "{input:?}");
            assert!(changed, "{input:?}");
        }
    }

    #[test]
    fn keeps_numbers_that_are_not_cards() {
        let cases: &[&str] = &[
            // 16 digits failing Luhn
            "order 4111 1111 1111 1112",
            "1234567890123456",
            // too short / too long even if Luhn-valid
            "411111111111",
            "41111111111111111111116",
            // phone numbers
            "(772) 555-1234",
            "+1 772 555 1234",
            "772.555.1234",
            "call 555-123-4567 after 5",
            // double separators split the groups
            "4111  1111  1111  1111",
            // ordinary figures
            "I have 2 kids and 3 dogs, budget $120.50",
            "reference 2026-11-25",
        ];
        for input in cases {
            let (out, changed) = redact_sensitive(input);
            assert_eq!(out, *input, "{input:?}");
            assert!(!changed, "{input:?}");
        }
    }

    #[test]
    fn redacts_every_card_in_a_text() {
        let (out, changed) =
            redact_sensitive("4111111111111111 or 5500-0000-0000-0004 or 4111 1111 1111 1111");
        assert_eq!(
            out,
            "[redacted card number] or [redacted card number] or [redacted card number]"
        );
        assert!(changed);
    }

    #[test]
    fn redacts_adjacent_cards_separately() {
        let (out, _) = redact_sensitive("4111 1111 1111 1111 5500 0000 0000 0004");
        assert_eq!(out, "[redacted card number] [redacted card number]");
    }

    #[test]
    fn redacts_cards_grouped_by_other_spaces_and_dashes() {
        // Found by fuzzing (core/tests/fuzz): pasted and auto-formatted numbers use these.
        for sep in [
            "\u{A0}", "\u{2007}", "\u{2009}", "\u{202F}", "\u{3000}", "\u{2010}", "\u{2011}",
            "\u{2013}", "\u{2212}", "\u{FF0D}",
        ] {
            let input = [
                "card ", "4111", sep, "1111", sep, "1111", sep, "1111", " ok",
            ]
            .concat();
            let (out, changed) = redact_sensitive(&input);
            assert_eq!(out, "card [redacted card number] ok", "{sep:?}");
            assert!(changed);
        }
        let (out, _) = redact_sensitive("00000000000\u{a0}00 ");
        assert_eq!(out, "[redacted card number] ");
    }

    #[test]
    fn redacts_cards_with_invisible_characters_between_digits() {
        for invisible in [
            "\u{200B}", "\u{AD}", "\u{2060}", "\u{FEFF}", "\u{200D}", "\u{202E}",
        ] {
            let input = ["4111", invisible, "1111", invisible, "1111 1111"].concat();
            assert_eq!(
                redact_sensitive(&input),
                ("[redacted card number]".to_string(), true),
                "{invisible:?}"
            );
        }
    }

    #[test]
    fn redacts_cards_typed_in_other_scripts_digits() {
        let cases = [
            "\u{FF14}\u{FF11}\u{FF11}\u{FF11} \u{FF11}\u{FF11}\u{FF11}\u{FF11} \u{FF11}\u{FF11}\u{FF11}\u{FF11} \u{FF11}\u{FF11}\u{FF11}\u{FF11}",
            "\u{664}\u{661}\u{661}\u{661}\u{661}\u{661}\u{661}\u{661}\u{661}\u{661}\u{661}\u{661}\u{661}\u{661}\u{661}\u{661}",
            "\u{6F4}\u{6F1}\u{6F1}\u{6F1}-\u{6F1}\u{6F1}\u{6F1}\u{6F1}-\u{6F1}\u{6F1}\u{6F1}\u{6F1}-\u{6F1}\u{6F1}\u{6F1}\u{6F1}",
            "\u{96A}\u{967}\u{967}\u{967}\u{967}\u{967}\u{967}\u{967}\u{967}\u{967}\u{967}\u{967}\u{967}\u{967}\u{967}\u{967}",
            "4111 \u{FF11}\u{FF11}\u{FF11}\u{FF11} 1111 1111",
        ];
        for input in cases {
            assert_eq!(
                redact_sensitive(input),
                ("[redacted card number]".to_string(), true),
                "{input:?}"
            );
        }
        // Luhn-invalid in any script stays.
        let not_a_card = "\u{FF14}\u{FF11}\u{FF11}\u{FF11}\u{FF11}\u{FF11}\u{FF11}\u{FF11}\u{FF11}\u{FF11}\u{FF11}\u{FF11}\u{FF11}\u{FF11}\u{FF11}\u{FF12}";
        assert_eq!(
            redact_sensitive(not_a_card),
            (not_a_card.to_string(), false)
        );
    }

    #[test]
    fn ssns_are_read_like_cards() {
        // Found by fuzzing: an invisible char let the SSN scanner cut the tail off a digit
        // group, leaving a Luhn-valid 13-digit number in plain sight.
        let glued = "6301450001769\u{AD}123-45-6789 ";
        assert_eq!(redact_sensitive(glued), (glued.to_string(), false));
        assert_eq!(
            redact_sensitive("ssn 123\u{200B}-45-6789 and \u{661}\u{662}\u{663}-45-6789"),
            ("ssn [redacted SSN] and [redacted SSN]".to_string(), true)
        );
    }

    #[test]
    fn truncating_leaves_out_a_digit_group_it_would_split() {
        let cases: &[(&str, usize, &str)] = &[
            ("599 333 26 41 56 3221", 18, "599 333 26 41 56 "),
            ("599 333 26 41 56 3221", 17, "599 333 26 41 56 "),
            ("599 333 26 41 56 3221", 21, "599 333 26 41 56 3221"),
            ("abc 12345", 6, "abc "),
            ("abc 12345", 4, "abc "),
            ("abc 12\u{200B}345", 6, "abc "),
            ("12345", 3, ""),
            ("\u{FF11}\u{FF12}\u{FF13}", 2, ""),
            ("ab12 cd", 4, "ab12"),
            ("ab12 cd", 3, "ab"),
        ];
        for (input, max, want) in cases {
            assert_eq!(
                truncate_whole_digit_groups(input, *max),
                *want,
                "{input:?} {max}"
            );
        }
    }

    #[test]
    fn line_breaks_and_double_separators_still_split_numbers() {
        for input in [
            "4111\n1111\n1111\n1111",
            "4111\u{2028}1111\u{2028}1111\u{2028}1111",
            "4111\u{A0}\u{A0}1111\u{A0}\u{A0}1111\u{A0}\u{A0}1111",
            "4111 \u{2013} 1111 \u{2013} 1111 \u{2013} 1111",
        ] {
            assert_eq!(
                redact_sensitive(input),
                (input.to_string(), false),
                "{input:?}"
            );
        }
    }

    #[test]
    fn redacts_a_card_typed_right_after_a_phone_number() {
        // The phone digits join the same run; the card itself must not leak.
        let (out, changed) = redact_sensitive("772 555 1234 4111 1111 1111 1111");
        assert!(changed);
        assert!(!out.contains("1111"), "{out}");
    }

    #[test]
    fn redacts_ssn_patterns() {
        let cases: &[(&str, &str)] = &[
            ("ssn 123-45-6789", "ssn [redacted SSN]"),
            ("123 45 6789", "[redacted SSN]"),
            ("(123-45-6789)", "([redacted SSN])"),
            (
                "a 123-45-6789 and 987 65 4321.",
                "a [redacted SSN] and [redacted SSN].",
            ),
        ];
        for (input, want) in cases {
            let (out, changed) = redact_sensitive(input);
            assert_eq!(out, *want, "{input:?}");
            assert!(changed, "{input:?}");
        }
    }

    #[test]
    fn keeps_ssn_like_digits_inside_longer_runs_or_mixed_separators() {
        let cases: &[&str] = &[
            "1123-45-6789",
            "123-45-67890",
            "123-45 6789",
            "123 45-6789",
            "12-345-6789",
            "123456789",
        ];
        for input in cases {
            let (out, changed) = redact_sensitive(input);
            assert_eq!(out, *input, "{input:?}");
            assert!(!changed, "{input:?}");
        }
    }

    #[test]
    fn redaction_leaves_unicode_around_it_intact() {
        let (out, changed) = redact_sensitive("né 4111111111111111 ✓ 123-45-6789 ü");
        assert_eq!(out, "né [redacted card number] ✓ [redacted SSN] ü");
        assert!(changed);
    }

    #[test]
    fn counts_chars_not_bytes() {
        assert_eq!(char_len(""), 0);
        assert_eq!(char_len("abc"), 3);
        assert_eq!(char_len("héllo"), 5);
        assert_eq!(char_len("✓✓"), 2);
        assert_eq!(char_len("👩‍💻"), 3);
    }

    #[test]
    fn truncates_on_char_boundaries() {
        assert_eq!(truncate_chars("héllo", 2), "hé");
        assert_eq!(truncate_chars("héllo", 10), "héllo");
        assert_eq!(truncate_chars("✓✓✓", 0), "");
        assert_eq!(truncate_chars("ab✓", 3), "ab✓");
    }
}
