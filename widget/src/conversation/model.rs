//! What the dialogue is about and what it shows: the business's public config, the questions
//! and how their answer box is typed in, the transcript's messages, and the parts of the panel
//! (chips, prompt, consent line, card) that `view` draws.

use handoff_core::i18n::{fill, Strings};
use handoff_core::lead::{self, Contact};

/// What the business offers, from `GET /api/v1/widget-config` (public fields only).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Config {
    pub business_name: String,
    /// `bookingMode: "internal"`: the lead is a request the business follows up; no redirect.
    pub request_only: bool,
    pub booking_available: bool,
    pub provider_name: Option<String>,
    pub disclaimer: Option<String>,
    pub services: Vec<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub fallback_url: Option<String>,
    pub hosted_page_url: Option<String>,
    /// How the booking page is shown once the request is stored.
    pub embed: Embed,
    /// The consent line the visitor must agree to before sending, in their language, when
    /// the business requires one (`consent` in the config: its own wording, else ours).
    pub consent: Option<String>,
    /// The business's own look: CSS laid over the widget's stylesheet (`look`, built by
    /// `handoff_core::appearance::widget_css`); empty for today's.
    pub look: String,
    /// The business's own launcher label and greeting, shown as written; `None`: ours.
    pub launcher_label: Option<String>,
    pub greeting: Option<String>,
}

/// The booking page after capture: a link (the default), or framed in the panel when the
/// business chose iframe mode and the server's probe found that the provider allows framing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Embed {
    #[default]
    Redirect,
    Frame,
    /// Iframe mode, but the provider forbids framing: the link, with a word why.
    Blocked,
    /// The frame did not load in time: the link, with a word why.
    FrameFailed,
}

impl Config {
    /// The business's own phone and email, for the contact call-to-action.
    pub fn contact_links(&self, t: &Strings) -> Vec<ContactLink> {
        let mut links = Vec::new();
        if let Some(phone) = self.contact_phone.as_deref() {
            let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
            if digits.len() >= 3 {
                let plus = if phone.trim_start().starts_with('+') {
                    "+"
                } else {
                    ""
                };
                links.push(ContactLink {
                    href: ["tel:", plus, &digits].concat(),
                    label: fill(t.call, phone.trim()),
                    is_phone: true,
                });
            }
        }
        if let Some(email) = self.contact_email.as_deref() {
            if let Ok(Contact::Email(email)) = lead::parse_contact(email) {
                links.push(ContactLink {
                    href: ["mailto:", &email].concat(),
                    label: fill(t.email, &email),
                    is_phone: false,
                });
            }
        }
        links
    }

    /// Where to book without us: the provider's direct link, else the hosted booking page.
    pub fn direct_url(&self) -> Option<&str> {
        [&self.fallback_url, &self.hosted_page_url]
            .into_iter()
            .find_map(|url| url.as_deref().filter(|u| is_web_url(u)))
    }
}

/// Where the widget is embedded; sent with the lead, never shown.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Page {
    pub source_page: String,
    pub industry: String,
}

/// The questions, in the order they are asked. `Intro` is the greeting, which also asks for
/// the service but accepts a whole sentence ("can I book a massage Friday afternoon?").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Intro,
    Service,
    Time,
    Name,
    Contact,
    Notes,
}

impl Step {
    /// What kind of answer the question takes.
    pub fn kind(self) -> AnswerKind {
        match self {
            Step::Intro | Step::Service | Step::Time | Step::Notes => AnswerKind::Text,
            Step::Name => AnswerKind::Name,
            Step::Contact => AnswerKind::Contact,
        }
    }
}

/// The kinds of answer the questions take; each tells the browser how to help type it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnswerKind {
    /// The visitor's own words (service, time, notes): nothing to fill in from a profile.
    Text,
    Name,
    /// An email address or a phone number, whichever the visitor gives.
    Contact,
}

/// The answer box's `autocomplete` and `inputmode`. The box stays `type="text"` for every
/// kind: the contact question takes a phone number too, which `type="email"` would flag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InputHints {
    pub autocomplete: &'static str,
    pub inputmode: &'static str,
}

impl AnswerKind {
    pub fn hints(self) -> InputHints {
        let (autocomplete, inputmode) = match self {
            // "off": a service or a time is not a profile field; the standard keyboard
            // ("none" would hide the on-screen keyboard altogether).
            AnswerKind::Text => ("off", "text"),
            AnswerKind::Name => ("name", "text"),
            // One autofill token only: most visitors have an email saved, and it is what the
            // business prefers. The email keyboard (@ and . at hand) still has digits a tap
            // away, as the text keyboard does, so a phone number is no harder to type.
            AnswerKind::Contact => ("email", "email"),
        };
        InputHints {
            autocomplete,
            inputmode,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Speaker {
    Bot,
    Visitor,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    pub from: Speaker,
    pub text: String,
    /// A validation message rather than a question.
    pub invalid: bool,
}

/// A quick-reply button: a service (or "Book an appointment"), answered as if typed, or
/// the "Skip" of the optional notes question.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Chip<'a> {
    pub label: &'a str,
    pub skip: bool,
}

/// How the answer box is labelled while a question is open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Prompt {
    /// Text of the visually hidden `<label>`.
    pub label: &'static str,
    pub hints: InputHints,
    /// The last answer was rejected.
    pub invalid: bool,
}

/// The consent line under the summary: a checkbox labelled with the business's wording.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Consent<'a> {
    pub text: &'a str,
    pub agreed: bool,
    /// Why sending was refused: ours, or the server's 422 message.
    pub error: Option<&'a str>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContactLink {
    pub href: String,
    pub label: String,
    pub is_phone: bool,
}

/// The part of the panel below the conversation log.
#[derive(Clone, Debug, PartialEq)]
pub enum Card<'a> {
    /// A question is open: only chips and the answer box.
    None,
    Summary(Vec<(&'static str, &'a str)>),
    Sending,
    Done {
        copy: &'a str,
        continue_url: Option<&'a str>,
        disclaimer: Option<&'a str>,
        embed: Embed,
    },
    /// The lead could not be stored (or was rate limited): a message and a direct link.
    Failed {
        message: &'a str,
        direct_url: Option<&'a str>,
    },
    Unavailable {
        message: &'a str,
    },
}

/// Where the dialogue is; the panel's [`Card`] is drawn from it.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum State {
    Asking(Step),
    Summary {
        consent_error: Option<String>,
    },
    Sending,
    Done {
        handoff_id: String,
        /// Where the visitor continues (the route's provider, else the business's), for the
        /// host page's events.
        provider: Option<String>,
        copy: String,
        continue_url: Option<String>,
        disclaimer: Option<String>,
        embed: Embed,
    },
    Failed {
        message: String,
        direct_url: Option<String>,
    },
    Unavailable {
        message: String,
    },
}

/// An absolute http(s) URL: the only kind of server-provided text that becomes an href
/// (a `javascript:` URL from a compromised response must never be clickable).
pub fn is_web_url(url: &str) -> bool {
    let rest = strip_prefix_ignore_case(url, "https://")
        .or_else(|| strip_prefix_ignore_case(url, "http://"));
    rest.is_some_and(|r| !r.is_empty() && !r.starts_with('/'))
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    s.get(..prefix.len())
        .filter(|head| head.eq_ignore_ascii_case(prefix))
        .and_then(|_| s.get(prefix.len()..))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversation::testing::*;
    use handoff_core::i18n::Lang;

    #[test]
    fn each_question_tells_the_browser_what_to_fill_in() {
        let cases = [
            (Step::Intro, ("off", "text")),
            (Step::Service, ("off", "text")),
            (Step::Time, ("off", "text")),
            (Step::Name, ("name", "text")),
            (Step::Contact, ("email", "email")),
            (Step::Notes, ("off", "text")),
        ];
        for (step, (autocomplete, inputmode)) in cases {
            assert_eq!(
                step.kind().hints(),
                InputHints {
                    autocomplete,
                    inputmode
                },
                "{step:?}"
            );
        }
    }

    #[test]
    fn the_open_questions_prompt_carries_its_hints() {
        let mut c = start(spa());
        assert_eq!(c.prompt().map(|p| p.hints), Some(AnswerKind::Text.hints()));
        say(&mut c, "can I book a massage Friday afternoon?");
        assert_eq!(c.prompt().map(|p| p.hints), Some(AnswerKind::Name.hints()));
        say(&mut c, "Ada");
        assert_eq!(
            c.prompt().map(|p| p.hints),
            Some(AnswerKind::Contact.hints())
        );
    }

    #[test]
    fn only_http_and_https_urls_are_links() {
        for ok in [
            "https://a.example/r/x",
            "http://127.0.0.1:8787/b/s",
            "HTTPS://A.EXAMPLE/",
        ] {
            assert!(is_web_url(ok), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "https://",
            "data:text/html,x",
            "//evil.example",
            "https://a.example/\nx",
            "https://a .example",
            "",
        ] {
            assert!(!is_web_url(bad), "{bad}");
        }
    }

    #[test]
    fn contact_links_only_for_what_is_configured_and_valid() {
        let only_email = start(Config {
            contact_phone: None,
            ..spa()
        });
        assert_eq!(
            only_email.config().contact_links(Lang::En.strings()).len(),
            1
        );
        assert!(!only_email.config().contact_links(Lang::En.strings())[0].is_phone);
        let broken = start(Config {
            contact_phone: Some("call us".into()),
            contact_email: Some("x@y?cc=z".into()),
            ..spa()
        });
        assert!(broken.config().contact_links(Lang::En.strings()).is_empty());
    }
}
