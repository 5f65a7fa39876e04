//! The booking assistant widget (wasm). The loader (`loader/widget.js`) creates the shadow root,
//! loads this module and the client's widget config, then calls [`mount`].
//!
//! Split like wasm-bindgen's todomvc example: `conversation` is the pure state machine,
//! `view` draws it, `api` speaks HTTP, `dom` reads JSON-shaped JS objects, and this file
//! wires events between them.
//! Nothing here panics on purpose; if something does, the panic hook swaps the widget for the
//! failure view (apology, direct booking link, contact links), and no personal data is ever
//! written to the console.

mod api;
pub mod conversation;
mod dom;
mod view;

use std::cell::{Cell, RefCell};

use js_sys::{Function, Object};
use wasm_bindgen::prelude::*;
use web_sys::{
    CustomEvent, CustomEventInit, Element, Event, EventTarget, HtmlInputElement, KeyboardEvent,
    ShadowRoot, Window,
};

use api::Opts;
use conversation::{ContactLink, Conversation, Effect, Input};
use handoff_core::events::{self, HostEvent};
use handoff_core::i18n::Strings;
use view::View;

/// The allocator: a free list (lol_alloc) rather than Rust's default dlmalloc, which is ~3 KB
/// gzipped of the widget's 40 KB budget; the widget allocates a few KB of short strings per
/// answer. The wasm32-unknown-unknown target without `atomics` has no threads.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    // SAFETY: single-threaded target (see the cfg above).
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };

/// How long a framed booking page may take to load before the link replaces it.
const FRAME_TIMEOUT_MS: i32 = 6000;

/// Mounts the assistant into `root`. `config` is the parsed `GET /api/v1/widget-config` body;
/// `opts` is `{apiBase, industry, mode, open, lang, touch}` (docs/ARCHITECTURE.md).
#[wasm_bindgen]
pub fn mount(root: ShadowRoot, config: JsValue, opts: JsValue) -> Result<(), JsValue> {
    let window = root.owner_document().and_then(|doc| doc.default_view());
    let opts = api::parse_opts(&opts, &config, window.as_ref());
    // Without its sentences the widget has nothing to say: the loader's own fallback link
    // (which this error reaches) is the way to book.
    let t = api::strings(&config).ok_or(JsValue::NULL)?;
    let config = api::parse_config(&config, opts.lang);
    let broken = Broken {
        root: root.clone(),
        direct_url: config
            .as_ref()
            .and_then(|c| c.direct_url().map(str::to_string))
            .unwrap_or_else(|| api::hosted_page(&opts)),
        contacts: config
            .as_ref()
            .map(|c| c.contact_links(t))
            .unwrap_or_default(),
        t,
        look: config.as_ref().map(|c| c.look.clone()).unwrap_or_default(),
    };
    std::panic::set_hook(Box::new(|_| show_broken()));
    // A trap while starting reaches the loader, which shows its own fallback link.
    match config {
        Some(config) => App::start(root, config, opts, t, window),
        None => broken.show(),
    }
    let _ = BROKEN.try_with(|all| {
        if let Ok(mut all) = all.try_borrow_mut() {
            all.push(broken);
        }
    });
    Ok(())
}

/// What the failure view needs, kept apart from the app state so a panic cannot reach it
/// half-borrowed. One per mounted widget: pages with two script tags share this wasm instance,
/// and after a panic none of its widgets can be trusted.
struct Broken {
    root: ShadowRoot,
    direct_url: String,
    contacts: Vec<ContactLink>,
    t: &'static Strings,
    look: String,
}

thread_local! {
    static BROKEN: RefCell<Vec<Broken>> = const { RefCell::new(Vec::new()) };
}

impl Broken {
    fn show(&self) {
        view::render_broken(
            &self.root,
            &self.direct_url,
            &self.contacts,
            self.t,
            &self.look,
        );
    }
}

/// After a panic every widget on the page shows its failure view.
fn show_broken() {
    // `try_with` fails only while a thread shuts down, which a page's never does; unlike
    // `with` it has no panic path to ship.
    let _ = BROKEN.try_with(|all| {
        if let Ok(all) = all.try_borrow() {
            all.iter().for_each(Broken::show);
        }
    });
}

/// One mounted widget. It lives as long as the page (the widget is never unmounted, and its
/// listeners hold it), so it is leaked to `'static` rather than reference-counted.
struct App {
    convo: RefCell<Conversation>,
    view: View,
    opts: Opts,
    host: Element,
    /// The page's `window`: timers, and Google Tag Manager's `dataLayer`.
    window: Option<Window>,
    /// When the visitor first saw the assistant (ms since the epoch; 0: not yet).
    opened_at: Cell<f64>,
}

impl App {
    fn start(
        root: ShadowRoot,
        config: conversation::Config,
        opts: Opts,
        t: &'static Strings,
        window: Option<Window>,
    ) {
        remember_look(window.as_ref(), &opts.slug, &config.look);
        // Replacing the loader's launcher must not drop keyboard focus that was on it.
        let had_focus = root.active_element().is_some();
        let view = View::build(&root, &config, opts.inline, t);
        let host = root.host();
        let mode = if opts.inline { "inline" } else { "launcher" };
        let _ = host.set_attribute("data-handoff-widget", mode);
        let app: &'static App = Box::leak(Box::new(App {
            convo: RefCell::new(Conversation::new(config, opts.page.clone(), t)),
            view,
            opts,
            host,
            window,
            opened_at: Cell::new(0.0),
        }));
        app.view.render(&app.convo.borrow());

        let target: &EventTarget = &root;
        listen(target, "click", move |e| app.on_click(&e));
        listen(target, "keydown", move |e| app.on_keydown(&e));
        listen(app.view.form(), "submit", move |e| app.on_submit(&e));

        if app.opts.open {
            app.set_open(true);
        } else if app.opts.inline {
            app.opened();
        } else if had_focus {
            app.view.focus_launcher();
        }
    }

    fn set_open(&self, open: bool) {
        if open && !self.view.is_open() {
            self.opened();
        }
        self.view.set_open(open);
        if open {
            self.view.focus(&self.convo.borrow());
        } else {
            self.view.focus_launcher();
        }
    }

    /// The assistant is shown: the host page hears of it, and the first time starts the clock
    /// the server's minimum fill time is checked against.
    fn opened(&self) {
        if self.opened_at.get() == 0.0 {
            self.opened_at.set(js_sys::Date::now());
        }
        self.tell_host(HostEvent::Opened);
    }

    fn handle(&'static self, input: Input) {
        let Ok((effect, service_was_known)) = self.convo.try_borrow_mut().map(|mut c| {
            let known = c.service().is_some();
            (c.update(input), known)
        }) else {
            return;
        };
        let convo = self.convo.borrow();
        if !service_was_known && convo.service().is_some() {
            self.tell_host(HostEvent::ServiceSelected);
        }
        self.view.render(&convo);
        self.view.focus(&convo);
        match effect {
            Effect::None => {}
            Effect::Send => {
                let request = api::Request {
                    fields: convo.request(),
                    consent_given: convo.consent_given(),
                    elapsed_ms: js_sys::Date::now() - self.opened_at.get(),
                    honeypot: self.view.honeypot(),
                };
                // Released first: a request that cannot even start answers at once, and that
                // answer must find the conversation free to update.
                drop(convo);
                api::send_handoff(&self.opts, &request, move |outcome| {
                    self.handle(Input::Sent(outcome))
                });
            }
            Effect::Captured { .. } => {
                drop(convo);
                self.tell_host(HostEvent::LeadCaptured);
                self.watch_frame();
            }
        }
    }

    /// A framed booking page that has not loaded within `FRAME_TIMEOUT_MS` gives way to the
    /// plain link (a provider may refuse framing in ways the server's probe could not see).
    fn watch_frame(&'static self) {
        let (Some(frame), Some(window)) = (self.view.frame(), &self.window) else {
            return;
        };
        let loaded: &'static Cell<bool> = Box::leak(Box::new(Cell::new(false)));
        listen(&frame, "load", move |_| loaded.set(true));
        let timeout = Closure::<dyn FnMut()>::new(move || {
            if !loaded.get() {
                self.handle(Input::FrameFailed);
            }
        });
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
            timeout.as_ref().unchecked_ref(),
            FRAME_TIMEOUT_MS,
        );
        timeout.forget();
    }

    fn on_click(&'static self, event: &Event) {
        // Clicks inside the shadow root land on the widget's own elements.
        let Some(target) = event.target().map(JsCast::unchecked_into::<Element>) else {
            return;
        };
        let closest = |selector| target.closest(selector).ok().flatten();
        // Continue links navigate by themselves; we only tell the host page.
        if closest("a.hw-continue,a.hw-raw").is_some() {
            return self.tell_host(HostEvent::Redirected);
        }
        let Some(control) = closest("[data-act]") else {
            return;
        };
        let input = match control.get_attribute("data-act").as_deref() {
            Some("toggle") => return self.set_open(!self.view.is_open()),
            Some("close") => return self.set_open(false),
            // A chip answers with its own label, as if typed.
            Some("chip") => Input::Answer(control.text_content().unwrap_or_default()),
            Some("skip") => Input::Skip,
            Some("confirm") => Input::Confirm,
            // The consent box keeps its own state: the conversation is told and nothing is
            // redrawn (a redraw would move focus and read the whole card out again).
            Some("agree") => {
                if let Ok(mut convo) = self.convo.try_borrow_mut() {
                    let tick: &HtmlInputElement = control.unchecked_ref();
                    convo.update(Input::Agree(tick.checked()));
                }
                return;
            }
            Some("restart") => Input::Restart,
            Some("retry") => Input::Retry,
            _ => return,
        };
        self.handle(input);
    }

    fn on_submit(&'static self, event: &Event) {
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
        // Listened to as `keydown`, so always a keyboard event.
        let escape = event.unchecked_ref::<KeyboardEvent>().key() == "Escape";
        if escape && !self.opts.inline && self.view.is_open() {
            self.set_open(false);
        }
    }

    /// One event of the host-page contract (`handoff_core::events`): a `CustomEvent` on the
    /// host element (bubbles out of the shadow root) and, when the page has Google Tag
    /// Manager's `dataLayer`, a push there. Never personal data: the handoff id, the service
    /// and the provider, `null` until known.
    fn tell_host(&self, event: HostEvent) {
        let convo = self.convo.borrow();
        let value = |field: &str| {
            let known = match field {
                "handoffId" => convo.handoff_id(),
                "service" => convo.service(),
                _ => convo.provider(),
            };
            known.map_or(JsValue::NULL, JsValue::from)
        };
        let detail = Object::new();
        let entry = Object::new();
        dom::set(&entry, "event", &event.data_layer_name().into());
        dom::set(&entry, "handoff_version", &events::VERSION.into());
        for field in event.fields() {
            dom::set(&detail, field, &value(field));
            dom::set(&entry, field, &value(field));
        }
        let init = CustomEventInit::new();
        init.set_bubbles(true);
        init.set_composed(true);
        init.set_detail(&detail);
        if let Ok(e) = CustomEvent::new_with_event_init_dict(event.dom_name(), &init) {
            let _ = self.host.dispatch_event(&e);
        }
        let Some(window) = &self.window else {
            return;
        };
        let data_layer = dom::get(window, "dataLayer");
        if js_sys::Array::is_array(&data_layer) {
            // Through the array's own `push`: GTM replaces it to process events. Its errors
            // are the host page's business, never ours.
            let push: Function = dom::get(&data_layer, "push").unchecked_into();
            let _ = push.call1(&data_layer, &entry);
        }
    }
}

/// Keeps the business's look in the host page's localStorage, where the loader reads it to
/// draw the launcher in it at once on the next page (`handoff:look:SLUG`, as the loader names
/// it). A browser that refuses storage only sees our colours first.
fn remember_look(window: Option<&Window>, slug: &str, look: &str) {
    if let Some(Ok(Some(store))) = window.map(Window::local_storage) {
        let _ = store.set_item(&["handoff:look:", slug].concat(), look);
    }
}

/// Adds a listener for the page's lifetime (the widget is never unmounted).
fn listen(target: &EventTarget, kind: &str, handler: impl FnMut(Event) + 'static) {
    let closure = Closure::<dyn FnMut(Event)>::new(handler);
    let _ = target.add_event_listener_with_callback(kind, closure.as_ref().unchecked_ref());
    closure.forget();
}
