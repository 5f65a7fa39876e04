// Integration tests against the real built worker in workerd with a real local D1.
// Every endpoint of the Foundation issue, every error status it names, and the absence of
// other clients' data where isolation is at stake. Malformed bodies, wrong methods and content
// types, and open-redirect attempts are tabled in hostile-input.test.mjs.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { startWorker, spaClient, SITE, OTHER_SITE, ADA, rawGet } from './helpers/worker.mjs';

let w;
let spa;
let physio;
let unconfigured;
let requestOnly;

before(async () => {
  w = await startWorker();
  spa = await w.createClient(spaClient());
  physio = await w.createClient({
    slug: 'harbor-physio',
    name: 'Harbor Physio',
    allowedOrigins: [OTHER_SITE],
    bookingMode: 'external',
    externalBookingProviderName: 'Acuity',
    externalBookingUrl: 'https://app.acuityscheduling.com/schedule.php?owner=123',
    contactEmail: 'desk@harbor-physio.example',
  });
  unconfigured = await w.createClient({
    slug: 'no-url-yet',
    name: 'No URL Yet Salon',
    allowedOrigins: [SITE],
    bookingMode: 'external',
    externalBookingUrl: '',
    contactPhone: '+1 555 010 9999',
  });
  requestOnly = await w.createClient({
    slug: 'request-only',
    name: 'Quiet Clinic',
    allowedOrigins: [SITE],
    bookingMode: 'internal',
    contactEmail: 'hi@quiet.example',
  });
});

after(async () => {
  await w?.dispose();
});

async function capture(lead = ADA, slug = 'seaside-spa', origin = SITE) {
  const res = await w.capture(slug, lead, { origin });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

async function rowCount(where = '1=1', ...binds) {
  const row = await w.db.prepare(`SELECT COUNT(*) AS n FROM booking_handoffs WHERE ${where}`).bind(...binds).first();
  return row.n;
}

describe('widget assets', () => {
  test('the loader is public, cacheable, versioned and revalidates with its ETag', async () => {
    const res = await w.fetch('/widget.js');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^text\/javascript/);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.match(res.headers.get('cache-control'), /max-age=300/);
    const body = await res.text();
    assert.ok(!body.includes('__HANDOFF_VERSION__'), 'version placeholder replaced');
    const { body: health } = await w.json('/healthz');
    assert.ok(body.includes(`/w/${health.assetVersion}/`), 'loader points at the current versioned assets');
    const etag = res.headers.get('etag');
    const again = await w.fetch('/widget.js', { headers: { 'if-none-match': etag } });
    assert.equal(again.status, 304);
  });

  test('glue and wasm are immutable, CORS-open and typed for streaming compilation', async () => {
    const { body: health } = await w.json('/healthz');
    const wasm = await w.fetch(`/w/${health.assetVersion}/handoff_widget_bg.wasm`);
    assert.equal(wasm.status, 200);
    assert.equal(wasm.headers.get('content-type'), 'application/wasm');
    assert.equal(wasm.headers.get('access-control-allow-origin'), '*');
    assert.match(wasm.headers.get('cache-control'), /immutable/);
    const bytes = new Uint8Array(await wasm.arrayBuffer());
    assert.deepEqual([...bytes.slice(0, 4)], [0x00, 0x61, 0x73, 0x6d]);
    const glue = await w.fetch(`/w/${health.assetVersion}/handoff_widget.js`);
    assert.equal(glue.status, 200);
    assert.match(glue.headers.get('content-type'), /^text\/javascript/);
    assert.equal((await w.fetch(`/w/${health.assetVersion}/secrets.txt`)).status, 404);
  });

  test('wrong methods on assets answer 405 with Allow', async () => {
    const res = await w.fetch('/widget.js', { method: 'POST' });
    assert.equal(res.status, 405);
    assert.equal(res.headers.get('allow'), 'GET, HEAD');
  });
});

describe('GET /healthz and unknown routes', () => {
  test('healthz checks D1', async () => {
    const { status, body } = await w.json('/healthz');
    assert.equal(status, 200);
    assert.equal(body.ok, true);
  });
  test('unknown routes are a JSON 404', async () => {
    const { status, body } = await w.json('/nope');
    assert.equal(status, 404);
    assert.equal(body.error, 'not_found');
  });
});

describe('GET /api/v1/widget-config', () => {
  test('answers public fields only, with CORS for an allowed origin', async () => {
    const { status, headers, body } = await w.json('/api/v1/widget-config?client=seaside-spa', { headers: { origin: SITE } });
    assert.equal(status, 200);
    assert.equal(headers.get('access-control-allow-origin'), SITE);
    assert.match(headers.get('vary'), /Origin/);
    assert.equal(body.businessName, 'Seaside Day Spa');
    assert.equal(body.bookingMode, 'external');
    assert.equal(body.bookingAvailable, true);
    assert.equal(body.providerName, 'Calendly');
    assert.deepEqual(body.services, ['Massage', 'Facial']);
    assert.deepEqual(body.contact, { email: 'hello@seaside-spa.example', phone: '+1 555 010 2030' });
    const fallback = new URL(body.fallbackUrl);
    assert.equal(fallback.host, 'calendly.com');
    assert.equal(fallback.searchParams.get('utm_medium'), 'booking_widget');
    assert.equal(fallback.searchParams.get('tca_ref'), null);
    const keys = JSON.stringify(Object.keys(body)).toLowerCase();
    for (const secretish of ['secret', 'webhook', 'key', 'origins', 'id"']) assert.ok(!keys.includes(secretish), `no ${secretish} field`);
  });

  test('gives no CORS grant to an origin the client did not allow', async () => {
    const { status, headers } = await w.json('/api/v1/widget-config?client=seaside-spa', { headers: { origin: OTHER_SITE } });
    assert.equal(status, 200);
    assert.equal(headers.get('access-control-allow-origin'), null);
    assert.match(headers.get('vary'), /Origin/);
  });

  test('says when external booking has no URL', async () => {
    const { body } = await w.json('/api/v1/widget-config?client=no-url-yet', { headers: { origin: SITE } });
    assert.equal(body.bookingAvailable, false);
    assert.equal(body.fallbackUrl, null);
    assert.equal(body.contact.phone, '+1 555 010 9999');
  });

  test('unknown client is 404 and a missing one 400', async () => {
    assert.equal((await w.json('/api/v1/widget-config?client=nobody')).status, 404);
    const missing = await w.json('/api/v1/widget-config');
    assert.equal(missing.status, 400);
    assert.match(missing.body.message, /client=SLUG/);
  });
});

describe('POST /api/v1/handoffs', () => {
  test('stores a validated, redacted lead with status new and answers the honest copy', async () => {
    const lead = { ...ADA, notes: 'card 4242 4242 4242 4242 and ssn 123-45-6789 please' };
    const res = await w.capture('seaside-spa', lead, { origin: SITE, headers: { 'cf-connecting-ip': '203.0.113.7', 'user-agent': 'TestBrowser/1.0' } });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.headers.get('access-control-allow-origin'), SITE);
    assert.match(res.headers.get('vary'), /Origin/);
    const { id, continueUrl, copy, providerName, status } = res.body;
    assert.match(id, /^[A-Za-z0-9_-]{22}$/);
    assert.equal(status, 'new');
    assert.equal(providerName, 'Calendly');
    assert.equal(copy, "You'll complete your booking on Calendly. We'll be here if you need help.");
    assert.equal(continueUrl, `${w.url}/r/${id}`);

    const row = await w.db.prepare('SELECT * FROM booking_handoffs WHERE id = ?').bind(id).first();
    assert.equal(row.status, 'new');
    assert.equal(row.customer_name, 'Ada Lovelace');
    assert.ok(!row.notes.includes('4242'), 'card number redacted');
    assert.ok(!row.notes.includes('6789'), 'SSN redacted');
    assert.match(row.notes, /\[redacted card number\]/);
    assert.equal(row.source_page, 'https://seaside-spa.example/treatments', 'query string dropped from the source page');
    const expectedHash = createHmac('sha256', 'test-ip-salt').update('203.0.113.7').digest('hex');
    assert.equal(row.ip_hash, expectedHash);
    assert.ok(!JSON.stringify(row).includes('203.0.113.7'), 'raw IP stored nowhere');
    assert.equal(row.user_agent, 'TestBrowser/1.0');
  });

  test('field errors are 422 with a message per field, and nothing is stored', async () => {
    const before = await rowCount();
    const res = await w.capture('seaside-spa', { customerName: '', customerEmail: 'not-an-email' }, { origin: SITE });
    assert.equal(res.status, 422);
    assert.equal(res.body.error, 'validation');
    assert.equal(res.body.fields.customerName, 'Please tell us your name.');
    assert.equal(res.body.fields.customerEmail, 'Please enter a valid email address, like name@example.com.');
    assert.equal(res.headers.get('access-control-allow-origin'), SITE, 'the widget can read the errors');
    const noContact = await w.capture('seaside-spa', { customerName: 'Ada' }, { origin: SITE });
    assert.equal(noContact.status, 422);
    assert.match(noContact.body.fields.customerEmail, /email address or a phone number/);
    const tooLong = await w.capture('seaside-spa', { ...ADA, notes: 'x'.repeat(1001) }, { origin: SITE });
    assert.equal(tooLong.status, 422);
    assert.equal(tooLong.body.fields.notes, 'Please keep this under 1000 characters.');
    assert.equal(await rowCount(), before);
  });

  test('an origin the client did not allow, or none, is 403 without CORS and stores nothing', async () => {
    const before = await rowCount();
    const foreign = await w.capture('seaside-spa', ADA, { origin: OTHER_SITE });
    assert.equal(foreign.status, 403);
    assert.equal(foreign.headers.get('access-control-allow-origin'), null);
    const none = await w.capture('seaside-spa', ADA, {});
    assert.equal(none.status, 403);
    assert.equal(await rowCount(), before);
  });

  test('preflight grants only allowed origins', async () => {
    const ok = await w.fetch('/api/v1/handoffs?client=seaside-spa', { method: 'OPTIONS', headers: { origin: SITE, 'access-control-request-method': 'POST' } });
    assert.equal(ok.status, 204);
    assert.equal(ok.headers.get('access-control-allow-origin'), SITE);
    assert.match(ok.headers.get('access-control-allow-methods'), /POST/);
    assert.match(ok.headers.get('access-control-allow-headers'), /Content-Type/i);
    const no = await w.fetch('/api/v1/handoffs?client=seaside-spa', { method: 'OPTIONS', headers: { origin: OTHER_SITE } });
    assert.equal(no.headers.get('access-control-allow-origin'), null);
  });

  test('unknown client 404, wrong method 405', async () => {
    assert.equal((await w.capture('nobody', ADA, { origin: SITE })).status, 404);
    const get = await w.fetch('/api/v1/handoffs?client=seaside-spa');
    assert.equal(get.status, 405);
  });

  test('external mode without a URL refuses with 409 and the unavailable message', async () => {
    const before = await rowCount();
    const res = await w.capture('no-url-yet', ADA, { origin: SITE });
    assert.equal(res.status, 409);
    assert.equal(res.body.message, "Online booking isn't available right now.");
    assert.equal(await rowCount(), before);
  });

  test('request-only mode captures and promises a call back, not a booking', async () => {
    const res = await w.capture('request-only', ADA, { origin: SITE });
    assert.equal(res.status, 201);
    assert.equal(res.body.bookingMode, 'internal');
    assert.equal(res.body.continueUrl, undefined);
    assert.match(res.body.copy, /Quiet Clinic will contact you/);
    assert.match(res.body.copy, /not a confirmed booking/);
  });
});

describe('rate limiting', () => {
  test('captures beyond the per-client, per-IP limit are 429 and stored nothing', async () => {
    const limited = await startWorker({ captureLimit: 3 });
    try {
      await limited.createClient(spaClient());
      const statuses = [];
      for (let i = 0; i < 5; i++) {
        const res = await limited.capture('seaside-spa', ADA, { origin: SITE, headers: { 'cf-connecting-ip': '198.51.100.1' } });
        statuses.push(res.status);
        if (res.status === 429) assert.match(res.body.message, /Too many requests/);
      }
      assert.deepEqual(statuses, [201, 201, 201, 429, 429]);
      const other = await limited.capture('seaside-spa', ADA, { origin: SITE, headers: { 'cf-connecting-ip': '198.51.100.2' } });
      assert.equal(other.status, 201, 'another visitor is not limited');
      const { n } = await limited.db.prepare('SELECT COUNT(*) AS n FROM booking_handoffs').first();
      assert.equal(n, 4);
    } finally {
      await limited.dispose();
    }
  });
});

describe('GET /r/:id', () => {
  test('first click marks redirected and 302s to the configured URL with UTMs, tca_ref and prefill', async () => {
    const { id } = await capture();
    const res = await w.fetch(`/r/${id}`);
    assert.equal(res.status, 302);
    const location = new URL(res.headers.get('location'));
    assert.equal(location.origin, 'https://calendly.com');
    assert.equal(location.pathname, '/seaside-spa/60min');
    assert.equal(location.hash, '#top', 'fragment kept');
    const q = location.searchParams;
    assert.equal(q.get('month'), '2026-12', "the base URL's own params are kept");
    assert.equal(q.get('utm_source'), 'treasurecoastai');
    assert.equal(q.get('utm_medium'), 'booking_widget');
    assert.equal(q.get('utm_campaign'), 'winter-demo');
    assert.equal(q.get('tca_ref'), id);
    assert.equal(q.get('utm_content'), id, 'Calendly returns tca_ref through utm_content');
    assert.equal(q.get('name'), 'Ada Lovelace');
    assert.equal(q.get('email'), 'ada@example.com');

    const { status, body } = await w.admin(spa.adminKey, `/api/v1/admin/handoffs/${id}`);
    assert.equal(status, 200);
    assert.equal(body.status, 'redirected');
    assert.match(body.redirectedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.equal(body.redirectCount, 1);
    assert.equal(body.externalBookingUrlUsed, location.toString());
  });

  test('every GET counts; redirectedAt and the URL used stay those of the first click', async () => {
    const { id } = await capture();
    await w.fetch(`/r/${id}`);
    const first = (await w.admin(spa.adminKey, `/api/v1/admin/handoffs/${id}`)).body;
    await new Promise((r) => setTimeout(r, 5));
    await w.fetch(`/r/${id}`);
    await w.fetch(`/r/${id}`);
    const after = (await w.admin(spa.adminKey, `/api/v1/admin/handoffs/${id}`)).body;
    assert.equal(after.redirectCount, 3);
    assert.equal(after.redirectedAt, first.redirectedAt);
    assert.equal(after.externalBookingUrlUsed, first.externalBookingUrlUsed);
  });

  test('HEAD and link-preview bots get the redirect without being counted', async () => {
    const { id } = await capture();
    const head = await w.fetch(`/r/${id}`, { method: 'HEAD' });
    assert.equal(head.status, 302);
    assert.equal(new URL(head.headers.get('location')).host, 'calendly.com');
    const bot = await w.fetch(`/r/${id}`, { headers: { 'user-agent': 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)' } });
    assert.equal(bot.status, 302);
    const { body } = await w.admin(spa.adminKey, `/api/v1/admin/handoffs/${id}`);
    assert.equal(body.status, 'new');
    assert.equal(body.redirectCount, 0);
    assert.equal(body.redirectedAt, null);
  });

  test('only real navigations count: prefetches are declined, script fetches and bots pass uncounted', async () => {
    const chrome = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
    const cases = [
      ['speculation-rules prefetch', { 'sec-purpose': 'prefetch', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' }, 503, 0],
      ['prerender', { 'sec-purpose': 'prefetch;prerender', 'sec-fetch-mode': 'navigate' }, 503, 0],
      ["Chrome's legacy <link rel=prefetch>", { purpose: 'prefetch', 'sec-fetch-mode': 'no-cors' }, 503, 0],
      ["Firefox's legacy prefetch", { 'x-moz': 'prefetch' }, 503, 0],
      ["Safari's link preview", { 'x-purpose': 'preview' }, 503, 0],
      ["a script's fetch()", { 'sec-fetch-mode': 'cors', 'sec-fetch-dest': 'empty' }, 302, 0],
      ['an image load', { 'sec-fetch-mode': 'no-cors', 'sec-fetch-dest': 'image' }, 302, 0],
      ['an unfurler that claims to navigate', { 'user-agent': 'facebookexternalhit/1.1', 'sec-fetch-mode': 'navigate' }, 302, 0],
      ['a click (navigate, user activation)', { 'sec-fetch-mode': 'navigate', 'sec-fetch-user': '?1', 'sec-fetch-dest': 'document' }, 302, 1],
      ['the iframe embed (navigate, no user activation)', { 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'iframe' }, 302, 1],
      ['an older browser without Fetch Metadata', {}, 302, 1],
    ];
    // Over a real socket with exactly these headers, as a browser would send them.
    const net = await startWorker({ port: 0 });
    try {
      const c = await net.createClient(spaClient());
      for (const [name, headers, status, counted] of cases) {
        const { body: { id } } = await net.capture('seaside-spa', ADA, { origin: SITE });
        const res = await rawGet(`${net.url}/r/${id}`, { 'user-agent': chrome, ...headers });
        assert.equal(res.status, status, name);
        assert.equal(res.headers['cache-control'], 'no-store', `${name}: never cached, so a prefetch is never replayed`);
        if (status === 302) assert.equal(new URL(res.headers.location).host, 'calendly.com', name);
        else assert.match(res.body, /Open the link to continue/, name);
        const { body } = await net.admin(c.adminKey, `/api/v1/admin/handoffs/${id}`);
        assert.equal(body.redirectCount, counted, `${name}: counted ${counted}`);
        assert.equal(body.status, counted ? 'redirected' : 'new', name);
      }
    } finally {
      await net.dispose();
    }
  });

  test('a settings change after capture is honoured at click time', async () => {
    const { id } = await capture();
    const now = Date.now() + 1000;
    await w.db
      .prepare("UPDATE client_settings SET external_booking_url = 'https://calendly.com/seaside-spa/30min', updated_at = ? WHERE client_id = (SELECT id FROM clients WHERE slug = 'seaside-spa')")
      .bind(now)
      .run();
    try {
      const res = await w.fetch(`/r/${id}`);
      assert.equal(res.status, 302);
      const location = new URL(res.headers.get('location'));
      assert.equal(location.pathname, '/seaside-spa/30min');
      assert.equal(location.searchParams.get('tca_ref'), id);
      const { body } = await w.admin(spa.adminKey, `/api/v1/admin/handoffs/${id}`);
      assert.equal(body.status, 'redirected');
      assert.equal(body.externalBookingUrlUsed, location.toString());
    } finally {
      await w.db
        .prepare("UPDATE client_settings SET external_booking_url = 'https://calendly.com/seaside-spa/60min?month=2026-12#top', updated_at = ? WHERE client_id = (SELECT id FROM clients WHERE slug = 'seaside-spa')")
        .bind(now + 1)
        .run();
    }
  });

  test('unknown and malformed ids get a friendly 404 page, not a stack trace', async () => {
    for (const id of ['AAAAAAAAAAAAAAAAAAAAAA', 'not-an-id', '..%2F..%2Fetc', '%3Cscript%3E']) {
      const res = await w.fetch(`/r/${id}`);
      assert.equal(res.status, 404, id);
      assert.match(res.headers.get('content-type'), /text\/html/);
      const html = await res.text();
      assert.match(html, /This booking link isn(&#39;|')t valid/);
      assert.ok(!html.includes('<script'), 'no reflected markup');
    }
  });
});

describe('GET /api/v1/admin/handoffs/:id', () => {
  test("a client's key reads its own handoff", async () => {
    const { id } = await capture();
    const { status, body } = await w.admin(spa.adminKey, `/api/v1/admin/handoffs/${id}`);
    assert.equal(status, 200);
    assert.equal(body.id, id);
    assert.equal(body.customerEmail, 'ada@example.com');
    assert.equal(body.status, 'new');
  });

  test("another client's key gets 404 and none of the data", async () => {
    const { id } = await capture();
    const res = await w.fetch(`/api/v1/admin/handoffs/${id}`, { headers: { authorization: `Bearer ${physio.adminKey}` } });
    assert.equal(res.status, 404);
    const text = await res.text();
    for (const secret of ['Ada', 'ada@example.com', 'Lovelace', 'Massage', id]) assert.ok(!text.includes(secret), `leaked ${secret}`);
  });

  test('no key, a malformed key and an unknown key are 401; a malformed id is 404', async () => {
    const { id } = await capture();
    assert.equal((await w.json(`/api/v1/admin/handoffs/${id}`)).status, 401);
    assert.equal((await w.admin('hunter2', `/api/v1/admin/handoffs/${id}`)).status, 401);
    assert.equal((await w.admin(`hok_${'A'.repeat(43)}`, `/api/v1/admin/handoffs/${id}`)).status, 401);
    assert.equal((await w.admin(spa.adminKey, '/api/v1/admin/handoffs/nope')).status, 404);
  });

  test('a client id passed by the caller is ignored', async () => {
    const { id } = await capture();
    const res = await w.fetch(`/api/v1/admin/handoffs/${id}?client=seaside-spa&clientId=${spa.clientId}`, { headers: { authorization: `Bearer ${physio.adminKey}` } });
    assert.equal(res.status, 404);
    assert.ok(!(await res.text()).includes('Ada'));
  });
});

describe('operator API', () => {
  const post = (path, body, token) =>
    w.json(path, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });

  test('needs the operator token', async () => {
    assert.equal((await post('/api/v1/operator/clients', spaClient({ slug: 'x1' }), 'wrong')).status, 401);
  });

  test('validates and refuses duplicate slugs', async () => {
    const bad = await post('/api/v1/operator/clients', spaClient({ slug: 'Bad Slug!', externalBookingUrl: 'http://insecure.example/book', allowedOrigins: ['not an origin'] }), w.operatorToken);
    assert.equal(bad.status, 422);
    assert.ok(bad.body.fields.slug);
    assert.ok(bad.body.fields.externalBookingUrl);
    assert.ok(bad.body.fields.allowedOrigins);
    const dup = await post('/api/v1/operator/clients', spaClient(), w.operatorToken);
    assert.equal(dup.status, 409);
  });

  test('issues more keys; keys are stored hashed, never in clear', async () => {
    const res = await post('/api/v1/operator/clients/seaside-spa/admin-keys', { label: 'second' }, w.operatorToken);
    assert.equal(res.status, 201);
    assert.match(res.body.adminKey, /^hok_[A-Za-z0-9_-]{43}$/);
    const { results } = await w.db.prepare('SELECT key_hash FROM admin_keys').all();
    assert.ok(results.every((r) => /^[0-9a-f]{64}$/.test(r.key_hash)));
    assert.ok(!JSON.stringify(results).includes(res.body.adminKey));
    const { id } = await capture();
    assert.equal((await w.admin(res.body.adminKey, `/api/v1/admin/handoffs/${id}`)).status, 200);
  });
});
