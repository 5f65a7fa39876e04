//! The few things the widget does with plain JS values, on top of js-sys: reading and writing
//! properties of JSON-shaped objects, and URL-encoding.
//!
//! web-sys declares most DOM calls fallible; the widget calls them with constant tag,
//! attribute and selector names, where they cannot throw, so their `Result`s are dropped with
//! `let _ =` (see `view`). Only calls that can really fail are acted on: constructed
//! stylesheets (older browsers), XMLHttpRequest open/send, and the host page's
//! `dataLayer.push` (someone else's code).

use js_sys::{Object, Reflect};
use wasm_bindgen::JsValue;

/// `value[key]`, or `undefined` when `value` is not an object (where `Reflect.get` throws).
pub fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// `target[key] = value` on an object the widget created.
pub fn set(target: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

pub fn encode_uri_component(text: &str) -> String {
    js_sys::encode_uri_component(text).into()
}
