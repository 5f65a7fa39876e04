//! The booking dialogue as a pure state machine: which question comes next, what the visitor
//! answered, what the panel shows. No DOM and no network here, so the whole dialogue is tested
//! natively; `view` draws a [`Conversation`] and `lib` feeds it [`Input`]s and runs its [`Effect`]s.
//!
//! [`Conversation::update`] takes one input and says which effect follows; `model` holds what
//! is drawn, `answers` reads what the visitor typed, `effects` what goes to the server and
//! what comes back. Every sentence comes from the visitor's language catalogue
//! (`handoff_core::i18n`), joined with `concat`/`fill` rather than `format!`: formatting code
//! costs wasm bytes.

mod answers;
mod effects;
mod model;
#[cfg(test)]
mod testing;

use handoff_core::copy;
use handoff_core::i18n::{fill, Strings};
use handoff_core::lead::{Contact, Field};

use answers::Answers;
pub use effects::{Effect, SendOutcome};
use model::State;
pub use model::{
    is_web_url, AnswerKind, Card, Chip, Config, Consent, ContactLink, Embed, InputHints, Message,
    Page, Prompt, Speaker, Step,
};

/// What the visitor (or the network, for `Sent`) did.
#[derive(Clone, Debug, PartialEq)]
pub enum Input {
    /// Typed text, or the label of a quick-reply chip.
    Answer(String),
    /// The "Skip" chip of the optional notes question.
    Skip,
    Confirm,
    /// The visitor ticked (or unticked) the consent box.
    Agree(bool),
    Restart,
    /// Back to the summary after a failed send.
    Retry,
    /// The framed booking page did not load in time.
    FrameFailed,
    Sent(SendOutcome),
}

impl Chip<'_> {
    pub fn input(&self) -> Input {
        if self.skip {
            Input::Skip
        } else {
            Input::Answer(self.label.to_string())
        }
    }
}

pub struct Conversation {
    config: Config,
    page: Page,
    /// The visitor's language catalogue, as `widget-config` sent it.
    t: &'static Strings,
    state: State,
    answers: Answers,
    /// The consent box is ticked (asked only when the business requires consent).
    agreed: bool,
    transcript: Vec<Message>,
    /// Bumped on restart so the view knows to clear the log instead of appending to it.
    generation: u32,
    last_invalid: bool,
}

impl Conversation {
    pub fn new(config: Config, page: Page, t: &'static Strings) -> Self {
        let mut convo = Conversation {
            config,
            page,
            t,
            state: State::Asking(Step::Intro),
            answers: Answers::default(),
            agreed: false,
            transcript: Vec::new(),
            generation: 0,
            last_invalid: false,
        };
        if convo.config.booking_available {
            convo.ask(Step::Intro);
        } else {
            convo.state = State::Unavailable {
                message: t.booking_unavailable.to_string(),
            };
        }
        convo
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The visitor's language catalogue.
    pub fn t(&self) -> &'static Strings {
        self.t
    }

    pub fn transcript(&self) -> &[Message] {
        &self.transcript
    }

    pub fn generation(&self) -> u32 {
        self.generation
    }

    /// The open question, if any.
    pub fn step(&self) -> Option<Step> {
        match self.state {
            State::Asking(step) => Some(step),
            _ => None,
        }
    }

    /// The id of the stored handoff once the server accepted it.
    /// The service as far as the visitor has said it.
    pub fn service(&self) -> Option<&str> {
        self.answers.service.as_deref()
    }

    /// The provider the stored handoff leads to (once stored).
    pub fn provider(&self) -> Option<&str> {
        match &self.state {
            State::Done { provider, .. } => provider.as_deref(),
            _ => None,
        }
    }

    pub fn handoff_id(&self) -> Option<&str> {
        match &self.state {
            State::Done { handoff_id, .. } => Some(handoff_id),
            _ => None,
        }
    }

    pub fn update(&mut self, input: Input) -> Effect {
        match (&self.state, input) {
            // Typing "skip" at the optional question is the same as tapping the chip.
            (State::Asking(Step::Notes), Input::Answer(text))
                if text.trim().eq_ignore_ascii_case(self.t().skip) =>
            {
                self.update(Input::Skip);
            }
            (State::Asking(step), Input::Answer(text)) => {
                let step = *step;
                if text.trim().is_empty() {
                    return Effect::None;
                }
                self.say(Speaker::Visitor, text.trim());
                self.answer(step, &text);
            }
            (State::Asking(Step::Notes), Input::Skip) => {
                self.say(Speaker::Visitor, self.t().skip);
                self.answers.notes = None;
                self.answers.notes_done = true;
                self.last_invalid = false;
                self.advance();
            }
            (State::Summary { .. }, Input::Confirm) => {
                if self.config.consent.is_some() && !self.agreed {
                    self.state = State::Summary {
                        consent_error: Some(self.t().consent_required.to_string()),
                    };
                    return Effect::None;
                }
                self.state = State::Sending;
                return Effect::Send;
            }
            // The box keeps its own state in the page; nothing to redraw.
            (State::Summary { .. }, Input::Agree(agreed)) => self.agreed = agreed,
            (State::Sending, Input::Sent(outcome)) => return self.sent(outcome),
            (State::Failed { .. }, Input::Retry) => {
                self.state = State::Summary {
                    consent_error: None,
                }
            }
            (State::Done { embed, .. }, Input::FrameFailed) if *embed == Embed::Frame => {
                if let State::Done { embed, .. } = &mut self.state {
                    *embed = Embed::FrameFailed;
                }
            }
            (State::Sending | State::Unavailable { .. }, Input::Restart) => {}
            (_, Input::Restart) => self.restart(),
            _ => {}
        }
        Effect::None
    }

    /// The consent line, while the summary is shown and the business requires one.
    pub fn consent(&self) -> Option<Consent<'_>> {
        match (&self.state, &self.config.consent) {
            (State::Summary { consent_error }, Some(text)) => Some(Consent {
                text,
                agreed: self.agreed,
                error: consent_error.as_deref(),
            }),
            _ => None,
        }
    }

    pub fn chips(&self) -> Vec<Chip<'_>> {
        let mut chips = Vec::new();
        match self.state {
            State::Asking(Step::Intro) if self.config.services.is_empty() => chips.push(Chip {
                label: self.t().book,
                skip: false,
            }),
            State::Asking(Step::Intro | Step::Service) => {
                for service in &self.config.services {
                    chips.push(Chip {
                        label: service,
                        skip: false,
                    });
                }
            }
            State::Asking(Step::Notes) => chips.push(Chip {
                label: self.t().skip,
                skip: true,
            }),
            _ => {}
        }
        chips
    }

    /// The answer box, shown only while a question is open.
    pub fn prompt(&self) -> Option<Prompt> {
        let t = self.t();
        let step = self.step()?;
        let label = match step {
            Step::Intro | Step::Service => t.prompt_service,
            Step::Time => t.prompt_time,
            Step::Name => t.prompt_name,
            Step::Contact => t.prompt_contact,
            Step::Notes => t.prompt_notes,
        };
        Some(Prompt {
            label,
            hints: step.kind().hints(),
            invalid: self.last_invalid,
        })
    }

    pub fn card(&self) -> Card<'_> {
        match &self.state {
            State::Asking(_) => Card::None,
            State::Summary { .. } => Card::Summary(self.summary()),
            State::Sending => Card::Sending,
            State::Done {
                copy,
                continue_url,
                disclaimer,
                embed,
                ..
            } => Card::Done {
                copy,
                continue_url: continue_url.as_deref(),
                disclaimer: disclaimer.as_deref(),
                embed: *embed,
            },
            State::Failed {
                message,
                direct_url,
            } => Card::Failed {
                message,
                direct_url: direct_url.as_deref(),
            },
            State::Unavailable { message } => Card::Unavailable { message },
        }
    }

    /// The answers as (label, value) rows, in the order they were asked.
    pub fn summary(&self) -> Vec<(&'static str, &str)> {
        let a = &self.answers;
        let label = |field: Field| field.label(self.t);
        let contact = a.contact.as_ref().map(|c| match c {
            Contact::Email(e) => (label(Field::CustomerEmail), e.as_str()),
            Contact::Phone(p) => (label(Field::CustomerPhone), p.as_str()),
        });
        [
            a.service
                .as_deref()
                .map(|v| (label(Field::RequestedService), v)),
            a.time
                .as_deref()
                .map(|v| (label(Field::PreferredDateTimeText), v)),
            a.name.as_deref().map(|v| (label(Field::CustomerName), v)),
            contact,
            a.notes.as_deref().map(|v| (label(Field::Notes), v)),
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    /// Reads the answer into the lead's slots (`answers::read`), says back what was picked
    /// out of a sentence, and moves on; or shows why the answer was refused and asks again.
    fn answer(&mut self, step: Step, text: &str) {
        let services = &self.config.services;
        match answers::read(step, text, services, self.t, &mut self.answers) {
            Ok(heard) => {
                if let Some(heard) = heard {
                    self.say(Speaker::Bot, &fill(self.t().heard, &heard));
                }
                self.last_invalid = false;
                self.advance();
            }
            Err(message) => self.refuse(message.to_string()),
        }
    }

    /// A validation message in the log; the answer box is marked invalid until the next answer.
    fn refuse(&mut self, message: String) {
        self.last_invalid = true;
        self.transcript.push(Message {
            from: Speaker::Bot,
            text: message,
            invalid: true,
        });
    }

    /// Ask the first missing question, or show the summary when nothing is missing.
    fn advance(&mut self) {
        match self.answers.missing() {
            Some(step) => self.ask(step),
            None => {
                self.say(Speaker::Bot, self.t().summary_intro);
                self.state = State::Summary {
                    consent_error: None,
                };
            }
        }
    }

    fn ask(&mut self, step: Step) {
        let question = self.question(step);
        self.say(Speaker::Bot, &question);
        self.state = State::Asking(step);
    }

    fn question(&self, step: Step) -> String {
        let t = self.t();
        let business = self.config.business_name.as_str();
        let provider = self.config.provider_name.as_deref();
        let (template, value) = match step {
            // The business's own greeting is shown as written.
            Step::Intro if self.config.greeting.is_some() => {
                return self.config.greeting.clone().unwrap_or_default()
            }
            Step::Intro => (t.greeting, business),
            Step::Service => (t.ask_service, ""),
            Step::Time if self.config.request_only => (t.ask_time_request_only, business),
            Step::Time => (t.ask_time, copy::provider_or_page(t, provider)),
            Step::Name => (t.ask_name, ""),
            Step::Contact => (t.ask_contact, ""),
            Step::Notes => (t.ask_notes, business),
        };
        fill(template, value)
    }

    fn restart(&mut self) {
        self.answers = Answers::default();
        self.agreed = false;
        self.transcript.clear();
        self.generation = self.generation.wrapping_add(1);
        self.last_invalid = false;
        self.ask(Step::Intro);
    }

    fn say(&mut self, from: Speaker, text: &str) {
        self.transcript.push(Message {
            from,
            text: text.to_string(),
            invalid: false,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversation::testing::*;
    use handoff_core::i18n::Lang;
    use handoff_core::lead::Field;

    #[test]
    fn greets_with_the_business_name_and_offers_its_services() {
        let c = start(spa());
        assert_eq!(
            last_bot(&c),
            "Hi! I can help you book with Seaside Day Spa. What would you like to book?"
        );
        let labels: Vec<&str> = c.chips().iter().map(|chip| chip.label).collect();
        assert_eq!(labels, ["Massage", "Facial"]);
        assert_eq!(c.step(), Some(Step::Intro));
        assert!(c.prompt().is_some());
    }

    #[test]
    fn the_business_greeting_is_shown_as_written_in_every_language() {
        let greeting = "Welcome to {the} spa! What can we do for you?";
        for mut c in [
            start(Config {
                greeting: Some(greeting.into()),
                ..spa()
            }),
            start_es(Config {
                greeting: Some(greeting.into()),
                ..spa()
            }),
        ] {
            assert_eq!(last_bot(&c), greeting, "not filled, not translated");
            // After a restart the business still greets in its own words.
            c.update(Input::Restart);
            assert_eq!(last_bot(&c), greeting);
        }
    }

    #[test]
    fn offers_book_an_appointment_when_there_are_no_services() {
        let mut c = start(Config {
            services: vec![],
            ..spa()
        });
        let chips = c.chips();
        assert_eq!(chips.len(), 1);
        assert_eq!(chips[0].label, "Book an appointment");
        c.update(chips[0].input());
        assert_eq!(c.step(), Some(Step::Service));
        assert_eq!(last_bot(&c), "Which service would you like to book?");
        assert!(c.chips().is_empty(), "no services, so free text only");
        say(&mut c, "A haircut");
        assert_eq!(c.step(), Some(Step::Time));
    }

    #[test]
    fn a_service_chip_then_asks_for_the_time_naming_the_provider() {
        let mut c = start(spa());
        let massage = c.chips()[0].input();
        c.update(massage);
        assert_eq!(c.step(), Some(Step::Time));
        assert_eq!(
            last_bot(&c),
            "When would you like to come in? A day or a time window is fine — Calendly will show what's actually available."
        );
        let mut c = start(Config {
            provider_name: None,
            ..spa()
        });
        say(&mut c, "Facial");
        assert!(last_bot(&c).contains("— the booking page will show what's actually available."));
    }

    #[test]
    fn blank_answers_are_ignored() {
        let mut c = start(spa());
        let before = c.transcript().len();
        assert_eq!(say(&mut c, "   "), Effect::None);
        assert_eq!(c.transcript().len(), before);
        assert_eq!(c.step(), Some(Step::Intro));
    }

    #[test]
    fn notes_can_be_skipped_and_are_then_left_out() {
        let mut c = start(spa());
        say(&mut c, "can I book a massage Friday afternoon?");
        say(&mut c, "Ada");
        say(&mut c, "ada@example.com");
        assert_eq!(c.step(), Some(Step::Notes));
        let chips = c.chips();
        assert_eq!(chips.len(), 1);
        assert_eq!((chips[0].label, chips[0].input()), ("Skip", Input::Skip));
        c.update(Input::Skip);
        assert!(c.summary().iter().all(|(label, _)| *label != "Notes"));
        assert!(c.request().iter().all(|(field, _)| *field != Field::Notes));
        assert_eq!(
            c.transcript().iter().rev().nth(1).map(|m| m.text.as_str()),
            Some("Skip")
        );
    }

    #[test]
    fn typing_skip_is_the_same_as_the_skip_chip() {
        let mut c = start(spa());
        say(&mut c, "can I book a massage Friday afternoon?");
        say(&mut c, "Ada");
        say(&mut c, "ada@example.com");
        say(&mut c, " skip ");
        assert_eq!(c.card(), Card::Summary(c.summary()));
        assert!(c.request().iter().all(|(field, _)| *field != Field::Notes));
    }

    #[test]
    fn unavailable_booking_shows_no_form_only_the_contact_cta() {
        let mut c = start(Config {
            booking_available: false,
            fallback_url: None,
            ..spa()
        });
        assert_eq!(
            c.card(),
            Card::Unavailable {
                message: "Online booking isn't available right now."
            }
        );
        assert!(c.prompt().is_none() && c.chips().is_empty() && c.transcript().is_empty());
        assert_eq!(say(&mut c, "massage"), Effect::None);
        c.update(Input::Restart);
        assert!(matches!(c.card(), Card::Unavailable { .. }));
        let links = c.config().contact_links(Lang::En.strings());
        assert_eq!(
            links,
            [
                ContactLink {
                    href: "tel:+15551234567".into(),
                    label: "Call +1 555 123 4567".into(),
                    is_phone: true
                },
                ContactLink {
                    href: "mailto:hello@example.com".into(),
                    label: "Email hello@example.com".into(),
                    is_phone: false
                },
            ]
        );
    }

    #[test]
    fn start_over_clears_everything_and_greets_again() {
        let mut c = start(spa());
        to_summary(&mut c);
        let generation = c.generation();
        c.update(Input::Restart);
        assert_eq!(c.generation(), generation + 1);
        assert_eq!(c.step(), Some(Step::Intro));
        assert_eq!(c.transcript().len(), 1);
        assert!(c.summary().is_empty());
        say(&mut c, "Facial");
        assert_eq!(
            c.step(),
            Some(Step::Time),
            "nothing from before is remembered"
        );
    }

    #[test]
    fn speaks_spanish_from_greeting_to_the_honest_handoff() {
        let mut c = start_es(spa_es());
        assert_eq!(
            last_bot(&c),
            "¡Hola! Puedo ayudarte a reservar en Spa Marina. ¿Qué te gustaría reservar?"
        );
        assert_eq!(
            c.prompt().map(|p| p.label),
            Some("¿Qué te gustaría reservar?")
        );
        say(&mut c, "Quiero reservar un masaje el viernes por la tarde");
        let bots = bot_lines(&c);
        assert!(
            bots.contains(&"Entendido: Masaje, viernes por la tarde."),
            "{bots:?}"
        );
        assert_eq!(last_bot(&c), "¿Cómo te llamas?");
        say(&mut c, "12345");
        assert_eq!(last_bot(&c), "Escribe un nombre con letras, por favor.");
        say(&mut c, "Ada Lovelace");
        assert_eq!(
            last_bot(&c),
            "¿Cuál es el mejor email o teléfono para contactarte?"
        );
        say(&mut c, "ada@example");
        assert_eq!(
            last_bot(&c),
            "Escribe un email válido, como nombre@ejemplo.com."
        );
        say(&mut c, "ada@example.com");
        assert_eq!(
            last_bot(&c),
            "¿Algo más que Spa Marina deba saber? Es opcional — por favor, no compartas datos \
             de tarjetas ni información médica."
        );
        assert_eq!(c.chips()[0].label, "Omitir");
        say(&mut c, " OMITIR ");
        assert_eq!(
            c.summary(),
            [
                ("Servicio", "Masaje"),
                ("Horario preferido", "viernes por la tarde"),
                ("Nombre", "Ada Lovelace"),
                ("Correo electrónico", "ada@example.com"),
            ]
        );
        assert_eq!(
            last_bot(&c),
            "Esta es tu solicitud. Revísala antes de enviarla."
        );
        c.update(Input::Confirm);
        c.update(Input::Sent(SendOutcome::Created {
            handoff_id: "x".into(),
            continue_url: Some("https://edge.example/r/x".into()),
            provider_name: None,
            copy: None,
            disclaimer: None,
        }));
        assert_eq!(last_bot(&c), "Tu solicitud se ha enviado.");
        assert!(matches!(
            c.card(),
            Card::Done {
                copy: "Completarás tu reserva en Calendly. Aquí estaremos si necesitas ayuda.",
                ..
            }
        ));
    }

    #[test]
    fn spanish_questions_name_the_provider_or_the_business() {
        let mut c = start_es(Config {
            services: vec![],
            provider_name: None,
            ..spa_es()
        });
        assert_eq!(c.chips()[0].label, "Reservar una cita");
        let book = c.chips()[0].input();
        c.update(book);
        assert_eq!(last_bot(&c), "¿Qué servicio te gustaría reservar?");
        say(&mut c, "Un masaje");
        assert_eq!(
            last_bot(&c),
            "¿Cuándo te gustaría venir? Basta con un día o una franja horaria — la página de \
             reservas te mostrará la disponibilidad real."
        );
        say(&mut c, "\u{7}");
        assert_eq!(
            last_bot(&c),
            "Dinos qué día u hora te viene bien, por favor."
        );

        let mut c = start_es(Config {
            request_only: true,
            ..spa_es()
        });
        say(&mut c, "Facial");
        assert_eq!(
            last_bot(&c),
            "¿Cuándo te gustaría venir? Basta con un día o una franja horaria — Spa Marina te \
             confirmará una hora."
        );
        say(&mut c, "el lunes");
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
        assert!(matches!(
            c.card(),
            Card::Done {
                copy: "¡Gracias! Spa Marina se pondrá en contacto contigo para acordar una hora. \
                       Esto es una solicitud, no una reserva confirmada.",
                continue_url: None,
                ..
            }
        ));
    }

    #[test]
    fn every_failure_is_said_in_spanish_with_a_way_forward() {
        let c = start_es(Config {
            booking_available: false,
            ..spa_es()
        });
        assert_eq!(
            c.card(),
            Card::Unavailable {
                message: "La reserva online no está disponible en este momento."
            }
        );
        assert_eq!(
            c.config()
                .contact_links(Lang::Es.strings())
                .iter()
                .map(|l| l.label.as_str())
                .collect::<Vec<_>>(),
            ["Llamar al +1 555 123 4567", "Escribir a hello@example.com"]
        );

        let mut c = start_es(spa_es());
        to_summary_es(&mut c);
        c.update(Input::Confirm);
        c.update(Input::Sent(SendOutcome::Failed { fallback_url: None }));
        assert!(matches!(
            c.card(),
            Card::Failed {
                message: "Lo sentimos, no hemos podido guardar tu solicitud. Aún puedes reservar \
                          directamente:",
                direct_url: Some(_),
            }
        ));
        c.update(Input::Retry);
        c.update(Input::Confirm);
        c.update(Input::Sent(SendOutcome::RateLimited { message: None }));
        assert!(matches!(
            c.card(),
            Card::Failed {
                message: "Demasiadas solicitudes. Espera un minuto y vuelve a intentarlo.",
                ..
            }
        ));
        let mut c = start_es(spa_es());
        to_summary_es(&mut c);
        c.update(Input::Confirm);
        c.update(Input::Sent(SendOutcome::Unavailable { message: None }));
        assert_eq!(
            c.card(),
            Card::Unavailable {
                message: "La reserva online no está disponible en este momento."
            }
        );
    }

    #[test]
    fn without_a_consent_line_nothing_changes() {
        let mut c = start(spa());
        to_summary(&mut c);
        assert_eq!(c.consent(), None, "no box to tick");
        assert_eq!(c.update(Input::Confirm), Effect::Send);
        assert!(!c.consent_given(), "consentGiven is not sent");
        let mut c = start(spa());
        to_summary(&mut c);
        c.update(Input::Agree(true));
        assert!(!c.consent_given(), "not even after a stray tick");
    }

    #[test]
    fn a_required_consent_line_refuses_to_send_until_ticked() {
        let mut c = start(with_consent());
        assert_eq!(c.consent(), None, "only shown with the summary");
        to_summary(&mut c);
        assert_eq!(
            c.consent(),
            Some(Consent {
                text: WORDING,
                agreed: false,
                error: None
            })
        );
        let before = c.transcript().len();
        assert_eq!(c.update(Input::Confirm), Effect::None, "refused");
        assert_eq!(c.card(), Card::Summary(c.summary()), "still the summary");
        assert_eq!(
            c.consent().and_then(|line| line.error),
            Some("Please tick the box to agree before sending.")
        );
        assert_eq!(
            c.transcript().len(),
            before,
            "said at the box, not in the log"
        );
        c.update(Input::Agree(true));
        c.update(Input::Agree(false));
        assert_eq!(c.update(Input::Confirm), Effect::None, "unticked again");
        c.update(Input::Agree(true));
        assert!(c.consent().is_some_and(|line| line.agreed));
        assert_eq!(c.update(Input::Confirm), Effect::Send);
        assert_eq!(c.card(), Card::Sending);
    }

    #[test]
    fn the_consent_refusal_is_said_in_spanish() {
        let mut c = start_es(Config {
            consent: Some("Acepto que Spa Marina me contacte.".into()),
            ..spa_es()
        });
        to_summary_es(&mut c);
        c.update(Input::Confirm);
        assert_eq!(
            c.consent().and_then(|line| line.error),
            Some("Marca la casilla para aceptar antes de enviar, por favor.")
        );
        assert_eq!(
            c.consent().map(|line| line.text),
            Some("Acepto que Spa Marina me contacte.")
        );
    }
}
