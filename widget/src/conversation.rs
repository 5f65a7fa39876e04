//! The booking dialogue as a pure state machine: which question comes next, what the visitor
//! answered, what the panel shows. No DOM and no network here, so the whole dialogue is tested
//! natively; `view` draws a [`Conversation`] and `lib` feeds it [`Input`]s and runs its [`Effect`]s.
//!
//! Every answer is validated with `handoff_core::lead`, the same rules the server applies.
//! Every sentence comes from the visitor's language catalogue (`handoff_core::i18n`), joined
//! with `concat`/`fill` rather than `format!`: formatting code costs wasm bytes.

use handoff_core::copy;
use handoff_core::i18n::{fill, Lang, Strings};
use handoff_core::intent;
use handoff_core::lead::{self, Contact, Field, Problem};

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
    pub fn contact_links(&self, lang: Lang) -> Vec<ContactLink> {
        let t = lang.strings();
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

/// Work for the caller after an update.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    None,
    /// POST [`Conversation::request`]; feed the answer back as [`Input::Sent`].
    Send,
    /// The handoff was stored: tell the host page (id only, never personal data).
    Captured {
        handoff_id: String,
    },
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

impl Chip<'_> {
    pub fn input(&self) -> Input {
        if self.skip {
            Input::Skip
        } else {
            Input::Answer(self.label.to_string())
        }
    }
}

/// How the answer box is labelled while a question is open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Prompt {
    /// Text of the visually hidden `<label>`.
    pub label: &'static str,
    pub autocomplete: &'static str,
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

#[derive(Clone, Debug, PartialEq)]
enum State {
    Asking(Step),
    Summary {
        consent_error: Option<String>,
    },
    Sending,
    Done {
        handoff_id: String,
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

#[derive(Clone, Debug, Default, PartialEq)]
struct Answers {
    service: Option<String>,
    time: Option<String>,
    name: Option<String>,
    contact: Option<Contact>,
    notes: Option<String>,
    /// Notes are optional: answered (or skipped) is not the same as "has notes".
    notes_done: bool,
    /// The consent box is ticked (asked only when the business requires consent).
    agreed: bool,
}

pub struct Conversation {
    config: Config,
    page: Page,
    lang: Lang,
    state: State,
    answers: Answers,
    transcript: Vec<Message>,
    /// Bumped on restart so the view knows to clear the log instead of appending to it.
    generation: u32,
    last_invalid: bool,
}

impl Conversation {
    pub fn new(config: Config, page: Page, lang: Lang) -> Self {
        let mut convo = Conversation {
            config,
            page,
            lang,
            state: State::Asking(Step::Intro),
            answers: Answers::default(),
            transcript: Vec::new(),
            generation: 0,
            last_invalid: false,
        };
        if convo.config.booking_available {
            convo.ask(Step::Intro);
        } else {
            convo.state = State::Unavailable {
                message: lang.strings().booking_unavailable.to_string(),
            };
        }
        convo
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The visitor's language catalogue.
    pub fn t(&self) -> &'static Strings {
        self.lang.strings()
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
                if self.config.consent.is_some() && !self.answers.agreed {
                    self.state = State::Summary {
                        consent_error: Some(self.t().consent_required.to_string()),
                    };
                    return Effect::None;
                }
                self.state = State::Sending;
                return Effect::Send;
            }
            // The box keeps its own state in the page; nothing to redraw.
            (State::Summary { .. }, Input::Agree(agreed)) => self.answers.agreed = agreed,
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
        self.config.consent.is_some() && self.answers.agreed
    }

    /// The consent line, while the summary is shown and the business requires one.
    pub fn consent(&self) -> Option<Consent<'_>> {
        match (&self.state, &self.config.consent) {
            (State::Summary { consent_error }, Some(text)) => Some(Consent {
                text,
                agreed: self.answers.agreed,
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
        let (label, autocomplete) = match self.step()? {
            Step::Intro | Step::Service => (t.prompt_service, "off"),
            Step::Time => (t.prompt_time, "off"),
            Step::Name => (t.prompt_name, "name"),
            Step::Contact => (t.prompt_contact, "email"),
            Step::Notes => (t.prompt_notes, "off"),
        };
        Some(Prompt {
            label,
            autocomplete,
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
        let label = |field: Field| field.label(self.lang);
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

    fn answer(&mut self, step: Step, text: &str) {
        let (t, lang) = (self.t(), self.lang);
        let problem = move |p: Problem| p.message(lang);
        let result = match step {
            Step::Intro => self.answer_intro(text),
            Step::Service => self.answer_service(text),
            Step::Time => {
                required(lang, Field::PreferredDateTimeText, text, t.need_time).map(|time| {
                    self.answers.time = Some(time);
                })
            }
            // An empty name is refused by core itself ("Please tell us your name.").
            Step::Name => required(lang, Field::CustomerName, text, "").map(|name| {
                self.answers.name = Some(name);
            }),
            Step::Contact => lead::parse_contact(text)
                .map(|contact| {
                    self.answers.contact = Some(contact);
                })
                .map_err(problem),
            Step::Notes => lead::check_field(Field::Notes, text)
                .map(|notes| {
                    self.answers.notes = notes;
                    self.answers.notes_done = true;
                })
                .map_err(problem),
        };
        match result {
            Ok(()) => {
                self.last_invalid = false;
                self.advance();
            }
            Err(message) => {
                self.last_invalid = true;
                self.transcript.push(Message {
                    from: Speaker::Bot,
                    text: message.to_string(),
                    invalid: true,
                });
            }
        }
    }

    /// The greeting takes a sentence: `intent::detect` picks out a listed service and a time.
    /// A sentence about booking without a recognised service leaves the service to ask for;
    /// anything else ("a haircut") is taken as the service itself.
    fn answer_intro(&mut self, text: &str) -> Result<(), &'static str> {
        let services: Vec<&str> = self.config.services.iter().map(String::as_str).collect();
        let found = intent::detect(text, &services);
        let time = found.time_text.as_deref().and_then(|t| {
            lead::check_field(Field::PreferredDateTimeText, t)
                .ok()
                .flatten()
        });
        if found.service.is_none() && !found.wants_booking && time.is_none() {
            return self.answer_service(text);
        }
        let heard = match (&found.service, &time) {
            (Some(service), Some(time)) => Some([service, ", ", time].concat()),
            (Some(one), None) | (None, Some(one)) => Some(one.clone()),
            (None, None) => None,
        };
        if let Some(heard) = heard {
            self.say(Speaker::Bot, &fill(self.t().heard, &heard));
        }
        self.answers.service = found.service;
        self.answers.time = time;
        Ok(())
    }

    /// A listed service is matched by name (so "massages" picks "Massage"); otherwise the
    /// visitor's own words are the service.
    fn answer_service(&mut self, text: &str) -> Result<(), &'static str> {
        let services: Vec<&str> = self.config.services.iter().map(String::as_str).collect();
        let service = match intent::detect(text, &services).service {
            Some(listed) => listed,
            None => required(
                self.lang,
                Field::RequestedService,
                text,
                self.t().need_service,
            )?,
        };
        self.answers.service = Some(service);
        Ok(())
    }

    /// Ask the first missing question, or show the summary when nothing is missing.
    fn advance(&mut self) {
        let a = &self.answers;
        let next = if a.service.is_none() {
            Some(Step::Service)
        } else if a.time.is_none() {
            Some(Step::Time)
        } else if a.name.is_none() {
            Some(Step::Name)
        } else if a.contact.is_none() {
            Some(Step::Contact)
        } else if !a.notes_done {
            Some(Step::Notes)
        } else {
            None
        };
        match next {
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
            Step::Intro => (t.greeting, business),
            Step::Service => (t.ask_service, ""),
            Step::Time if self.config.request_only => (t.ask_time_request_only, business),
            Step::Time => (t.ask_time, copy::provider_or_page(self.lang, provider)),
            Step::Name => (t.ask_name, ""),
            Step::Contact => (t.ask_contact, ""),
            Step::Notes => (t.ask_notes, business),
        };
        fill(template, value)
    }

    fn sent(&mut self, outcome: SendOutcome) -> Effect {
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
                let copy = copy.filter(|c| !c.trim().is_empty()).unwrap_or_else(|| {
                    if continue_url.is_some() {
                        let provider = provider_name.or_else(|| self.config.provider_name.clone());
                        copy::handoff_copy(self.lang, provider.as_deref())
                    } else {
                        copy::request_only_copy(self.lang, &self.config.business_name)
                    }
                });
                let disclaimer = continue_url
                    .as_ref()
                    .and(disclaimer.or_else(|| self.config.disclaimer.clone()))
                    .filter(|d| !d.trim().is_empty());
                self.say(Speaker::Bot, self.t().sent);
                self.state = State::Done {
                    handoff_id: handoff_id.clone(),
                    copy,
                    continue_url,
                    disclaimer,
                    embed: self.config.embed,
                };
                return Effect::Captured { handoff_id };
            }
            SendOutcome::Invalid { field, message } => match step_for(field) {
                Some(step) => {
                    self.forget(step);
                    self.last_invalid = true;
                    self.transcript.push(Message {
                        from: Speaker::Bot,
                        text: message,
                        invalid: true,
                    });
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
                    self.answers.agreed = false;
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

    fn forget(&mut self, step: Step) {
        let a = &mut self.answers;
        match step {
            Step::Intro | Step::Service => a.service = None,
            Step::Time => a.time = None,
            Step::Name => a.name = None,
            Step::Contact => a.contact = None,
            Step::Notes => {
                a.notes = None;
                a.notes_done = false;
            }
        }
    }

    fn restart(&mut self) {
        self.answers = Answers::default();
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

/// A cleaned, non-empty answer; `empty` is the message when cleaning leaves nothing
/// (the name's own "required" message comes from core).
fn required(
    lang: Lang,
    field: Field,
    raw: &str,
    empty: &'static str,
) -> Result<String, &'static str> {
    match lead::check_field(field, raw).map_err(|p| p.message(lang))? {
        Some(value) => Ok(value),
        None => Err(empty),
    }
}

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

    fn spa() -> Config {
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
        }
    }

    fn page() -> Page {
        Page {
            source_page: "https://spa.example/book?email=a@b.co#top".into(),
            industry: "spa".into(),
        }
    }

    fn start(config: Config) -> Conversation {
        Conversation::new(config, page(), Lang::En)
    }

    fn start_es(config: Config) -> Conversation {
        Conversation::new(config, page(), Lang::Es)
    }

    fn say(c: &mut Conversation, text: &str) -> Effect {
        c.update(Input::Answer(text.into()))
    }

    /// Everything the assistant said, in order.
    fn bot_lines(c: &Conversation) -> Vec<&str> {
        c.transcript()
            .iter()
            .filter(|m| m.from == Speaker::Bot)
            .map(|m| m.text.as_str())
            .collect()
    }

    fn last_bot(c: &Conversation) -> &str {
        c.transcript()
            .iter()
            .rev()
            .find(|m| m.from == Speaker::Bot)
            .map(|m| m.text.as_str())
            .unwrap_or("")
    }

    fn created(id: &str) -> SendOutcome {
        SendOutcome::Created {
            handoff_id: id.into(),
            continue_url: Some(format!("http://127.0.0.1:8787/r/{id}")),
            provider_name: Some("Calendly".into()),
            copy: Some(copy::handoff_copy(Lang::En, Some("Calendly"))),
            disclaimer: None,
        }
    }

    /// Answers everything after a sentence that named service and time.
    fn to_summary(c: &mut Conversation) {
        say(c, "can I book a massage Friday afternoon?");
        say(c, "Ada Lovelace");
        say(c, "ada@example.com");
        c.update(Input::Skip);
        assert_eq!(c.card(), Card::Summary(c.summary()));
    }

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
    fn a_sentence_with_service_and_time_skips_both_questions() {
        let mut c = start(spa());
        say(&mut c, "can I book a massage Friday afternoon?");
        assert_eq!(c.step(), Some(Step::Name));
        let bots = bot_lines(&c);
        assert!(
            bots.contains(&"Got it: Massage, Friday afternoon."),
            "{bots:?}"
        );
        assert_eq!(last_bot(&c), "What's your name?");
        assert!(bots.iter().all(|b| !b.starts_with("When would you like")));
    }

    #[test]
    fn a_sentence_with_only_a_time_asks_for_the_service_next() {
        let mut c = start(spa());
        say(&mut c, "I'd like an appointment tomorrow at 3pm");
        assert_eq!(c.step(), Some(Step::Service));
        let labels: Vec<&str> = c.chips().iter().map(|chip| chip.label).collect();
        assert_eq!(labels, ["Massage", "Facial"]);
        let facial = c.chips()[1].input();
        c.update(facial);
        assert_eq!(c.step(), Some(Step::Name), "time was already given");
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
    fn a_listed_service_is_matched_by_name_and_other_words_are_kept() {
        let mut c = start(spa());
        say(&mut c, "massages");
        say(&mut c, "next week");
        say(&mut c, "Ada");
        say(&mut c, "ada@example.com");
        say(&mut c, "first visit");
        assert_eq!(
            c.summary(),
            [
                ("Service", "Massage"),
                ("Preferred time", "next week"),
                ("Name", "Ada"),
                ("Email", "ada@example.com"),
                ("Notes", "first visit"),
            ]
        );
        let mut c = start(spa());
        say(&mut c, "Hot stone therapy");
        assert_eq!(c.summary(), [("Service", "Hot stone therapy")]);
    }

    #[test]
    fn every_question_rejects_what_core_rejects_and_asks_again() {
        let mut c = start(spa());
        say(&mut c, "Massage");
        say(&mut c, "\u{7}");
        assert_eq!(
            (c.step(), last_bot(&c)),
            (Some(Step::Time), Lang::En.strings().need_time)
        );
        say(&mut c, "Saturday morning");
        say(&mut c, "12345");
        assert_eq!(c.step(), Some(Step::Name));
        assert_eq!(last_bot(&c), "Please enter a name with letters in it.");
        assert!(c.prompt().is_some_and(|p| p.invalid));
        say(&mut c, &"a".repeat(101));
        assert_eq!(last_bot(&c), "Please keep this under 100 characters.");
        say(&mut c, "Ada");
        assert!(c.prompt().is_some_and(|p| !p.invalid));
        say(&mut c, "ada@example");
        assert_eq!(c.step(), Some(Step::Contact));
        assert_eq!(
            last_bot(&c),
            "Please enter a valid email address, like name@example.com."
        );
        say(&mut c, "12");
        assert_eq!(
            last_bot(&c),
            "Please enter a valid phone number, like (555) 123-4567."
        );
        say(&mut c, "(555) 123-4567");
        assert_eq!(c.step(), Some(Step::Notes));
        say(&mut c, &"n".repeat(1001));
        assert_eq!(last_bot(&c), "Please keep this under 1000 characters.");
        say(&mut c, "Quiet room please");
        assert_eq!(c.card(), Card::Summary(c.summary()));
        assert!(c.summary().contains(&("Phone", "(555) 123-4567")));
    }

    #[test]
    fn each_rejection_shows_cores_own_message() {
        let mut c = start(spa());
        say(&mut c, "Massage Friday");
        say(&mut c, "Ada");
        say(&mut c, "not an email@");
        let expected = lead::parse_contact("not an email@").unwrap_err();
        assert_eq!(last_bot(&c), expected.message(Lang::En));
        assert!(c.transcript().last().is_some_and(|m| m.invalid));
    }

    #[test]
    fn card_shaped_digits_are_refused_as_a_phone_number() {
        let mut c = start(spa());
        say(&mut c, "Massage Friday");
        say(&mut c, "Ada");
        say(&mut c, "4111 1111 1111 1111");
        assert_eq!(c.step(), Some(Step::Contact));
        assert!(last_bot(&c).starts_with("That looks like a card number."));
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
        let links = c.config().contact_links(Lang::En);
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
    fn contact_links_only_for_what_is_configured_and_valid() {
        let only_email = start(Config {
            contact_phone: None,
            ..spa()
        });
        assert_eq!(only_email.config().contact_links(Lang::En).len(), 1);
        assert!(!only_email.config().contact_links(Lang::En)[0].is_phone);
        let broken = start(Config {
            contact_phone: Some("call us".into()),
            contact_email: Some("x@y?cc=z".into()),
            ..spa()
        });
        assert!(broken.config().contact_links(Lang::En).is_empty());
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

    fn to_summary_es(c: &mut Conversation) {
        say(c, "quiero reservar un masaje el viernes por la tarde");
        say(c, "Ada Lovelace");
        say(c, "ada@example.com");
        c.update(Input::Skip);
        assert_eq!(c.card(), Card::Summary(c.summary()));
    }

    fn spa_es() -> Config {
        Config {
            business_name: "Spa Marina".into(),
            services: vec!["Masaje".into(), "Facial".into()],
            ..spa()
        }
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
                .contact_links(Lang::Es)
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

    const WORDING: &str = "I agree that Seaside Day Spa may contact me about my booking.";

    fn with_consent() -> Config {
        Config {
            consent: Some(WORDING.into()),
            ..spa()
        }
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
