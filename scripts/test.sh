#!/usr/bin/env bash
# The one command that runs every test (the seed's quality gate), stopping at the first failure:
# lint (fmt, clippy native + wasm32) -> build every crate and the widget bundle -> core and
# widget unit/property tests -> a bounded fuzz run of core -> worker production bundle check (wrangler deploy --dry-run) ->
# integration tests against the real worker in workerd + local D1 -> browser E2E in Chromium.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
export CI="${CI:-true}"

stage() { printf '\n\033[1m== %s ==\033[0m\n' "$*"; }

stage "toolchain"
bash scripts/bootstrap.sh

stage "lint: rustfmt"
cargo fmt --all -- --check

stage "lint: clippy (native: core with and without server, widget logic)"
cargo clippy -p handoff-core --all-targets --all-features -- -D warnings
cargo clippy -p handoff-core -p handoff-widget --all-targets -- -D warnings

stage "build: widget bundle (wasm + glue + loader)"
bash scripts/build-widget.sh

stage "lint: clippy (wasm32: widget and worker)"
cargo clippy -p handoff-widget -p handoff-worker --target wasm32-unknown-unknown --release -- -D warnings

stage "unit and property tests (cargo test)"
cargo test -p handoff-core --all-features
cargo test -p handoff-widget
# The worker's pure parts (route tables, SQL builders, row decoding, settings adapters, errors)
# natively; its handlers run in workerd below.
cargo test -p handoff-worker

stage "fuzz: every core parser and builder, 15 s each (core/tests/fuzz)"
# 16 targets x 15 s, two at a time (2 min), plus about 1.5 min to build the fuzz profile:
# ~3.5 min of CI. The seeds follow core's git tree id: the same code is always fuzzed with
# the same seeds (a failure reproduces; it prints the seed and the command that replay it),
# every change to core with new ones. `npm run fuzz` uses fresh seeds.
HANDOFF_FUZZ_BASE="core-$(git rev-parse HEAD:core 2>/dev/null || echo unversioned)" \
  HANDOFF_FUZZ_SECONDS=15 bash scripts/fuzz.sh

stage "build: worker + production bundle check (wrangler deploy --dry-run)"
(cd worker && worker-build --release >/dev/null)
dry_run_dir="$(mktemp -d)"
wrangler deploy --dry-run --outdir "$dry_run_dir" >"$dry_run_dir/log" 2>&1 || { cat "$dry_run_dir/log"; exit 1; }
grep -E "Total Upload|--dry-run: exiting now" "$dry_run_dir/log" || true

stage "integration and browser tests (node --test)"
# Every worker keeps its local D1 files and runtime output here, so the privacy audit can grep
# all of it: it runs last, after every other file has left its data. Kept when a test fails.
HANDOFF_TEST_DATA="$(mktemp -d "${TMPDIR:-/tmp}/handoff-test-data.XXXXXX")"
export HANDOFF_TEST_DATA
AUDIT=tests/privacy-audit.test.mjs
mapfile -t suites < <(ls tests/*.test.mjs | grep -vx "$AUDIT")
node --test --test-concurrency=1 "${suites[@]}"
node --test --test-concurrency=1 "$AUDIT"
rm -rf "$HANDOFF_TEST_DATA"
