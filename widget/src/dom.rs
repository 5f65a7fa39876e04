//! The browser APIs the widget calls, bound directly with `wasm_bindgen` rather than through
//! web-sys and js-sys.
//!
//! Why: web-sys declares almost every DOM method fallible (`catch`), so each call carried an
//! exception check and an error path dropping everything built so far, and each import a
//! `handleError` wrapper in the JS glue: several KB of the widget's 40 KB gzipped budget. The
//! widget calls the DOM with constant tag, attribute and selector names, where it cannot throw.
//! Only calls that can really fail keep `catch`: JSON.parse (an answer that is not JSON),
//! XMLHttpRequest open/send, constructed stylesheets (older browsers) and the host page's
//! `dataLayer.push` (someone else's code).
//!
//! Strings come back as `JsValue` (see [`string`]).

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// The global `setTimeout`.
    #[wasm_bindgen(js_name = setTimeout)]
    pub fn set_timeout(handler: &Closure<dyn FnMut()>, ms: i32) -> JsValue;

    #[derive(Clone)]
    pub type EventTarget;
    #[wasm_bindgen(method, js_name = addEventListener)]
    pub fn add_event_listener(this: &EventTarget, kind: &str, listener: &Closure<dyn FnMut(Event)>);
    #[wasm_bindgen(method, js_name = dispatchEvent)]
    pub fn dispatch_event(this: &EventTarget, event: &CustomEvent);

    #[wasm_bindgen(extends = EventTarget)]
    #[derive(Clone)]
    pub type Node;
    #[wasm_bindgen(method, js_name = appendChild)]
    pub fn append_child(this: &Node, child: &Node);
    /// `""` removes every child.
    #[wasm_bindgen(method, setter = textContent)]
    pub fn set_text_content(this: &Node, text: &str);
    #[wasm_bindgen(method, getter = textContent)]
    pub fn text_content(this: &Node) -> JsValue;
    #[wasm_bindgen(method, getter = ownerDocument)]
    pub fn owner_document(this: &Node) -> Document;

    /// An HTML element (the widget creates no other kind), `<input>` included.
    #[wasm_bindgen(extends = Node, extends = EventTarget)]
    #[derive(Clone)]
    pub type Element;
    #[wasm_bindgen(method, js_name = setAttribute)]
    pub fn set_attribute(this: &Element, name: &str, value: &str);
    #[wasm_bindgen(method, js_name = removeAttribute)]
    pub fn remove_attribute(this: &Element, name: &str);
    #[wasm_bindgen(method, js_name = hasAttribute)]
    pub fn has_attribute(this: &Element, name: &str) -> bool;
    #[wasm_bindgen(method, js_name = getAttribute)]
    pub fn get_attribute(this: &Element, name: &str) -> JsValue;
    #[wasm_bindgen(method)]
    pub fn closest(this: &Element, selectors: &str) -> Option<Element>;
    #[wasm_bindgen(method, js_name = querySelector)]
    pub fn query_selector(this: &Element, selectors: &str) -> Option<Element>;
    #[wasm_bindgen(method)]
    pub fn focus(this: &Element);
    #[wasm_bindgen(method, getter = scrollHeight)]
    pub fn scroll_height(this: &Element) -> i32;
    #[wasm_bindgen(method, setter = scrollTop)]
    pub fn set_scroll_top(this: &Element, top: i32);
    #[wasm_bindgen(method, getter)]
    pub fn value(this: &Element) -> JsValue;
    #[wasm_bindgen(method, setter)]
    pub fn set_value(this: &Element, value: &str);
    /// A checkbox's state (`undefined`, so false, on other elements).
    #[wasm_bindgen(method, getter)]
    pub fn checked(this: &Element) -> bool;

    #[wasm_bindgen(extends = Node, extends = EventTarget)]
    #[derive(Clone)]
    pub type ShadowRoot;
    #[wasm_bindgen(method, getter = activeElement)]
    pub fn active_element(this: &ShadowRoot) -> Option<Element>;
    #[wasm_bindgen(method, getter)]
    pub fn host(this: &ShadowRoot) -> Element;
    #[wasm_bindgen(method, setter = adoptedStyleSheets)]
    pub fn set_adopted_style_sheets(this: &ShadowRoot, sheets: &JsValue);

    pub type Document;
    #[wasm_bindgen(method, js_name = createElement)]
    pub fn create_element(this: &Document, tag: &str) -> Element;
    /// The page's `window`.
    #[wasm_bindgen(method, getter = defaultView)]
    pub fn default_view(this: &Document) -> JsValue;

    #[wasm_bindgen(js_name = CSSStyleSheet)]
    pub type CssStyleSheet;
    #[wasm_bindgen(catch, constructor, js_class = "CSSStyleSheet")]
    pub fn new() -> Result<CssStyleSheet, JsValue>;
    #[wasm_bindgen(catch, method, js_name = replaceSync)]
    pub fn replace_sync(this: &CssStyleSheet, css: &str) -> Result<(), JsValue>;

    pub type Event;
    #[wasm_bindgen(method, getter)]
    pub fn target(this: &Event) -> Option<Element>;
    #[wasm_bindgen(method, js_name = preventDefault)]
    pub fn prevent_default(this: &Event);
    /// `KeyboardEvent.key`; `undefined` on other events.
    #[wasm_bindgen(method, getter)]
    pub fn key(this: &Event) -> JsValue;

    pub type CustomEvent;
    #[wasm_bindgen(constructor, js_class = "CustomEvent")]
    pub fn new(kind: &str, init: &JsValue) -> CustomEvent;

    #[wasm_bindgen(extends = EventTarget, js_name = XMLHttpRequest)]
    #[derive(Clone)]
    pub type Xhr;
    #[wasm_bindgen(constructor, js_class = "XMLHttpRequest")]
    pub fn new() -> Xhr;
    #[wasm_bindgen(catch, method)]
    pub fn open(this: &Xhr, method: &str, url: &str) -> Result<(), JsValue>;
    #[wasm_bindgen(method, js_name = setRequestHeader)]
    pub fn set_request_header(this: &Xhr, name: &str, value: &str);
    #[wasm_bindgen(method, setter)]
    pub fn set_timeout(this: &Xhr, ms: u32);
    #[wasm_bindgen(catch, method)]
    pub fn send(this: &Xhr, body: &JsValue) -> Result<(), JsValue>;
    /// 0 when there was no answer at all.
    #[wasm_bindgen(method, getter)]
    pub fn status(this: &Xhr) -> u16;
    #[wasm_bindgen(method, getter = responseText)]
    pub fn response_text(this: &Xhr) -> JsValue;

    /// Google Tag Manager's `window.dataLayer` (an array whose `push` GTM replaces).
    pub type DataLayer;
    #[wasm_bindgen(catch, method)]
    pub fn push(this: &DataLayer, entry: &JsValue) -> Result<(), JsValue>;

    pub type Array;
    #[wasm_bindgen(method, getter)]
    pub fn length(this: &Array) -> u32;
    #[wasm_bindgen(method, indexing_getter)]
    pub fn get(this: &Array, index: u32) -> JsValue;
    #[wasm_bindgen(static_method_of = Array, js_name = isArray)]
    pub fn is_array(value: &JsValue) -> bool;
    #[wasm_bindgen(static_method_of = Array)]
    pub fn of(item: &JsValue) -> Array;

    #[wasm_bindgen(js_name = Object)]
    pub type Object;
    #[wasm_bindgen(constructor, js_class = "Object")]
    pub fn new() -> Object;

    #[wasm_bindgen(js_namespace = Reflect, js_name = get)]
    fn reflect_get(target: &JsValue, key: &str) -> JsValue;
    /// `target[key] = value` on an object the widget created.
    #[wasm_bindgen(js_namespace = Reflect, js_name = set)]
    pub fn set(target: &JsValue, key: &str, value: &JsValue);

    #[wasm_bindgen(catch, js_namespace = JSON)]
    pub fn parse(text: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_namespace = JSON)]
    pub fn stringify(value: &JsValue) -> JsValue;

    #[wasm_bindgen(js_name = encodeURIComponent)]
    fn encode_uri_component_js(text: &str) -> JsValue;
}

pub fn encode_uri_component(text: &str) -> String {
    string(encode_uri_component_js(text))
}

/// A JS string as a Rust one (`""` for anything else). Getters that return strings are bound
/// as returning `JsValue` and converted here: one shared conversion in the JS glue instead of
/// one per binding.
pub fn string(value: JsValue) -> String {
    value.as_string().unwrap_or_default()
}

/// `value[key]`, or `undefined` when `value` is not an object (`Reflect.get` would throw).
pub fn get(value: &JsValue, key: &str) -> JsValue {
    if value.is_object() {
        reflect_get(value, key)
    } else {
        JsValue::UNDEFINED
    }
}
