#!/usr/bin/env bash
# Runs the benchmarks (bench/run.mjs) against a fresh build; writes reports/PERFORMANCE.md.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
bash scripts/bootstrap.sh
bash scripts/build.sh
node bench/run.mjs
