//! The widget's side of the HTTP contract with the worker (docs/ARCHITECTURE.md): reading the widget config
//! and the loader's options, and `POST /api/v1/handoffs`. JSON goes through the browser's own
//! `JSON` and `Reflect`, which costs the wasm nothing, instead of serde.

use handoff_core::i18n::{Flat, Lang, Strings};
use handoff_core::lead::Field;
use js_sys::{Array, Object};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Window, XmlHttpRequest, XmlHttpRequestResponseType};

use crate::conversation::{Config, Embed, Page, SendOutcome};
use crate::dom::{self, get};

/// A slow network must not leave the visitor on "Sending…" forever.
const SEND_TIMEOUT_MS: u32 = 20_000;

/// What the loader passes to `mount`, with the business's slug from its config.
pub struct Opts {
    pub api_base: String,
    pub slug: String,
    /// The visitor's first touch as the loader kept it (a JSON string, sent as it is with the
    /// booking request; the server reads and bounds it).
    pub touch: JsValue,
    pub page: Page,
    pub inline: bool,
    /// The visitor already clicked the loader's launcher.
    pub open: bool,
    /// Chosen by the loader (`data-lang`, else the browser's languages, else English), which
    /// has already drawn its launcher in it.
    pub lang: Lang,
}

/// A non-blank string property.
fn text(obj: &JsValue, key: &str) -> Option<String> {
    get(obj, key).as_string().filter(|s| !s.trim().is_empty())
}

/// `window` is the host page's (its location is the source page).
pub fn parse_opts(opts: &JsValue, config: &JsValue, window: Option<&Window>) -> Opts {
    // Never the query string or fragment of the page: they can carry personal data.
    let location = window.map(Window::location);
    let part = |read: fn(&web_sys::Location) -> Result<String, JsValue>| {
        location
            .as_ref()
            .and_then(|l| read(l).ok())
            .unwrap_or_default()
    };
    Opts {
        api_base: text(opts, "apiBase")
            .unwrap_or_default()
            .trim_end_matches('/')
            .to_string(),
        slug: text(config, "client").unwrap_or_default(),
        touch: get(opts, "touch"),
        page: Page {
            source_page: [
                part(web_sys::Location::origin),
                part(web_sys::Location::pathname),
            ]
            .concat(),
            industry: text(opts, "industry").unwrap_or_default(),
        },
        inline: text(opts, "mode").as_deref() == Some("inline"),
        open: get(opts, "open").as_bool().unwrap_or(false),
        lang: text(opts, "lang")
            .and_then(|tag| Lang::from_tag(&tag))
            .unwrap_or_default(),
    }
}

/// The visitor's catalogue, from the config's `strings` (every sentence in the catalogue's
/// order, `handoff_core::i18n::Flat`), kept for the page's lifetime. `None` when it is missing
/// or not exactly one catalogue long (a server of another version): then the loader's own
/// fallback link is all that can be shown.
pub fn strings(config: &JsValue) -> Option<&'static Strings> {
    let list = get(config, "strings");
    if !Array::is_array(&list) {
        return None;
    }
    let list: &Array = list.unchecked_ref();
    let mut read = 0;
    let t = Strings::read(&mut || {
        let sentence = list.get(read).as_string().unwrap_or_default();
        read += 1;
        Box::leak(sentence.into_boxed_str())
    });
    (read == list.length()).then(|| &*Box::leak(Box::new(t)))
}

/// The public widget config; `None` when it is not a config at all (then the widget shows its
/// failure view). Missing optional fields take the safe reading.
pub fn parse_config(config: &JsValue, lang: Lang) -> Option<Config> {
    if !config.is_object() {
        return None;
    }
    let mut services = Vec::new();
    let list = get(config, "services");
    if Array::is_array(&list) {
        let list: &Array = list.unchecked_ref();
        for i in 0..list.length() {
            if services.len() == 30 {
                break;
            }
            if let Some(service) = list.get(i).as_string().filter(|s| !s.trim().is_empty()) {
                services.push(service);
            }
        }
    }
    let contact = get(config, "contact");
    let settings = get(config, "settings");
    Some(Config {
        business_name: text(config, "businessName")?,
        request_only: text(config, "bookingMode").as_deref() == Some("internal"),
        // An older server without the flag still validates every request (409 when unavailable).
        booking_available: get(config, "bookingAvailable").as_bool().unwrap_or(true),
        provider_name: text(config, "providerName"),
        disclaimer: text(config, "disclaimer"),
        services,
        contact_email: text(&contact, "email"),
        contact_phone: text(&contact, "phone"),
        fallback_url: text(config, "fallbackUrl"),
        hosted_page_url: text(config, "hostedPageUrl").map(|url| in_lang(&url, lang)),
        embed: match (
            text(config, "embedMode").as_deref(),
            get(config, "iframeAllowed").as_bool(),
        ) {
            (Some("iframe"), Some(true)) => Embed::Frame,
            (Some("iframe"), _) => Embed::Blocked,
            _ => Embed::Redirect,
        },
        // The line to agree to, when the business requires one: its own wording or ours, in
        // the visitor's language (the server chose).
        consent: text(config, "consent"),
        look: text(config, "look").unwrap_or_default(),
        launcher_label: text(&settings, "widgetLauncherLabel"),
        greeting: text(&settings, "widgetGreeting"),
    })
}

/// The no-JS hosted booking page, for when not even the config is usable.
pub fn hosted_page(opts: &Opts) -> String {
    let url = [
        &opts.api_base,
        "/b/",
        &dom::encode_uri_component(&opts.slug),
    ]
    .concat();
    in_lang(&url, opts.lang)
}

/// The hosted page's `url` (which has no query) with `?lang=`, so it speaks the widget's language.
fn in_lang(url: &str, lang: Lang) -> String {
    [url, "?lang=", lang.tag()].concat()
}

/// `{API}/api/v1/{name}?client=SLUG&lang=LANG`.
fn endpoint(opts: &Opts, name: &str) -> String {
    [
        &opts.api_base,
        "/api/v1/",
        name,
        "?client=",
        &dom::encode_uri_component(&opts.slug),
        "&lang=",
        opts.lang.tag(),
    ]
    .concat()
}

/// A booking request as the widget sends it.
pub struct Request {
    /// The lead (`Field::json_name` keys).
    pub fields: Vec<(Field, String)>,
    /// `consentGiven: true` is sent only then: the visitor ticked a consent line the business
    /// requires.
    pub consent_given: bool,
    /// From the visitor first seeing the assistant to this send (`elapsedMs`): the server
    /// takes a request faster than a person could type as a bot's.
    pub elapsed_ms: f64,
    /// The hidden field only a bot fills (`honeypot`).
    pub honeypot: String,
}

/// `POST {API}/api/v1/handoffs?client=SLUG`; `done` gets what the server answered, or
/// `Failed` when there was no answer at all (network error, timeout, CORS refusal).
pub fn send_handoff(opts: &Opts, request: &Request, done: impl Fn(SendOutcome) + Clone + 'static) {
    let body = Object::new();
    for (field, value) in &request.fields {
        dom::set(&body, field.json_name(), &value.into());
    }
    if request.consent_given {
        dom::set(&body, "consentGiven", &JsValue::TRUE);
    }
    dom::set(&body, "elapsedMs", &request.elapsed_ms.round().into());
    dom::set(&body, "honeypot", &request.honeypot.as_str().into());
    if opts.touch.is_string() {
        dom::set(&body, "firstTouch", &opts.touch);
    }
    // `lang` makes the answer's copy and per-field messages the visitor's language.
    let url = endpoint(opts, "handoffs");
    let config_url = endpoint(opts, "widget-config");
    let answer = done.clone();
    let body = js_sys::JSON::stringify(&body).map(String::from).ok();
    let sent = call("POST", &url, body.as_deref(), move |status, json| {
        match outcome(status, &json) {
            // The business requires consent, perhaps only since the config was read: read it
            // again, so the visitor sees the wording they are asked to agree to.
            SendOutcome::NeedsConsent { message, .. } => {
                let reply = answer.clone();
                let fallback = SendOutcome::NeedsConsent {
                    message: message.clone(),
                    consent: None,
                };
                let reread = call("GET", &config_url, None, move |_, config| {
                    reply(SendOutcome::NeedsConsent {
                        message: message.clone(),
                        consent: text(&config, "consent"),
                    })
                });
                if reread.is_err() {
                    answer(fallback);
                }
            }
            other => answer(other),
        }
    });
    if sent.is_err() {
        done(SendOutcome::Failed { fallback_url: None });
    }
}

/// One request with a JSON body (or none); `done` gets the status (0 when there was no
/// answer at all) and the answer's JSON (null when it is not JSON).
/// XMLHttpRequest rather than `fetch`: its one `loadend` event carries status and body, so
/// the wasm needs no promise chain or async executor (measured: ~2.3 KB gzipped less than
/// `fetch` with wasm-bindgen-futures). `responseType = "json"`: the browser parses the
/// answer, which never crosses into the wasm as text.
fn call(
    method: &str,
    url: &str,
    body: Option<&str>,
    done: impl Fn(u16, JsValue) + 'static,
) -> Result<(), JsValue> {
    let xhr = XmlHttpRequest::new()?;
    xhr.open(method, url)?;
    if body.is_some() {
        xhr.set_request_header("content-type", "application/json")?;
    }
    xhr.set_timeout(SEND_TIMEOUT_MS);
    xhr.set_response_type(XmlHttpRequestResponseType::Json);
    // `loadend` follows load, error, timeout and abort alike: exactly one answer per request.
    let answered = xhr.clone();
    crate::listen(&xhr, "loadend", move |_| {
        let json = answered.response().unwrap_or(JsValue::NULL);
        done(answered.status().unwrap_or(0), json);
    });
    xhr.send_with_opt_str(body)
}

/// Maps the contract's statuses to what the dialogue does next.
fn outcome(status: u16, json: &JsValue) -> SendOutcome {
    match status {
        200 | 201 => match text(json, "id") {
            Some(handoff_id) => SendOutcome::Created {
                handoff_id,
                continue_url: text(json, "continueUrl")
                    .filter(|_| text(json, "bookingMode").as_deref() != Some("internal")),
                provider_name: text(json, "providerName"),
                copy: text(json, "copy"),
                disclaimer: text(json, "disclaimer"),
            },
            None => SendOutcome::Failed { fallback_url: None },
        },
        422 => {
            // The first rejected field in the form's own order, so the earliest question is
            // re-asked; consent is asked for with the summary, after every question.
            let errors = get(json, "fields");
            Field::ALL
                .iter()
                .find_map(|&field| {
                    text(&errors, field.json_name())
                        .map(|message| SendOutcome::Invalid { field, message })
                })
                .or_else(|| {
                    text(&errors, "consentGiven").map(|message| SendOutcome::NeedsConsent {
                        message,
                        consent: None,
                    })
                })
                .unwrap_or(SendOutcome::Failed { fallback_url: None })
        }
        409 => SendOutcome::Unavailable {
            message: text(json, "message"),
        },
        429 => SendOutcome::RateLimited {
            message: text(json, "message"),
        },
        _ => SendOutcome::Failed {
            fallback_url: text(json, "fallbackUrl"),
        },
    }
}
