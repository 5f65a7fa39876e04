//! Draws a [`Conversation`] into the widget's shadow root. Text only ever enters the DOM through
//! `set_text_content` and attribute values; no HTML strings. Buttons carry a `data-act` that the
//! single click listener in `lib` dispatches on.

use std::cell::Cell;

use handoff_core::copy;
use js_sys::Array;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CssStyleSheet, Document, Element, HtmlElement, HtmlInputElement, Node, ShadowRoot};

use crate::conversation::{
    Card, ContactLink, Conversation, Speaker, BOOK_LABEL, RESTART_LABEL, RETRY_LABEL, SEND_LABEL,
};

const CSS: &str = include_str!("style.css");
const PANEL_ID: &str = "hw-panel";
const INPUT_ID: &str = "hw-input";
/// Shown when the widget itself breaks; booking must still be one tap away.
pub const BROKEN: &str =
    "Sorry, the booking assistant isn't working right now. You can still book directly:";

type Result<T> = std::result::Result<T, JsValue>;

pub struct View {
    doc: Document,
    launcher: Option<HtmlElement>,
    panel: Element,
    body: Element,
    log: Element,
    card: HtmlElement,
    chips: Element,
    form: Element,
    label: Element,
    input: HtmlInputElement,
    /// (conversation generation, messages already in the log): the log is appended to, not
    /// redrawn, so screen readers announce only what is new.
    drawn: Cell<(u32, usize)>,
}

/// Our stylesheet, adopted (a strict `style-src` CSP does not block constructed sheets),
/// else a `<style>` element.
pub fn apply_styles(root: &ShadowRoot) -> Result<()> {
    let adopted = CssStyleSheet::new().and_then(|sheet| {
        sheet.replace_sync(CSS)?;
        root.set_adopted_style_sheets(&Array::of1(&sheet));
        Ok(())
    });
    if adopted.is_err() {
        let doc = document()?;
        let style = doc.create_element("style")?;
        style.set_text_content(Some(CSS));
        root.append_child(&style)?;
    }
    Ok(())
}

fn document() -> Result<Document> {
    web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| JsValue::from_str("no document"))
}

fn add(doc: &Document, parent: &Node, tag: &str, class: &str) -> Result<Element> {
    let el = doc.create_element(tag)?;
    if !class.is_empty() {
        el.set_class_name(class);
    }
    parent.append_child(&el)?;
    Ok(el)
}

fn add_text(doc: &Document, parent: &Node, tag: &str, class: &str, text: &str) -> Result<Element> {
    let el = add(doc, parent, tag, class)?;
    el.set_text_content(Some(text));
    Ok(el)
}

fn set_attrs(el: &Element, attrs: &[(&str, &str)]) -> Result<()> {
    for (name, value) in attrs {
        el.set_attribute(name, value)?;
    }
    Ok(())
}

fn button(doc: &Document, parent: &Node, class: &str, act: &str, text: &str) -> Result<Element> {
    let b = add_text(doc, parent, "button", class, text)?;
    set_attrs(&b, &[("type", "button"), ("data-act", act)])?;
    Ok(b)
}

/// A plain anchor that leaves the host page as a whole (never `window.open`: nothing to block).
fn top_link(doc: &Document, parent: &Node, class: &str, href: &str, text: &str) -> Result<Element> {
    let a = add_text(doc, parent, "a", class, text)?;
    set_attrs(&a, &[("href", href), ("target", "_top")])?;
    Ok(a)
}

fn contact_cta(doc: &Document, parent: &Node, intro: &str, links: &[ContactLink]) -> Result<()> {
    if links.is_empty() {
        return Ok(());
    }
    add_text(doc, parent, "p", "", intro)?;
    let list = add(doc, parent, "p", "hw-contact")?;
    for link in links {
        let class = if link.is_phone { "hw-tel" } else { "hw-mail" };
        let a = add_text(doc, &list, "a", class, &link.label)?;
        a.set_attribute("href", &link.href)?;
    }
    Ok(())
}

impl View {
    /// Builds the launcher (unless inline), the panel, the log and the answer form.
    pub fn build(root: &ShadowRoot, business: &str, inline: bool) -> Result<View> {
        let doc = document()?;
        root.set_text_content(None);
        apply_styles(root)?;
        let launcher = if inline {
            None
        } else {
            let b = button(&doc, root, "hw-launcher", "toggle", BOOK_LABEL)?;
            set_attrs(
                &b,
                &[
                    ("aria-expanded", "false"),
                    ("aria-controls", PANEL_ID),
                    ("aria-haspopup", "dialog"),
                ],
            )?;
            Some(b.dyn_into::<HtmlElement>()?)
        };
        let panel = add(&doc, root, "section", "hw-panel")?;
        let aria_label = format!("Booking assistant for {business}");
        set_attrs(
            &panel,
            &[
                ("id", PANEL_ID),
                ("role", if inline { "region" } else { "dialog" }),
                ("aria-label", &aria_label),
            ],
        )?;
        let head = add(&doc, &panel, "div", "hw-head")?;
        let title = add_text(&doc, &head, "p", "hw-title", business)?;
        add_text(&doc, &title, "span", "", "Booking assistant")?;
        if !inline {
            panel.set_attribute("hidden", "")?;
            let close = button(&doc, &head, "hw-close", "close", "\u{d7}")?;
            close.set_attribute("aria-label", "Close")?;
        }
        let body = add(&doc, &panel, "div", "hw-body")?;
        let log = add(&doc, &body, "div", "hw-log")?;
        set_attrs(&log, &[("role", "log"), ("aria-live", "polite")])?;
        let card = add(&doc, &body, "div", "hw-card")?;
        // The summary, the result and "Sending…" are read out as they appear.
        set_attrs(&card, &[("aria-live", "polite"), ("tabindex", "-1")])?;
        let chips = add(&doc, &body, "div", "hw-chips")?;
        let form = add(&doc, &panel, "form", "hw-form")?;
        form.set_attribute("novalidate", "")?;
        let label = add(&doc, &form, "label", "hw-sr")?;
        label.set_attribute("for", INPUT_ID)?;
        let input = add(&doc, &form, "input", "hw-input")?;
        set_attrs(
            &input,
            &[
                ("id", INPUT_ID),
                ("type", "text"),
                ("enterkeyhint", "send"),
                ("placeholder", "Type your answer\u{2026}"),
            ],
        )?;
        let send = add_text(&doc, &form, "button", "hw-send", "Send")?;
        send.set_attribute("type", "submit")?;
        Ok(View {
            doc,
            launcher,
            panel,
            body,
            log,
            card: card.dyn_into()?,
            chips,
            form,
            label,
            input: input.dyn_into()?,
            drawn: Cell::new((0, 0)),
        })
    }

    pub fn form(&self) -> &Element {
        &self.form
    }

    pub fn input(&self) -> &HtmlInputElement {
        &self.input
    }

    pub fn is_open(&self) -> bool {
        !self.panel.has_attribute("hidden")
    }

    /// Shows or hides the launcher's panel (inline panels are always shown).
    pub fn set_open(&self, open: bool) -> Result<()> {
        let Some(launcher) = &self.launcher else {
            return Ok(());
        };
        if open {
            self.panel.remove_attribute("hidden")?;
        } else {
            self.panel.set_attribute("hidden", "")?;
        }
        launcher.set_attribute("aria-expanded", if open { "true" } else { "false" })?;
        self.scroll_to_end();
        Ok(())
    }

    pub fn focus_launcher(&self) {
        if let Some(launcher) = &self.launcher {
            let _ = launcher.focus();
        }
    }

    pub fn render(&self, c: &Conversation) -> Result<()> {
        self.render_log(c)?;
        self.render_card(c)?;
        self.chips.set_text_content(None);
        for chip in c.chips() {
            let act = if chip.skip { "skip" } else { "chip" };
            button(&self.doc, &self.chips, "hw-chip", act, chip.label)?;
        }
        match c.prompt() {
            Some(prompt) => {
                self.form.remove_attribute("hidden")?;
                self.label.set_text_content(Some(prompt.label));
                self.input.set_autocomplete(prompt.autocomplete);
                if prompt.invalid {
                    self.input.set_attribute("aria-invalid", "true")?;
                } else {
                    self.input.remove_attribute("aria-invalid")?;
                }
            }
            None => self.form.set_attribute("hidden", "")?,
        }
        self.scroll_to_end();
        Ok(())
    }

    /// After a visitor's action: the answer box while a question is open, else the card's
    /// first control (Send request, Continue to booking, the direct link), else the card.
    pub fn focus(&self, c: &Conversation) {
        if !self.is_open() {
            return;
        }
        if c.prompt().is_some() {
            let _ = self.input.focus();
            return;
        }
        let target = self
            .card
            .query_selector("a,button")
            .ok()
            .flatten()
            .and_then(|el| el.dyn_into::<HtmlElement>().ok());
        let _ = target.as_ref().unwrap_or(&self.card).focus();
    }

    fn scroll_to_end(&self) {
        self.body.set_scroll_top(self.body.scroll_height());
    }

    fn render_log(&self, c: &Conversation) -> Result<()> {
        let messages = c.transcript();
        let (generation, drawn) = self.drawn.get();
        let from = if generation != c.generation() || drawn > messages.len() {
            self.log.set_text_content(None);
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
            add_text(&self.doc, &self.log, "p", class, &m.text)?;
        }
        self.drawn.set((c.generation(), messages.len()));
        Ok(())
    }

    fn render_card(&self, c: &Conversation) -> Result<()> {
        let doc = &self.doc;
        let card: &Node = &self.card;
        card.set_text_content(None);
        let business = &c.config().business_name;
        let reach = format!("Questions? You can reach {business} directly:");
        match c.card() {
            Card::None => {}
            Card::Summary(rows) => {
                let dl = add(doc, card, "dl", "hw-summary")?;
                for (label, value) in rows {
                    add_text(doc, &dl, "dt", "", label)?;
                    add_text(doc, &dl, "dd", "", value)?;
                }
                let actions = add(doc, card, "div", "hw-actions")?;
                button(doc, &actions, "hw-confirm", "confirm", SEND_LABEL)?;
                button(doc, &actions, "hw-restart", "restart", RESTART_LABEL)?;
            }
            Card::Sending => {
                add_text(doc, card, "p", "hw-sending", "Sending your request\u{2026}")?;
            }
            Card::Done {
                copy,
                continue_url,
                disclaimer,
            } => {
                add_text(doc, card, "p", "hw-copy", copy)?;
                if let Some(disclaimer) = disclaimer {
                    add_text(doc, card, "p", "hw-disclaimer", disclaimer)?;
                }
                if let Some(url) = continue_url {
                    top_link(doc, card, "hw-continue", url, copy::CONTINUE_LABEL)?;
                    let line = add(doc, card, "p", "hw-rawline")?;
                    top_link(doc, &line, "hw-raw", url, copy::RAW_LINK_LABEL)?;
                    add_text(doc, &line, "span", "hw-url", url)?;
                }
                contact_cta(doc, card, &reach, &c.config().contact_links())?;
            }
            Card::Failed {
                message,
                direct_url,
            } => {
                let error = add(doc, card, "div", "hw-error")?;
                error.set_attribute("role", "alert")?;
                add_text(doc, &error, "p", "", message)?;
                if let Some(url) = direct_url {
                    top_link(doc, &error, "hw-direct", url, "Open the booking page")?;
                }
                contact_cta(doc, &error, &reach, &c.config().contact_links())?;
                button(doc, card, "hw-retry", "retry", RETRY_LABEL)?;
            }
            Card::Unavailable { message } => {
                let box_ = add(doc, card, "div", "hw-unavailable")?;
                add_text(doc, &box_, "p", "", message)?;
                let intro = format!("You can reach {business} directly:");
                contact_cta(doc, &box_, &intro, &c.config().contact_links())?;
            }
        }
        Ok(())
    }
}

/// The last resort when the widget itself fails: an apology, the direct link and the contact
/// links, drawn from scratch so it does not depend on any state that may be broken.
pub fn render_broken(root: &ShadowRoot, direct_url: &str, contacts: &[ContactLink]) -> Result<()> {
    let doc = document()?;
    root.set_text_content(None);
    apply_styles(root)?;
    let boxed = add(&doc, root, "div", "hw-broken hw-error")?;
    boxed.set_attribute("role", "alert")?;
    add_text(&doc, &boxed, "p", "", BROKEN)?;
    top_link(
        &doc,
        &boxed,
        "hw-direct",
        direct_url,
        "Open the booking page",
    )?;
    contact_cta(&doc, &boxed, "Or contact the business:", contacts)
}
