//! Provider webhook secrets at rest: sealed with XChaCha20-Poly1305 (authenticated
//! encryption) under a key derived from the `SECRETS_KEY` secret, with a fresh random
//! 192-bit nonce per seal and the client id as associated data, so a sealed value copied
//! into another client's row does not open. Stored as `v1.<hex nonce>.<hex ciphertext+tag>`.
//! The webhook handler opens it; no page or API ever returns it.
use chacha20poly1305::{
    aead::{Aead, KeyInit, Payload},
    XChaCha20Poly1305, XNonce,
};
use handoff_core::crypto::{hex_decode, hex_encode, hmac_sha256};

const VERSION: &str = "v1";

fn cipher(secrets_key: &[u8]) -> XChaCha20Poly1305 {
    let key = hmac_sha256(secrets_key, b"handoff/webhook-secret/v1");
    XChaCha20Poly1305::new(&key.into())
}

/// Seals `plaintext` for `client_id`; `nonce` must be random (24 bytes from the CSPRNG).
pub fn seal(secrets_key: &[u8], client_id: &str, nonce: &[u8; 24], plaintext: &str) -> String {
    let sealed = cipher(secrets_key)
        .encrypt(
            XNonce::from_slice(nonce),
            Payload {
                msg: plaintext.as_bytes(),
                aad: client_id.as_bytes(),
            },
        )
        // Encryption fails only for messages beyond 256 GiB.
        .unwrap_or_default();
    format!("{VERSION}.{}.{}", hex_encode(nonce), hex_encode(&sealed))
}

/// The plaintext, or `None` if the value is malformed, was sealed for another client or
/// under another key, or was altered. For the webhook handler, which verifies signatures.
pub fn open(secrets_key: &[u8], client_id: &str, stored: &str) -> Option<String> {
    let mut parts = stored.split('.');
    let (Some(VERSION), Some(nonce), Some(sealed), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let nonce = hex_decode(nonce).filter(|n| n.len() == 24)?;
    let sealed = hex_decode(sealed)?;
    let plain = cipher(secrets_key)
        .decrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: &sealed,
                aad: client_id.as_bytes(),
            },
        )
        .ok()?;
    String::from_utf8(plain).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"test-secrets-key";
    const NONCE: [u8; 24] = [9; 24];

    #[test]
    fn seals_and_opens() {
        let stored = seal(KEY, "cl_a", &NONCE, "whsec_abc");
        assert!(stored.starts_with("v1.090909"));
        assert!(!stored.contains("whsec_abc"));
        assert_eq!(open(KEY, "cl_a", &stored).as_deref(), Some("whsec_abc"));
    }

    #[test]
    fn a_fresh_nonce_gives_a_different_value() {
        let a = seal(KEY, "cl_a", &NONCE, "s");
        let b = seal(KEY, "cl_a", &[1; 24], "s");
        assert_ne!(a, b);
        assert_eq!(open(KEY, "cl_a", &b).as_deref(), Some("s"));
    }

    #[test]
    fn refuses_another_client_another_key_or_any_change() {
        let stored = seal(KEY, "cl_a", &NONCE, "whsec_abc");
        assert_eq!(open(KEY, "cl_b", &stored), None);
        assert_eq!(open(b"other-key", "cl_a", &stored), None);
        for i in 3..stored.len() {
            let mut bytes = stored.clone().into_bytes();
            bytes[i] = if bytes[i] == b'0' { b'1' } else { b'0' };
            let tampered = String::from_utf8(bytes).unwrap();
            if tampered != stored {
                assert_eq!(open(KEY, "cl_a", &tampered), None, "{i}");
            }
        }
        for bad in [
            "",
            "v1",
            "v1..",
            "v2.00.00",
            &format!("{stored}.00"),
            "v1.zz.zz",
        ] {
            assert_eq!(open(KEY, "cl_a", bad), None, "{bad}");
        }
    }
}
