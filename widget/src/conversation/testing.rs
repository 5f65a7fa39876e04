//! The dialogue's test fixtures: a spa's config, a conversation started in English or
//! Spanish, and ways to answer and read it.

use handoff_core::copy;
use handoff_core::i18n::Lang;

use super::{Card, Config, Conversation, Effect, Embed, Input, Page, SendOutcome, Speaker};

pub(crate) fn spa() -> Config {
    Config {
        business_name: "Seaside Day Spa".into(),
        request_only: false,
        booking_available: true,
        provider_name: Some("Calendly".into()),
        disclaimer: None,
        services: vec!["Massage".into(), "Facial".into()],
        contact_email: Some("hello@example.com".into()),
        contact_phone: Some("+1 555 123 4567".into()),
        fallback_url: Some("https://provider.example/book?utm_source=treasurecoastai".into()),
        hosted_page_url: Some("http://127.0.0.1:8787/b/demo-spa".into()),
        embed: Embed::Redirect,
        consent: None,
        look: String::new(),
        launcher_label: None,
        greeting: None,
    }
}

pub(crate) fn page() -> Page {
    Page {
        source_page: "https://spa.example/book?email=a@b.co#top".into(),
        industry: "spa".into(),
    }
}

pub(crate) fn start(config: Config) -> Conversation {
    Conversation::new(config, page(), Lang::En.strings())
}

pub(crate) fn start_es(config: Config) -> Conversation {
    Conversation::new(config, page(), Lang::Es.strings())
}

pub(crate) fn say(c: &mut Conversation, text: &str) -> Effect {
    c.update(Input::Answer(text.into()))
}

/// Everything the assistant said, in order.
pub(crate) fn bot_lines(c: &Conversation) -> Vec<&str> {
    c.transcript()
        .iter()
        .filter(|m| m.from == Speaker::Bot)
        .map(|m| m.text.as_str())
        .collect()
}

pub(crate) fn last_bot(c: &Conversation) -> &str {
    c.transcript()
        .iter()
        .rev()
        .find(|m| m.from == Speaker::Bot)
        .map(|m| m.text.as_str())
        .unwrap_or("")
}

pub(crate) fn created(id: &str) -> SendOutcome {
    SendOutcome::Created {
        handoff_id: id.into(),
        continue_url: Some(format!("http://127.0.0.1:8787/r/{id}")),
        provider_name: Some("Calendly".into()),
        copy: Some(copy::handoff_copy(Lang::En.strings(), Some("Calendly"))),
        disclaimer: None,
    }
}

/// Answers everything after a sentence that named service and time.
pub(crate) fn to_summary(c: &mut Conversation) {
    say(c, "can I book a massage Friday afternoon?");
    say(c, "Ada Lovelace");
    say(c, "ada@example.com");
    c.update(Input::Skip);
    assert_eq!(c.card(), Card::Summary(c.summary()));
}

pub(crate) fn to_summary_es(c: &mut Conversation) {
    say(c, "quiero reservar un masaje el viernes por la tarde");
    say(c, "Ada Lovelace");
    say(c, "ada@example.com");
    c.update(Input::Skip);
    assert_eq!(c.card(), Card::Summary(c.summary()));
}

pub(crate) fn spa_es() -> Config {
    Config {
        business_name: "Spa Marina".into(),
        services: vec!["Masaje".into(), "Facial".into()],
        ..spa()
    }
}

pub(crate) const WORDING: &str = "I agree that Seaside Day Spa may contact me about my booking.";

pub(crate) fn with_consent() -> Config {
    Config {
        consent: Some(WORDING.into()),
        ..spa()
    }
}
