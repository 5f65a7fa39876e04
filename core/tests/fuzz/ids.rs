//! Handoff ids and admin keys: one spelling per id, every reference an admin may paste reads
//! back as the id inside it, and nothing else does.

use crate::gen::{any_text, edit, Edit};
use crate::harness::fuzz;
use handoff_core::id::{base64url_encode, is_admin_key_shaped, new_admin_key, HandoffId};
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::TestCaseResult;

const BASE64URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// The 16 bytes a canonical id spells, decoded independently of core.
fn decode_id(s: &str) -> Option<[u8; 16]> {
    if s.len() != 22 {
        return None;
    }
    let mut bits = 0u128;
    let mut last = 0u8;
    for (i, b) in s.bytes().enumerate() {
        let v = BASE64URL.iter().position(|&a| a == b)? as u8;
        if i < 21 {
            bits = (bits << 6) | u128::from(v);
        } else {
            last = v;
        }
    }
    // 21 chars carry 126 bits; the 22nd carries 2 more and 4 zero bits.
    (last & 0x0f == 0).then(|| ((bits << 2) | u128::from(last >> 4)).to_be_bytes())
}

#[derive(Debug, Clone)]
struct Reference {
    bytes: [u8; 16],
    prefix: &'static str,
    suffix: &'static str,
    pad: &'static str,
    edit: Option<Edit>,
}

fn reference() -> impl Strategy<Value = Reference> {
    let prefix = select(
        &[
            "",
            "r/",
            "/r/",
            "https://edge.example/r/",
            "https://edge.example/dashboard/handoffs/",
            "handoffs/",
            "https://edge.example/x/",
            "//evil.example/r/",
            "https://edge.example/r",
            "/R/",
            "r//",
            "https://edge.example/r/%2F",
        ][..],
    );
    let suffix = select(
        &[
            "", "/", "?x=1", "#top", "/?a#b", "//", "/r", "%2F", ".", " x", "\u{200b}",
        ][..],
    );
    let pad = select(&["", " ", "\t\n", "\u{a0}"][..]);
    (
        any::<[u8; 16]>(),
        prefix,
        suffix,
        pad,
        proptest::option::weighted(0.3, edit()),
    )
        .prop_map(|(bytes, prefix, suffix, pad, edit)| Reference {
            bytes,
            prefix,
            suffix,
            pad,
            edit,
        })
}

fn check_reference(r: Reference) -> TestCaseResult {
    let id = HandoffId::from_bytes(&r.bytes);
    prop_assert_eq!(
        decode_id(id.as_str()),
        Some(r.bytes),
        "from_bytes spells another id"
    );
    prop_assert_eq!(HandoffId::parse(id.as_str()), Some(id.clone()));
    prop_assert_eq!(id.to_string(), id.as_str());
    prop_assert_eq!(base64url_encode(&r.bytes), id.as_str());

    let plain = format!("{pad}{}{}{}{pad}", r.prefix, id, r.suffix, pad = r.pad);
    let input = r.edit.as_ref().map_or(plain.clone(), |e| e.apply(&plain));
    let got = HandoffId::from_reference(&input);
    if let Some(found) = &got {
        prop_assert!(
            input.contains(found.as_str()),
            "{:?} is not in the reference",
            found
        );
        prop_assert!(decode_id(found.as_str()).is_some());
    }
    // Without an edit, exactly the documented shapes read as the id.
    if r.edit.is_none() {
        let link = matches!(
            r.prefix,
            "r/" | "/r/"
                | "https://edge.example/r/"
                | "https://edge.example/dashboard/handoffs/"
                | "handoffs/"
                | "//evil.example/r/"
        );
        let ends = matches!(r.suffix, "" | "/" | "?x=1" | "#top" | "/?a#b");
        let bare = r.prefix.is_empty() && r.suffix.is_empty();
        // Padding is trimmed whatever its width.
        let want = bare || (link && ends);
        prop_assert_eq!(got.is_some(), want, "{:?}", input);
    }
    Ok(())
}

fn check_text(s: String) -> TestCaseResult {
    prop_assert_eq!(
        HandoffId::parse(&s).is_some(),
        decode_id(&s).is_some(),
        "parse({:?})",
        s
    );
    if let Some(found) = HandoffId::from_reference(&s) {
        prop_assert!(s.contains(found.as_str()));
    }
    let shaped = s
        .strip_prefix("hok_")
        .is_some_and(|b| b.len() == 43 && b.bytes().all(|c| BASE64URL.contains(&c)));
    prop_assert_eq!(is_admin_key_shaped(&s), shaped);
    Ok(())
}

fn check_admin_key(bytes: [u8; 32]) -> TestCaseResult {
    let key = new_admin_key(&bytes);
    prop_assert_eq!(key.len(), 47);
    prop_assert!(is_admin_key_shaped(&key));
    Ok(())
}

#[derive(Debug, Clone)]
enum Case {
    Reference(Reference),
    Text(String),
    AdminKey([u8; 32]),
}

#[test]
fn ids_and_references() {
    let case = prop_oneof![
        3 => reference().prop_map(Case::Reference),
        3 => prop_oneof![any_text(60), "[A-Za-z0-9_-]{21,23}", "hok_[A-Za-z0-9_-]{42,44}"].prop_map(Case::Text),
        1 => any::<[u8; 32]>().prop_map(Case::AdminKey),
    ];
    fuzz("ids_and_references", case, |case| match case {
        Case::Reference(r) => check_reference(r),
        Case::Text(s) => check_text(s),
        Case::AdminKey(bytes) => check_admin_key(bytes),
    });
}
