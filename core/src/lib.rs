//! Handoff's domain rules, shared by the worker and the widget.
//!
//! Nothing here touches the network, the DOM or D1: every decision the product makes
//! (what a valid lead is, what gets redacted, which status may follow which, where a
//! visitor is redirected, which signature is genuine) lives here and is tested natively.
//! The `server` feature adds what only the worker needs (URLs, settings, crypto).
#![forbid(unsafe_code)]

pub mod copy;
pub mod events;
pub mod i18n;
pub mod intent;
pub mod lead;
pub mod provider;
pub mod status;
pub mod text;
pub mod time;
pub mod useragent;

#[cfg(feature = "server")]
pub mod alert;
#[cfg(feature = "server")]
pub mod appearance;
#[cfg(feature = "server")]
pub mod attribution;
#[cfg(feature = "server")]
pub mod crypto;
#[cfg(feature = "server")]
pub mod csv;
#[cfg(feature = "server")]
pub mod forward;
#[cfg(feature = "server")]
pub mod framing;
#[cfg(feature = "server")]
pub mod id;
#[cfg(feature = "server")]
pub mod pipeline;
#[cfg(feature = "server")]
pub mod privacy;
#[cfg(feature = "server")]
pub mod redirect;
#[cfg(feature = "server")]
pub mod session;
#[cfg(feature = "server")]
pub mod settings;
#[cfg(feature = "server")]
pub mod webhook;
