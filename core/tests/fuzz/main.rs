//! Time-bounded fuzzing of every core parser and builder, on stable Rust.
//!
//! One `#[test]` per target. Each draws from proptest strategies that mix random text and
//! bytes with structure-aware inputs (valid headers, URLs, cookies and leads, then mutated)
//! and checks properties of what the real decision functions return, not just "no panic".
//!
//! - `cargo test -p handoff-core --all-features --test fuzz`: one batch of 256 cases per
//!   target from a seed fixed by the target's name (deterministic, a few seconds in all).
//! - `HANDOFF_FUZZ_SECONDS=60`: each target runs batches with fresh seeds until its deadline
//!   and prints its cases, rate and base seed (`scripts/fuzz.sh` does this in the fuzz
//!   profile).
//! - `HANDOFF_FUZZ_SEED=0x…`: replays the one batch a failure printed; proptest shrinks the
//!   failing case and the message shows the minimal input.

mod gen;
mod harness;

#[cfg(feature = "server")]
mod ids;
mod intent;
mod lead;
mod text;

#[cfg(feature = "server")]
mod csv;
#[cfg(feature = "server")]
mod framing;
#[cfg(feature = "server")]
mod pipeline;
#[cfg(feature = "server")]
mod redirect;
#[cfg(feature = "server")]
mod session;
#[cfg(feature = "server")]
mod settings;
#[cfg(feature = "server")]
mod webhook;
