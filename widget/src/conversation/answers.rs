//! Reading what the visitor typed: [`read`] takes one answer to one question and stores the
//! slots of the lead it gives in [`Answers`], or says why it was refused.
//!
//! This is the seam where understanding grows: `read` sees the question, the whole answer
//! and every slot, and may fill any slot it finds (the greeting already takes service and
//! time from one sentence); the dialogue only asks for what is still missing. Every value is
//! validated with `handoff_core::lead`, the same rules the server applies.

use handoff_core::i18n::Strings;
use handoff_core::intent;
use handoff_core::lead::{self, Contact, Field, Problem};

use super::model::Step;

/// The lead's slots as the dialogue fills them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Answers {
    pub service: Option<String>,
    pub time: Option<String>,
    pub name: Option<String>,
    pub contact: Option<Contact>,
    pub notes: Option<String>,
    /// Notes are optional: answered (or skipped) is not the same as "has notes".
    pub notes_done: bool,
}

impl Answers {
    /// The first question still unanswered, in the order they are asked.
    pub fn missing(&self) -> Option<Step> {
        if self.service.is_none() {
            Some(Step::Service)
        } else if self.time.is_none() {
            Some(Step::Time)
        } else if self.name.is_none() {
            Some(Step::Name)
        } else if self.contact.is_none() {
            Some(Step::Contact)
        } else if !self.notes_done {
            Some(Step::Notes)
        } else {
            None
        }
    }

    /// Empties the slot `step` asks for, so it is asked again.
    pub fn forget(&mut self, step: Step) {
        match step {
            Step::Intro | Step::Service => self.service = None,
            Step::Time => self.time = None,
            Step::Name => self.name = None,
            Step::Contact => self.contact = None,
            Step::Notes => {
                self.notes = None;
                self.notes_done = false;
            }
        }
    }
}

/// Reads one answer to the question `step` (among the business's `services`) into
/// `answers`. `Ok` carries what was picked out of a sentence rather than taken as typed, to
/// say back ("Massage, Friday afternoon"); `Err` the message to show, from the visitor's catalogue `t`, and then
/// nothing was stored. The text is not blank (the dialogue ignores blank answers).
pub fn read(
    step: Step,
    text: &str,
    services: &[String],
    t: &'static Strings,
    answers: &mut Answers,
) -> Result<Option<String>, &'static str> {
    let problem = move |p: Problem| p.message(t);
    match step {
        Step::Intro => return intro(text, services, t, answers),
        Step::Service => answers.service = Some(service(text, services, t)?),
        Step::Time => {
            let time = required(t, Field::PreferredDateTimeText, text, t.need_time)?;
            answers.time = Some(time);
        }
        // An empty name is refused by core itself ("Please tell us your name.").
        Step::Name => answers.name = Some(required(t, Field::CustomerName, text, "")?),
        Step::Contact => answers.contact = Some(lead::parse_contact(text).map_err(problem)?),
        Step::Notes => {
            answers.notes = lead::check_field(Field::Notes, text).map_err(problem)?;
            answers.notes_done = true;
        }
    }
    Ok(None)
}

/// The greeting takes a sentence: `intent::detect` picks out a listed service and a time.
/// A sentence about booking without a recognised service leaves the service to ask for;
/// anything else ("a haircut") is taken as the service itself.
fn intro(
    text: &str,
    services: &[String],
    t: &'static Strings,
    answers: &mut Answers,
) -> Result<Option<String>, &'static str> {
    let found = detect(text, services);
    let time = found.time_text.as_deref().and_then(|t| {
        lead::check_field(Field::PreferredDateTimeText, t)
            .ok()
            .flatten()
    });
    if found.service.is_none() && !found.wants_booking && time.is_none() {
        answers.service = Some(service(text, services, t)?);
        return Ok(None);
    }
    let heard = match (&found.service, &time) {
        (Some(service), Some(time)) => Some([service, ", ", time].concat()),
        (Some(one), None) | (None, Some(one)) => Some(one.clone()),
        (None, None) => None,
    };
    answers.service = found.service;
    answers.time = time;
    Ok(heard)
}

/// A listed service is matched by name (so "massages" picks "Massage"); otherwise the
/// visitor's own words are the service.
fn service(text: &str, services: &[String], t: &'static Strings) -> Result<String, &'static str> {
    match detect(text, services).service {
        Some(listed) => Ok(listed),
        None => required(t, Field::RequestedService, text, t.need_service),
    }
}

fn detect(text: &str, services: &[String]) -> intent::Intent {
    let services: Vec<&str> = services.iter().map(String::as_str).collect();
    intent::detect(text, &services)
}

/// A cleaned, non-empty answer; `empty` is the message when cleaning leaves nothing
/// (the name's own "required" message comes from core).
fn required(
    t: &'static Strings,
    field: Field,
    raw: &str,
    empty: &'static str,
) -> Result<String, &'static str> {
    match lead::check_field(field, raw).map_err(|p| p.message(t))? {
        Some(value) => Ok(value),
        None => Err(empty),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversation::testing::*;
    use crate::conversation::*;
    use handoff_core::i18n::Lang;
    use handoff_core::lead::{self, Contact};

    /// The answers after reading `text` as the first answer to `step`, and what was heard.
    fn read_one(step: Step, text: &str) -> Result<(Answers, Option<String>), &'static str> {
        let mut answers = Answers::default();
        let heard = read(
            step,
            text,
            &spa().services,
            Lang::En.strings(),
            &mut answers,
        )?;
        Ok((answers, heard))
    }

    #[test]
    fn an_answer_fills_the_slots_it_names_and_no_others() {
        let only = |answers| Ok((answers, None));
        let cases = [
            (
                Step::Intro,
                "can I book a massage Friday afternoon?",
                Ok((
                    Answers {
                        service: Some("Massage".into()),
                        time: Some("Friday afternoon".into()),
                        ..Answers::default()
                    },
                    Some("Massage, Friday afternoon".into()),
                )),
            ),
            (Step::Intro, "I'd like to book", only(Answers::default())),
            (
                Step::Intro,
                "A haircut",
                only(Answers {
                    service: Some("A haircut".into()),
                    ..Answers::default()
                }),
            ),
            (
                Step::Service,
                "facials",
                only(Answers {
                    service: Some("Facial".into()),
                    ..Answers::default()
                }),
            ),
            (
                Step::Time,
                " next week ",
                only(Answers {
                    time: Some("next week".into()),
                    ..Answers::default()
                }),
            ),
            (
                Step::Name,
                "Ada Lovelace",
                only(Answers {
                    name: Some("Ada Lovelace".into()),
                    ..Answers::default()
                }),
            ),
            (
                Step::Contact,
                "ada@example.com",
                only(Answers {
                    contact: Some(Contact::Email("ada@example.com".into())),
                    ..Answers::default()
                }),
            ),
            (
                Step::Notes,
                "first visit",
                only(Answers {
                    notes: Some("first visit".into()),
                    notes_done: true,
                    ..Answers::default()
                }),
            ),
            (Step::Time, "\u{7}", Err(Lang::En.strings().need_time)),
            (
                Step::Name,
                "12345",
                Err("Please enter a name with letters in it."),
            ),
        ];
        for (step, text, expected) in cases {
            assert_eq!(read_one(step, text), expected, "{step:?} {text:?}");
        }
    }

    #[test]
    fn reading_keeps_what_was_already_answered() {
        let mut answers = Answers {
            service: Some("Massage".into()),
            name: Some("Ada".into()),
            ..Answers::default()
        };
        let services = spa().services;
        assert_eq!(
            read(
                Step::Time,
                "Monday",
                &services,
                Lang::En.strings(),
                &mut answers
            ),
            Ok(None)
        );
        assert_eq!(
            (answers.service.as_deref(), answers.time.as_deref()),
            (Some("Massage"), Some("Monday"))
        );
        assert_eq!(answers.missing(), Some(Step::Contact));
        assert!(read(
            Step::Contact,
            "12",
            &services,
            Lang::En.strings(),
            &mut answers
        )
        .is_err());
        assert_eq!(
            answers.contact, None,
            "nothing stored from a refused answer"
        );
        answers.forget(Step::Name);
        assert_eq!(answers.missing(), Some(Step::Name));
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
        assert_eq!(last_bot(&c), expected.message(Lang::En.strings()));
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
}
