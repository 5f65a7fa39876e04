//! The runner: proptest's shrinking, our own seeds and deadline.
//!
//! A batch is [`BATCH`] cases drawn from one seed, so a seed alone reproduces a failure. The
//! batch seeds of a timed run come from one base seed (printed first), each fresh.

use proptest::strategy::Strategy;
use proptest::test_runner::{Config, RngSeed, TestCaseResult, TestError, TestRunner};
use std::collections::hash_map::RandomState;
use std::fmt::Debug;
use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, Instant, SystemTime};

/// Cases per seed, and all that a plain `cargo test` runs of each target.
pub const BATCH: u32 = 256;
/// Seconds of wall time each target gets (unset: one batch).
const SECONDS_VAR: &str = "HANDOFF_FUZZ_SECONDS";
/// Replays one batch (what a failure prints).
const SEED_VAR: &str = "HANDOFF_FUZZ_SEED";
/// Derives a timed run's base seed from this text instead of fresh randomness. CI passes the
/// git tree id of `core/`, so one version of the code is always fuzzed with the same seeds
/// (a red run reproduces, and a commit that leaves core alone cannot turn red by chance),
/// while every change to core is fuzzed with new ones.
const BASE_VAR: &str = "HANDOFF_FUZZ_BASE";
/// Shrinking a failure is bounded too, so a timed run always ends.
const MAX_SHRINK_MS: u32 = 60_000;

enum Mode {
    /// One batch from a seed derived from the target's name: a plain `cargo test`.
    Quick(u64),
    /// One batch from the given seed.
    Replay(u64),
    /// Batches from fresh seeds until the deadline.
    Timed { base: u64, budget: Duration },
}

impl Mode {
    fn from_env(target: &str) -> Mode {
        if let Some(seed) = env_var(SEED_VAR) {
            return Mode::Replay(parse_seed(&seed));
        }
        match env_var(SECONDS_VAR) {
            Some(secs) => {
                let secs: f64 = secs
                    .parse()
                    .unwrap_or_else(|_| panic!("{SECONDS_VAR}={secs:?} is not a number"));
                Mode::Timed {
                    base: match env_var(BASE_VAR) {
                        Some(base) => fnv1a(format!("{target}:{base}").as_bytes()),
                        None => fresh_seed(target),
                    },
                    budget: Duration::from_secs_f64(secs.max(0.0)),
                }
            }
            None => Mode::Quick(fnv1a(target.as_bytes())),
        }
    }
}

fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn parse_seed(raw: &str) -> u64 {
    let raw = raw.trim();
    let parsed = match raw.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => raw.parse(),
    };
    parsed.unwrap_or_else(|_| panic!("{SEED_VAR}={raw:?} is not a u64 (decimal or 0x hex)"))
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// SplitMix64: turns the base seed and a batch number into that batch's seed.
fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// std's per-process random hash keys, the clock and the target: no RNG crate needed.
fn fresh_seed(target: &str) -> u64 {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write(target.as_bytes());
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    hasher.write_u128(nanos);
    hasher.finish()
}

/// Runs `property` on inputs from `strategy` as the environment asks (see the crate doc);
/// panics with the seed, the minimal failing input and the command that replays it.
pub fn fuzz<S>(target: &str, strategy: S, property: impl Fn(S::Value) -> TestCaseResult)
where
    S: Strategy,
    S::Value: Debug,
{
    let mode = Mode::from_env(target);
    let started = Instant::now();
    let mut cases = 0u64;
    let mut batch = 0u64;
    loop {
        let seed = match mode {
            Mode::Quick(seed) | Mode::Replay(seed) => seed,
            Mode::Timed { base, budget } => {
                if batch > 0 && started.elapsed() >= budget {
                    break;
                }
                if batch == 0 {
                    println!("fuzz {target}: base seed {base:#018x}, {budget:?}");
                }
                splitmix64(base.wrapping_add(batch))
            }
        };
        run_batch(target, seed, &strategy, &property);
        cases += u64::from(BATCH);
        batch += 1;
        if !matches!(mode, Mode::Timed { .. }) {
            break;
        }
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "fuzz {target}: {cases} cases in {batch} batches, {secs:.1} s, {:.0} cases/s",
        cases as f64 / secs.max(1e-9)
    );
}

fn run_batch<S>(
    target: &str,
    seed: u64,
    strategy: &S,
    property: &impl Fn(S::Value) -> TestCaseResult,
) where
    S: Strategy,
    S::Value: Debug,
{
    let config = Config {
        cases: BATCH,
        rng_seed: RngSeed::Fixed(seed),
        failure_persistence: None,
        source_file: None,
        max_shrink_time: MAX_SHRINK_MS,
        ..Config::default()
    };
    let replay = format!(
        "{SEED_VAR}={seed:#018x} cargo test -p handoff-core --all-features --test fuzz -- {target}"
    );
    match TestRunner::new(config).run(strategy, property) {
        Ok(()) => {}
        Err(TestError::Fail(reason, minimal)) => panic!(
            "fuzz {target} failed (seed {seed:#018x}): {reason}\nminimal input: {minimal:#?}\nreplay: {replay}"
        ),
        Err(TestError::Abort(reason)) => {
            panic!("fuzz {target} aborted (seed {seed:#018x}): {reason}\nreplay: {replay}")
        }
    }
}
