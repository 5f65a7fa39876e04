//! Hashing and signing primitives for the worker: SHA-256, HMAC-SHA256, hex, base64,
//! constant-time comparison (`subtle`), and the two one-way hashes we store instead of
//! secrets (ip, admin key).

use base64::{
    alphabet,
    engine::{general_purpose::STANDARD, DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig},
    Engine,
};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex_encode(&sha256(bytes))
}

pub fn hmac_sha256(key: &[u8], msg: &[u8]) -> [u8; 32] {
    // HMAC takes keys of any length (long ones are hashed first), so this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC accepts any key length");
    mac.update(msg);
    mac.finalize().into_bytes().into()
}

/// Equal contents, compared without an early exit so timing reveals nothing but the length.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

/// Lowercase hex.
pub fn hex_encode(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// Either case; None for odd lengths or non-hex chars.
pub fn hex_decode(s: &str) -> Option<Vec<u8>> {
    fn nibble(c: u8) -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            b'A'..=b'F' => Some(c - b'A' + 10),
            _ => None,
        }
    }
    if s.len() % 2 != 0 {
        return None;
    }
    s.as_bytes()
        .chunks(2)
        .map(|pair| Some((nibble(pair[0])? << 4) | nibble(pair[1])?))
        .collect()
}

/// What we store instead of a visitor's IP: keyed with the `IP_SALT` secret so the
/// 2^32 IPv4 space cannot be brute-forced from a database dump.
pub fn hash_ip(salt: &[u8], ip: &str) -> String {
    hex_encode(&hmac_sha256(salt, ip.as_bytes()))
}

/// What we store instead of an admin key (the key itself is 256 random bits, so no salt).
pub fn hash_admin_key(key: &str) -> String {
    sha256_hex(key.as_bytes())
}

/// Standard, padded base64.
pub fn base64_encode(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// Standard base64 without padding; refuses non-canonical trailing bits.
const UNPADDED: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::RequireNone),
);

/// Standard base64, padded or not (up to two `=`, as senders write them, even where fewer
/// belong); `None` for anything else, including non-canonical bits.
pub fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let data = s.trim_end_matches('=');
    if s.len() - data.len() > 2 {
        return None;
    }
    UNPADDED.decode(data).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips_and_matches_rfc4648_vectors() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64_encode(plain.as_bytes()), encoded);
            assert_eq!(base64_decode(encoded).as_deref(), Some(plain.as_bytes()));
        }
        assert_eq!(
            base64_decode("Zm9vYg").as_deref(),
            Some(&b"foob"[..]),
            "unpadded"
        );
        for bad in ["Zm9v!", "Z", "Zm9vY===", "Zh=="] {
            assert_eq!(base64_decode(bad), None, "{bad}");
        }
        // Padding is read as senders write it: up to two, even where fewer belong.
        for (lenient, plain) in [("Zm9v=", "foo"), ("Zm9v==", "foo"), ("Zg", "f")] {
            assert_eq!(
                base64_decode(lenient).as_deref(),
                Some(plain.as_bytes()),
                "{lenient}"
            );
        }
    }

    fn unhex(s: &str) -> Vec<u8> {
        hex_decode(s).expect("test vector is hex")
    }

    #[test]
    fn sha256_matches_fips_180_vectors() {
        let cases: &[(&[u8], &str)] = &[
            (
                b"",
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            ),
            (
                b"abc",
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            ),
            (
                b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(sha256_hex(input), *want);
            assert_eq!(hex_encode(&sha256(input)), *want);
        }
    }

    #[test]
    fn hmac_sha256_matches_rfc4231_vectors() {
        let long_key = vec![0xaa; 131];
        let cases: Vec<(Vec<u8>, Vec<u8>, &str)> = vec![
            // Test case 1
            (
                vec![0x0b; 20],
                b"Hi There".to_vec(),
                "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
            ),
            // Test case 2: a key shorter than the block
            (
                b"Jefe".to_vec(),
                b"what do ya want for nothing?".to_vec(),
                "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            ),
            // Test case 3
            (
                vec![0xaa; 20],
                vec![0xdd; 50],
                "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
            ),
            // Test case 4
            (
                unhex("0102030405060708090a0b0c0d0e0f10111213141516171819"),
                vec![0xcd; 50],
                "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
            ),
            // Test case 6: a key longer than the block is hashed first
            (
                long_key.clone(),
                b"Test Using Larger Than Block-Size Key - Hash Key First".to_vec(),
                "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
            ),
            // Test case 7
            (
                long_key,
                b"This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.".to_vec(),
                "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
            ),
        ];
        for (key, msg, want) in cases {
            assert_eq!(hex_encode(&hmac_sha256(&key, &msg)), want);
        }
    }

    #[test]
    fn hmac_sha256_matches_githubs_published_webhook_vector() {
        // https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
        let signature = hmac_sha256(b"It's a Secret to Everybody", b"Hello, World!");
        assert_eq!(
            format!("sha256={}", hex_encode(&signature)),
            "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
        );
    }

    #[test]
    fn compares_in_constant_time_with_the_right_answer() {
        let cases: &[(&[u8], &[u8], bool)] = &[
            (b"", b"", true),
            (b"abc", b"abc", true),
            (b"abc", b"abd", false),
            (b"abc", b"xbc", false),
            (b"abc", b"ab", false),
            (b"ab", b"abc", false),
            (b"", b"a", false),
            (&[0u8; 32], &[0u8; 32], true),
            (&[0u8; 32], &[0x80; 32], false),
        ];
        for (a, b, want) in cases {
            assert_eq!(constant_time_eq(a, b), *want, "{a:?} vs {b:?}");
        }
    }

    #[test]
    fn hex_round_trips_and_rejects_garbage() {
        assert_eq!(hex_encode(&[]), "");
        assert_eq!(hex_encode(&[0x00, 0x0f, 0xa0, 0xff]), "000fa0ff");
        let cases: &[(&str, Option<&[u8]>)] = &[
            ("", Some(&[])),
            ("000fa0ff", Some(&[0x00, 0x0f, 0xa0, 0xff])),
            ("DEADbeef", Some(&[0xde, 0xad, 0xbe, 0xef])),
            ("abc", None),
            ("zz", None),
            ("0x12", None),
            (" 12", None),
            ("éé", None),
        ];
        for (s, want) in cases {
            assert_eq!(hex_decode(s).as_deref(), *want, "{s:?}");
        }
    }

    #[test]
    fn hash_ip_is_keyed_by_the_salt() {
        let a = hash_ip(b"salt-one", "203.0.113.7");
        assert_eq!(a.len(), 64);
        assert!(a
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
        assert_eq!(a, hash_ip(b"salt-one", "203.0.113.7"));
        assert_ne!(a, hash_ip(b"salt-two", "203.0.113.7"));
        assert_ne!(a, hash_ip(b"salt-one", "203.0.113.8"));
        assert_ne!(a, sha256_hex(b"203.0.113.7"));
        assert_eq!(
            a,
            hex_encode(&hmac_sha256(b"salt-one", b"203.0.113.7")),
            "documented as hex(HMAC-SHA256(salt, ip))"
        );
    }

    #[test]
    fn hash_admin_key_is_sha256_hex_of_the_key() {
        assert_eq!(
            hash_admin_key("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(hash_admin_key("hok_x").len(), 64);
    }
}
