#!/usr/bin/env bash
# Serves the product: the worker on 127.0.0.1:${PORT:-8787} (wrangler dev, local D1) and the
# demo host page + demo booking provider on two other origins, as a business's site would be.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
export PORT="${PORT:-8787}" DEMO_PORT="${DEMO_PORT:-8080}" PROVIDER_PORT="${PROVIDER_PORT:-8081}"
export EDGE_URL="http://127.0.0.1:$PORT"
node scripts/demo-server.mjs &
demo_pid=$!
trap 'kill $demo_pid 2>/dev/null || true' EXIT INT TERM
# Links the worker hands out (continue links, sign-in redirects, forwarding payloads) point at
# PUBLIC_ORIGIN; locally that is this dev server.
CI=true wrangler dev --local --ip 127.0.0.1 --port "$PORT" --var "PUBLIC_ORIGIN:${PUBLIC_ORIGIN:-$EDGE_URL}" \
  --show-interactive-dev-session=false
