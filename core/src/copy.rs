//! The honest sentences around a handoff, built from the visitor's language catalogue
//! (`i18n`), so the widget, the hosted page and the API say exactly the same thing — and never
//! claim a booking is confirmed.

//! Each takes the visitor's catalogue `t` (`Lang::strings` on the server, the one
//! `widget-config` sent in the widget).

use crate::i18n::{fill, Strings};

/// The provider as the business named it, else "the booking page" in the visitor's language.
pub fn provider_or_page<'a>(t: &Strings, provider: Option<&'a str>) -> &'a str {
    provider
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .unwrap_or(t.the_booking_page)
}

/// Shown before the visitor leaves for the provider.
pub fn handoff_copy(t: &Strings, provider: Option<&str>) -> String {
    fill(t.handoff, provider_or_page(t, provider))
}

/// Shown in request-only mode: honest that nothing is booked yet.
pub fn request_only_copy(t: &Strings, business: &str) -> String {
    fill(t.request_only, business)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn names_the_provider_or_falls_back_to_the_booking_page() {
        let cases: &[(Lang, Option<&str>, &str)] = &[
            (
                Lang::En,
                Some("Calendly"),
                "You'll complete your booking on Calendly. We'll be here if you need help.",
            ),
            (
                Lang::En,
                Some("  Cal.com "),
                "You'll complete your booking on Cal.com. We'll be here if you need help.",
            ),
            (
                Lang::En,
                None,
                "You'll complete your booking on the booking page. We'll be here if you need help.",
            ),
            (
                Lang::En,
                Some("   "),
                "You'll complete your booking on the booking page. We'll be here if you need help.",
            ),
            (
                Lang::En,
                Some(""),
                "You'll complete your booking on the booking page. We'll be here if you need help.",
            ),
            (
                Lang::Es,
                Some("Calendly"),
                "Completarás tu reserva en Calendly. Aquí estaremos si necesitas ayuda.",
            ),
            (
                Lang::Es,
                None,
                "Completarás tu reserva en la página de reservas. Aquí estaremos si necesitas ayuda.",
            ),
        ];
        for (lang, provider, want) in cases {
            assert_eq!(
                handoff_copy(lang.strings(), *provider),
                *want,
                "{lang:?} {provider:?}"
            );
        }
    }

    #[test]
    fn request_only_copy_says_it_is_not_a_booking() {
        assert_eq!(
            request_only_copy(Lang::En.strings(), "Sunrise Spa"),
            "Thanks! Sunrise Spa will contact you to arrange a time. \
             This is a request, not a confirmed booking."
        );
        assert_eq!(
            request_only_copy(Lang::Es.strings(), "Spa Marina"),
            "¡Gracias! Spa Marina se pondrá en contacto contigo para acordar una hora. \
             Esto es una solicitud, no una reserva confirmada."
        );
    }

    #[test]
    fn the_english_sentences_are_the_products_own_words() {
        let t = Lang::En.strings();
        assert_eq!(
            t.booking_unavailable,
            "Online booking isn't available right now."
        );
        assert_eq!(
            t.capture_failed,
            "Sorry, we couldn't save your request just now. You can still book directly:"
        );
        assert_eq!(t.continue_to_booking, "Continue to booking");
        assert_eq!(t.raw_link, "If the booking page doesn't open, tap here");
    }
}
