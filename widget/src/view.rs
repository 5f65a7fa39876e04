//! Draws a [`Conversation`] into the widget's shadow root. Text only ever enters the DOM through
//! `textContent` and attribute values; no HTML strings. Buttons carry a `data-act` that the
//! single click listener in `lib` dispatches on.

use std::cell::Cell;

use handoff_core::i18n::{fill, Strings};

use wasm_bindgen::JsCast;
use web_sys::{CssStyleSheet, Document, Element, HtmlElement, HtmlInputElement, Node, ShadowRoot};

use crate::conversation::{Card, Config, ContactLink, Conversation, Embed, Speaker};

const CSS: &str = include_str!("style.css");
const PANEL_ID: &str = "hw-panel";
const INPUT_ID: &str = "hw-input";
const CONSENT_ERROR_ID: &str = "hw-consent-error";

pub struct View {
    doc: Document,
    /// The visitor's language catalogue.
    t: &'static Strings,
    launcher: Option<Element>,
    panel: Element,
    body: Element,
    log: Element,
    card: Element,
    chips: Element,
    form: Element,
    label: Element,
    input: HtmlInputElement,
    honeypot: HtmlInputElement,
    /// (conversation generation, messages already in the log): the log is appended to, not
    /// redrawn, so screen readers announce only what is new.
    drawn: Cell<(u32, usize)>,
}

/// Empties `root` and gives it our stylesheet with the business's `look` over it: adopted (a
/// strict `style-src` CSP does not block constructed sheets), else a `<style>` element.
fn reset(doc: &Document, root: &ShadowRoot, look: &str) {
    root.set_text_content(None);
    let css = [CSS, look].concat();
    let css = css.as_str();
    let adopted = CssStyleSheet::new().and_then(|sheet| {
        sheet.replace_sync(css)?;
        root.set_adopted_style_sheets(&js_sys::Array::of1(&sheet));
        Ok(())
    });
    if adopted.is_err() {
        add(doc, root, "style", "", css);
    }
}

/// Appends `<tag class="class">text</tag>` to `parent` (no class or text when empty).
/// The DOM cannot refuse a constant tag name; were it to, the panic hook shows the failure view.
fn add(doc: &Document, parent: &Node, tag: &str, class: &str, text: &str) -> Element {
    // Not `expect`: that would ship `JsValue`'s Debug formatting.
    let Ok(el) = doc.create_element(tag) else {
        panic!("createElement");
    };
    if !class.is_empty() {
        set_attr(&el, "class", class);
    }
    if !text.is_empty() {
        el.set_text_content(Some(text));
    }
    let _ = parent.append_child(&el);
    el
}

/// `setAttribute` throws only for names that are not XML names, and ours are constants.
fn set_attr(el: &Element, name: &str, value: &str) {
    let _ = el.set_attribute(name, value);
}

fn set_attrs(el: &Element, attrs: &[(&str, &str)]) {
    for (name, value) in attrs {
        set_attr(el, name, value);
    }
}

/// Every element the widget creates is an HTML element.
fn focus(el: &Element) {
    let _ = el.unchecked_ref::<HtmlElement>().focus();
}

/// Empties an element (`textContent = ""` drops every child).
fn clear(el: &Node) {
    el.set_text_content(None);
}

fn button(doc: &Document, parent: &Node, class: &str, act: &str, text: &str) -> Element {
    let b = add(doc, parent, "button", class, text);
    set_attrs(&b, &[("type", "button"), ("data-act", act)]);
    b
}

/// A plain anchor that leaves the host page as a whole (never `window.open`: nothing to block).
fn top_link(doc: &Document, parent: &Node, class: &str, href: &str, text: &str) {
    let a = add(doc, parent, "a", class, text);
    set_attrs(&a, &[("href", href), ("target", "_top")]);
}

fn contact_cta(doc: &Document, parent: &Node, intro: &str, links: &[ContactLink]) {
    if links.is_empty() {
        return;
    }
    add(doc, parent, "p", "", intro);
    let list = add(doc, parent, "p", "hw-contact", "");
    for link in links {
        let class = if link.is_phone { "hw-tel" } else { "hw-mail" };
        set_attr(
            &add(doc, &list, "a", class, &link.label),
            "href",
            &link.href,
        );
    }
}

impl View {
    /// Builds the launcher (unless inline), the panel, the log and the answer form.
    /// The launcher says `config.launcher_label`, else ours.
    pub fn build(root: &ShadowRoot, config: &Config, inline: bool, t: &'static Strings) -> View {
        let doc = document(root);
        reset(&doc, root, &config.look);
        let business = config.business_name.as_str();
        let launcher = (!inline).then(|| {
            let label = config.launcher_label.as_deref().unwrap_or(t.book);
            let b = button(&doc, root, "hw-launcher", "toggle", label);
            set_attrs(
                &b,
                &[
                    ("aria-expanded", "false"),
                    ("aria-controls", PANEL_ID),
                    ("aria-haspopup", "dialog"),
                ],
            );
            b
        });
        let panel = add(&doc, root, "section", "hw-panel", "");
        set_attrs(
            &panel,
            &[
                ("id", PANEL_ID),
                ("role", if inline { "region" } else { "dialog" }),
                ("aria-label", &fill(t.assistant_for, business)),
            ],
        );
        let head = add(&doc, &panel, "div", "hw-head", "");
        let title = add(&doc, &head, "p", "hw-title", business);
        add(&doc, &title, "span", "", t.assistant);
        if !inline {
            set_attr(&panel, "hidden", "");
            let close = button(&doc, &head, "hw-close", "close", "\u{d7}");
            set_attr(&close, "aria-label", t.close);
        }
        let body = add(&doc, &panel, "div", "hw-body", "");
        // The conversation scrolls: keyboard and screen-reader users can focus it to scroll
        // back through what was said (WCAG 2.1.1; axe `scrollable-region-focusable`).
        set_attrs(
            &body,
            &[
                ("tabindex", "0"),
                ("role", "region"),
                ("aria-label", t.assistant),
            ],
        );
        let log = add(&doc, &body, "div", "hw-log", "");
        set_attrs(&log, &[("role", "log"), ("aria-live", "polite")]);
        let card = add(&doc, &body, "div", "hw-card", "");
        // The summary, the result and "Sending…" are read out as they appear.
        set_attrs(&card, &[("aria-live", "polite"), ("tabindex", "-1")]);
        let chips = add(&doc, &body, "div", "hw-chips", "");
        let form = add(&doc, &panel, "form", "hw-form", "");
        set_attr(&form, "novalidate", "");
        let label = add(&doc, &form, "label", "hw-sr", "");
        set_attr(&label, "for", INPUT_ID);
        let input = add(&doc, &form, "input", "hw-input", "");
        set_attrs(
            &input,
            &[
                ("id", INPUT_ID),
                ("type", "text"),
                ("enterkeyhint", "send"),
                ("placeholder", t.placeholder),
            ],
        );
        set_attr(
            &add(&doc, &form, "button", "hw-send", t.send),
            "type",
            "submit",
        );
        // The honeypot: a field no person sees or reaches (hidden, so neither the keyboard nor
        // a screen reader finds it), which a bot filling every input fills.
        let honeypot = add(&doc, &form, "input", "", "");
        set_attrs(
            &honeypot,
            &[("name", "website"), ("hidden", ""), ("autocomplete", "off")],
        );
        View {
            doc,
            t,
            launcher,
            panel,
            body,
            log,
            card,
            chips,
            form,
            label,
            input: input.unchecked_into(),
            honeypot: honeypot.unchecked_into(),
            drawn: Cell::new((0, 0)),
        }
    }

    pub fn form(&self) -> &Element {
        &self.form
    }

    pub fn input(&self) -> &HtmlInputElement {
        &self.input
    }

    /// What the honeypot field holds (empty unless a bot filled it).
    pub fn honeypot(&self) -> String {
        self.honeypot.value()
    }

    pub fn is_open(&self) -> bool {
        !self.panel.has_attribute("hidden")
    }

    /// Shows or hides the launcher's panel (inline panels are always shown).
    pub fn set_open(&self, open: bool) {
        let Some(launcher) = &self.launcher else {
            return;
        };
        show(&self.panel, open);
        set_attr(
            launcher,
            "aria-expanded",
            if open { "true" } else { "false" },
        );
        self.scroll_to_end();
    }

    pub fn focus_launcher(&self) {
        if let Some(launcher) = &self.launcher {
            focus(launcher);
        }
    }

    pub fn render(&self, c: &Conversation) {
        self.render_log(c);
        self.render_card(c);
        clear(&self.chips);
        for chip in c.chips() {
            let act = if chip.skip { "skip" } else { "chip" };
            button(&self.doc, &self.chips, "hw-chip", act, chip.label);
        }
        let prompt = c.prompt();
        show(&self.form, prompt.is_some());
        if let Some(prompt) = prompt {
            self.label.set_text_content(Some(prompt.label));
            set_attrs(
                &self.input,
                &[
                    ("autocomplete", prompt.hints.autocomplete),
                    ("inputmode", prompt.hints.inputmode),
                    // What is asked, where the visitor looks (the label is for screen readers).
                    ("placeholder", prompt.label),
                ],
            );
            if prompt.invalid {
                set_attr(&self.input, "aria-invalid", "true");
            } else {
                let _ = self.input.remove_attribute("aria-invalid");
            }
        }
        self.scroll_to_end();
    }

    /// After a visitor's action: the answer box while a question is open, else the card's
    /// first control (the consent box, Send request, Continue to booking, the direct link),
    /// else the card.
    pub fn focus(&self, c: &Conversation) {
        if !self.is_open() {
            return;
        }
        if c.prompt().is_some() {
            return focus(&self.input);
        }
        match self.card.query_selector("input,a,button").ok().flatten() {
            Some(control) => focus(&control),
            None => focus(&self.card),
        }
    }

    /// The framed booking page, while one is shown.
    pub fn frame(&self) -> Option<Element> {
        self.card.query_selector("iframe.hw-frame").ok().flatten()
    }

    fn scroll_to_end(&self) {
        self.body.set_scroll_top(self.body.scroll_height());
    }

    fn render_log(&self, c: &Conversation) {
        let messages = c.transcript();
        let (generation, drawn) = self.drawn.get();
        let from = if generation != c.generation() || drawn > messages.len() {
            clear(&self.log);
            0
        } else {
            drawn
        };
        for m in messages.get(from..).unwrap_or_default() {
            let class = match (m.from, m.invalid) {
                (Speaker::Visitor, _) => "hw-msg hw-user",
                (Speaker::Bot, false) => "hw-msg hw-bot",
                (Speaker::Bot, true) => "hw-msg hw-bot hw-invalid",
            };
            add(&self.doc, &self.log, "p", class, &m.text);
        }
        self.drawn.set((c.generation(), messages.len()));
    }

    fn render_card(&self, c: &Conversation) {
        let (doc, t) = (&self.doc, self.t);
        let card: &Node = &self.card;
        clear(card);
        let business = c.config().business_name.as_str();
        let links = c.config().contact_links(c.t());
        let reach = fill(t.reach_questions, business);
        match c.card() {
            Card::None => {}
            Card::Summary(rows) => {
                let dl = add(doc, card, "dl", "hw-summary", "");
                for (label, value) in rows {
                    add(doc, &dl, "dt", "", label);
                    add(doc, &dl, "dd", "", value);
                }
                // A real checkbox inside its label: the whole line toggles it, Space too.
                if let Some(consent) = c.consent() {
                    let line = add(doc, card, "label", "hw-consent", "");
                    let tick = add(doc, &line, "input", "", "");
                    set_attrs(&tick, &[("type", "checkbox"), ("data-act", "agree")]);
                    if consent.agreed {
                        set_attr(&tick, "checked", "");
                    }
                    add(doc, &line, "span", "", consent.text);
                    if let Some(error) = consent.error {
                        set_attrs(
                            &tick,
                            &[
                                ("aria-invalid", "true"),
                                ("aria-describedby", CONSENT_ERROR_ID),
                            ],
                        );
                        let why = add(doc, card, "p", "hw-consent-error", error);
                        set_attrs(&why, &[("id", CONSENT_ERROR_ID), ("role", "alert")]);
                    }
                }
                let actions = add(doc, card, "div", "hw-actions", "");
                button(doc, &actions, "hw-confirm", "confirm", t.send_request);
                button(doc, &actions, "hw-restart", "restart", t.start_over);
            }
            Card::Sending => {
                add(doc, card, "p", "hw-sending", t.sending);
            }
            Card::Done {
                copy,
                continue_url,
                disclaimer,
                embed,
            } => {
                add(doc, card, "p", "hw-copy", copy);
                if let Some(disclaimer) = disclaimer {
                    add(doc, card, "p", "hw-disclaimer", disclaimer);
                }
                match (embed, continue_url) {
                    // Framed through /r/ID, so the visit is still tracked; the link stays
                    // visible for visitors who would rather have the whole tab.
                    (Embed::Frame, Some(url)) => {
                        let frame = add(doc, card, "iframe", "hw-frame", "");
                        set_attrs(&frame, &[("src", url), ("title", t.open_frame)]);
                        top_link(doc, card, "hw-continue hw-open", url, t.open_frame);
                    }
                    (Embed::Blocked, Some(_)) => {
                        add(doc, card, "p", "hw-note", t.frame_blocked);
                    }
                    (Embed::FrameFailed, Some(_)) => {
                        add(doc, card, "p", "hw-note", t.frame_failed);
                    }
                    _ => {}
                }
                if let (Some(url), false) = (continue_url, embed == Embed::Frame) {
                    top_link(doc, card, "hw-continue", url, t.continue_to_booking);
                    let line = add(doc, card, "p", "hw-rawline", "");
                    top_link(doc, &line, "hw-raw", url, t.raw_link);
                    add(doc, &line, "span", "hw-url", url);
                }
                contact_cta(doc, card, &reach, &links);
            }
            Card::Failed {
                message,
                direct_url,
            } => {
                let error = add(doc, card, "div", "hw-error", "");
                set_attr(&error, "role", "alert");
                add(doc, &error, "p", "", message);
                if let Some(url) = direct_url {
                    top_link(doc, &error, "hw-direct", url, t.open_booking_page);
                }
                contact_cta(doc, &error, &reach, &links);
                button(doc, card, "hw-retry", "retry", t.try_again);
            }
            Card::Unavailable { message } => {
                let box_ = add(doc, card, "div", "hw-unavailable", "");
                add(doc, &box_, "p", "", message);
                contact_cta(doc, &box_, &fill(t.reach, business), &links);
            }
        }
    }
}

/// Shows or hides with the `hidden` attribute.
fn show(el: &Element, shown: bool) {
    if shown {
        let _ = el.remove_attribute("hidden");
    } else {
        set_attr(el, "hidden", "");
    }
}

/// The document a shadow root lives in (a node in a page always has one).
fn document(root: &ShadowRoot) -> Document {
    root.owner_document().expect("document")
}

/// The last resort when the widget itself fails: an apology, the direct link and the contact
/// links, drawn from scratch so it does not depend on any state that may be broken.
pub fn render_broken(
    root: &ShadowRoot,
    direct_url: &str,
    contacts: &[ContactLink],
    t: &'static Strings,
    look: &str,
) {
    let doc = document(root);
    reset(&doc, root, look);
    let boxed = add(&doc, root, "div", "hw-broken hw-error", "");
    set_attr(&boxed, "role", "alert");
    add(&doc, &boxed, "p", "", t.broken);
    top_link(&doc, &boxed, "hw-direct", direct_url, t.open_booking_page);
    contact_cta(&doc, &boxed, t.contact_business, contacts);
}
