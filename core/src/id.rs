//! Public identifiers: handoff ids (they appear in the redirect link, so URL-safe and
//! unguessable) and admin keys, both base64url without padding.

use std::fmt;

const ADMIN_KEY_PREFIX: &str = "hok_";
/// base64url of 16 bytes, no padding.
const ID_LEN: usize = 22;
/// base64url of 32 bytes, no padding.
const ADMIN_KEY_BODY_LEN: usize = 43;

/// A booking handoff's id: 128 random bits as 22 base64url chars.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct HandoffId(String);

impl HandoffId {
    /// Encodes 16 bytes.
    pub fn from_bytes(bytes: &[u8; 16]) -> Self {
        HandoffId(base64url_encode(bytes))
    }

    /// A new id from 16 random bytes, the first one's top bit cleared: it then starts with a
    /// letter (A–Z, a–f), never `-` or `_`, which a spreadsheet or a shell would read as an
    /// operator or an option. 127 random bits remain.
    pub fn from_random(mut bytes: [u8; 16]) -> Self {
        bytes[0] &= 0x7f;
        HandoffId::from_bytes(&bytes)
    }

    /// Accepts only the canonical encoding of 16 bytes, so one handoff has one spelling.
    pub fn parse(s: &str) -> Option<Self> {
        let canonical = s.len() == ID_LEN
            && s.bytes().all(is_base64url)
            // The last char carries 2 data bits and 4 zero bits: A, Q, g or w.
            && matches!(s.as_bytes()[ID_LEN - 1], b'A' | b'Q' | b'g' | b'w');
        canonical.then(|| HandoffId(s.to_string()))
    }

    /// The handoff an admin means when pasting a reference: the id itself, or a link that
    /// ends in it — the booking link (`…/r/ID`) or the dashboard page (`…/handoffs/ID`),
    /// with or without a query or fragment. Anything else is not a reference.
    pub fn from_reference(input: &str) -> Option<Self> {
        let input = input.trim();
        if let Some(id) = HandoffId::parse(input) {
            return Some(id);
        }
        let path = input.split(['?', '#']).next().unwrap_or("");
        let path = path.strip_suffix('/').unwrap_or(path);
        let (before, last) = path.rsplit_once('/')?;
        let parent = before.rsplit('/').next().unwrap_or(before);
        if parent == "r" || parent == "handoffs" {
            HandoffId::parse(last)
        } else {
            None
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for HandoffId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A new admin key from 32 random bytes: "hok_" + 43 base64url chars (47 in all).
/// The prefix makes a leaked key recognisable to secret scanners and to people.
pub fn new_admin_key(bytes: &[u8; 32]) -> String {
    format!("{ADMIN_KEY_PREFIX}{}", base64url_encode(bytes))
}

/// Cheap shape check before hashing a presented key.
pub fn is_admin_key_shaped(s: &str) -> bool {
    s.strip_prefix(ADMIN_KEY_PREFIX)
        .is_some_and(|body| body.len() == ADMIN_KEY_BODY_LEN && body.bytes().all(is_base64url))
}

fn is_base64url(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

/// RFC 4648 §5 base64url, without padding.
pub fn base64url_encode(bytes: &[u8]) -> String {
    use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
    URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_rfc4648_vectors() {
        let cases: &[(&[u8], &str)] = &[
            (b"", ""),
            (b"f", "Zg"),
            (b"fo", "Zm8"),
            (b"foo", "Zm9v"),
            (b"foob", "Zm9vYg"),
            (b"fooba", "Zm9vYmE"),
            (b"foobar", "Zm9vYmFy"),
            // The two chars that differ from standard base64.
            (&[0xfb, 0xff], "-_8"),
            (&[0xff, 0xff, 0xff], "____"),
            (&[0x00, 0x00, 0x00], "AAAA"),
        ];
        for (bytes, want) in cases {
            assert_eq!(base64url_encode(bytes), *want, "{bytes:?}");
        }
    }

    #[test]
    fn handoff_ids_round_trip() {
        let samples: [[u8; 16]; 4] = [
            [0; 16],
            [0xff; 16],
            *b"0123456789abcdef",
            [0x3e, 0xff, 0xbf, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0xfc],
        ];
        for bytes in samples {
            let id = HandoffId::from_bytes(&bytes);
            assert_eq!(id.as_str().len(), 22);
            assert_eq!(HandoffId::parse(id.as_str()), Some(id.clone()));
            assert_eq!(id.to_string(), id.as_str());
        }
        assert_eq!(
            HandoffId::from_bytes(&[0; 16]).as_str(),
            "AAAAAAAAAAAAAAAAAAAAAA"
        );
        assert_eq!(
            HandoffId::from_bytes(&[0xff; 16]).as_str(),
            "_____________________w"
        );
    }

    #[test]
    fn new_ids_start_with_a_letter() {
        for first in 0..=255u8 {
            let mut bytes = [0xff; 16];
            bytes[0] = first;
            let id = HandoffId::from_random(bytes);
            let lead = id.as_str().as_bytes()[0];
            assert!(lead.is_ascii_alphabetic(), "{first:#x}: {id}");
            assert_eq!(HandoffId::parse(id.as_str()), Some(id));
        }
    }

    #[test]
    fn rejects_malformed_handoff_ids() {
        let cases: &[&str] = &[
            "",
            "AAAAAAAAAAAAAAAAAAAAA",
            "AAAAAAAAAAAAAAAAAAAAAAA",
            "AAAAAAAAAAAAAAAAAAAAAA=",
            "AAAAAAAAAAAAAAAAAAAA+A",
            "AAAAAAAAAAAAAAAAAAAA/A",
            "AAAAAAAAAAAAAAAAAAAA A",
            "AAAAAAAAAAAAAAAAAAAAéA",
            // Non-canonical last chars (their low 4 bits would be dropped on decode).
            "AAAAAAAAAAAAAAAAAAAAAB",
            "AAAAAAAAAAAAAAAAAAAAA_",
            "AAAAAAAAAAAAAAAAAAAAAx",
            "../../../../etc/passwd",
        ];
        for s in cases {
            assert_eq!(HandoffId::parse(s), None, "{s:?}");
        }
    }

    #[test]
    fn reads_a_pasted_reference_as_the_id_or_a_link_ending_in_it() {
        let id = "bcdefghij-_0123456789A";
        let cases: &[(&str, bool)] = &[
            (id, true),
            ("  bcdefghij-_0123456789A\n", true),
            ("https://edge.example/r/bcdefghij-_0123456789A", true),
            (
                "https://edge.example/r/bcdefghij-_0123456789A?x=1#top",
                true,
            ),
            ("/dashboard/handoffs/bcdefghij-_0123456789A/", true),
            (
                "edge.example/dashboard/handoffs/bcdefghij-_0123456789A",
                true,
            ),
            ("https://edge.example/b/bcdefghij-_0123456789A", false),
            ("https://edge.example/bcdefghij-_0123456789A", false),
            ("https://edge.example/r/bcdefghij-_0123456789A/extra", false),
            ("https://edge.example/r/", false),
            ("r/bcdefghij-_0123456789B", false),
            ("bcdefghij-_0123456789A bcdefghij-_0123456789A", false),
            ("", false),
        ];
        for (input, ok) in cases {
            let want = ok.then(|| HandoffId::parse(id).expect("canonical"));
            assert_eq!(HandoffId::from_reference(input), want, "{input:?}");
        }
    }

    #[test]
    fn accepts_each_canonical_last_char() {
        for last in ['A', 'Q', 'g', 'w'] {
            let s = format!("bcdefghij-_0123456789{last}");
            assert_eq!(s.len(), 22);
            assert!(HandoffId::parse(&s).is_some(), "{s}");
        }
    }

    #[test]
    fn admin_keys_are_prefixed_and_47_chars() {
        let key = new_admin_key(&[7; 32]);
        assert_eq!(key.len(), 47);
        assert!(key.starts_with("hok_"));
        assert!(is_admin_key_shaped(&key));
        assert_eq!(new_admin_key(&[0; 32]), format!("hok_{}", "A".repeat(43)));
    }

    #[test]
    fn recognises_admin_key_shapes() {
        let body = "A".repeat(43);
        let cases: Vec<(String, bool)> = vec![
            (format!("hok_{body}"), true),
            (format!("hok_{}", "_-9z".repeat(10) + "abc"), true),
            (body.clone(), false),
            (format!("HOK_{body}"), false),
            (format!("hok_{}", "A".repeat(42)), false),
            (format!("hok_{}", "A".repeat(44)), false),
            (format!("hok_{}=", "A".repeat(42)), false),
            (format!("hok_{}+", "A".repeat(42)), false),
            (format!(" hok_{body}"), false),
            (String::new(), false),
        ];
        for (s, want) in cases {
            assert_eq!(is_admin_key_shaped(&s), want, "{s:?}");
        }
    }
}
