#!/usr/bin/env bash
# Fuzzes every core parser and builder (core/tests/fuzz, one test per target) for
# HANDOFF_FUZZ_SECONDS per target (default 60) with fresh seeds, in the optimised `fuzz`
# profile, two targets at a time. Each target prints its cases, rate and base seed; a failure
# prints its seed, the minimal input and the command that replays it (HANDOFF_FUZZ_SEED=…).
# Arguments go to the test harness: `bash scripts/fuzz.sh webhook_` runs the webhook targets.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
export HANDOFF_FUZZ_SECONDS="${HANDOFF_FUZZ_SECONDS:-60}"
cargo test -p handoff-core --all-features --profile fuzz --test fuzz -- --nocapture "$@"
