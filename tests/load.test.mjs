// Load without loss, and faults. A bounded, closed-loop mix of
// captures, redirects and dashboard reads for two clients at once, over real HTTP on
// loopback; then the same with the worker's runtime restarted in the middle; then D1 gone.
// Bounded by request counts, never by time, and nothing here asserts a duration.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWorker, spaClient, SITE, OTHER_SITE } from './helpers/worker.mjs';
import { signIn } from './helpers/dashboard.mjs';

const OPS = Number(process.env.LOAD_OPS || 800);
const CONCURRENCY = 16;

// Everything that identifies a client; none of it may ever appear in the other's responses.
const CLIENTS = {
  alpha: { slug: 'alpha-spa', site: SITE, name: 'Alpha Day Spa', host: 'calendly.com', marker: 'ALPHA', domain: 'alpha-visitors.example' },
  bravo: { slug: 'bravo-physio', site: OTHER_SITE, name: 'Bravo Physio', host: 'book.bravo-physio.example', marker: 'BRAVO', domain: 'bravo-visitors.example' },
};

let w;
before(async () => {
  w = await startWorker({ port: 0, persist: true });
  for (const [key, c] of Object.entries(CLIENTS)) {
    const created = await w.createClient(spaClient({
      slug: c.slug,
      name: c.name,
      allowedOrigins: [c.site],
      externalBookingUrl: key === 'alpha' ? 'https://calendly.com/alpha-spa/60min' : 'https://book.bravo-physio.example/schedule?room=2',
      contactEmail: `desk@${c.slug}.example`,
    }));
    Object.assign(c, created, { session: await signIn(w, created.adminKey), accepted: new Map(), clicks: new Map(), failures: 0 });
  }
});
after(() => w?.dispose());

const other = (key) => (key === 'alpha' ? CLIENTS.bravo : CLIENTS.alpha);

/** Asserts a response body for `key` carries nothing that identifies the other client. */
function assertNoLeak(key, body, what) {
  const o = other(key);
  for (const needle of [o.marker, o.domain, o.name, o.slug, o.clientId, o.host]) {
    assert.ok(!body.includes(needle), `${what} for ${key} carried ${JSON.stringify(needle)} of the other client`);
  }
}

let serial = 0;
/** One operation of the mix; returns its outcome (never throws on a network failure). */
async function operation(i) {
  const key = i % 2 ? 'bravo' : 'alpha';
  const c = CLIENTS[key];
  const kind = ['capture', 'capture', 'redirect', 'read'][(i >> 1) % 4];
  try {
    if (kind === 'capture' || c.accepted.size === 0) {
      const n = ++serial;
      const token = `${c.marker}-${n}`;
      const res = await fetch(`${w.url}/api/v1/handoffs?client=${c.slug}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: c.site },
        body: JSON.stringify({ customerName: `${c.marker} Visitor ${n}`, customerEmail: `v${n}@${c.domain}`, requestedService: 'Massage', notes: token }),
      });
      const text = await res.text();
      assertNoLeak(key, text, 'capture response');
      if (res.status === 201) c.accepted.set(token, JSON.parse(text).id);
      else c.failures++;
      return res.status;
    }
    if (kind === 'redirect') {
      const ids = [...c.accepted.values()];
      const id = ids[i % ids.length];
      const res = await fetch(`${w.url}/r/${id}`, { redirect: 'manual' });
      await res.arrayBuffer();
      if (res.status === 302) {
        assert.equal(new URL(res.headers.get('location')).host, c.host, 'redirect target is the client\'s own booking host');
        c.clicks.set(id, (c.clicks.get(id) ?? 0) + 1);
      } else c.failures++;
      return res.status;
    }
    const ids = [...c.accepted.values()];
    const paths = [
      ['/dashboard', { cookie: c.session.cookie }],
      [`/dashboard/handoffs/${ids[i % ids.length]}`, { cookie: c.session.cookie }],
      ['/api/v1/admin/handoffs?limit=100', { authorization: `Bearer ${c.adminKey}` }],
      ['/dashboard/export.csv', { cookie: c.session.cookie }],
    ];
    const [path, headers] = paths[(i >> 3) % paths.length];
    const res = await fetch(`${w.url}${path}`, { headers, redirect: 'manual' });
    const text = await res.text();
    if (res.status === 200) assertNoLeak(key, text, path);
    else c.failures++;
    return res.status;
  } catch (e) {
    if (e instanceof assert.AssertionError) throw e;
    c.failures++; // a connection refused or reset (the restart): not accepted, not counted
    return 'network';
  }
}

async function runMix(ops, midway) {
  const statuses = {};
  let next = 0;
  async function lane() {
    while (next < ops) {
      const i = next++;
      if (i === ops >> 1 && midway) await midway();
      const s = await operation(i);
      statuses[s] = (statuses[s] ?? 0) + 1;
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  return statuses;
}

/** Every accepted capture is in D1 exactly once, for its own client, with its own data. */
async function assertAcceptedStored(key) {
  const c = CLIENTS[key];
  const { results } = await w.db
    .prepare('SELECT id, client_id, notes, customer_email FROM booking_handoffs WHERE notes LIKE ?1')
    .bind(`${c.marker}-%`)
    .all();
  const byToken = new Map();
  for (const r of results) byToken.set(r.notes, [...(byToken.get(r.notes) ?? []), r]);
  for (const [token, id] of c.accepted) {
    const rows = byToken.get(token) ?? [];
    assert.equal(rows.length, 1, `${token}: stored exactly once`);
    assert.equal(rows[0].id, id);
    assert.equal(rows[0].client_id, c.clientId);
    assert.ok(rows[0].customer_email.endsWith(c.domain));
  }
  return results.length;
}

test('mixed load for two clients: every accepted capture stored once, every click counted, no cross-client byte', async () => {
  const statuses = await runMix(OPS);
  console.log(`[load] ${OPS} operations, ${CONCURRENCY} in flight: ${JSON.stringify(statuses)}`);
  assert.deepEqual(Object.keys(statuses).sort(), ['200', '201', '302'], 'only successes under a load this size');
  for (const key of Object.keys(CLIENTS)) {
    const c = CLIENTS[key];
    assert.equal(c.failures, 0);
    assert.equal(await assertAcceptedStored(key), c.accepted.size, `${key}: no row that was not acknowledged`);
    for (const [id, clicks] of c.clicks) {
      const row = await w.db.prepare('SELECT redirect_count, client_id FROM booking_handoffs WHERE id = ?1').bind(id).first();
      assert.equal(row.redirect_count, clicks, `${id}: clicks counted = 302s received`);
      assert.equal(row.client_id, c.clientId);
    }
  }
  // The dashboard's running totals agree with the rows after the concurrent writes.
  for (const c of Object.values(CLIENTS)) {
    const truth = await w.db.prepare('SELECT COUNT(*) AS n FROM booking_handoffs WHERE client_id = ?1').bind(c.clientId).first();
    const { body } = await w.admin(c.adminKey, '/api/v1/admin/handoffs?limit=1');
    assert.equal(body.counts.total, truth.n);
  }
});

test('the runtime restarted mid-load loses no accepted write and double-counts no click', async () => {
  const before = Object.fromEntries(Object.entries(CLIENTS).map(([k, c]) => [k, { accepted: c.accepted.size, clicks: new Map(c.clicks) }]));
  let restarted = false;
  const statuses = await runMix(OPS, async () => {
    await w.restart();
    restarted = true;
  });
  assert.ok(restarted);
  console.log(`[load] restart mid-load: ${JSON.stringify(statuses)}`);
  for (const key of Object.keys(CLIENTS)) {
    const c = CLIENTS[key];
    assert.ok(c.accepted.size > before[key].accepted, `${key}: captures were accepted after the restart`);
    const stored = await assertAcceptedStored(key);
    // A capture whose response was lost to the restart may be stored without our knowing:
    // never more rows than attempts, never fewer than acknowledgements.
    assert.ok(stored >= c.accepted.size, `${key}: ${stored} stored ≥ ${c.accepted.size} acknowledged`);
    assert.ok(stored <= c.accepted.size + c.failures, `${key}: no row from nowhere`);
    for (const [id, clicks] of c.clicks) {
      const row = await w.db.prepare('SELECT redirect_count FROM booking_handoffs WHERE id = ?1').bind(id).first();
      assert.ok(row.redirect_count >= clicks, `${id}: ${row.redirect_count} counted ≥ ${clicks} 302s received`);
      assert.ok(row.redirect_count <= clicks + c.failures, `${id}: not counted more than attempted`);
    }
  }
  // Everything works after the restart, with the data from before it.
  const c = CLIENTS.alpha;
  const res = await fetch(`${w.url}/r/${[...c.accepted.values()][0]}`, { redirect: 'manual' });
  assert.equal(res.status, 302);
  assert.equal((await w.admin(c.adminKey, '/api/v1/admin/handoffs?limit=1')).status, 200);
});

test('D1 unavailable: every endpoint answers a friendly failure with a way forward, never internals', async () => {
  const down = await startWorker({ schema: null });
  try {
    const internals = /no such table|SQLITE|D1_|sqlite|stack|at \w+ \(|panicked|RuntimeError|unreachable/;
    const cases = [
      ['GET', '/api/v1/widget-config?client=alpha-spa', {}],
      ['POST', '/api/v1/handoffs?client=alpha-spa', { 'content-type': 'application/json', origin: SITE }, JSON.stringify({ customerName: 'Ada', customerEmail: 'ada@example.com' })],
      ['GET', '/r/AAAAAAAAAAAAAAAAAAAAAA', {}],
      ['GET', '/b/alpha-spa', {}],
      ['POST', '/b/alpha-spa', { 'content-type': 'application/x-www-form-urlencoded' }, 'customerName=Ada&customerEmail=ada%40example.com'],
      ['GET', '/dashboard/sign-in', {}],
      ['GET', '/api/v1/admin/handoffs', { authorization: `Bearer hok_${'a'.repeat(43)}` }],
      ['POST', '/api/webhooks/external-booking/generic?client=alpha-spa', { 'content-type': 'application/json' }, '{}'],
      ['GET', '/healthz', {}],
    ];
    const healthz = await down.json('/healthz');
    assert.equal(healthz.status, 503, 'the health check notices the missing schema');
    for (const [method, path, headers, body] of cases) {
      const res = await down.fetch(path, { method, headers, body });
      const text = await res.text();
      assert.ok(res.status < 500 || res.status === 503, `${method} ${path}: ${res.status}`);
      assert.doesNotMatch(text, internals, `${method} ${path} leaks internals: ${text.slice(0, 300)}`);
      if (res.status === 503) {
        assert.match(text, /try again|temporarily|unavailable|sorry/i, `${method} ${path}: an apology`);
      }
      console.log(`[fault] D1 down: ${method} ${path} → ${res.status}`);
    }
    // The visitor's ways forward still work: the loader is served from the worker itself.
    const loader = await down.fetch('/widget.js');
    assert.equal(loader.status, 200);
  } finally {
    await down.dispose();
  }
});
