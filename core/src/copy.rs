//! The visitor-facing sentences, in one place so the widget, the hosted page and the API
//! say exactly the same thing (and never claim a booking is confirmed).

pub const BOOKING_UNAVAILABLE: &str = "Online booking isn't available right now.";
pub const CAPTURE_FAILED: &str =
    "Sorry, we couldn't save your request just now. You can still book directly:";
pub const CONTINUE_LABEL: &str = "Continue to booking";
pub const RAW_LINK_LABEL: &str = "If the booking page doesn't open, tap here";

/// Shown before the visitor leaves for the provider.
pub fn handoff_copy(provider: Option<&str>) -> String {
    let provider = provider
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .unwrap_or("the booking page");
    // Concatenated rather than `format!`ed: this ships in the widget's wasm, where each
    // formatting call brings in formatter code.
    [
        "You'll complete your booking on ",
        provider,
        ". We'll be here if you need help.",
    ]
    .concat()
}

/// Shown in request-only mode: honest that nothing is booked yet.
pub fn request_only_copy(business: &str) -> String {
    [
        "Thanks! ",
        business,
        " will contact you to arrange a time. This is a request, not a confirmed booking.",
    ]
    .concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_provider_or_falls_back_to_the_booking_page() {
        let cases: &[(Option<&str>, &str)] = &[
            (
                Some("Calendly"),
                "You'll complete your booking on Calendly. We'll be here if you need help.",
            ),
            (
                Some("  Cal.com "),
                "You'll complete your booking on Cal.com. We'll be here if you need help.",
            ),
            (
                None,
                "You'll complete your booking on the booking page. We'll be here if you need help.",
            ),
            (
                Some("   "),
                "You'll complete your booking on the booking page. We'll be here if you need help.",
            ),
            (
                Some(""),
                "You'll complete your booking on the booking page. We'll be here if you need help.",
            ),
        ];
        for (provider, want) in cases {
            assert_eq!(handoff_copy(*provider), *want, "{provider:?}");
        }
    }

    #[test]
    fn request_only_copy_says_it_is_not_a_booking() {
        assert_eq!(
            request_only_copy("Sunrise Spa"),
            "Thanks! Sunrise Spa will contact you to arrange a time. \
             This is a request, not a confirmed booking."
        );
    }

    #[test]
    fn uses_straight_ascii_apostrophes_only() {
        let all = [
            BOOKING_UNAVAILABLE.to_string(),
            CAPTURE_FAILED.to_string(),
            CONTINUE_LABEL.to_string(),
            RAW_LINK_LABEL.to_string(),
            handoff_copy(None),
            request_only_copy("X"),
        ];
        for s in all {
            assert!(
                !s.contains(['\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}']),
                "{s}"
            );
        }
        assert_eq!(
            BOOKING_UNAVAILABLE,
            "Online booking isn't available right now."
        );
        assert_eq!(
            CAPTURE_FAILED,
            "Sorry, we couldn't save your request just now. You can still book directly:"
        );
        assert_eq!(CONTINUE_LABEL, "Continue to booking");
        assert_eq!(RAW_LINK_LABEL, "If the booking page doesn't open, tap here");
    }
}
