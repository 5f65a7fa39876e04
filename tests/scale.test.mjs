// The dashboard at scale, the parts that are deterministic and so belong
// in a test: every pipeline statement the worker runs uses an index and never a full scan
// (EXPLAIN QUERY PLAN over the worker's own SQL, through its diagnostics route), and the
// trigger-kept per-status totals equal what the rows say after every kind of write.
// The timings at 100k + 100k are a benchmark: `npm run bench` (bench/scale.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWorker, spaClient, ADA, SITE } from './helpers/worker.mjs';
import { seedHandoffs, countsFromRows, countsFromTotals, DAY_MS } from './helpers/seed.mjs';

let w, spa, physio;
const NEWEST = Date.UTC(2026, 10, 20);

before(async () => {
  w = await startWorker({ bindings: { BENCH_BASELINE: '1' } });
  spa = await w.createClient(spaClient());
  physio = await w.createClient(spaClient({ slug: 'harbor-physio', name: 'Harbor Physio', allowedOrigins: ['https://harbor-physio.example'] }));
  await seedHandoffs(w.db, { clientId: spa.clientId, n: 2000, prefix: 'SpaAA', newest: NEWEST });
  await seedHandoffs(w.db, { clientId: physio.clientId, n: 2000, prefix: 'PhyAA', newest: NEWEST });
});
after(() => w?.dispose());

const ymd = (ms) => new Date(ms).toISOString().slice(0, 10);

async function plan(query) {
  const { status, body } = await w.admin(spa.adminKey, `/api/v1/admin/diagnostics/pipeline-plan?${query}`);
  assert.equal(status, 200, JSON.stringify(body));
  return body;
}

test('every pipeline statement searches an index: no full scan, no sort for the page', async () => {
  const page50 = await (async () => {
    // Walk to page 50 like the dashboard does, so the cursor is a real one.
    let cursor = null;
    for (let i = 1; i < 50; i++) {
      const { body } = await w.admin(spa.adminKey, `/api/v1/admin/handoffs?limit=20${cursor ? `&cursor=${cursor}` : ''}`);
      cursor = body.nextCursor;
    }
    return cursor;
  })();
  assert.ok(page50, 'a cursor for page 50');
  const views = {
    'first page': '',
    'status filter': 'status=redirected',
    'date range': `from=${ymd(NEWEST - 30 * DAY_MS)}&to=${ymd(NEWEST - 7 * DAY_MS)}`,
    'status + date range': `status=new&from=${ymd(NEWEST - 30 * DAY_MS)}&to=${ymd(NEWEST)}`,
    'page 50': `cursor=${page50}`,
    'page 50 of a status': `status=abandoned&cursor=${page50}`,
    'industry filter': 'industry=spa',
    'source filter': 'source=page-7',
  };
  for (const [name, query] of Object.entries(views)) {
    const plans = await plan(query);
    assert.deepEqual(Object.keys(plans).sort(), ['counts', 'industries', 'page'], name);
    for (const [label, lines] of Object.entries(plans)) {
      assert.ok(lines.length > 0, `${name}/${label}: a plan`);
      for (const line of lines) {
        assert.doesNotMatch(line, /^SCAN /, `${name}/${label}: full scan in ${JSON.stringify(lines)}`);
        if (/booking_handoffs/.test(line)) assert.match(line, /^SEARCH booking_handoffs USING (COVERING )?INDEX idx_handoffs_client_/, `${name}/${label}`);
      }
    }
    // The page comes out of the index in display order: no sorting step, so it stops after
    // one page however many rows match.
    assert.ok(!plans.page.some((l) => /TEMP B-TREE/.test(l)), `${name}: page sorts: ${JSON.stringify(plans.page)}`);
    assert.ok(plans.industries.every((l) => /client_industries/.test(l)), name);
  }
  // Unfiltered views and status filters read the running totals, not the handoffs.
  for (const query of ['', 'status=redirected', `cursor=${page50}`]) {
    const { counts } = await plan(query);
    assert.ok(counts.every((l) => /^SEARCH client_status_counts/.test(l)), JSON.stringify(counts));
  }
  // Narrower views count their own rows, through the index.
  const { counts } = await plan(`from=${ymd(NEWEST - 30 * DAY_MS)}`);
  assert.ok(counts.some((l) => /^SEARCH booking_handoffs USING (COVERING )?INDEX/.test(l)), JSON.stringify(counts));
});

test('the query-plan route is a diagnostics route: absent without the bench var, and scoped by key', async () => {
  const prod = await startWorker();
  try {
    const c = await prod.createClient(spaClient());
    const { status } = await prod.admin(c.adminKey, '/api/v1/admin/diagnostics/pipeline-plan');
    assert.equal(status, 404);
  } finally {
    await prod.dispose();
  }
  assert.equal((await w.json('/api/v1/admin/diagnostics/pipeline-plan')).status, 401);
  assert.equal((await w.json('/api/v1/admin/diagnostics/pipeline-plan?status=bogus', { headers: { authorization: `Bearer ${spa.adminKey}` } })).status, 400);
});

test('the running per-status totals equal the rows after seeding, captures, clicks, completions and abandonment', async () => {
  assert.deepEqual(await countsFromTotals(w.db, spa.clientId), await countsFromRows(w.db, spa.clientId));
  // Every kind of write, through the real endpoints.
  const ids = [];
  for (let i = 0; i < 6; i++) {
    const { status, body } = await w.capture('seaside-spa', { ...ADA, industry: i % 2 ? 'Wellness' : 'spa' }, { origin: SITE });
    assert.equal(status, 201);
    ids.push(body.id);
  }
  await w.fetch(`/r/${ids[0]}`);
  await w.fetch(`/r/${ids[0]}`); // a second click changes no status
  await w.fetch(`/r/${ids[1]}`);
  const post = (path) => w.json(path, { method: 'POST', headers: { authorization: `Bearer ${spa.adminKey}` } });
  assert.equal((await post(`/api/v1/admin/handoffs/${ids[1]}/complete`)).status, 200);
  assert.equal((await post(`/api/v1/admin/handoffs/${ids[2]}/complete`)).status, 200); // never redirected
  assert.equal((await post(`/api/v1/admin/handoffs/${ids[1]}/complete`)).status, 409); // refused: unchanged
  await w.db.prepare("UPDATE booking_handoffs SET created_at = created_at - 3 * 86400000 WHERE id = ?1").bind(ids[3]).run();
  await w.mf.getWorker().then((wk) => wk.scheduled({ cron: '*/15 * * * *', scheduledTime: new Date() }));
  await w.fetch(`/r/${ids[3]}`); // abandoned, then a late click: redirected again
  assert.deepEqual(await countsFromTotals(w.db, spa.clientId), await countsFromRows(w.db, spa.clientId));
  // What the API shows is the totals, and a narrowed view counts its rows: both agree with SQL.
  const { body } = await w.admin(spa.adminKey, '/api/v1/admin/handoffs?limit=1');
  const truth = Object.fromEntries((await countsFromRows(w.db, spa.clientId)).map((r) => [r.status, r.n]));
  for (const s of ['new', 'redirected', 'completed_external', 'abandoned']) assert.equal(body.counts[s], truth[s] ?? 0, s);
  assert.equal(body.counts.total, 2006);
  const ranged = await w.admin(spa.adminKey, `/api/v1/admin/handoffs?limit=1&from=${ymd(NEWEST - 9 * DAY_MS)}&to=${ymd(NEWEST)}`);
  const { results: [inRange] } = await w.db
    .prepare('SELECT COUNT(*) AS n FROM booking_handoffs WHERE client_id = ?1 AND created_at >= ?2 AND created_at < ?3')
    .bind(spa.clientId, Date.parse(ymd(NEWEST - 9 * DAY_MS)), Date.parse(ymd(NEWEST)) + DAY_MS)
    .all();
  assert.equal(ranged.body.counts.total, inRange.n);
  // The other client's totals were never touched by any of it.
  assert.deepEqual(await countsFromTotals(w.db, physio.clientId), await countsFromRows(w.db, physio.clientId));
  assert.equal((await w.admin(physio.adminKey, '/api/v1/admin/handoffs?limit=1')).body.counts.total, 2000);
  // Industries come from their own table, every one a handoff carries, and only this client's.
  const { results: industries } = await w.db.prepare('SELECT industry FROM client_industries WHERE client_id = ?1 ORDER BY industry').bind(spa.clientId).all();
  assert.deepEqual(industries.map((r) => r.industry), ['Wellness', 'physio', 'salon', 'spa', 'yoga']);
  // Deleting rows (the client's erasure path) decrements.
  await w.db.prepare('DELETE FROM booking_handoffs WHERE id = ?1').bind(ids[0]).run();
  assert.deepEqual(await countsFromTotals(w.db, spa.clientId), await countsFromRows(w.db, spa.clientId));
});
