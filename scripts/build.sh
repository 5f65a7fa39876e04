#!/usr/bin/env bash
# Builds the widget (embedded into the worker), then the worker with worker-build.
# Also wrangler.toml's [build] command, so `wrangler dev` and `wrangler deploy` run it too.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
bash scripts/build-widget.sh
echo "[build] worker (worker-build --release)"
(cd worker && worker-build --release >/dev/null)
ls -l worker/build/index.js worker/build/index_bg.wasm | awk '{print "[build] " $5 " bytes  " $9}'
