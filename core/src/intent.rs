//! Booking-intent detection in what a visitor types: do they want to book, which of the
//! business's services, and when (in their own words). English and Spanish alike, whatever
//! language the widget speaks (visitors write in their own). Hand-written scanners, no regex.
//!
//! Spanish words are listed with and without accents: visitors on phones often leave them out,
//! and [`fold_case`] lowercases but keeps accents ("MIÉRCOLES" is "miércoles", not "miercoles").

use crate::text::char_len;

/// What a visitor's message says about booking.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Intent {
    pub wants_booking: bool,
    /// An entry of the business's service list, exactly as written there.
    pub service: Option<String>,
    /// The visitor's own words for when, e.g. "Friday afternoon".
    pub time_text: Option<String>,
}

/// Beyond this many words a span is more chatter than time; only the time tokens are kept.
const MAX_SPAN_WORDS: usize = 10;

const BOOKING_WORDS: &[&str] = &[
    "book",
    "booking",
    "bookings",
    "appointment",
    "appointments",
    "appt",
    "appts",
    "schedule",
    "reserve",
    "reservation",
    "reservations",
    "slot",
    "slots",
    "availability",
    "available",
    "session",
    "sessions",
    "consultation",
    "consultations",
    // Spanish: "quiero reservar", "pedir cita", "agendar un turno", "¿hay disponibilidad?"
    "reservar",
    "reserva",
    "reservas",
    "reservación",
    "reservacion",
    "reservaciones",
    "cita",
    "citas",
    "turno",
    "turnos",
    "agendar",
    "disponibilidad",
    "disponible",
    "disponibles",
    "hueco",
    "huecos",
    "sesión",
    "sesion",
    "sesiones",
];
/// "hora" alone is too common ("¿a qué hora abren?"); "pedir hora" is Spain's "book".
const BOOKING_PHRASES: &[[&str; 2]] = &[["come", "in"], ["sign", "up"], ["pedir", "hora"]];

const WEEKDAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];
const WEEKDAY_SHORT: &[&str] = &["tues", "weds", "thurs"];
/// Plurals are the same word or take an "s" ("los sábados").
const WEEKDAYS_ES: &[&str] = &[
    "lunes",
    "martes",
    "miércoles",
    "miercoles",
    "jueves",
    "viernes",
    "sábado",
    "sabado",
    "domingo",
];
/// "mañana" is both "tomorrow" and "morning": a time either way.
/// Before a weekday, a part of the day or a week word: "next Friday", "próxima semana".
const NEXT_WORDS: &[&str] = &[
    "next", "this", "próximo", "proximo", "próxima", "proxima", "este", "esta", "pasado",
];
const WEEK_WORDS: &[&str] = &["week", "weekend", "semana", "finde"];
const DAY_PARTS: &[&str] = &[
    "morning",
    "afternoon",
    "evening",
    "mañana",
    "manana",
    "tarde",
    "noche",
];
const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    // Spanish, read in "3 de diciembre" (day first).
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "setiembre",
    "octubre",
    "noviembre",
    "diciembre",
    "ene",
    "abr",
    "ago",
    "dic",
];

/// Reads booking intent, a service from `services` and a time phrase from `text`.
pub fn detect(text: &str, services: &[&str]) -> Intent {
    let words = lower_words(text);
    let service = best_service(&words, services);
    let wants_booking = service.is_some() || mentions_booking(&words);
    Intent {
        wants_booking,
        service,
        time_text: time_text(text),
    }
}

/// Case-folded runs of word chars: "I'd" is ["i", "d"], "Men's Cut" is ["men", "s", "cut"].
fn lower_words(text: &str) -> Vec<String> {
    text.split(|c: char| !is_word_char(c))
        .filter(|w| !w.is_empty())
        .map(fold_case)
        .collect()
}

/// Letters of any script, and ASCII digits. Other numerals (½, ², ٣) separate words like
/// punctuation: no rule here reads them, and `char::is_numeric`'s Unicode table would cost the
/// widget about 0.5 KB gzipped.
fn is_word_char(c: char) -> bool {
    c.is_alphabetic() || c.is_ascii_digit()
}

/// Lowercases ASCII and Latin-1 letters (A–Z, À–Þ except ×) and leaves every other char as
/// typed, so matching ignores case for English and Western European words ("MASSAGE",
/// "Café") but is exact-case elsewhere ("Массаж" matches "Массаж", not "массаж").
///
/// Why not `str::to_lowercase`: its Unicode case tables are about 10 KB gzipped, a quarter of
/// the widget's 40 KB download budget, and the widget runs this very function (the worker
/// does too, so both sides still agree). Every keyword we look for is ASCII, so only service
/// names in other scripts lose case-insensitivity.
fn fold_case(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            // Latin-1's capitals sit 0x20 below their small letters, like ASCII's.
            'A'..='Z' | '\u{C0}'..='\u{DE}' if c != '\u{D7}' => char::from(c as u8 + 0x20),
            c => c,
        })
        .collect()
}

fn mentions_booking(words: &[String]) -> bool {
    words.iter().any(|w| BOOKING_WORDS.contains(&w.as_str()))
        || words.windows(2).any(|pair| {
            BOOKING_PHRASES
                .iter()
                .any(|p| pair[0] == p[0] && pair[1] == p[1])
        })
}

/// The longest (in chars) matching service; the first listed wins a tie.
fn best_service(words: &[String], services: &[&str]) -> Option<String> {
    let mut best: Option<(&str, usize)> = None;
    for service in services {
        let len = char_len(service.trim());
        if best.is_some_and(|(_, best_len)| len <= best_len) {
            continue;
        }
        if service_matches(words, service) {
            best = Some((service, len));
        }
    }
    best.map(|(service, _)| service.to_string())
}

fn service_matches(words: &[String], service: &str) -> bool {
    let name = lower_words(service);
    let Some((last, rest)) = name.split_last() else {
        return false;
    };
    // The name as a phrase, its last word in either number ("deep tissue massages").
    let phrase_found = words.windows(name.len()).any(|window| {
        window.iter().zip(rest).all(|(w, r)| w == r)
            && window.last().is_some_and(|w| same_word(last, w))
    });
    if phrase_found {
        return true;
    }
    // "gel manicure" also matches "a manicure with gel"; short words ("a", "of") don't count.
    let mut significant = name.iter().filter(|w| char_len(w) >= 3).peekable();
    name.len() > 1
        && significant.peek().is_some()
        && significant.all(|w| words.iter().any(|heard| same_word(w, heard)))
}

/// Whether `heard` is `word` itself or its naive plural/singular: a trailing "s" or "es"
/// added or removed (never leaving an empty stem).
fn same_word(word: &str, heard: &str) -> bool {
    let suffixed = |long: &str, short: &str| {
        !short.is_empty()
            && long
                .strip_prefix(short)
                .is_some_and(|s| s == "s" || s == "es")
    };
    heard == word || suffixed(heard, word) || suffixed(word, heard)
}

/// A piece of the text between separators, with its byte range in the original.
struct Token {
    start: usize,
    end: usize,
    lower: String,
}

/// Splits on whitespace and punctuation that never sits inside a time or date, then trims
/// each piece to its word-char core ("3pm?" -> "3pm", "(Friday," -> "Friday").
fn time_tokens(text: &str) -> Vec<Token> {
    const PUNCTUATION: &[char] = &[
        ',', ';', '!', '?', '(', ')', '[', ']', '{', '}', '"', '<', '>', '-', '–', '—', '…',
    ];
    let is_separator = |c: char| c.is_whitespace() || PUNCTUATION.contains(&c);
    let mut tokens = Vec::new();
    let mut piece_start = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        match (piece_start, is_separator(c)) {
            (None, false) => piece_start = Some(i),
            (Some(start), true) => {
                piece_start = None;
                let piece = text.get(start..i).unwrap_or_default();
                let not_word_char = |c: char| !is_word_char(c);
                let core = piece.trim_matches(not_word_char);
                if core.is_empty() {
                    continue;
                }
                let offset = piece.len() - piece.trim_start_matches(not_word_char).len();
                tokens.push(Token {
                    start: start + offset,
                    end: start + offset + core.len(),
                    lower: fold_case(core),
                });
            }
            _ => {}
        }
    }
    tokens
}

fn is_weekday(w: &str) -> bool {
    let listed = |w: &str| WEEKDAYS.contains(&w) || WEEKDAYS_ES.contains(&w);
    listed(w) || WEEKDAY_SHORT.contains(&w) || w.strip_suffix('s').is_some_and(listed)
}

fn is_day_part(w: &str) -> bool {
    DAY_PARTS.contains(&w) || w.strip_suffix('s').is_some_and(|p| DAY_PARTS.contains(&p))
}

fn is_time_word(w: &str) -> bool {
    is_weekday(w)
        || is_day_part(w)
        || matches!(
            w,
            "today"
                | "tonight"
                | "tomorrow"
                | "weekend"
                | "weekends"
                | "noon"
                | "midday"
                | "hoy"
                | "mediodía"
                | "mediodia"
                | "finde"
        )
}

fn is_month(w: &str) -> bool {
    MONTHS.contains(&w)
}

/// 1 or 2 ASCII digits.
fn small_number(w: &str) -> Option<u32> {
    let digits = w.as_bytes();
    let all_digits = digits.iter().all(u8::is_ascii_digit);
    ((1..=2).contains(&digits.len()) && all_digits)
        .then(|| digits.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
}

/// `w` split after its leading ASCII digits ("10:30am" -> "10", ":30am").
fn split_digits(w: &str) -> (&str, &str) {
    let end = w.bytes().take_while(u8::is_ascii_digit).count();
    // Digits are one byte each, so `end` is a char boundary.
    (
        w.get(..end).unwrap_or_default(),
        w.get(end..).unwrap_or_default(),
    )
}

fn is_hour(w: &str) -> bool {
    small_number(w).is_some_and(|h| (1..=12).contains(&h))
}

fn is_am_pm(w: &str) -> bool {
    matches!(w, "am" | "pm" | "a.m" | "p.m")
}

/// "3pm", "10:30", "10:30am": a clock needs two minute digits after a colon, or an am/pm.
fn is_clock(w: &str) -> bool {
    let (hour, rest) = split_digits(w);
    let Some(hour) = small_number(hour) else {
        return false;
    };
    let twelve_hour = (1..=12).contains(&hour);
    let Some(after_colon) = rest.strip_prefix(':') else {
        return twelve_hour && is_am_pm(rest);
    };
    let (minutes, suffix) = split_digits(after_colon);
    let Some(minutes) = small_number(minutes).filter(|_| minutes.len() == 2) else {
        return false;
    };
    match suffix {
        _ if minutes >= 60 => false,
        "" => hour <= 23,
        suffix => twelve_hour && is_am_pm(suffix),
    }
}

fn is_day_of_month(w: &str) -> bool {
    let (day, suffix) = split_digits(w);
    small_number(day).is_some_and(|d| (1..=31).contains(&d))
        && matches!(suffix, "" | "st" | "nd" | "rd" | "th")
}

fn is_ordinal(w: &str) -> bool {
    is_day_of_month(w) && w.ends_with(|c: char| c.is_ascii_alphabetic())
}

fn is_year(w: &str) -> bool {
    w.len() == 4 && w.bytes().all(|b| b.is_ascii_digit())
}

/// "12/3", "12/03/26", "12/03/2026". (Char-set patterns like `['/']` keep the widget's wasm
/// to one string searcher; see `lead`.)
fn is_numeric_date(w: &str) -> bool {
    let mut parts = w.split(['/']);
    let (Some(m), Some(d)) = (parts.next(), parts.next()) else {
        return false;
    };
    let year_ok = match (parts.next(), parts.next()) {
        (None, _) => true,
        (Some(y), None) => (y.len() == 2 || y.len() == 4) && y.bytes().all(|b| b.is_ascii_digit()),
        _ => false,
    };
    small_number(m).is_some_and(|m| (1..=12).contains(&m))
        && small_number(d).is_some_and(|d| (1..=31).contains(&d))
        && year_ok
}

/// How many tokens from `i` form one recognised time expression, if any.
fn time_expression_len(tokens: &[Token], i: usize) -> Option<usize> {
    let word = |k: usize| tokens.get(i + k).map(|t| t.lower.as_str());
    let w0 = word(0)?;
    let w1 = word(1);
    let w2 = word(2);
    let am_pm_follows = |k: usize| word(k).is_some_and(is_am_pm);
    // "next Friday", "this weekend", "el próximo viernes", "esta tarde", "pasado mañana"
    if NEXT_WORDS.contains(&w0)
        && w1.is_some_and(|w| is_weekday(w) || is_day_part(w) || WEEK_WORDS.contains(&w))
    {
        return Some(2);
    }
    // "fin de semana", "este fin de semana", "semana que viene"
    let phrase_at = |k: usize, phrase: [&str; 3]| (0..3).all(|j| word(k + j) == Some(phrase[j]));
    if phrase_at(0, ["fin", "de", "semana"]) || phrase_at(0, ["semana", "que", "viene"]) {
        return Some(3);
    }
    if matches!(w0, "este" | "esta") && phrase_at(1, ["fin", "de", "semana"]) {
        return Some(4);
    }
    // "at 5", "at 5 pm", "at 10:30"; "a las 5", "a la 1", "a las 10:30"; "(sobre) las 5"
    let lead = match (w0, w1) {
        ("a", Some("la" | "las")) => 2,
        ("at" | "la" | "las", _) => 1,
        _ => 0,
    };
    if lead > 0 {
        match word(lead) {
            Some(w) if is_clock(w) => return Some(lead + 1),
            Some(w) if is_hour(w) => return Some(lead + 1 + usize::from(am_pm_follows(lead + 1))),
            _ => {}
        }
    }
    // "3 pm", "10:30 am"
    if (is_hour(w0) || (is_clock(w0) && w0.contains([':']))) && am_pm_follows(1) {
        return Some(2);
    }
    if is_clock(w0) || is_numeric_date(w0) || is_time_word(w0) {
        return Some(1);
    }
    // "Dec 3", "December 3rd", "Dec 3 2026"
    if is_month(w0) && w1.is_some_and(is_day_of_month) {
        return Some(if w2.is_some_and(is_year) { 3 } else { 2 });
    }
    // "3 de diciembre", "3 de dic de 2026"
    if is_day_of_month(w0) && w1 == Some("de") && w2.is_some_and(is_month) {
        let year = word(3) == Some("de") && word(4).is_some_and(is_year);
        return Some(if year { 5 } else { 3 });
    }
    // "the 3rd"
    if w0 == "the" && w1.is_some_and(is_ordinal) {
        return Some(2);
    }
    None
}

fn time_text(text: &str) -> Option<String> {
    let tokens = time_tokens(text);
    let mut found: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        match time_expression_len(&tokens, i) {
            Some(len) => {
                let (first, last) = (&tokens[i], &tokens[i + len - 1]);
                let mut end = last.end;
                // Keep the final dot of "a.m." / "p.m.": it is part of the word, not punctuation.
                let dot_follows = text.get(end..).is_some_and(|rest| rest.starts_with('.'));
                if matches!(last.lower.as_str(), "a.m" | "p.m") && dot_follows {
                    end += 1;
                }
                found.push((first.start, end));
                i += len;
            }
            None => i += 1,
        }
    }
    // Token bounds are char boundaries of `text`, so these `get`s always succeed.
    let span = text.get(found.first()?.0..found.last()?.1)?;
    if span.split_whitespace().count() <= MAX_SPAN_WORDS {
        return Some(span.to_string());
    }
    let mut joined = String::new();
    for &(start, end) in &found {
        for word in text.get(start..end).unwrap_or_default().split_whitespace() {
            if !joined.is_empty() {
                joined.push(' ');
            }
            joined.push_str(word);
        }
    }
    Some(joined)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SERVICES: &[&str] = &[
        "Massage",
        "Deep Tissue Massage",
        "Facial",
        "Haircut",
        "Men's Cut",
        "Gel Manicure",
        "Consultation",
        "Teeth Whitening",
        "Oil Change",
        "Brows",
    ];

    fn intent(wants: bool, service: Option<&str>, time: Option<&str>) -> Intent {
        Intent {
            wants_booking: wants,
            service: service.map(str::to_string),
            time_text: time.map(str::to_string),
        }
    }

    #[test]
    fn detects_intent_in_realistic_phrases() {
        let cases: &[(&str, Intent)] = &[
            (
                "can I book a massage Friday?",
                intent(true, Some("Massage"), Some("Friday")),
            ),
            (
                "can I book a massage Friday afternoon?",
                intent(true, Some("Massage"), Some("Friday afternoon")),
            ),
            (
                "I'd like a facial tomorrow afternoon",
                intent(true, Some("Facial"), Some("tomorrow afternoon")),
            ),
            (
                "do you have availability next week for a haircut",
                intent(true, Some("Haircut"), Some("next week")),
            ),
            ("hi", intent(false, None, None)),
            (
                "tomorrow at 3pm please",
                intent(false, None, Some("tomorrow at 3pm")),
            ),
            (
                "Do you have any appointments on Saturday morning?",
                intent(true, None, Some("Saturday morning")),
            ),
            (
                "I need a deep tissue massage next Tuesday at 10:30am",
                intent(
                    true,
                    Some("Deep Tissue Massage"),
                    Some("next Tuesday at 10:30am"),
                ),
            ),
            (
                "Can I schedule an oil change for 12/3?",
                intent(true, Some("Oil Change"), Some("12/3")),
            ),
            (
                "Is there a slot on Dec 3rd around 2 pm?",
                intent(true, None, Some("Dec 3rd around 2 pm")),
            ),
            ("what are your prices?", intent(false, None, None)),
            (
                "I'd like to come in this weekend",
                intent(true, None, Some("this weekend")),
            ),
            (
                "Can I sign up for a consultation on the 3rd?",
                intent(true, Some("Consultation"), Some("the 3rd")),
            ),
            (
                "teeth whitening tonight or tomorrow evening",
                intent(
                    true,
                    Some("Teeth Whitening"),
                    Some("tonight or tomorrow evening"),
                ),
            ),
            (
                "Book me in for 2 massages at 5",
                intent(true, Some("Massage"), Some("at 5")),
            ),
            ("Are you open on Thurs?", intent(false, None, Some("Thurs"))),
            (
                "RESERVE A SPOT FOR TONIGHT!!",
                intent(true, None, Some("TONIGHT")),
            ),
            (
                "Could I get a gel manicure around noon, or maybe in the evening?",
                intent(
                    true,
                    Some("Gel Manicure"),
                    Some("noon, or maybe in the evening"),
                ),
            ),
            ("Where are you located?", intent(false, None, None)),
            (
                "I'd like a men's cut on 12/03/2026 at 10:30",
                intent(true, Some("Men's Cut"), Some("12/03/2026 at 10:30")),
            ),
            (
                "Can I book for December 3rd?",
                intent(true, None, Some("December 3rd")),
            ),
            (
                "Any availability Weds midday?",
                intent(true, None, Some("Weds midday")),
            ),
            (
                "Booking for 3 pm today",
                intent(true, None, Some("3 pm today")),
            ),
            ("May I ask a question?", intent(false, None, None)),
            (
                "is 10 a.m. ok for my brow appointment?",
                intent(true, Some("Brows"), Some("10 a.m.")),
            ),
            (
                "manicure with gel please",
                intent(true, Some("Gel Manicure"), None),
            ),
        ];
        for (text, want) in cases {
            assert_eq!(&detect(text, SERVICES), want, "{text:?}");
        }
    }

    const SERVICIOS: &[&str] = &[
        "Masaje",
        "Masaje Descontracturante",
        "Facial",
        "Corte de Pelo",
        "Manicura de Gel",
    ];

    #[test]
    fn detects_intent_in_spanish_phrases() {
        let cases: &[(&str, Intent)] = &[
            (
                "quiero reservar un masaje",
                intent(true, Some("Masaje"), None),
            ),
            (
                "Quiero reservar un masaje el viernes por la tarde",
                intent(true, Some("Masaje"), Some("viernes por la tarde")),
            ),
            (
                "Quisiera una cita para mañana a las 10:30",
                intent(true, None, Some("mañana a las 10:30")),
            ),
            (
                "¿Puedo pedir cita para el sábado por la mañana?",
                intent(true, None, Some("sábado por la mañana")),
            ),
            (
                "me gustaría agendar un facial el 3 de diciembre",
                intent(true, Some("Facial"), Some("3 de diciembre")),
            ),
            ("RESERVAR UNA CITA", intent(true, None, None)),
            ("Reservar una cita", intent(true, None, None)),
            (
                "una reservación para dos masajes",
                intent(true, Some("Masaje"), None),
            ),
            (
                "¿Tienen disponibilidad este fin de semana?",
                intent(true, None, Some("este fin de semana")),
            ),
            (
                "pedir hora para el lunes",
                intent(true, None, Some("lunes")),
            ),
            (
                "Quiero un turno para el MIERCOLES a las 3 pm",
                intent(true, None, Some("MIERCOLES a las 3 pm")),
            ),
            (
                "un masaje descontracturante pasado mañana a las 5 de la tarde",
                intent(
                    true,
                    Some("Masaje Descontracturante"),
                    Some("pasado mañana a las 5 de la tarde"),
                ),
            ),
            (
                "¿hay algún hueco la próxima semana?",
                intent(true, None, Some("próxima semana")),
            ),
            (
                "un corte de pelo esta tarde",
                intent(true, Some("Corte de Pelo"), Some("esta tarde")),
            ),
            (
                "manicura con gel el 12 de dic de 2026",
                intent(true, Some("Manicura de Gel"), Some("12 de dic de 2026")),
            ),
            (
                "una sesión hoy sobre las 6",
                intent(true, None, Some("hoy sobre las 6")),
            ),
            ("hola", intent(false, None, None)),
            ("¿Dónde están?", intent(false, None, None)),
            ("¿A qué hora abren?", intent(false, None, None)),
            ("¿Cuánto cuesta?", intent(false, None, None)),
        ];
        for (text, want) in cases {
            assert_eq!(&detect(text, SERVICIOS), want, "{text:?}");
        }
    }

    #[test]
    fn spanish_booking_words_count_with_or_without_accents() {
        let cases: &[(&str, bool)] = &[
            ("una sesión", true),
            ("una sesion", true),
            ("UNA SESIÓN", true),
            ("reservación", true),
            ("RESERVACION", true),
            ("agendar", true),
            ("pedir hora", true),
            ("la hora", false),
            ("reservado", false),
            ("citación", false),
            ("disponibles", true),
        ];
        for (text, want) in cases {
            assert_eq!(detect(text, &[]).wants_booking, *want, "{text:?}");
        }
    }

    #[test]
    fn recognises_spanish_time_expressions() {
        let cases: &[(&str, &str)] = &[
            ("el lunes", "lunes"),
            ("los sábados", "sábados"),
            ("los domingos", "domingos"),
            ("miércoles", "miércoles"),
            ("MIÉRCOLES", "MIÉRCOLES"),
            ("hoy", "hoy"),
            ("mañana", "mañana"),
            ("manana", "manana"),
            ("por la noche", "noche"),
            ("al mediodía", "mediodía"),
            ("el finde", "finde"),
            ("el fin de semana", "fin de semana"),
            ("la semana que viene", "semana que viene"),
            ("el próximo jueves", "próximo jueves"),
            ("el proximo jueves", "proximo jueves"),
            ("esta noche", "esta noche"),
            ("a las 5", "a las 5"),
            ("a la 1", "a la 1"),
            ("a las 17:30", "a las 17:30"),
            ("a las 9 am", "a las 9 am"),
            ("sobre las 4", "las 4"),
            ("el 3 de marzo", "3 de marzo"),
            ("1 de ene", "1 de ene"),
            ("el 31 de agosto de 2026", "31 de agosto de 2026"),
        ];
        for (text, want) in cases {
            assert_eq!(time_text(text).as_deref(), Some(*want), "{text:?}");
        }
        for text in [
            "fin",
            "de semana",
            "a las",
            "las 13",
            "32 de marzo",
            "3 de nada",
            "el pasado",
            "este",
            "a la casa",
        ] {
            assert_eq!(time_text(text), None, "{text:?}");
        }
    }

    #[test]
    fn recognises_booking_keywords_as_whole_words() {
        let cases: &[(&str, bool)] = &[
            ("book", true),
            ("BOOKING please", true),
            ("need an appt", true),
            ("can I schedule?", true),
            ("reserve", true),
            ("a reservation", true),
            ("any slots?", true),
            ("availability", true),
            ("are you available", true),
            ("one session", true),
            ("free consultation", true),
            ("can I come in", true),
            ("Come  in?", true),
            ("sign up", true),
            ("facebook page", false),
            ("bookkeeping", false),
            ("slothful", false),
            ("income", false),
            ("come inside", false),
            ("sign-up", true),
            ("", false),
        ];
        for (text, want) in cases {
            assert_eq!(detect(text, &[]).wants_booking, *want, "{text:?}");
        }
    }

    #[test]
    fn matches_services_by_whole_words_and_number() {
        let cases: &[(&str, &[&str], Option<&str>)] = &[
            ("a massage", &["Massage"], Some("Massage")),
            ("two massages", &["Massage"], Some("Massage")),
            ("eyebrow wax", &["Eyebrow Waxes"], Some("Eyebrow Waxes")),
            ("just the brow", &["Brows"], Some("Brows")),
            ("a haircut", &["Hair"], None),
            (
                "massages and facials",
                &["Facial", "Massage"],
                Some("Massage"),
            ),
            ("a facial", &["  facial  "], Some("  facial  ")),
            ("a facial", &[""], None),
            ("nothing", &[], None),
            (
                "deep tissue massage",
                &["Massage", "Deep Tissue Massage"],
                Some("Deep Tissue Massage"),
            ),
            (
                "tissue deep massage",
                &["Deep Tissue Massage"],
                Some("Deep Tissue Massage"),
            ),
            ("a deep massage", &["Deep Tissue Massage"], None),
            ("HOT STONE", &["Hot Stone Massage"], None),
            (
                "hot stone massage",
                &["Hot Stone Massage"],
                Some("Hot Stone Massage"),
            ),
            ("cut", &["Men's Cut"], None),
            ("a mens cut", &["Men's Cut"], Some("Men's Cut")),
            ("a men's cut", &["Men's Cut"], Some("Men's Cut")),
            ("Café au lait", &["café"], Some("café")),
        ];
        for (text, services, want) in cases {
            let got = detect(text, services);
            assert_eq!(got.service.as_deref(), *want, "{text:?} in {services:?}");
            if want.is_some() {
                assert!(got.wants_booking, "{text:?}");
            }
        }
    }

    #[test]
    fn folds_case_for_ascii_and_latin_1_letters_only() {
        let cases: &[(&str, &str)] = &[
            ("MASSAGE Monday", "massage monday"),
            ("CAFÉ ÀÉÎÕÜÞ", "café àéîõüþ"),
            // Not capitals with a Latin-1 small letter: kept.
            ("× ß ÿ", "× ß ÿ"),
            // Beyond Latin-1, as typed (see `fold_case`).
            ("ĀĞŁ ΜΑΣΑΖ МАССАЖ İ", "ĀĞŁ ΜΑΣΑΖ МАССАЖ İ"),
        ];
        for (text, want) in cases {
            assert_eq!(fold_case(text), *want, "{text:?}");
        }
    }

    #[test]
    fn matches_services_ignoring_case_in_latin_1_and_as_typed_elsewhere() {
        let cases: &[(&str, &[&str], Option<&str>)] = &[
            ("UN CAFÉ", &["café"], Some("café")),
            (
                "Crème Brûlée facial",
                &["CRÈME BRÛLÉE FACIAL"],
                Some("CRÈME BRÛLÉE FACIAL"),
            ),
            ("Массаж", &["Массаж"], Some("Массаж")),
            ("массаж", &["Массаж"], None),
        ];
        for (text, services, want) in cases {
            assert_eq!(detect(text, services).service.as_deref(), *want, "{text:?}");
        }
    }

    #[test]
    fn words_are_letters_of_any_script_and_ascii_digits() {
        assert_eq!(
            lower_words("Facial½ ² 李小龙 3pm ٣"),
            ["facial", "李小龙", "3pm"]
        );
        assert_eq!(time_text("friday² at 5").as_deref(), Some("friday² at 5"));
    }

    #[test]
    fn longest_service_wins_and_ties_go_to_the_first() {
        assert_eq!(
            detect("massage", &["Massage", "massage"])
                .service
                .as_deref(),
            Some("Massage")
        );
        assert_eq!(
            detect("facial and massage", &["Facial", "Massage"])
                .service
                .as_deref(),
            Some("Massage")
        );
    }

    #[test]
    fn recognises_each_kind_of_time_expression() {
        let cases: &[(&str, &str)] = &[
            ("monday", "monday"),
            ("Tuesday", "Tuesday"),
            ("wednesday", "wednesday"),
            ("thursday", "thursday"),
            ("Friday", "Friday"),
            ("saturday", "saturday"),
            ("SUNDAY", "SUNDAY"),
            ("tues", "tues"),
            ("weds", "weds"),
            ("thurs", "thurs"),
            ("on Saturdays", "Saturdays"),
            ("today", "today"),
            ("tonight", "tonight"),
            ("tomorrow", "tomorrow"),
            ("the weekend", "weekend"),
            ("this week", "this week"),
            ("next week", "next week"),
            ("next Friday", "next Friday"),
            ("in the morning", "morning"),
            ("afternoon", "afternoon"),
            ("evening", "evening"),
            ("noon", "noon"),
            ("midday", "midday"),
            ("3pm", "3pm"),
            ("3 pm", "3 pm"),
            ("3PM", "3PM"),
            ("10:30", "10:30"),
            ("10:30am", "10:30am"),
            ("10:30 pm", "10:30 pm"),
            ("17:45", "17:45"),
            ("at 5", "at 5"),
            ("at 5 pm", "at 5 pm"),
            ("12/3", "12/3"),
            ("12/03/2026", "12/03/2026"),
            ("1/5/26", "1/5/26"),
            ("Dec 3", "Dec 3"),
            ("December 3rd", "December 3rd"),
            ("dec 3 2026", "dec 3 2026"),
            ("on the 3rd", "the 3rd"),
            ("the 21st", "the 21st"),
            ("Friday, 3pm.", "Friday, 3pm"),
            ("friday - saturday", "friday - saturday"),
            ("3-5pm", "5pm"),
        ];
        for (text, want) in cases {
            assert_eq!(time_text(text).as_deref(), Some(*want), "{text:?}");
        }
    }

    #[test]
    fn ignores_numbers_and_words_that_are_not_times() {
        let cases: &[&str] = &[
            "hi",
            "2 people",
            "13pm",
            "25:00",
            "10:75",
            "10:3",
            "at 13",
            "at home",
            "13/3",
            "12/32",
            "1/2/3",
            "May I",
            "March on",
            "Dec 32",
            "the 32nd",
            "the third",
            "3rd visit",
            "week",
            "sun",
            "sat down",
            "",
            "?!.,",
        ];
        for text in cases {
            assert_eq!(time_text(text), None, "{text:?}");
        }
    }

    #[test]
    fn keeps_the_users_words_between_time_tokens() {
        assert_eq!(
            time_text("Friday or maybe Saturday works").as_deref(),
            Some("Friday or maybe Saturday")
        );
        assert_eq!(
            time_text("sometime (tomorrow) after 3pm!!!").as_deref(),
            Some("tomorrow) after 3pm")
        );
    }

    #[test]
    fn joins_only_the_time_tokens_when_the_span_is_long() {
        let text =
            "Monday works but honestly I am so busy this month that maybe something on Friday";
        assert_eq!(time_text(text).as_deref(), Some("Monday Friday"));
        let text = "next  Friday works but honestly I am so busy lately so maybe at 5 pm";
        assert_eq!(time_text(text).as_deref(), Some("next Friday at 5 pm"));
    }

    #[test]
    fn exactly_ten_words_still_keep_the_span() {
        let text = "Monday a b c d e f g h Friday";
        assert_eq!(time_text(text).as_deref(), Some(text));
    }

    #[test]
    fn never_panics_on_odd_input() {
        for text in [
            "\u{0}",
            "é:",
            "10:",
            "10:é",
            ":30",
            "1:30é",
            "a.m.",
            "🙂 friday 🙂",
            "at",
            "the",
            "next",
            "Dec",
            "12/",
            "/",
            "ǅ",
            "İstanbul tomorrow",
        ] {
            let _ = detect(text, &["", "é", "ǅ"]);
        }
    }
}
