#!/usr/bin/env bash
# The one command that runs the product on a fresh machine:
# bootstrap the toolchain, build, apply the schema to the local D1, serve, seed the demo.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
bash scripts/bootstrap.sh
bash scripts/build.sh
echo "[start] applying migrations to the local D1"
CI=true wrangler d1 migrations apply DB --local >/dev/null
export PORT="${PORT:-8787}" DEMO_PORT="${DEMO_PORT:-8080}" PROVIDER_PORT="${PROVIDER_PORT:-8081}"
bash scripts/dev.sh &
dev_pid=$!
trap 'pkill -P $dev_pid 2>/dev/null; kill $dev_pid 2>/dev/null; true' EXIT INT TERM
node scripts/seed-demo.mjs
wait $dev_pid
