//! The booking assistant widget (wasm). The loader (`loader/widget.js`) creates the shadow root,
//! loads this module and the client's widget config, then calls [`mount`].
//!
//! Split like wasm-bindgen's todomvc example: `conversation` is the pure state machine,
//! `view` draws it, `api` speaks HTTP, and this file wires events between them.
//! Nothing here panics on purpose; if something does, the panic hook swaps the widget for the
//! failure view (apology, direct booking link, contact links), and no personal data is ever
//! written to the console.

mod api;
pub mod conversation;
mod heap;
mod view;

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::prelude::*;
use web_sys::{
    CustomEvent, CustomEventInit, Element, Event, EventTarget, KeyboardEvent, ShadowRoot,
};

use api::Opts;
use conversation::{ContactLink, Conversation, Effect, Input};
use view::View;

/// Mounts the assistant into `root`. `config` is the parsed `GET /api/v1/widget-config` body;
/// `opts` is `{apiBase, edge, slug, industry, sourcePage, mode, open, host}`.
#[wasm_bindgen]
pub fn mount(root: ShadowRoot, config: JsValue, opts: JsValue) {
    let opts = api::parse_opts(&opts);
    let config = api::parse_config(&config);
    let broken = Broken {
        root: root.clone(),
        direct_url: config
            .as_ref()
            .and_then(|c| c.direct_url().map(str::to_string))
            .unwrap_or_else(|| api::hosted_page(&opts)),
        contacts: config
            .as_ref()
            .map(|c| c.contact_links())
            .unwrap_or_default(),
    };
    std::panic::set_hook(Box::new(|_| show_broken()));
    // A trap while starting reaches the loader, which shows its own fallback link.
    let mounted = config
        .ok_or_else(|| JsValue::from_str("invalid widget config"))
        .and_then(|config| App::start(root, config, opts, broken.clone()));
    if mounted.is_err() {
        broken.show();
    }
    BROKEN.with(|all| {
        if let Ok(mut all) = all.try_borrow_mut() {
            all.push(broken);
        }
    });
}

/// What the failure view needs, kept apart from the app state so a panic cannot reach it
/// half-borrowed. One per mounted widget: pages with two script tags share this wasm instance,
/// and after a panic none of its widgets can be trusted.
#[derive(Clone)]
struct Broken {
    root: ShadowRoot,
    direct_url: String,
    contacts: Vec<ContactLink>,
}

thread_local! {
    static BROKEN: RefCell<Vec<Broken>> = const { RefCell::new(Vec::new()) };
}

impl Broken {
    fn show(&self) {
        let _ = view::render_broken(&self.root, &self.direct_url, &self.contacts);
    }
}

/// After a panic (or a rendering error) every widget on the page shows its failure view.
fn show_broken() {
    BROKEN.with(|all| {
        if let Ok(all) = all.try_borrow() {
            all.iter().for_each(Broken::show);
        }
    });
}

struct App {
    convo: RefCell<Conversation>,
    view: View,
    opts: Opts,
    host: Option<Element>,
    broken: Broken,
}

impl App {
    fn start(
        root: ShadowRoot,
        config: conversation::Config,
        opts: Opts,
        broken: Broken,
    ) -> Result<(), JsValue> {
        // Replacing the loader's launcher must not drop keyboard focus that was on it.
        let had_focus = root.active_element().is_some();
        let view = View::build(&root, &config.business_name, opts.inline)?;
        let host = opts.host.clone().or_else(|| Some(root.host()));
        if let Some(host) = &host {
            let mode = if opts.inline { "inline" } else { "launcher" };
            host.set_attribute("data-handoff-widget", mode)?;
        }
        let app = Rc::new(App {
            convo: RefCell::new(Conversation::new(config, opts.page.clone())),
            view,
            opts,
            host,
            broken,
        });
        app.view.render(&app.convo.borrow())?;

        let target: &EventTarget = &root;
        let a = app.clone();
        listen(target, "click", move |e| a.on_click(&e))?;
        let a = app.clone();
        listen(target, "keydown", move |e| a.on_keydown(&e))?;
        let a = app.clone();
        listen(app.view.form(), "submit", move |e| a.on_submit(&e))?;

        if app.opts.open {
            app.set_open(true);
        } else if had_focus {
            app.view.focus_launcher();
        }
        Ok(())
    }

    fn set_open(&self, open: bool) {
        if self.view.set_open(open).is_err() {
            self.broken.show();
        } else if open {
            self.view.focus(&self.convo.borrow());
        } else {
            self.view.focus_launcher();
        }
    }

    fn handle(self: &Rc<Self>, input: Input) {
        let Ok(effect) = self.convo.try_borrow_mut().map(|mut c| c.update(input)) else {
            return;
        };
        let convo = self.convo.borrow();
        if self.view.render(&convo).is_err() {
            self.broken.show();
            return;
        }
        self.view.focus(&convo);
        match effect {
            Effect::None => {}
            Effect::Send => {
                let app = self.clone();
                api::send_handoff(&self.opts, &convo.request(), move |outcome| {
                    app.handle(Input::Sent(outcome))
                });
            }
            Effect::Captured { handoff_id } => self.tell_host("handoff:lead_captured", &handoff_id),
        }
    }

    fn on_click(self: &Rc<Self>, event: &Event) {
        let Some(target) = event.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
            return;
        };
        // Continue links navigate by themselves; we only tell the host page.
        if let Ok(Some(_)) = target.closest("a.hw-continue,a.hw-raw") {
            let id = self.convo.borrow().handoff_id().map(str::to_string);
            if let Some(id) = id {
                self.tell_host("handoff:continue_clicked", &id);
            }
            return;
        }
        let Ok(Some(control)) = target.closest("[data-act]") else {
            return;
        };
        let input = match control.get_attribute("data-act").as_deref() {
            Some("toggle") => return self.set_open(!self.view.is_open()),
            Some("close") => return self.set_open(false),
            // A chip answers with its own label, as if typed.
            Some("chip") => Input::Answer(control.text_content().unwrap_or_default()),
            Some("skip") => Input::Skip,
            Some("confirm") => Input::Confirm,
            Some("restart") => Input::Restart,
            Some("retry") => Input::Retry,
            _ => return,
        };
        self.handle(input);
    }

    fn on_submit(self: &Rc<Self>, event: &Event) {
        event.prevent_default();
        let input = self.view.input();
        let value = input.value();
        if value.trim().is_empty() {
            let _ = input.focus();
            return;
        }
        input.set_value("");
        self.handle(Input::Answer(value));
    }

    fn on_keydown(&self, event: &Event) {
        let escape = event
            .dyn_ref::<KeyboardEvent>()
            .is_some_and(|k| k.key() == "Escape");
        if escape && !self.opts.inline && self.view.is_open() {
            self.set_open(false);
        }
    }

    /// A `CustomEvent` on the host element (bubbles out of the shadow root) and, when the page
    /// has Google Tag Manager's `dataLayer`, an entry there. Only the handoff id: no personal data.
    fn tell_host(&self, name: &str, handoff_id: &str) {
        let detail = Object::new();
        let _ = Reflect::set(&detail, &"handoffId".into(), &handoff_id.into());
        if let Some(host) = &self.host {
            let init = CustomEventInit::new();
            init.set_bubbles(true);
            init.set_composed(true);
            init.set_detail(&detail);
            if let Ok(event) = CustomEvent::new_with_event_init_dict(name, &init) {
                let _ = host.dispatch_event(&event);
            }
        }
        let data_layer = Reflect::get(&js_sys::global(), &"dataLayer".into()).unwrap_or_default();
        if Array::is_array(&data_layer) {
            // Through the array's own `push`: GTM replaces it to process events.
            let push = Reflect::get(&data_layer, &"push".into()).map(JsCast::dyn_into::<Function>);
            if let Ok(Ok(push)) = push {
                let entry = Object::new();
                let _ = Reflect::set(&entry, &"event".into(), &name.into());
                let _ = Reflect::set(&entry, &"handoffId".into(), &handoff_id.into());
                let _ = push.call1(&data_layer, &entry);
            }
        }
    }
}

/// Adds a listener for the page's lifetime (the widget is never unmounted).
fn listen(
    target: &EventTarget,
    kind: &str,
    handler: impl FnMut(Event) + 'static,
) -> Result<(), JsValue> {
    let closure = Closure::<dyn FnMut(Event)>::new(handler);
    target.add_event_listener_with_callback(kind, closure.as_ref().unchecked_ref())?;
    closure.forget();
    Ok(())
}
