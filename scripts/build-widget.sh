#!/usr/bin/env bash
# Builds the visitor widget into widget/dist/ (the worker embeds these files at compile time):
#   handoff_widget_bg.wasm  the assistant (Rust -> wasm, wasm-opt -Oz, import/export names minified)
#   handoff_widget.js       its wasm-bindgen --target web glue, renamed to match, minified
#   widget.js               the loader a business pastes, minified (keeps __HANDOFF_VERSION__)
# then prints raw / gzip / brotli sizes; tests/widget-size.test.mjs holds the budgets.
# Every flag below was kept because it measurably shrinks the gzipped total (see the comments).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

DIST=widget/dist
WASM_IN="${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/release/handoff_widget.wasm"

cargo build -p handoff-widget --target wasm32-unknown-unknown --release
mkdir -p "$DIST"
rm -f "$DIST"/handoff_widget* "$DIST"/widget.js
BINDGEN="$(mktemp -d)"
trap 'rm -rf "$BINDGEN"' EXIT
wasm-bindgen --target web --no-typescript --out-dir "$BINDGEN" "$WASM_IN"

# npm binaryen@132 only: Debian's wasm-opt 108 writes modules Chromium rejects.
FEATURES=(--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
  --enable-mutable-globals --enable-reference-types --enable-multivalue)
# Measured against plain -Oz (gzipped wasm, before the renaming below):
#   --converge                 repeat -Oz until it stops shrinking                    -104 B
#   --strip-debug/-producers   the toolchain's name and version section                -51 B
#   --low-memory-unused        fold constant offsets into loads and stores: rustc puts
#                              the stack at 0..1 MiB and data above it, so the low 1 KiB
#                              is only ever touched by a stack already overflowing      -131 B
#   -ocimfs=20 -aimfs=5        inline single-caller functions only when tiny (and tiny
#                              ones always): one huge inlined body compresses worse
#                              than calls; anywhere in 10..30 / 4..6 measured the same -600 B
# (Tried and dropped: -O3/-Os, --gufa, -iit, -tnh, --flatten --rereloop, merge-similar.)
wasm-opt -Oz --converge --strip-debug --strip-producers --low-memory-unused -ocimfs=20 -aimfs=5 \
  "${FEATURES[@]}" -o "$BINDGEN/opt.wasm" "$BINDGEN/handoff_widget_bg.wasm"
# wasm-bindgen names every import `__wbg_<method>_<16 hex digits>` and the glue spells each
# one out again: ~100 random-looking names that gzip cannot shrink (-1.6 KB wasm, -0.8 KB
# glue). wasm-opt renames imports, exports and the module to one or two letters and prints
# the old -> new map, which the glue is then rewritten with. The target_features section it
# would write is for toolchains, not browsers (-83 B).
wasm-opt --minify-imports-and-exports-and-modules --strip-target-features "${FEATURES[@]}" \
  -o "$DIST/handoff_widget_bg.wasm" "$BINDGEN/opt.wasm" >"$BINDGEN/names.json"
node --input-type=module - "$BINDGEN/handoff_widget.js" "$BINDGEN/names.json" "$DIST/handoff_widget_bg.wasm" <<'JS'
import { readFileSync, writeFileSync } from 'node:fs';
const [gluePath, mapPath, wasmPath] = process.argv.slice(2);
const fail = (why) => { console.error(`build-widget: ${why}`); process.exit(1); };
const map = JSON.parse(readFileSync(mapPath, 'utf8'));
const wasm = new WebAssembly.Module(readFileSync(wasmPath));
const imports = WebAssembly.Module.imports(wasm);
const modules = new Set(imports.map((i) => i.module));
if (modules.size !== 1) fail(`expected one import module, got ${[...modules]}`);
const [module] = modules;
const renamedImport = new Map(map.imports.map(([, from, to]) => [from, to]));
const renamedExport = new Map(map.exports);
let glue = readFileSync(gluePath, 'utf8');
// The glue's import object is `{ "./handoff_widget_bg.js": { <name>: function… } }` and it
// reaches the exports as `wasm.<name>`.
glue = glue.split('"./handoff_widget_bg.js"').join(JSON.stringify(module));
glue = glue.replace(/^(\s+)(\w+)(: function\b)/gm, (all, indent, name, rest) =>
  renamedImport.has(name) ? indent + JSON.stringify(renamedImport.get(name)) + rest : all);
glue = glue.replace(/\bwasm\.(\w+)/g, (all, name) =>
  renamedExport.has(name) ? `wasm[${JSON.stringify(renamedExport.get(name))}]` : fail(`unknown export wasm.${name}`));
// Every import the module asks for is provided under its new name, and nothing else is.
const provided = [...glue.matchAll(/^\s+(\S+): function\b/gm)].map(([, key]) => key);
const wanted = imports.map(({ name }) => JSON.stringify(name));
if (provided.sort().join() !== wanted.sort().join()) fail(`glue provides ${provided}, wasm imports ${wanted}`);
writeFileSync(gluePath, glue);
JS
# The glue is ours to minify too (it uses import.meta, hence ES2020). Bundled from an entry
# that re-exports only what the loader calls, so the unused `initSync` is left out.
echo 'export { default, mount } from "./handoff_widget.js";' >"$BINDGEN/entry.js"
esbuild "$BINDGEN/entry.js" --bundle --minify --format=esm --target=es2020 --log-level=warning --outfile="$DIST/handoff_widget.js"
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
