#!/usr/bin/env bash
# Builds the visitor widget into widget/dist/ (the worker embeds these files at compile time):
#   handoff_widget_bg.wasm  the assistant (Rust -> wasm, wasm-opt -Oz)
#   handoff_widget.js       its wasm-bindgen --target web glue
#   widget.js               the loader a business pastes, minified (keeps __HANDOFF_VERSION__)
# then prints raw / gzip / brotli sizes; tests/widget-size.test.mjs holds the budgets.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

DIST=widget/dist
WASM_IN="${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/release/handoff_widget.wasm"

cargo build -p handoff-widget --target wasm32-unknown-unknown --release
mkdir -p "$DIST"
rm -f "$DIST"/handoff_widget* "$DIST"/widget.js
wasm-bindgen --target web --no-typescript --out-dir "$DIST" "$WASM_IN"
# npm binaryen@132 only: Debian's wasm-opt 108 writes modules Chromium rejects.
wasm-opt -Oz \
  --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  -o "$DIST/handoff_widget_bg.wasm" "$DIST/handoff_widget_bg.wasm"
# The glue is ours to minify too (it uses import.meta, hence ES2020).
esbuild "$DIST/handoff_widget.js" --minify --format=esm --target=es2020 --log-level=warning --allow-overwrite --outfile="$DIST/handoff_widget.js"
esbuild widget/loader/widget.js --minify --target=es2018 --log-level=warning --outfile="$DIST/widget.js"

node --input-type=module - "$DIST" <<'JS'
import { readFileSync } from 'node:fs';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
const dir = process.argv[2];
const files = ['widget.js', 'handoff_widget.js', 'handoff_widget_bg.wasm'];
const total = { raw: 0, gzip: 0, brotli: 0 };
const row = (name, s) => console.log(`${name.padEnd(24)} ${String(s.raw).padStart(8)} ${String(s.gzip).padStart(8)} ${String(s.brotli).padStart(8)}`);
console.log(`${'file'.padEnd(24)} ${'raw'.padStart(8)} ${'gzip'.padStart(8)} ${'brotli'.padStart(8)}   (bytes)`);
for (const name of files) {
  const bytes = readFileSync(`${dir}/${name}`);
  const s = {
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
  for (const k in total) total[k] += s[k];
  row(name, s);
}
row('total', total);
JS
