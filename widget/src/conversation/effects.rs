//! What leaves the dialogue and what comes back: the [`Effect`]s `lib` runs after an update,
//! the lead as `POST /api/v1/handoffs` takes it, and what the server answered
//! ([`SendOutcome`]) turned into the dialogue's next state.

use handoff_core::copy;
use handoff_core::lead::{self, Contact, Field};

use super::model::{is_web_url, State, Step};
use super::{Conversation, Speaker};

/// Work for the caller after an update.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    None,
    /// POST [`Conversation::request`]; feed the answer back as [`super::Input::Sent`].
    Send,
    /// The handoff was stored: tell the host page (`handoff_core::events`, never personal data).
    Captured {
        handoff_id: String,
    },
}

/// What `POST /api/v1/handoffs` answered, already read from its JSON by `api`.
#[derive(Clone, Debug, PartialEq)]
pub enum SendOutcome {
    /// 201.
    Created {
        handoff_id: String,
        continue_url: Option<String>,
        provider_name: Option<String>,
        copy: Option<String>,
        disclaimer: Option<String>,
    },
    /// 422: the first field the server rejected, with its message.
    Invalid { field: Field, message: String },
    /// 422 on `consentGiven` alone: the business requires consent (perhaps since the config
    /// was read). `consent` is its wording from a freshly read config, when there is one.
    NeedsConsent {
        message: String,
        consent: Option<String>,
    },
    /// 409.
    Unavailable { message: Option<String> },
    /// 429.
    RateLimited { message: Option<String> },
    /// 5xx, an unexpected answer, or no answer at all.
    Failed { fallback_url: Option<String> },
}

impl Conversation {
    /// The lead as the API expects it (`Field::json_name` keys); empty fields are left out.
    pub fn request(&self) -> Vec<(Field, String)> {
        let a = &self.answers;
        let (email, phone) = match &a.contact {
            Some(Contact::Email(e)) => (Some(e.clone()), None),
            Some(Contact::Phone(p)) => (None, Some(p.clone())),
            None => (None, None),
        };
        // System fields never fail validation; cleaning drops a query string from the page URL.
        let system = |field, raw: &str| lead::check_field(field, raw).ok().flatten();
        [
            (Field::CustomerName, a.name.clone()),
            (Field::CustomerEmail, email),
            (Field::CustomerPhone, phone),
            (Field::RequestedService, a.service.clone()),
            (Field::PreferredDateTimeText, a.time.clone()),
            (Field::Notes, a.notes.clone()),
            (
                Field::SourcePage,
                system(Field::SourcePage, &self.page.source_page),
            ),
            (
                Field::Industry,
                system(Field::Industry, &self.page.industry),
            ),
        ]
        .into_iter()
        .filter_map(|(field, value)| value.filter(|v| !v.is_empty()).map(|v| (field, v)))
        .collect()
    }

    /// `consentGiven` for the request: true only when the business requires consent and
    /// the visitor agreed (otherwise the field is not sent at all).
    pub fn consent_given(&self) -> bool {
        self.config.consent.is_some() && self.agreed
    }

    pub(super) fn sent(&mut self, outcome: SendOutcome) -> Effect {
        match outcome {
            SendOutcome::Created {
                handoff_id,
                continue_url,
                provider_name,
                copy,
                disclaimer,
            } => {
                // Only a web link becomes an href: anything else would be a script URL.
                let continue_url =
                    continue_url.filter(|u| is_web_url(u) && !self.config.request_only);
                let provider = provider_name.or_else(|| self.config.provider_name.clone());
                let copy = copy.filter(|c| !c.trim().is_empty()).unwrap_or_else(|| {
                    if continue_url.is_some() {
                        copy::handoff_copy(self.t, provider.as_deref())
                    } else {
                        copy::request_only_copy(self.t, &self.config.business_name)
                    }
                });
                let disclaimer = continue_url
                    .as_ref()
                    .and(disclaimer.or_else(|| self.config.disclaimer.clone()))
                    .filter(|d| !d.trim().is_empty());
                self.say(Speaker::Bot, self.t().sent);
                self.state = State::Done {
                    handoff_id: handoff_id.clone(),
                    provider,
                    copy,
                    continue_url,
                    disclaimer,
                    embed: self.config.embed,
                };
                return Effect::Captured { handoff_id };
            }
            SendOutcome::Invalid { field, message } => match step_for(field) {
                Some(step) => {
                    self.answers.forget(step);
                    self.refuse(message);
                    self.ask(step);
                }
                None => self.fail(None),
            },
            SendOutcome::NeedsConsent { message, consent } => {
                if consent.is_some() {
                    self.config.consent = consent;
                }
                // Back to the summary, the box unticked and the server's reason under it.
                // Without any wording to agree to, the direct link is the way forward.
                if self.config.consent.is_some() {
                    self.agreed = false;
                    self.state = State::Summary {
                        consent_error: Some(message),
                    };
                } else {
                    self.fail(None);
                }
            }
            SendOutcome::Unavailable { message } => {
                self.state = State::Unavailable {
                    message: message.unwrap_or_else(|| self.t().booking_unavailable.to_string()),
                };
            }
            SendOutcome::RateLimited { message } => {
                self.state = State::Failed {
                    message: message.unwrap_or_else(|| self.t().rate_limited.to_string()),
                    direct_url: self.config.direct_url().map(str::to_string),
                };
            }
            SendOutcome::Failed { fallback_url } => self.fail(fallback_url),
        }
        Effect::None
    }

    fn fail(&mut self, fallback_url: Option<String>) {
        let direct_url = fallback_url
            .filter(|u| is_web_url(u))
            .or_else(|| self.config.direct_url().map(str::to_string));
        self.state = State::Failed {
            message: self.t().capture_failed.to_string(),
            direct_url,
        };
    }
}

/// The question that asks for `field`; none for the fields the visitor never types.
fn step_for(field: Field) -> Option<Step> {
    match field {
        Field::RequestedService => Some(Step::Service),
        Field::PreferredDateTimeText => Some(Step::Time),
        Field::CustomerName => Some(Step::Name),
        Field::CustomerEmail | Field::CustomerPhone => Some(Step::Contact),
        Field::Notes => Some(Step::Notes),
        Field::SourcePage | Field::Industry => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversation::testing::*;
    use crate::conversation::*;
    use handoff_core::i18n::Lang;
    use handoff_core::lead::Field;

    #[test]
    fn the_request_carries_the_answers_and_a_query_free_source_page() {
        let mut c = start(spa());
        to_summary(&mut c);
        assert_eq!(
            c.request(),
            [
                (Field::CustomerName, "Ada Lovelace".to_string()),
                (Field::CustomerEmail, "ada@example.com".to_string()),
                (Field::RequestedService, "Massage".to_string()),
                (Field::PreferredDateTimeText, "Friday afternoon".to_string()),
                (Field::SourcePage, "https://spa.example/book".to_string()),
                (Field::Industry, "spa".to_string()),
            ]
        );
    }

    #[test]
    fn confirming_sends_once_and_success_shows_the_continue_link() {
        let mut c = start(spa());
        to_summary(&mut c);
        assert_eq!(c.update(Input::Confirm), Effect::Send);
        assert_eq!(c.card(), Card::Sending);
        assert_eq!(c.update(Input::Confirm), Effect::None, "no double send");
        assert_eq!(
            c.update(Input::Restart),
            Effect::None,
            "no restart mid-flight"
        );
        let effect = c.update(Input::Sent(created("abcdefghijklmnopqrstuA")));
        assert_eq!(
            effect,
            Effect::Captured {
                handoff_id: "abcdefghijklmnopqrstuA".into()
            }
        );
        assert_eq!(
            c.card(),
            Card::Done {
                copy: "You'll complete your booking on Calendly. We'll be here if you need help.",
                continue_url: Some("http://127.0.0.1:8787/r/abcdefghijklmnopqrstuA"),
                disclaimer: None,
                embed: Embed::Redirect,
            }
        );
        assert_eq!(c.handoff_id(), Some("abcdefghijklmnopqrstuA"));
        assert_eq!(last_bot(&c), "Your request has been sent.");
        assert!(c.prompt().is_none() && c.chips().is_empty());
    }

    #[test]
    fn success_falls_back_to_cores_copy_and_the_configured_disclaimer() {
        let mut c = start(Config {
            disclaimer: Some("Deposits are taken by Calendly.".into()),
            ..spa()
        });
        to_summary(&mut c);
        c.update(Input::Confirm);
        c.update(Input::Sent(SendOutcome::Created {
            handoff_id: "x".into(),
            continue_url: Some("https://edge.example/r/x".into()),
            provider_name: None,
            copy: None,
            disclaimer: None,
        }));
        assert_eq!(
            c.card(),
            Card::Done {
                copy: "You'll complete your booking on Calendly. We'll be here if you need help.",
                continue_url: Some("https://edge.example/r/x"),
                disclaimer: Some("Deposits are taken by Calendly."),
                embed: Embed::Redirect,
            }
        );
    }

    #[test]
    fn a_continue_url_that_is_not_a_web_link_is_never_offered() {
        let mut c = start(spa());
        to_summary(&mut c);
        c.update(Input::Confirm);
        c.update(Input::Sent(SendOutcome::Created {
            handoff_id: "x".into(),
            continue_url: Some("javascript:alert(1)".into()),
            provider_name: None,
            copy: Some("Thanks".into()),
            disclaimer: None,
        }));
        assert!(matches!(
            c.card(),
            Card::Done {
                continue_url: None,
                ..
            }
        ));
    }

    #[test]
    fn request_only_mode_promises_a_follow_up_not_a_booking() {
        let mut c = start(Config {
            request_only: true,
            provider_name: None,
            ..spa()
        });
        say(&mut c, "Facial");
        assert_eq!(
            last_bot(&c),
            "When would you like to come in? A day or a time window is fine — Seaside Day Spa will confirm a time with you."
        );
        say(&mut c, "Monday");
        say(&mut c, "Ada");
        say(&mut c, "+1 555 987 6543");
        c.update(Input::Skip);
        c.update(Input::Confirm);
        c.update(Input::Sent(SendOutcome::Created {
            handoff_id: "x".into(),
            continue_url: None,
            provider_name: None,
            copy: None,
            disclaimer: None,
        }));
        assert_eq!(
            c.card(),
            Card::Done {
                copy: "Thanks! Seaside Day Spa will contact you to arrange a time. This is a request, not a confirmed booking.",
                continue_url: None,
                disclaimer: None,
                embed: Embed::Redirect,
            }
        );
    }

    #[test]
    fn iframe_mode_frames_the_page_and_falls_back_to_the_link_when_it_does_not_load() {
        let sent = |embed| {
            let mut c = start(Config { embed, ..spa() });
            to_summary(&mut c);
            c.update(Input::Confirm);
            c.update(Input::Sent(created("abcdefghijklmnopqrstuA")));
            c
        };
        let embed_of = |c: &Conversation| match c.card() {
            Card::Done {
                embed,
                continue_url,
                ..
            } => {
                assert!(continue_url.is_some());
                embed
            }
            other => panic!("not done: {other:?}"),
        };
        let mut framed = sent(Embed::Frame);
        assert_eq!(embed_of(&framed), Embed::Frame);
        framed.update(Input::FrameFailed);
        assert_eq!(embed_of(&framed), Embed::FrameFailed);
        framed.update(Input::FrameFailed);
        assert_eq!(
            embed_of(&framed),
            Embed::FrameFailed,
            "once failed, stays a link"
        );
        // A provider that forbids framing: the link from the start; a timeout changes nothing.
        let mut blocked = sent(Embed::Blocked);
        blocked.update(Input::FrameFailed);
        assert_eq!(embed_of(&blocked), Embed::Blocked);
        let mut redirect = sent(Embed::Redirect);
        redirect.update(Input::FrameFailed);
        assert_eq!(embed_of(&redirect), Embed::Redirect);
    }

    #[test]
    fn a_409_while_sending_turns_into_the_unavailable_view() {
        let mut c = start(spa());
        to_summary(&mut c);
        c.update(Input::Confirm);
        c.update(Input::Sent(SendOutcome::Unavailable { message: None }));
        assert_eq!(
            c.card(),
            Card::Unavailable {
                message: Lang::En.strings().booking_unavailable
            }
        );
    }

    #[test]
    fn a_422_re_asks_the_rejected_field_then_returns_to_the_summary() {
        let mut c = start(spa());
        to_summary(&mut c);
        c.update(Input::Confirm);
        let message = "Please enter a valid email address, like name@example.com.";
        c.update(Input::Sent(SendOutcome::Invalid {
            field: Field::CustomerEmail,
            message: message.into(),
        }));
        assert_eq!(c.step(), Some(Step::Contact));
        let n = c.transcript().len();
        assert_eq!(c.transcript()[n - 2].text, message);
        assert_eq!(c.transcript()[n - 1].text, Lang::En.strings().ask_contact);
        say(&mut c, "555-123-4567");
        assert_eq!(
            c.card(),
            Card::Summary(c.summary()),
            "only the rejected field is asked"
        );
        assert!(c.summary().contains(&("Phone", "555-123-4567")));
    }

    #[test]
    fn a_422_on_a_system_field_is_a_failure_not_a_question() {
        let mut c = start(spa());
        to_summary(&mut c);
        c.update(Input::Confirm);
        c.update(Input::Sent(SendOutcome::Invalid {
            field: Field::SourcePage,
            message: "?".into(),
        }));
        assert!(matches!(c.card(), Card::Failed { .. }));
    }

    #[test]
    fn a_server_failure_offers_the_direct_link_in_order_of_preference() {
        let mut c = start(spa());
        to_summary(&mut c);
        c.update(Input::Confirm);
        c.update(Input::Sent(SendOutcome::Failed {
            fallback_url: Some("https://provider.example/direct".into()),
        }));
        assert_eq!(
            c.card(),
            Card::Failed {
                message: Lang::En.strings().capture_failed,
                direct_url: Some("https://provider.example/direct"),
            }
        );
        c.update(Input::Retry);
        assert_eq!(c.card(), Card::Summary(c.summary()), "answers are kept");
        c.update(Input::Confirm);
        c.update(Input::Sent(SendOutcome::Failed { fallback_url: None }));
        assert!(matches!(
            c.card(),
            Card::Failed { direct_url: Some(u), .. } if u.starts_with("https://provider.example/book")
        ));
        let mut c = start(Config {
            fallback_url: None,
            ..spa()
        });
        to_summary(&mut c);
        c.update(Input::Confirm);
        c.update(Input::Sent(SendOutcome::Failed { fallback_url: None }));
        assert!(matches!(
            c.card(),
            Card::Failed {
                direct_url: Some("http://127.0.0.1:8787/b/demo-spa"),
                ..
            }
        ));
    }

    #[test]
    fn rate_limiting_shows_the_servers_message_and_the_direct_link() {
        let mut c = start(spa());
        to_summary(&mut c);
        c.update(Input::Confirm);
        c.update(Input::Sent(SendOutcome::RateLimited {
            message: Some("Too many requests. Please wait a minute and try again.".into()),
        }));
        assert_eq!(
            c.card(),
            Card::Failed {
                message: "Too many requests. Please wait a minute and try again.",
                direct_url: Some("https://provider.example/book?utm_source=treasurecoastai"),
            }
        );
    }

    #[test]
    fn an_agreed_capture_carries_consent_given() {
        let mut c = start(with_consent());
        to_summary(&mut c);
        let fields = c.request();
        assert!(!c.consent_given());
        c.update(Input::Agree(true));
        c.update(Input::Confirm);
        assert!(c.consent_given());
        assert_eq!(c.request(), fields, "the answers themselves are unchanged");
        c.update(Input::Sent(created("abcdefghijklmnopqrstuA")));
        assert_eq!(c.handoff_id(), Some("abcdefghijklmnopqrstuA"));
        // Start over: the next request must be agreed to again.
        c.update(Input::Restart);
        to_summary(&mut c);
        assert!(!c.consent_given());
        assert!(c.consent().is_some_and(|line| !line.agreed));
    }

    #[test]
    fn a_server_422_on_consent_returns_to_the_box_with_its_message() {
        // A config read before the business required consent: no box, so the server refuses.
        let mut c = start(spa());
        to_summary(&mut c);
        assert_eq!(c.update(Input::Confirm), Effect::Send);
        let message = "Please tick the box to agree before sending.";
        c.update(Input::Sent(SendOutcome::NeedsConsent {
            message: message.into(),
            consent: Some(WORDING.into()),
        }));
        assert_eq!(c.card(), Card::Summary(c.summary()), "answers are kept");
        assert_eq!(
            c.consent(),
            Some(Consent {
                text: WORDING,
                agreed: false,
                error: Some(message)
            })
        );
        c.update(Input::Agree(true));
        assert_eq!(c.update(Input::Confirm), Effect::Send, "agree and retry");
        assert!(c.consent_given());

        // The wording already known is kept when the fresh config could not be read.
        let mut c = start(with_consent());
        to_summary(&mut c);
        c.update(Input::Agree(true));
        c.update(Input::Confirm);
        c.update(Input::Sent(SendOutcome::NeedsConsent {
            message: "Marca la casilla.".into(),
            consent: None,
        }));
        assert_eq!(
            c.consent(),
            Some(Consent {
                text: WORDING,
                agreed: false,
                error: Some("Marca la casilla.")
            })
        );

        // Nothing to agree to at all: never a dead end, the direct link and Try again.
        let mut c = start(spa());
        to_summary(&mut c);
        c.update(Input::Confirm);
        c.update(Input::Sent(SendOutcome::NeedsConsent {
            message: message.into(),
            consent: None,
        }));
        assert!(matches!(
            c.card(),
            Card::Failed {
                direct_url: Some(_),
                ..
            }
        ));
        c.update(Input::Retry);
        assert_eq!(c.card(), Card::Summary(c.summary()));
    }
}
