//! The visitor's language: which one we speak ([`negotiate`]) and every visitor-facing sentence
//! in it, one catalogue per language (`en.rs`, `es.rs`). The widget, the hosted booking page and
//! the capture API all read these, so a visitor reads the same words on each. The admin
//! dashboard stays English.
//!
//! A catalogue is a struct of `&'static str` fields, so a sentence missing from one language
//! does not compile. Sentences that name something carry one placeholder (`{business}`,
//! `{provider}`, …) that [`fill`] replaces by concatenation: no `format!`, whose formatter code
//! would cost the widget's wasm.

mod en;
mod es;

/// A language we speak. English is the default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    #[default]
    En,
    Es,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Es];

    /// The BCP 47 primary language subtag, as in `<html lang>` and `?lang=`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
        }
    }

    /// The language of a tag such as `es`, `ES-mx`, `es_419` or `en-GB` (the primary subtag,
    /// any case); `None` for languages we do not speak.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        // Byte checks rather than `split`: this runs in the widget, where every searcher and
        // iterator adapter is wasm to download. Every tag we speak is two ASCII letters.
        let tag = tag.trim().as_bytes();
        if !matches!(tag.get(2), None | Some(b'-' | b'_')) {
            return None;
        }
        match tag.get(..2)? {
            [a, b] => match [a | 0x20, b | 0x20] {
                [b'e', b'n'] => Some(Lang::En),
                [b'e', b's'] => Some(Lang::Es),
                _ => None,
            },
            _ => None,
        }
    }

    pub fn strings(self) -> &'static Strings {
        match self {
            Lang::En => &en::STRINGS,
            Lang::Es => &es::STRINGS,
        }
    }

    /// The hosted booking page's own sentences (the worker's; the widget never needs them).
    #[cfg(feature = "server")]
    pub fn pages(self) -> &'static Pages {
        match self {
            Lang::En => &en::PAGES,
            Lang::Es => &es::PAGES,
        }
    }
}

/// The language to speak: the one the business or link chose (`data-lang`, `?lang=`) when we
/// speak it, else the first of the visitor's languages (most preferred first: the browser's
/// `navigator.languages`, or [`accept_language`]) that we speak, else English.
///
/// The widget's loader applies the same rule in JavaScript (`widget/loader/widget.js`), since
/// its launcher is drawn before any wasm arrives.
pub fn negotiate<'a>(explicit: Option<&str>, preferred: impl IntoIterator<Item = &'a str>) -> Lang {
    explicit
        .and_then(Lang::from_tag)
        .or_else(|| preferred.into_iter().find_map(Lang::from_tag))
        .unwrap_or_default()
}

/// The languages of an `Accept-Language` header, most preferred first (RFC 9110 §12.5.4):
/// by quality, ties in the order given; `q=0` ("not acceptable") and `*` are left out, and so
/// is a malformed quality.
pub fn accept_language(header: &str) -> Vec<&str> {
    let mut ranked: Vec<(u16, &str)> = header
        .split(',')
        .filter_map(|item| {
            let mut parts = item.split(';');
            let tag = parts.next()?.trim();
            let mut quality = 1000;
            for param in parts {
                let param = param.trim();
                if let Some(q) = param.strip_prefix("q=").or(param.strip_prefix("Q=")) {
                    quality = thousandths(q.trim())?;
                }
            }
            (quality > 0 && !tag.is_empty() && tag != "*").then_some((quality, tag))
        })
        .collect();
    // Stable: equal qualities keep the header's order.
    ranked.sort_by_key(|&(quality, _)| std::cmp::Reverse(quality));
    ranked.into_iter().map(|(_, tag)| tag).collect()
}

/// An RFC 9110 qvalue (`0`, `0.5`, `1.000`, at most three decimals) in thousandths.
fn thousandths(q: &str) -> Option<u16> {
    let (whole, fraction) = q.split_once('.').unwrap_or((q, ""));
    let digits_ok = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if !matches!(whole, "0" | "1") || fraction.len() > 3 || !digits_ok(fraction) {
        return None;
    }
    let mut value: u16 = if whole == "1" { 1000 } else { 0 };
    for (digit, scale) in fraction.bytes().zip([100, 10, 1]) {
        value += u16::from(digit - b'0') * scale;
    }
    (value <= 1000).then_some(value)
}

/// `template` with its `{placeholder}` replaced by `value` (templates have at most one).
pub fn fill(template: &str, value: &str) -> String {
    // Char-set patterns, as in `lead`: one string searcher in the widget's wasm.
    match template.split_once(['{']) {
        Some((before, rest)) => {
            let after = rest.split_once(['}']).map_or("", |(_, after)| after);
            [before, value, after].concat()
        }
        None => template.to_string(),
    }
}

/// A catalogue as a flat list of sentences in declaration order (nested catalogues in place):
/// how the worker sends the visitor's one catalogue to the widget (`widget-config`'s
/// `strings`), so the widget's wasm carries no language of its own.
pub trait Flat: Sized {
    /// Builds it from its sentences in order (`next` gives the following one).
    fn read(next: &mut impl FnMut() -> &'static str) -> Self;
    /// Appends its sentences in order.
    fn list(&self, out: &mut Vec<&'static str>);
}

impl Flat for &'static str {
    fn read(next: &mut impl FnMut() -> &'static str) -> Self {
        next()
    }
    fn list(&self, out: &mut Vec<&'static str>) {
        out.push(self);
    }
}

/// Declares a catalogue struct of `&'static str` (or nested catalogue) fields and its [`Flat`]
/// form; in tests it also lists its entries by key, so every language can be checked against
/// every other.
macro_rules! catalogue {
    ($(#[$meta:meta])* pub struct $name:ident { $($(#[$doc:meta])* pub $field:ident: $ty:ty,)* }) => {
        $(#[$meta])*
        pub struct $name {
            $($(#[$doc])* pub $field: $ty,)*
        }

        impl Flat for $name {
            fn read(next: &mut impl FnMut() -> &'static str) -> Self {
                $name { $($field: <$ty as Flat>::read(next),)* }
            }
            fn list(&self, out: &mut Vec<&'static str>) {
                $(self.$field.list(out);)*
            }
        }

        #[cfg(test)]
        impl Entries for $name {
            fn entries(&self, prefix: &str, out: &mut Vec<(String, &'static str)>) {
                $(self.$field.entries(&[prefix, stringify!($field), "."].concat(), out);)*
            }
        }
    };
}

#[cfg(test)]
trait Entries {
    fn entries(&self, prefix: &str, out: &mut Vec<(String, &'static str)>);
}

#[cfg(test)]
impl Entries for &'static str {
    fn entries(&self, prefix: &str, out: &mut Vec<(String, &'static str)>) {
        out.push((prefix.trim_end_matches('.').to_string(), self));
    }
}

catalogue! {
    /// One sentence per lead field, in the API's field order.
    pub struct PerField {
        pub name: &'static str,
        pub email: &'static str,
        pub phone: &'static str,
        pub service: &'static str,
        pub time: &'static str,
        pub notes: &'static str,
        pub source_page: &'static str,
        pub industry: &'static str,
    }
}

catalogue! {
    /// What the widget says, and what the hosted page and the capture API share with it.
    pub struct Strings {
        /// The launcher, and the quick reply when a business lists no services.
        pub book: &'static str,
        pub assistant: &'static str,
        /// The panel's accessible name.
        pub assistant_for: &'static str,
        pub close: &'static str,
        pub placeholder: &'static str,
        pub send: &'static str,
        pub send_request: &'static str,
        pub sending: &'static str,
        pub start_over: &'static str,
        pub try_again: &'static str,
        /// The optional notes question's quick reply (typing it counts too).
        pub skip: &'static str,

        pub greeting: &'static str,
        pub ask_service: &'static str,
        pub ask_time: &'static str,
        pub ask_time_request_only: &'static str,
        pub ask_name: &'static str,
        pub ask_contact: &'static str,
        pub ask_notes: &'static str,
        pub need_service: &'static str,
        pub need_time: &'static str,
        /// What the greeting understood ("Got it: Massage, Friday afternoon.").
        pub heard: &'static str,
        pub summary_intro: &'static str,
        pub sent: &'static str,
        pub rate_limited: &'static str,

        /// The answer box's label, per question.
        pub prompt_service: &'static str,
        pub prompt_time: &'static str,
        pub prompt_name: &'static str,
        pub prompt_contact: &'static str,
        pub prompt_notes: &'static str,

        /// Stands for the provider when the business named none.
        pub the_booking_page: &'static str,
        pub call: &'static str,
        pub email: &'static str,
        pub reach_questions: &'static str,
        pub reach: &'static str,
        pub contact_business: &'static str,
        pub frame_blocked: &'static str,
        pub frame_failed: &'static str,
        pub open_frame: &'static str,
        /// The widget's own failure view.
        pub broken: &'static str,
        pub open_booking_page: &'static str,

        pub booking_unavailable: &'static str,
        pub capture_failed: &'static str,
        pub continue_to_booking: &'static str,
        pub raw_link: &'static str,
        /// The honest handoff: never says the booking is confirmed.
        pub handoff: &'static str,
        /// Request-only mode: says plainly that nothing is booked yet.
        pub request_only: &'static str,

        pub name_required: &'static str,
        pub name_needs_letters: &'static str,
        pub email_invalid: &'static str,
        pub phone_invalid: &'static str,
        pub phone_looks_like_card: &'static str,
        pub contact_required: &'static str,
        /// The business requires its consent line and the box is not ticked.
        pub consent_required: &'static str,
        /// Each carries its field's limit (`Field::max_chars`).
        pub too_long: PerField,
        pub labels: PerField,
    }
}

#[cfg(feature = "server")]
catalogue! {
    /// The hosted booking page's own sentences and the server's visitor-facing errors.
    pub struct Pages {
        pub book_with: &'static str,
        pub intro_external: &'static str,
        pub intro_request_only: &'static str,
        pub hint_service: &'static str,
        pub hint_time: &'static str,
        pub hint_contact: &'static str,
        pub hint_optional: &'static str,
        pub no_card: &'static str,
        pub continue_button: &'static str,
        pub use_this_form: &'static str,
        pub check_fields: &'static str,
        pub done_title: &'static str,
        pub request_sent: &'static str,
        pub sorry: &'static str,
        pub book_on: &'static str,
        pub not_saved_title: &'static str,
        pub unavailable_title: &'static str,
        pub server_error: &'static str,
        pub too_large: &'static str,
        pub not_found_title: &'static str,
        pub not_found: &'static str,
        pub link_unavailable_title: &'static str,
        pub link_unavailable_heading: &'static str,
        pub link_unavailable: &'static str,
        /// The tracking redirect's page for a link that names no handoff.
        pub link_not_found_title: &'static str,
        pub link_not_found_heading: &'static str,
        pub link_not_found: &'static str,
        /// The redirect's answer to a browser's speculative load (a person rarely sees it).
        pub prefetch_title: &'static str,
        pub prefetch_heading: &'static str,
        pub prefetch: &'static str,
        /// The consent line's default wording, when the business requires one and wrote none.
        pub consent_default: &'static str,
        /// The same sentence as `Strings::consent_required` (the capture API answers with it).
        pub consent_required: &'static str,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(lang: Lang) -> Vec<(String, &'static str)> {
        let mut out = Vec::new();
        lang.strings().entries("", &mut out);
        #[cfg(feature = "server")]
        lang.pages().entries("pages.", &mut out);
        out
    }

    /// The `{names}` in a sentence, in order.
    fn placeholders(s: &str) -> Vec<&str> {
        s.split('{')
            .skip(1)
            .map(|rest| rest.split('}').next().unwrap_or_default())
            .collect()
    }

    /// Entries that may read the same in Spanish as in English (none so far: brand names and
    /// the like would go here).
    const SAME_IN_SPANISH: &[&str] = &[];

    #[test]
    fn every_key_exists_in_every_language_with_the_same_placeholders() {
        let english = entries(Lang::En);
        for lang in Lang::ALL {
            let entries = entries(lang);
            let keys = |e: &[(String, &str)]| e.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>();
            assert_eq!(keys(&entries), keys(&english), "{lang:?} has every key");
            for ((key, text), (_, en)) in entries.iter().zip(&english) {
                assert!(!text.trim().is_empty(), "{lang:?} {key} is empty");
                assert_eq!(text.trim(), *text, "{lang:?} {key} has stray whitespace");
                assert_eq!(
                    placeholders(text),
                    placeholders(en),
                    "{lang:?} {key}: same placeholders as English"
                );
                assert!(placeholders(text).len() <= 1, "{key}: fill replaces one");
                assert!(
                    !text.contains(['\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}']),
                    "{lang:?} {key}: straight apostrophes and quotes only"
                );
            }
        }
    }

    #[test]
    fn the_flat_form_reads_back_into_the_same_catalogue() {
        for lang in Lang::ALL {
            let mut flat = Vec::new();
            lang.strings().list(&mut flat);
            let mut keyed = Vec::new();
            lang.strings().entries("", &mut keyed);
            // Every sentence once, in the order the entries name them.
            let sentences: Vec<&str> = keyed.iter().map(|(_, text)| *text).collect();
            assert_eq!(flat, sentences, "{lang:?}");
            let mut rest = flat.iter().copied();
            let read = Strings::read(&mut || rest.next().unwrap_or_default());
            let mut again = Vec::new();
            read.list(&mut again);
            assert_eq!(again, flat, "{lang:?}");
            assert_eq!(rest.next(), None, "{lang:?}: every sentence read");
        }
    }

    #[test]
    fn spanish_is_not_english_left_untranslated() {
        for ((key, es), (_, en)) in entries(Lang::Es).iter().zip(&entries(Lang::En)) {
            if !SAME_IN_SPANISH.contains(&key.as_str()) {
                assert_ne!(es, en, "{key} is not translated");
            }
        }
    }

    #[test]
    fn the_handoff_never_says_the_booking_is_confirmed() {
        for lang in Lang::ALL {
            let t = lang.strings();
            for text in [t.handoff, t.sent, t.continue_to_booking, t.summary_intro] {
                assert!(!text.to_lowercase().contains("confirm"), "{lang:?}: {text}");
            }
            // Request-only mode mentions confirmation only to deny it.
            let request = t.request_only.to_lowercase();
            assert!(
                request.contains("not a confirmed")
                    || request.contains("no una reserva confirmada")
            );
        }
    }

    #[test]
    fn reads_languages_from_tags() {
        let cases: &[(&str, Option<Lang>)] = &[
            ("en", Some(Lang::En)),
            ("es", Some(Lang::Es)),
            ("ES", Some(Lang::Es)),
            ("es-MX", Some(Lang::Es)),
            ("es_419", Some(Lang::Es)),
            (" en-GB ", Some(Lang::En)),
            ("EN-us", Some(Lang::En)),
            ("fr", None),
            ("fr-FR", None),
            ("est", None),
            ("e", None),
            ("", None),
            ("*", None),
            ("-es", None),
        ];
        for (tag, want) in cases {
            assert_eq!(Lang::from_tag(tag), *want, "{tag:?}");
        }
        for lang in Lang::ALL {
            assert_eq!(Lang::from_tag(lang.tag()), Some(lang));
        }
    }

    #[test]
    fn chooses_the_explicit_language_then_the_visitors_then_english() {
        let cases: &[(Option<&str>, &[&str], Lang)] = &[
            (Some("es"), &["en-US", "en"], Lang::Es),
            (Some("en"), &["es-ES"], Lang::En),
            (Some("ES-mx"), &[], Lang::Es),
            // A language we do not speak is no choice: the visitor's languages decide.
            (Some("fr"), &["es-ES", "es"], Lang::Es),
            (Some(""), &["es"], Lang::Es),
            (None, &["es-ES", "es"], Lang::Es),
            (None, &["fr-FR", "es"], Lang::Es),
            (None, &["fr-FR", "en", "es"], Lang::En),
            (None, &["fr-FR", "de"], Lang::En),
            (None, &[], Lang::En),
            (None, &["es-419"], Lang::Es),
        ];
        for (explicit, preferred, want) in cases {
            assert_eq!(
                negotiate(*explicit, preferred.iter().copied()),
                *want,
                "{explicit:?} {preferred:?}"
            );
        }
    }

    #[test]
    fn orders_accept_language_by_quality() {
        let cases: &[(&str, &[&str])] = &[
            ("es", &["es"]),
            ("es-ES,es;q=0.9,en;q=0.8", &["es-ES", "es", "en"]),
            ("en;q=0.5, es;q=0.9", &["es", "en"]),
            (
                "fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5",
                &["fr-CH", "fr", "en", "de"],
            ),
            ("es;q=0, en", &["en"]),
            ("da, en-gb;q=0.8, en;q=0.7", &["da", "en-gb", "en"]),
            ("en;q=0.8, es;q=0.8", &["en", "es"]),
            ("es;q=1.0, en;Q=0.001", &["es", "en"]),
            ("es;q=2, en;q=abc, de;q=0.1234, fr;q=0.3", &["fr"]),
            ("", &[]),
            (" , ;q=0.5", &[]),
        ];
        for (header, want) in cases {
            assert_eq!(accept_language(header), *want, "{header:?}");
        }
        let spanish = "fr-FR,fr;q=0.9,es;q=0.8,en;q=0.7";
        assert_eq!(negotiate(None, accept_language(spanish)), Lang::Es);
        assert_eq!(negotiate(None, accept_language("de-DE")), Lang::En);
    }

    #[test]
    fn fills_the_one_placeholder() {
        assert_eq!(fill("Book with {business}", "Sol Spa"), "Book with Sol Spa");
        assert_eq!(fill("{heard}.", "x"), "x.");
        assert_eq!(fill("No placeholder", "x"), "No placeholder");
        assert_eq!(fill("Broken {tail", "x"), "Broken x");
        assert_eq!(
            fill(Lang::Es.strings().handoff, "Calendly"),
            "Completarás tu reserva en Calendly. Aquí estaremos si necesitas ayuda."
        );
    }
}
