//! English: every visitor-facing sentence. Straight apostrophes only.
use super::{PerField, Strings};

/// Said by the widget before it sends, and by the server when a request arrives without it.
const CONSENT_REQUIRED: &str = "Please tick the box to agree before sending.";

pub static STRINGS: Strings = Strings {
    book: "Book an appointment",
    assistant: "Booking assistant",
    assistant_for: "Booking assistant for {business}",
    close: "Close",
    placeholder: "Type your answer…",
    send: "Send",
    send_request: "Send request",
    sending: "Sending your request…",
    start_over: "Start over",
    try_again: "Try again",
    skip: "Skip",

    greeting: "Hi! I can help you book with {business}. What would you like to book?",
    ask_service: "Which service would you like to book?",
    ask_time: "When would you like to come in? A day or a time window is fine — \
               {provider} will show what's actually available.",
    ask_time_request_only: "When would you like to come in? A day or a time window is fine \
                            — {business} will confirm a time with you.",
    ask_name: "What's your name?",
    ask_contact: "What's the best email or phone number to reach you?",
    ask_notes: "Anything else {business} should know? This is optional — please don't \
                share card or medical details.",
    need_service: "Please tell us which service you'd like.",
    need_time: "Please tell us a day or time that suits you.",
    heard: "Got it: {heard}.",
    summary_intro: "Here's your request. Please check it before sending.",
    sent: "Your request has been sent.",
    rate_limited: "Too many requests. Please wait a minute and try again.",

    prompt_service: "What would you like to book?",
    prompt_time: "Preferred day or time",
    prompt_name: "Your name",
    prompt_contact: "Your email or phone number",
    prompt_notes: "Notes (optional)",

    the_booking_page: "the booking page",
    call: "Call {phone}",
    email: "Email {email}",
    reach_questions: "Questions? You can reach {business} directly:",
    reach: "You can reach {business} directly:",
    contact_business: "Or contact the business:",
    frame_blocked: "This booking page can't be shown inside this site, so it opens in this tab.",
    frame_failed: "The booking page didn't load here. Use the button to open it in this tab.",
    open_frame: "Open booking page",
    broken: "Sorry, the booking assistant isn't working right now. You can still book directly:",
    open_booking_page: "Open the booking page",

    booking_unavailable: "Online booking isn't available right now.",
    capture_failed: "Sorry, we couldn't save your request just now. You can still book directly:",
    continue_to_booking: "Continue to booking",
    raw_link: "If the booking page doesn't open, tap here",
    handoff: "You'll complete your booking on {provider}. We'll be here if you need help.",
    request_only: "Thanks! {business} will contact you to arrange a time. This is a request, \
                   not a confirmed booking.",

    name_required: "Please tell us your name.",
    name_needs_letters: "Please enter a name with letters in it.",
    email_invalid: "Please enter a valid email address, like name@example.com.",
    phone_invalid: "Please enter a valid phone number, like (555) 123-4567.",
    phone_looks_like_card: "That looks like a card number. We never need card details — \
                            please enter a phone number.",
    contact_required: "Please give an email address or a phone number so the business can \
                       reach you.",
    consent_required: CONSENT_REQUIRED,
    too_long: PerField {
        name: "Please keep this under 100 characters.",
        email: "Please keep this under 254 characters.",
        phone: "Please keep this under 32 characters.",
        service: "Please keep this under 120 characters.",
        time: "Please keep this under 200 characters.",
        notes: "Please keep this under 1000 characters.",
        source_page: "Please keep this under 500 characters.",
        industry: "Please keep this under 60 characters.",
    },
    labels: PerField {
        name: "Name",
        email: "Email",
        phone: "Phone",
        service: "Service",
        time: "Preferred time",
        notes: "Notes",
        source_page: "Source page",
        industry: "Industry",
    },
};

#[cfg(feature = "server")]
pub static PAGES: super::Pages = super::Pages {
    book_with: "Book with {business}",
    intro_external: "Tell us what you'd like, then you'll continue to {provider} to pick a time \
                     and complete your booking.",
    intro_request_only: "Send a request and {business} will contact you to arrange a time.",
    hint_service: "(what would you like?)",
    hint_time: "(a day or time window is fine)",
    hint_contact: "(email or phone)",
    hint_optional: "(optional)",
    no_card: "Please don't include card numbers or medical details.",
    continue_button: "Continue",
    use_this_form: "Please use the form on this page.",
    check_fields: "Please check the highlighted fields.",
    done_title: "One more step",
    request_sent: "Request sent",
    sorry: "Sorry about that",
    book_on: "Book on {provider}",
    not_saved_title: "Booking request not saved",
    unavailable_title: "Online booking unavailable",
    server_error: "Something went wrong on our side. Please try again in a moment.",
    too_large: "The request is too large (the limit is {limit} bytes).",
    not_found_title: "Page not found",
    not_found: "There is nothing at this address.",
    link_unavailable_title: "Booking link temporarily unavailable",
    link_unavailable_heading: "We couldn't open the booking page just now",
    link_unavailable: "Please try the link again in a moment. If it keeps failing, go back to \
                       the business's website and contact them directly.",
    link_not_found_title: "Booking link not found",
    link_not_found_heading: "This booking link isn't valid",
    link_not_found: "The link may be incomplete or out of date. Please go back to the \
                     business's website and tap \"Book\" again, or contact the business directly.",
    prefetch_title: "Open the link to continue",
    prefetch_heading: "Open the link to continue to booking",
    prefetch: "This link is only followed when you open it.",
    consent_default:
        "I agree that this business may store my details and contact me about my booking.",
    consent_required: CONSENT_REQUIRED,
};
