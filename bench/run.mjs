#!/usr/bin/env node
// Handoff benchmarks (npm run bench). Each figure is printed next to a baseline measured in
// the same run, as a ratio; results are written to reports/PERFORMANCE.md. Loopback only,
// every load bounded in time. Timings are never asserted: only the size budget is a test.
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { join } from 'node:path';
import { startWorker, spaClient, root, ADA } from '../tests/helpers/worker.mjs';
import { launchBrowser, serve, hostPage } from '../tests/helpers/browser.mjs';
import { wrk, median, machine, closedLoop } from './lib.mjs';
import { dashboardAtScale } from './scale.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS || 8);
const RUNS = Number(process.env.BENCH_RUNS || 20);
const results = {};
const log = (...a) => console.log('[bench]', ...a);
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

// 1. Widget weight (deterministic).
function widgetWeight() {
  const files = ['widget.js', 'handoff_widget.js', 'handoff_widget_bg.wasm'];
  const rows = files.map((f) => {
    const buf = readFileSync(join(root, 'widget/dist', f));
    return { file: f, raw: buf.length, gzip: gzipSync(buf, { level: 9 }).length, brotli: brotliCompressSync(buf, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length };
  });
  const total = rows.reduce((a, r) => ({ raw: a.raw + r.raw, gzip: a.gzip + r.gzip, brotli: a.brotli + r.brotli }), { raw: 0, gzip: 0, brotli: 0 });
  results.weight = { rows, total };
  log(`widget: loader ${rows[0].gzip} B gz (budget 1536), total ${total.gzip} B gz (budget 40960); Cal.com loader ≈ 17 KB gz → ratio ${(rows[0].gzip / 17408).toFixed(3)}`);
}

async function loadBenchmarks() {
  const w = await startWorker({ port: 0, captureLimit: 1_000_000_000, bindings: { BENCH_BASELINE: '1' } });
  try {
    const site = 'https://bench-spa.example';
    await w.createClient(spaClient({ slug: 'bench-spa', allowedOrigins: [site] }));

    // 4. Capture under load.
    const capture = wrk({
      url: `${w.url}/api/v1/handoffs?client=bench-spa`,
      method: 'POST',
      body: JSON.stringify(ADA),
      headers: { 'Content-Type': 'application/json', Origin: site },
      seconds: SECONDS,
    });
    const rows = (await w.db.prepare('SELECT COUNT(*) AS n FROM booking_handoffs').first()).n;
    results.capture = { ...capture, rows };
    log(`capture: ${capture.rps.toFixed(0)} req/s, p50 ${capture.p50_ms.toFixed(1)} ms, p99 ${capture.p99_ms.toFixed(1)} ms; 201s ${capture.statuses['201'] ?? 0}, rows ${rows}`);

    // Exact accounting: a fresh client, exactly N captures and N clicks, every response awaited.
    const N = Number(process.env.BENCH_ACCOUNTING_N || 2000);
    await w.createClient(spaClient({ slug: 'count-spa', allowedOrigins: [site] }));
    const capStatuses = await closedLoop({
      n: N,
      request: () => fetch(`${w.url}/api/v1/handoffs?client=count-spa`, { method: 'POST', headers: { 'content-type': 'application/json', origin: site }, body: JSON.stringify(ADA) }),
    });
    const countRows = (await w.db.prepare("SELECT COUNT(*) AS n FROM booking_handoffs h JOIN clients c ON c.id = h.client_id WHERE c.slug = 'count-spa'").first()).n;
    const { results: countIds } = await w.db.prepare("SELECT h.id FROM booking_handoffs h JOIN clients c ON c.id = h.client_id WHERE c.slug = 'count-spa'").all();
    const clickStatuses = await closedLoop({
      n: N,
      request: (i) => fetch(`${w.url}/r/${countIds[i % countIds.length].id}`, { redirect: 'manual' }),
    });
    const countClicks = (await w.db.prepare("SELECT COALESCE(SUM(redirect_count), 0) AS n FROM booking_handoffs h JOIN clients c ON c.id = h.client_id WHERE c.slug = 'count-spa'").first()).n;
    results.accounting = { n: N, capStatuses, countRows, clickStatuses, countClicks };
    log(`accounting: ${N} captures → ${JSON.stringify(capStatuses)}, rows ${countRows}; ${N} clicks → ${JSON.stringify(clickStatuses)}, clicks counted ${countClicks}`);

    // 3. Redirect vs a static 302 from the same worker, same run.
    const baseline = wrk({ url: `${w.url}/bench/static-redirect`, seconds: SECONDS });
    const d1Floor = wrk({ url: `${w.url}/bench/d1-redirect`, seconds: SECONDS });
    const benchOnly = "client_id = (SELECT id FROM clients WHERE slug = 'bench-spa')";
    const { results: ids } = await w.db.prepare(`SELECT id FROM booking_handoffs WHERE ${benchOnly}`).all();
    const redirect = wrk({ url: w.url, paths: ids.map((r) => `/r/${r.id}`), seconds: SECONDS });
    const clicks = (await w.db.prepare(`SELECT COALESCE(SUM(redirect_count), 0) AS n FROM booking_handoffs WHERE ${benchOnly}`).first()).n;
    const firstClicks = (await w.db.prepare(`SELECT COUNT(*) AS n FROM booking_handoffs WHERE ${benchOnly} AND status = 'redirected'`).first()).n;
    results.redirect = { baseline, d1Floor, redirect, clicks, firstClicks, handoffs: ids.length };
    log(`one-D1-round-trip 302 floor: ${d1Floor.rps.toFixed(0)} req/s, p50 ${d1Floor.p50_ms.toFixed(1)} ms, p99 ${d1Floor.p99_ms.toFixed(1)} ms`);
    log(`static 302 baseline: ${baseline.rps.toFixed(0)} req/s, p50 ${baseline.p50_ms.toFixed(1)} ms, p99 ${baseline.p99_ms.toFixed(1)} ms`);
    log(`redirect /r/ID: ${redirect.rps.toFixed(0)} req/s (ratio ${(redirect.rps / baseline.rps).toFixed(2)}), p50 ${redirect.p50_ms.toFixed(1)} ms, p99 ${redirect.p99_ms.toFixed(1)} ms`);
    log(`redirect accounting: ${redirect.sent} sent, ${redirect.statuses['302'] ?? 0} × 302 received, ${clicks} clicks counted in D1`);
  } finally {
    await w.dispose();
  }
}

// 2. Time to usable in headless Chromium, against a page without the widget.
async function timeToUsable() {
  const w = await startWorker({ port: 0 });
  const pages = await serve({
    '/widget': () => ({ body: hostPage(w.url, 'ttu-spa') }),
    '/baseline': () => ({ body: '<!doctype html><html><body><h1>A business website</h1><button class="hw-launcher">Book</button><div id="msg"></div><script>document.querySelector("button").onclick=()=>{const m=document.createElement("p");m.className="hw-msg hw-bot";m.textContent="Hi";document.getElementById("msg").append(m)}</script></body></html>' }),
  });
  await w.createClient(spaClient({ slug: 'ttu-spa', allowedOrigins: [pages.origin] }));
  const browser = await launchBrowser();
  try {
    const measure = async (path) => {
      const launcher = [];
      const firstMessage = [];
      for (let i = 0; i < RUNS; i++) {
        const page = await browser.context.newPage();
        const t0 = performance.now();
        await page.goto(`${pages.origin}${path}`);
        await page.locator('.hw-launcher').waitFor({ state: 'visible' });
        const t1 = performance.now();
        await page.locator('.hw-launcher').click();
        await page.locator('.hw-msg.hw-bot').first().waitFor({ state: 'visible' });
        const t2 = performance.now();
        launcher.push(t1 - t0);
        firstMessage.push(t2 - t1);
        await page.close();
      }
      return { launcher: median(launcher), firstMessage: median(firstMessage) };
    };
    const baseline = await measure('/baseline');
    const widget = await measure('/widget');
    results.ttu = { baseline, widget };
    log(`time to launcher visible: widget ${widget.launcher.toFixed(0)} ms vs no-widget page ${baseline.launcher.toFixed(0)} ms`);
    log(`click to first assistant message: widget ${widget.firstMessage.toFixed(0)} ms vs inline handler ${baseline.firstMessage.toFixed(0)} ms`);
  } finally {
    await browser.close();
    await pages.close();
    await w.dispose();
  }
}

widgetWeight();
await loadBenchmarks();
await timeToUsable();
results.scale = await dashboardAtScale();

const r = results;
const template = readFileSync(join(root, 'bench/PERFORMANCE.template.md'), 'utf8');
const fill = {
  DATE: new Date().toISOString().slice(0, 10),
  MACHINE: machine(),
  SECONDS: String(SECONDS),
  RUNS: String(RUNS),
  WEIGHT_TABLE: r.weight.rows.map((x) => `| \`${x.file}\` | ${x.raw} | ${x.gzip} | ${x.brotli} |`).join('\n') + `\n| **total** | ${r.weight.total.raw} | ${r.weight.total.gzip} | ${r.weight.total.brotli} |`,
  LOADER_GZ: String(r.weight.rows[0].gzip),
  TOTAL_GZ: kb(r.weight.total.gzip),
  LOADER_RATIO: (r.weight.rows[0].gzip / 17408).toFixed(3),
  ACC_N: String(r.accounting.n),
  ACC_CAP: JSON.stringify(r.accounting.capStatuses),
  ACC_ROWS: String(r.accounting.countRows),
  ACC_CLICK: JSON.stringify(r.accounting.clickStatuses),
  ACC_CLICKS: String(r.accounting.countClicks),
  CAP_RPS: r.capture.rps.toFixed(0),
  CAP_P50: r.capture.p50_ms.toFixed(1),
  CAP_P99: r.capture.p99_ms.toFixed(1),
  CAP_201: String(r.capture.statuses['201'] ?? 0),
  CAP_OTHER: JSON.stringify(Object.fromEntries(Object.entries(r.capture.statuses).filter(([s]) => s !== '201'))),
  CAP_ROWS: String(r.capture.rows),
  CAP_SENT: String(r.capture.sent),
  BASE_RPS: r.redirect.baseline.rps.toFixed(0),
  BASE_P50: r.redirect.baseline.p50_ms.toFixed(1),
  BASE_P99: r.redirect.baseline.p99_ms.toFixed(1),
  D1_RPS: r.redirect.d1Floor.rps.toFixed(0),
  D1_P50: r.redirect.d1Floor.p50_ms.toFixed(1),
  D1_P99: r.redirect.d1Floor.p99_ms.toFixed(1),
  RED_D1_RATIO: (r.redirect.redirect.rps / r.redirect.d1Floor.rps).toFixed(2),
  RED_RPS: r.redirect.redirect.rps.toFixed(0),
  RED_P50: r.redirect.redirect.p50_ms.toFixed(1),
  RED_P99: r.redirect.redirect.p99_ms.toFixed(1),
  RED_RATIO: (r.redirect.redirect.rps / r.redirect.baseline.rps).toFixed(2),
  RED_SENT: String(r.redirect.redirect.sent),
  RED_302: String(r.redirect.redirect.statuses['302'] ?? 0),
  RED_CLICKS: String(r.redirect.clicks),
  RED_FIRST: String(r.redirect.firstClicks),
  RED_HANDOFFS: String(r.redirect.handoffs),
  TTU_W_L: r.ttu.widget.launcher.toFixed(0),
  TTU_B_L: r.ttu.baseline.launcher.toFixed(0),
  TTU_W_M: r.ttu.widget.firstMessage.toFixed(0),
  TTU_B_M: r.ttu.baseline.firstMessage.toFixed(0),
  SCALE_SMALL: r.scale.n.small.toLocaleString('en-US'),
  SCALE_LARGE: r.scale.n.large.toLocaleString('en-US'),
  SCALE_SAMPLES: String(r.scale.samples),
  SCALE_SEED_S: r.scale.seedSeconds.toFixed(1),
  SCALE_RANGE: r.scale.range,
  SCALE_RANGE_ROWS: r.scale.rangeRows.toLocaleString('en-US'),
  SCALE_TABLE: [
    ['first page (`/dashboard`)', 'first'],
    ['status filter (`?status=redirected`)', 'status'],
    ['date range, one week', 'range'],
    ['page 50 (admin API, 20 a page)', 'page50'],
    ['a month\'s range (not a goal view: its counts read its rows)', 'month'],
  ].map(([label, k]) => `| ${label} | ${r.scale.small[k].toFixed(2)} ms | ${r.scale.large[k].toFixed(2)} ms | **${r.scale.ratios[k].toFixed(2)}** |`).join('\n'),
  SCALE_PAGE50_DASH: r.scale.large.page50dash?.toFixed(2) ?? 'n/a',
  SCALE_PLANS: Object.entries(r.scale.plans).map(([view, p]) => Object.entries(p).map(([label, lines]) => `| ${view} | ${label} | ${lines.map((l) => `\`${l}\``).join('<br>')} |`).join('\n')).join('\n'),
};
const report = template.replace(/\{\{(\w+)\}\}/g, (_, k) => fill[k] ?? `{{${k}}}`);
writeFileSync(join(root, 'reports/PERFORMANCE.md'), report);
log('wrote reports/PERFORMANCE.md');
