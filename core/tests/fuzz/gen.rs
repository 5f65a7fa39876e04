//! Inputs shared by the targets: hostile characters and text, card-like digit runs written
//! the ways people (and their keyboards) write them, and single edits of valid inputs.
//!
//! Everything is a proptest strategy, so a failure shrinks to a small input.

#![allow(dead_code)] // each target uses a different part

use proptest::prelude::*;
use proptest::sample::{select, Index};

/// Characters that break cleaners and parsers: C0/C1 controls, DEL, bidi marks, overrides
/// and isolates, invisible format characters, odd spaces and line breaks, dashes, digits of
/// other scripts, combining marks, confusables, astral chars and URL/CSV/cookie syntax.
pub const NASTY: &[char] = &[
    '\0',
    '\u{1}',
    '\u{7}',
    '\u{8}',
    '\t',
    '\n',
    '\u{b}',
    '\u{c}',
    '\r',
    '\u{1b}',
    '\u{7f}',
    '\u{80}',
    '\u{85}',
    '\u{9f}',
    '\u{a0}',
    '\u{ad}',
    '\u{200b}',
    '\u{200c}',
    '\u{200d}',
    '\u{200e}',
    '\u{200f}',
    '\u{2028}',
    '\u{2029}',
    '\u{202a}',
    '\u{202b}',
    '\u{202c}',
    '\u{202d}',
    '\u{202e}',
    '\u{2060}',
    '\u{2066}',
    '\u{2067}',
    '\u{2068}',
    '\u{2069}',
    '\u{2007}',
    '\u{2009}',
    '\u{202f}',
    '\u{3000}',
    '\u{feff}',
    '\u{fffd}',
    '\u{2011}',
    '\u{2013}',
    '\u{ff10}',
    '\u{ff19}',
    '\u{660}',
    '\u{6f4}',
    '\u{966}',
    '\u{301}',
    '\u{130}',
    '\u{212a}',
    '\u{17f}',
    '\u{ff0e}',
    '\u{ff0f}',
    '\u{2215}',
    '\u{1f600}',
    '\u{10ffff}',
    'é',
    'ß',
    ' ',
    '-',
    '.',
    ',',
    ';',
    ':',
    '=',
    '+',
    '@',
    '"',
    '\'',
    '\\',
    '/',
    '?',
    '#',
    '&',
    '%',
    '<',
    '>',
    '[',
    ']',
    '(',
    ')',
    '{',
    '}',
    '*',
    '!',
    '|',
    '~',
    '_',
    '$',
];

/// Mostly ASCII letters and digits, often a character from [`NASTY`], sometimes any char.
pub fn nasty_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => proptest::char::range('a', 'z'),
        1 => proptest::char::range('A', 'Z'),
        3 => proptest::char::range('0', '9'),
        3 => select(NASTY),
        1 => any::<char>(),
    ]
}

pub fn nasty_text(max_chars: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(nasty_char(), 0..=max_chars).prop_map(String::from_iter)
}

/// Arbitrary bytes read the way a server reads a header or a form value: lossily.
pub fn lossy_bytes(max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(any::<u8>(), 0..=max)
        .prop_map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
}

/// A short piece repeated up to `max_repeats` times: huge inputs that shrink well.
pub fn huge(
    piece: impl Strategy<Value = String>,
    max_repeats: usize,
) -> impl Strategy<Value = String> {
    (piece, 0..=max_repeats).prop_map(|(piece, n)| piece.repeat(n))
}

/// Random text of every kind: hostile chars, lossy bytes, any string, a huge repetition.
pub fn any_text(max_chars: usize) -> impl Strategy<Value = String> {
    prop_oneof![
        4 => nasty_text(max_chars),
        1 => lossy_bytes(max_chars),
        1 => any::<String>(),
        1 => huge(nasty_text(8), 2000),
    ]
}

// ---------------------------------------------------------------------------------------
// Card-like numbers
// ---------------------------------------------------------------------------------------

/// Luhn (mod 10), written from the textbook rather than from core: every second digit from
/// the right doubled, digits of the product summed.
pub fn luhn_ok(digits: &[u8]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let d = u32::from(d);
            if i % 2 == 1 {
                let p = d * 2;
                p / 10 + p % 10
            } else {
                d
            }
        })
        .sum();
    !digits.is_empty() && sum % 10 == 0
}

/// The digit that makes `payload` followed by it Luhn-valid.
pub fn luhn_check_digit(payload: &[u8]) -> u8 {
    (0..10)
        .find(|&d| luhn_ok(&[payload, &[d]].concat()))
        .expect("one of ten digits completes any payload")
}

/// Zeros of the decimal digit blocks a visitor's keyboard may produce: ASCII, fullwidth
/// (CJK input methods), Arabic-Indic, Extended Arabic-Indic (Persian, Urdu), Devanagari.
pub const DIGIT_ZEROS: &[char] = &['0', '\u{ff10}', '\u{660}', '\u{6f0}', '\u{966}'];

/// A digit's value, in any of the [`DIGIT_ZEROS`] blocks.
pub fn digit_value(c: char) -> Option<u8> {
    DIGIT_ZEROS.iter().find_map(|&zero| {
        let offset = u32::from(c).checked_sub(u32::from(zero))?;
        (offset < 10).then_some(offset as u8)
    })
}

/// Characters a person or a keyboard puts between digit groups that read as one separator:
/// spaces of other widths, dashes, a tab.
pub const VISIBLE_SEPARATORS: &[&str] = &[
    "\u{a0}", "\u{2007}", "\u{2009}", "\u{202f}", "\u{3000}", "\t", "\u{2010}", "\u{2011}",
    "\u{2012}", "\u{2013}", "\u{2212}", "\u{ff0d}",
];
/// Characters nobody sees: between digits they hide nothing from a reader.
pub const INVISIBLE: &[char] = &[
    '\u{ad}', '\u{200b}', '\u{200c}', '\u{200d}', '\u{2060}', '\u{feff}', '\u{200e}', '\u{200f}',
    '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{202e}', '\u{2066}', '\u{2067}', '\u{2068}',
    '\u{2069}', '\u{180e}',
];

/// A Luhn-valid 13–19 digit number, as digit values (check digit computed here).
pub fn card_digits() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(0u8..10, 12..=18).prop_map(|mut payload| {
        let check = luhn_check_digit(&payload);
        payload.push(check);
        payload
    })
}

/// What goes between two digits of a written card number: mostly nothing, else a space or
/// hyphen, an odd separator, an invisible char or a control (which cleaning removes).
fn digit_gap() -> impl Strategy<Value = String> {
    prop_oneof![
        24 => Just(String::new()),
        5 => Just(" ".to_string()),
        3 => Just("-".to_string()),
        1 => select(VISIBLE_SEPARATORS).prop_map(str::to_string),
        1 => select(INVISIBLE).prop_map(String::from),
        1 => select(&['\0', '\u{7f}', '\u{85}', '\u{1b}'][..]).prop_map(String::from),
    ]
}

/// A card number as typed: any grouping, mostly ASCII digits, sometimes another script's.
pub fn written_card() -> impl Strategy<Value = String> {
    let zero = prop_oneof![12 => Just('0'), 1 => select(DIGIT_ZEROS)];
    (
        card_digits(),
        proptest::collection::vec(digit_gap(), 18),
        zero,
    )
        .prop_map(|(digits, gaps, zero)| {
            let mut out = String::new();
            for (i, d) in digits.iter().enumerate() {
                if i > 0 {
                    out.push_str(&gaps[i - 1]);
                }
                out.push(char::from_u32(u32::from(zero) + u32::from(*d)).unwrap_or('0'));
            }
            out
        })
}

/// Words, numbers, phone numbers, SSNs and cards, glued by all kinds of separators.
pub fn text_with_numbers() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        3 => "[a-zA-Z]{1,8}",
        2 => "[0-9]{1,20}",
        4 => written_card(),
        1 => Just("4111 1111 1111 1111".to_string()),
        1 => "[0-9]{3}[ -][0-9]{2}[ -][0-9]{4}",
        1 => "\\+?[0-9]{1,3} [0-9]{3} [0-9]{3} [0-9]{4}",
        1 => nasty_text(4),
    ];
    let glue = prop_oneof![
        3 => Just(" ".to_string()),
        1 => Just("-".to_string()),
        1 => Just(String::new()),
        1 => Just(", ".to_string()),
        1 => Just("  ".to_string()),
        1 => Just("\n".to_string()),
        1 => select(VISIBLE_SEPARATORS).prop_map(str::to_string),
        1 => select(INVISIBLE).prop_map(String::from),
    ];
    proptest::collection::vec((piece, glue), 0..8)
        .prop_map(|parts| parts.into_iter().flat_map(|(p, g)| [p, g]).collect())
}

/// Every Luhn-valid run of 13–19 digits a reader would see in `s`: invisible characters
/// dropped, digits of any [`DIGIT_ZEROS`] block, groups joined by exactly one space, hyphen
/// or [`VISIBLE_SEPARATORS`] char. Independent of core's scanner.
pub fn visible_cards(s: &str) -> Vec<String> {
    let seen: Vec<char> = s.chars().filter(|c| !INVISIBLE.contains(c)).collect();
    let is_sep =
        |c: char| c == ' ' || c == '-' || VISIBLE_SEPARATORS.iter().any(|s| s.starts_with(c));
    let mut found = Vec::new();
    let mut i = 0;
    while i < seen.len() {
        if digit_value(seen[i]).is_none() {
            i += 1;
            continue;
        }
        let mut groups: Vec<Vec<u8>> = Vec::new();
        loop {
            let mut group = Vec::new();
            while let Some(d) = seen.get(i).copied().and_then(digit_value) {
                group.push(d);
                i += 1;
            }
            groups.push(group);
            let joined = seen.get(i).is_some_and(|&c| is_sep(c))
                && seen.get(i + 1).copied().and_then(digit_value).is_some();
            if !joined {
                break;
            }
            i += 1;
        }
        for first in 0..groups.len() {
            let mut digits = Vec::new();
            for group in &groups[first..] {
                digits.extend_from_slice(group);
                if (13..=19).contains(&digits.len()) && luhn_ok(&digits) {
                    found.push(digits.iter().map(|d| char::from(b'0' + d)).collect());
                }
            }
        }
    }
    found
}

// ---------------------------------------------------------------------------------------
// Single edits of valid inputs
// ---------------------------------------------------------------------------------------

/// One edit of a valid input; applied with [`Edit::apply`]. Shrinks towards small edits.
#[derive(Clone, Debug)]
pub enum Edit {
    /// XOR one char's code point (or one byte) with a non-zero value.
    Flip(Index, u32),
    /// Keep only a prefix.
    Truncate(Index),
    /// Remove a range.
    Delete(Index, Index),
    /// Repeat a range right after itself.
    Duplicate(Index, Index),
    /// Insert text.
    Insert(Index, String),
    /// Swap two chars.
    Swap(Index, Index),
    /// Change ASCII case of one char.
    Case(Index),
}

pub fn edit() -> impl Strategy<Value = Edit> {
    let index = any::<Index>;
    prop_oneof![
        3 => (index(), 1u32..=0xff).prop_map(|(i, bits)| Edit::Flip(i, bits)),
        1 => index().prop_map(Edit::Truncate),
        1 => (index(), index()).prop_map(|(a, b)| Edit::Delete(a, b)),
        1 => (index(), index()).prop_map(|(a, b)| Edit::Duplicate(a, b)),
        2 => (index(), prop_oneof![nasty_text(3), select(&[",", "=", " ", ", ", "t=1", "v1=", "=="][..]).prop_map(str::to_string)])
            .prop_map(|(i, s)| Edit::Insert(i, s)),
        1 => (index(), index()).prop_map(|(a, b)| Edit::Swap(a, b)),
        1 => index().prop_map(Edit::Case),
    ]
}

impl Edit {
    /// The edited text (always valid UTF-8: edits work on chars).
    pub fn apply(&self, s: &str) -> String {
        let mut chars: Vec<char> = s.chars().collect();
        let n = chars.len();
        let at = |i: &Index, len: usize| if len == 0 { 0 } else { i.index(len) };
        let range = |a: &Index, b: &Index| {
            let (x, y) = (at(a, n + 1), at(b, n + 1));
            (x.min(y), x.max(y))
        };
        match self {
            Edit::Flip(i, bits) if n > 0 => {
                let k = at(i, n);
                chars[k] = char::from_u32(u32::from(chars[k]) ^ bits).unwrap_or('\u{fffd}');
            }
            Edit::Truncate(i) => chars.truncate(at(i, n + 1)),
            Edit::Delete(a, b) => {
                let (x, y) = range(a, b);
                chars.drain(x..y);
            }
            Edit::Duplicate(a, b) => {
                let (x, y) = range(a, b);
                let copy: Vec<char> = chars[x..y].to_vec();
                chars.splice(y..y, copy);
            }
            Edit::Insert(i, text) => {
                let k = at(i, n + 1);
                chars.splice(k..k, text.chars());
            }
            Edit::Swap(a, b) if n > 0 => chars.swap(at(a, n), at(b, n)),
            Edit::Case(i) if n > 0 => {
                let k = at(i, n);
                let c = chars[k];
                chars[k] = if c.is_ascii_lowercase() {
                    c.to_ascii_uppercase()
                } else {
                    c.to_ascii_lowercase()
                };
            }
            _ => {}
        }
        chars.into_iter().collect()
    }

    /// The edited bytes (for bodies, which need not be UTF-8).
    pub fn apply_bytes(&self, b: &[u8]) -> Vec<u8> {
        let mut bytes = b.to_vec();
        let n = bytes.len();
        let at = |i: &Index, len: usize| if len == 0 { 0 } else { i.index(len) };
        match self {
            Edit::Flip(i, bits) if n > 0 => bytes[at(i, n)] ^= (*bits as u8).max(1),
            Edit::Insert(i, text) => {
                let k = at(i, n + 1);
                bytes.splice(k..k, text.bytes());
            }
            Edit::Case(i) if n > 0 => {
                let k = at(i, n);
                bytes[k] = if bytes[k].is_ascii_lowercase() {
                    bytes[k].to_ascii_uppercase()
                } else {
                    bytes[k].to_ascii_lowercase()
                };
            }
            // Structural edits are the same on bytes and on chars of ASCII.
            edit => {
                let as_chars: String = bytes.iter().map(|&b| char::from(b)).collect();
                return edit.apply(&as_chars).chars().map(|c| c as u8).collect();
            }
        }
        bytes
    }
}

/// Bytes that print as a byte string (`b"id=1&\xff"`), so a shrunk input reads in a report.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Bytes(pub Vec<u8>);

impl std::ops::Deref for Bytes {
    type Target = Vec<u8>;
    fn deref(&self) -> &Vec<u8> {
        &self.0
    }
}

impl AsRef<[u8]> for Bytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl std::fmt::Debug for Bytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "b\"{}\"", self.0.escape_ascii())
    }
}
