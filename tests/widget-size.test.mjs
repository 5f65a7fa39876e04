// Size budgets of the visitor widget (from the product owner), measured on the built files.
// Build first: `bash scripts/build-widget.sh`; run: `node --test tests/widget-size.test.mjs`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const dist = new URL('../widget/dist/', import.meta.url);
const LOADER_BUDGET = 1536; // 1.5 KB gzipped: it is on every page of every client site
const TOTAL_BUDGET = 40960; // 40 KB gzipped: loader + glue + wasm, what a visitor who opens it downloads

const read = (name) => readFileSync(new URL(name, dist));
const gzipped = (bytes) => gzipSync(bytes, { level: 9 }).length;

test('the loader stays within 1.5 KB gzipped', () => {
  const size = gzipped(read('widget.js'));
  console.log(`widget.js: ${size} B gzipped (budget ${LOADER_BUDGET})`);
  assert.ok(size <= LOADER_BUDGET, `loader is ${size} B gzipped, budget ${LOADER_BUDGET}`);
});

test('loader, glue and wasm together stay within 40 KB gzipped', () => {
  const sizes = Object.fromEntries(
    ['widget.js', 'handoff_widget.js', 'handoff_widget_bg.wasm'].map((name) => [name, gzipped(read(name))]),
  );
  const total = Object.values(sizes).reduce((a, b) => a + b, 0);
  console.log(`gzipped: ${JSON.stringify(sizes)} total ${total} B (budget ${TOTAL_BUDGET})`);
  assert.ok(total <= TOTAL_BUDGET, `widget is ${total} B gzipped, budget ${TOTAL_BUDGET}`);
});

test('the loader keeps the version placeholder the worker fills in', () => {
  assert.ok(read('widget.js').toString('utf8').includes('__HANDOFF_VERSION__'));
});

test('nothing opens windows: plain anchors only (popup blockers have nothing to block)', () => {
  for (const name of ['widget.js', 'handoff_widget.js']) {
    assert.ok(!read(name).toString('utf8').includes('window.open'), `${name} calls window.open`);
  }
});
