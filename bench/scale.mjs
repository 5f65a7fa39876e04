// The dashboard at scale: the same pipeline views timed with 1,000 handoffs
// per client, then again after both clients grow to 100,000 (the new rows interleave in time
// with the first thousand, so a date range or page 50 covers the same days), in one worker
// and one run. Each figure is the median of sequential requests after a warm-up; the ratio
// 100k / 1k is the figure that matters (goal ≤ 2). Also prints the query plans at 100k.
// Run alone: `node bench/scale.mjs` (after `npm run build`); `npm run bench` includes it.
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { startWorker, spaClient } from '../tests/helpers/worker.mjs';
import { signIn } from '../tests/helpers/dashboard.mjs';
import { seedHandoffs, DAY_MS } from '../tests/helpers/seed.mjs';
import { median } from './lib.mjs';

const SMALL = 1_000;
const LARGE = Number(process.env.BENCH_SCALE_N || 100_000);
const SAMPLES = Number(process.env.BENCH_SCALE_SAMPLES || 40);
const NEWEST = Date.UTC(2026, 10, 20);
const ymd = (ms) => new Date(ms).toISOString().slice(0, 10);
const log = (...a) => console.log('[bench:scale]', ...a);

export async function dashboardAtScale() {
  const w = await startWorker({ port: 0, bindings: { BENCH_BASELINE: '1' } });
  try {
    const a = await w.createClient(spaClient({ slug: 'scale-a' }));
    const b = await w.createClient(spaClient({ slug: 'scale-b', allowedOrigins: ['https://scale-b.example'] }));
    const session = await signIn(w, a.adminKey);
    const range = `from=${ymd(NEWEST - 14 * DAY_MS)}&to=${ymd(NEWEST - 8 * DAY_MS)}`;
    const month = `from=${ymd(NEWEST - 60 * DAY_MS)}&to=${ymd(NEWEST - 31 * DAY_MS)}`;

    // Page 50 needs 50 pages: the API's `limit=20` gives exactly 50 at 1,000 handoffs. At
    // 100k the dashboard's own page 50 (50 rows a page) is timed too.
    async function cursorFor(page, limit) {
      let cursor = null;
      for (let i = 1; i < page; i++) {
        const res = await fetch(`${w.url}/api/v1/admin/handoffs?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, { headers: { authorization: `Bearer ${a.adminKey}` } });
        cursor = (await res.json()).nextCursor;
        if (!cursor) return null;
      }
      return cursor;
    }
    async function time(path, headers) {
      const once = async () => {
        const t0 = performance.now();
        const res = await fetch(`${w.url}${path}`, { headers, redirect: 'manual' });
        const body = await res.text();
        if (res.status !== 200) throw new Error(`${path}: ${res.status} ${body.slice(0, 200)}`);
        return performance.now() - t0;
      };
      for (let i = 0; i < 5; i++) await once();
      const xs = [];
      for (let i = 0; i < SAMPLES; i++) xs.push(await once());
      return median(xs);
    }
    async function views() {
      const dash = { cookie: session.cookie };
      const api = { authorization: `Bearer ${a.adminKey}` };
      const page50api = await cursorFor(50, 20);
      const page50dash = await cursorFor(50, 50);
      return {
        first: await time('/dashboard', dash),
        status: await time('/dashboard?status=redirected', dash),
        range: await time(`/dashboard?${range}`, dash),
        // Not one of the issue's views: a month, to show what a narrowed view's counts cost.
        month: await time(`/dashboard?${month}`, dash),
        page50: await time(`/api/v1/admin/handoffs?limit=20&cursor=${page50api}`, api),
        page50dash: page50dash ? await time(`/dashboard?cursor=${page50dash}`, dash) : null,
      };
    }

    let t0 = performance.now();
    await seedHandoffs(w.db, { clientId: a.clientId, n: SMALL, prefix: 'AsmaL', newest: NEWEST });
    await seedHandoffs(w.db, { clientId: b.clientId, n: SMALL, prefix: 'BsmaL', newest: NEWEST });
    log(`seeded ${SMALL} + ${SMALL} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const small = await views();
    log(`at ${SMALL}: ${JSON.stringify(small)}`);

    t0 = performance.now();
    await seedHandoffs(w.db, { clientId: a.clientId, n: LARGE - SMALL, prefix: 'AlarG', newest: NEWEST - 1000 });
    await seedHandoffs(w.db, { clientId: b.clientId, n: LARGE - SMALL, prefix: 'BlarG', newest: NEWEST - 1000 });
    const seedSeconds = (performance.now() - t0) / 1000;
    log(`grew both clients to ${LARGE} in ${seedSeconds.toFixed(1)} s`);
    const large = await views();
    log(`at ${LARGE}: ${JSON.stringify(large)}`);

    const rowsInRange = async () => (await w.db
      .prepare('SELECT COUNT(*) AS n FROM booking_handoffs WHERE client_id = ?1 AND created_at >= ?2 AND created_at < ?3')
      .bind(a.clientId, NEWEST - 14 * DAY_MS, NEWEST - 7 * DAY_MS).first()).n;
    const plans = {};
    for (const [name, q] of [['first page', ''], ['status filter', 'status=redirected'], ['date range', range]]) {
      const res = await fetch(`${w.url}/api/v1/admin/diagnostics/pipeline-plan?${q}`, { headers: { authorization: `Bearer ${a.adminKey}` } });
      plans[name] = await res.json();
    }
    const ratios = Object.fromEntries(['first', 'status', 'range', 'page50', 'month'].map((k) => [k, large[k] / small[k]]));
    for (const [k, r] of Object.entries(ratios)) log(`${k}: ${small[k].toFixed(2)} ms at ${SMALL} → ${large[k].toFixed(2)} ms at ${LARGE}: ratio ${r.toFixed(2)}`);
    return { small, large, ratios, plans, seedSeconds, samples: SAMPLES, n: { small: SMALL, large: LARGE }, rangeRows: await rowsInRange(), range };
  } finally {
    await w.dispose();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = await dashboardAtScale();
  console.log(JSON.stringify(r.plans, null, 2));
}
