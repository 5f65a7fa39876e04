// Integration tests for the admin dashboard and its admin API, against the real
// built worker in workerd with a real local D1: sign-in and sessions, CSRF and cross-site
// refusal, escaping, the pipeline's filters and keyset pages, CSV export, status changes,
// settings validation, the webhook secret at rest and the iframe probe.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startWorker, spaClient, SITE, ADA } from './helpers/worker.mjs';
import { serve } from './helpers/browser.mjs';
import {
  cookieNames, setCookie, csrfOf, signInForm, signIn, get, post, craftSession, insertHandoffs, handoffId, DAY,
} from './helpers/dashboard.mjs';

let w;
let spa;
let spaSession;

const SPA_SLUG = 'seaside-spa';
const FORM = 'application/x-www-form-urlencoded';

before(async () => {
  w = await startWorker({ signinLimit: 5 });
  spa = await w.createClient(spaClient());
  spaSession = await signIn(w, spa.adminKey);
  assert.ok(spaSession.cookie && spaSession.csrf, 'signed in');
});

after(async () => {
  await w?.dispose();
});

async function capture(lead = ADA, slug = SPA_SLUG) {
  const res = await w.capture(slug, lead, { origin: SITE });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.id;
}

async function statusOf(id) {
  return (await w.db.prepare('SELECT status FROM booking_handoffs WHERE id = ?1').bind(id).first())?.status;
}

/** A fresh client with its own session (tests that change settings or data stay apart). */
async function freshClient(slug, overrides = {}) {
  const client = await w.createClient(spaClient({ slug, ...overrides }));
  const session = await signIn(w, client.adminKey);
  return { ...client, session };
}

describe('sign-in and sessions', () => {
  test('every dashboard page needs a session and sends the browser to sign-in, remembering the page', async () => {
    for (const path of ['/dashboard', '/dashboard/settings', '/dashboard/export.csv', `/dashboard/handoffs/${handoffId()}`]) {
      const res = await get(w, null, path + (path === '/dashboard' ? '?status=new' : ''));
      assert.equal(res.status, 303, path);
      const loc = new URL(res.headers.get('location'));
      assert.equal(loc.pathname, '/dashboard/sign-in');
      if (path !== '/dashboard') assert.equal(loc.searchParams.get('next'), path, path);
    }
  });

  test('the sign-in form sets a nonce cookie and a token; a right key gives a signed session cookie', async () => {
    const client = await w.createClient(spaClient({ slug: 'signin-ok' }));
    const form = await signInForm(w, '?next=%2Fdashboard%2Fsettings');
    assert.equal(form.res.status, 200);
    assert.match(form.res.headers.get('content-security-policy'), /script-src 'self'/);
    assert.doesNotMatch(form.res.headers.get('content-security-policy'), /unsafe-inline/);
    assert.ok(form.token && form.nonce);
    assert.match(form.html, /name="next" value="\/dashboard\/settings"/);
    const res = await w.fetch('/dashboard/sign-in', {
      method: 'POST',
      headers: { 'content-type': FORM, cookie: form.nonce, 'sec-fetch-site': 'same-origin' },
      body: new URLSearchParams({ csrf: form.token, adminKey: client.adminKey, next: '/dashboard/settings' }).toString(),
    });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), `${w.url}/dashboard/settings`);
    const cookie = setCookie(res, '__Host-handoff_session');
    assert.ok(cookie, 'the __Host- cookie outside localhost');
    for (const attr of ['HttpOnly', 'SameSite=Lax', 'Secure', 'Path=/', 'Max-Age=43200']) assert.ok(cookie.line.includes(attr), attr);
    assert.doesNotMatch(cookie.line, /Domain=/i);
    assert.ok(cookie.value.startsWith(`v1.${client.clientId}.`), 'carries the client id');
    assert.ok(!cookie.value.includes(client.adminKey), 'never the key itself');
    const page = await get(w, { cookie: cookie.pair }, '/dashboard/settings');
    assert.equal(page.status, 200);
  });

  test('a wrong key gets a friendly 401 and no session', async () => {
    for (const adminKey of ['hok_' + 'A'.repeat(43), 'not-a-key', '']) {
      const res = await signIn(w, adminKey, { ip: '198.51.100.1' });
      assert.equal(res.status, 401, adminKey);
      assert.match(res.html, /That admin key wasn&#39;t recognised|That admin key wasn't recognised/);
      assert.equal(res.cookie, undefined);
    }
  });

  test('sign-in attempts are rate limited per (hashed) IP', async () => {
    const ip = '203.0.113.99';
    const statuses = [];
    for (let i = 0; i < 7; i++) statuses.push((await signIn(w, 'hok_' + 'B'.repeat(43), { ip })).status);
    assert.deepEqual(statuses.slice(0, 5), [401, 401, 401, 401, 401]);
    assert.equal(statuses[5], 429);
    const limited = await signIn(w, spa.adminKey, { ip });
    assert.equal(limited.status, 429, 'even the right key waits');
    assert.match(limited.html, /Too many sign-in attempts/);
    assert.equal(limited.res.headers.get('retry-after'), '60');
    const elsewhere = await signIn(w, spa.adminKey, { ip: '203.0.113.100' });
    assert.equal(elsewhere.status, 303, 'another IP is not affected');
  });

  test('sign-in needs the form token and its nonce cookie, and refuses cross-site posts', async () => {
    const form = await signInForm(w);
    const attempt = (headers, fields) => w.fetch('/dashboard/sign-in', {
      method: 'POST',
      headers: { 'content-type': FORM, ...headers },
      body: new URLSearchParams({ adminKey: spa.adminKey, ...fields }).toString(),
    });
    const noNonce = await attempt({ 'sec-fetch-site': 'same-origin' }, { csrf: form.token });
    assert.equal(noNonce.status, 403);
    const noToken = await attempt({ 'sec-fetch-site': 'same-origin', cookie: form.nonce }, {});
    assert.equal(noToken.status, 403);
    const crossSite = await attempt({ 'sec-fetch-site': 'cross-site', cookie: form.nonce }, { csrf: form.token });
    assert.equal(crossSite.status, 403);
    const foreignOrigin = await attempt({ origin: 'https://evil.example', cookie: form.nonce }, { csrf: form.token });
    assert.equal(foreignOrigin.status, 403);
    for (const res of [noNonce, noToken, crossSite, foreignOrigin]) {
      assert.equal(setCookie(res, cookieNames(w).session), null, 'no session');
    }
  });

  test('next is only ever a local dashboard path (no open redirect)', async () => {
    for (const next of ['//evil.example/', 'https://evil.example/dashboard', '/\\evil.example', '/dashboard/../r/x', '/dashboardx', 'javascript:alert(1)']) {
      const res = await signIn(w, spa.adminKey, { next });
      assert.equal(res.status, 303, next);
      assert.equal(res.location, `${w.url}/dashboard`, next);
    }
    const ok = await signIn(w, spa.adminKey, { next: '/dashboard?status=redirected&industry=spa' });
    assert.equal(ok.location, `${w.url}/dashboard?status=redirected&industry=spa`);
    const page = await get(w, null, '/dashboard/sign-in?next=https%3A%2F%2Fevil.example');
    assert.doesNotMatch(page.body, /evil\.example/);
  });

  test('an expired session goes back to sign-in, with the page asked for', async () => {
    const keyHash = (await w.db.prepare('SELECT key_hash FROM admin_keys WHERE client_id = ?1').bind(spa.clientId).first()).key_hash;
    const names = cookieNames(w);
    const live = craftSession({ clientId: spa.clientId, keyHash, expiresAt: Date.now() + 60_000 });
    assert.equal((await get(w, { cookie: `${names.session}=${live}` }, '/dashboard')).status, 200, 'the test signs like the worker');
    const expired = craftSession({ clientId: spa.clientId, keyHash, expiresAt: Date.now() - 1 });
    const res = await get(w, { cookie: `${names.session}=${expired}` }, '/dashboard/settings');
    assert.equal(res.status, 303);
    const loc = new URL(res.headers.get('location'));
    assert.equal(loc.pathname, '/dashboard/sign-in');
    assert.equal(loc.searchParams.get('next'), '/dashboard/settings');
    assert.equal(loc.searchParams.get('reason'), 'expired');
    const cleared = setCookie(res, names.session);
    assert.ok(cleared && cleared.value === '' && cleared.line.includes('Max-Age=0'), 'the dead cookie is cleared');
    const signInPage = await get(w, null, loc.pathname + loc.search);
    assert.match(signInPage.body, /Your session has expired/);
    assert.match(signInPage.body, /name="next" value="\/dashboard\/settings"/);
  });

  test('tampered, foreign-key and malformed cookies are not sessions', async () => {
    const keyHash = (await w.db.prepare('SELECT key_hash FROM admin_keys WHERE client_id = ?1').bind(spa.clientId).first()).key_hash;
    const names = cookieNames(w);
    const good = craftSession({ clientId: spa.clientId, keyHash, expiresAt: Date.now() + 60_000 });
    const bad = [
      good.slice(0, -1) + (good.endsWith('0') ? '1' : '0'),
      craftSession({ clientId: spa.clientId, keyHash, expiresAt: Date.now() + 60_000, secret: 'another-key' }),
      good.replace(`.${spa.clientId}.`, '.cl_someone_else.'),
      'garbage',
      '',
    ];
    for (const value of bad) {
      const res = await get(w, { cookie: `${names.session}=${value}` }, '/dashboard');
      assert.equal(res.status, 303, value);
      assert.doesNotMatch(res.body, /Seaside/);
    }
  });

  test('a revoked key stops working at once: dashboard session and admin API', async () => {
    const client = await freshClient('revoke-me');
    assert.equal((await get(w, client.session, '/dashboard')).status, 200);
    const revoke = await w.json(`/api/v1/operator/clients/revoke-me/admin-keys/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${w.operatorToken}` },
      body: JSON.stringify({ adminKey: client.adminKey }),
    });
    assert.equal(revoke.status, 200, JSON.stringify(revoke.body));
    assert.equal(revoke.body.revoked, true);
    const res = await get(w, client.session, '/dashboard');
    assert.equal(res.status, 303);
    assert.equal(new URL(res.headers.get('location')).searchParams.get('reason'), 'revoked');
    assert.equal((await w.admin(client.adminKey, '/api/v1/admin/handoffs')).status, 401);
    assert.equal((await signIn(w, client.adminKey)).status, 401);
    const again = await w.json(`/api/v1/operator/clients/revoke-me/admin-keys/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${w.operatorToken}` },
      body: JSON.stringify({ adminKey: client.adminKey }),
    });
    assert.equal(again.status, 404, 'already revoked');
    const wrongClient = await w.json(`/api/v1/operator/clients/${SPA_SLUG}/admin-keys/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${w.operatorToken}` },
      body: JSON.stringify({ adminKey: 'hok_' + 'C'.repeat(43) }),
    });
    assert.equal(wrongClient.status, 404);
    const noAuth = await w.json(`/api/v1/operator/clients/${SPA_SLUG}/admin-keys/revoke`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ adminKey: spa.adminKey }),
    });
    assert.equal(noAuth.status, 401);
    assert.equal((await w.admin(spa.adminKey, '/api/v1/admin/handoffs')).status, 200, 'other keys unaffected');
  });

  test('sign-out clears the cookie and needs the CSRF token while signed in', async () => {
    const session = await signIn(w, spa.adminKey);
    const forged = await post(w, session, '/dashboard/sign-out', {}, { csrf: 'nope' });
    assert.equal(forged.status, 403);
    const res = await post(w, session, '/dashboard/sign-out');
    assert.equal(res.status, 303);
    assert.equal(new URL(res.location).searchParams.get('reason'), 'signed-out');
    const cleared = setCookie({ headers: res.headers }, cookieNames(w).session);
    assert.ok(cleared.line.includes('Max-Age=0'));
    assert.equal((await w.fetch('/dashboard/sign-out')).status, 405);
  });
});

describe('CSRF and cross-site writes', () => {
  test('a status change needs the token, a same-origin request and POST', async () => {
    const id = await capture();
    const path = `/dashboard/handoffs/${id}/complete`;
    const other = await signIn(w, (await w.createClient(spaClient({ slug: 'csrf-other' }))).adminKey);
    const cases = [
      ['missing token', { body: {} }],
      ['wrong token', { body: { csrf: 'f'.repeat(64) } }],
      ["another session's token", { body: { csrf: other.csrf } }],
      ['cross-site', { headers: { 'sec-fetch-site': 'cross-site' } }],
      ['same-site sibling', { headers: { 'sec-fetch-site': 'same-site' } }],
      ['foreign Origin without Fetch Metadata', { headers: { origin: 'https://evil.example' }, noFetchMetadata: true }],
    ];
    for (const [name, c] of cases) {
      const res = await w.fetch(path, {
        method: 'POST',
        headers: {
          'content-type': FORM,
          cookie: spaSession.cookie,
          ...(c.noFetchMetadata ? {} : { 'sec-fetch-site': 'same-origin' }),
          ...(c.headers ?? {}),
        },
        body: new URLSearchParams(c.body ?? { csrf: spaSession.csrf }).toString(),
      });
      assert.equal(res.status, 403, name);
      assert.match(await res.text(), /Request refused/, name);
      assert.equal(await statusOf(id), 'new', name);
    }
    assert.equal((await w.fetch(path, { headers: { cookie: spaSession.cookie } })).status, 405, 'GET is not a write');
    const same = await w.fetch(path, {
      method: 'POST',
      headers: { 'content-type': FORM, cookie: spaSession.cookie, origin: w.url },
      body: new URLSearchParams({ csrf: spaSession.csrf }).toString(),
    });
    assert.equal(same.status, 303, 'same Origin without Fetch Metadata passes');
    assert.equal(await statusOf(id), 'completed_external');
  });

  test('the settings form is protected the same way', async () => {
    const before = await w.db.prepare('SELECT updated_at FROM client_settings WHERE client_id = ?1').bind(spa.clientId).first();
    const res = await post(w, spaSession, '/dashboard/settings', { bookingMode: 'internal' }, { headers: { 'sec-fetch-site': 'cross-site' } });
    assert.equal(res.status, 403);
    const noToken = await post(w, spaSession, '/dashboard/settings', { bookingMode: 'internal' }, { csrf: null });
    assert.equal(noToken.status, 403);
    const after = await w.db.prepare('SELECT updated_at, booking_mode FROM client_settings WHERE client_id = ?1').bind(spa.clientId).first();
    assert.equal(after.updated_at, before.updated_at);
    assert.equal(after.booking_mode, 'external');
  });
});

describe('escaping', () => {
  test('hostile lead fields are inert in the pipeline, the detail page and the CSV', async () => {
    const client = await freshClient('escape-spa');
    const hostile = {
      customerName: '<script>alert(1)</script> Eve',
      customerEmail: 'eve@example.com',
      requestedService: '=HYPERLINK("http://evil.example","click")',
      preferredDateTimeText: '"><img src=x onerror=alert(2)>',
      notes: '@SUM(A1:A9) and <b>bold</b>',
      industry: '+spa',
    };
    const id = await capture(hostile, 'escape-spa');
    const pages = [
      await get(w, client.session, '/dashboard'),
      await get(w, client.session, `/dashboard/handoffs/${id}`),
    ];
    for (const page of pages) {
      assert.equal(page.status, 200);
      assert.ok(!page.body.includes('<script>alert(1)'), 'no live script');
      assert.ok(!page.body.includes('<img src=x'), 'no live img');
      assert.ok(!page.body.includes('<b>bold</b>'), 'no live markup');
      assert.ok(page.body.includes('&lt;script&gt;alert(1)&lt;/script&gt; Eve'), 'shown as text');
      assert.ok(page.body.includes('&quot;&gt;&lt;img src=x onerror=alert(2)&gt;'), 'shown as text');
      assert.doesNotMatch(page.headers.get('content-security-policy'), /unsafe-inline/);
    }
    const csv = await get(w, client.session, '/dashboard/export.csv');
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type'), /^text\/csv/);
    assert.match(csv.headers.get('content-disposition'), /attachment; filename="handoffs-\d{4}-\d{2}-\d{2}\.csv"/);
    assert.ok(csv.body.includes(`"'=HYPERLINK(""http://evil.example"",""click"")"`), 'formula neutralised and quoted');
    assert.ok(csv.body.includes(",'@SUM(A1:A9) and <b>bold</b>,"), '@ neutralised');
    assert.ok(csv.body.includes(",'+spa,"), '+ neutralised');
    assert.ok(csv.body.includes('"""><img src=x onerror=alert(2)>"'), 'quotes doubled');
    for (const line of csv.body.replace(/^\uFEFF/, '').split('\r\n').filter(Boolean)) {
      for (const cell of line.split(',')) assert.doesNotMatch(cell, /^[=+\-@]/, cell);
    }
  });
});

describe('pipeline', () => {
  test('120 handoffs: 3 keyset pages of 50, newest first, no duplicates or gaps (API and pages)', async () => {
    const client = await freshClient('page-spa');
    const base = Date.UTC(2026, 10, 1);
    // Rows come in pairs sharing a timestamp: the id breaks the tie.
    const rows = await insertHandoffs(w, client.clientId, Array.from({ length: 120 }, (_, i) => ({ createdAt: base + Math.floor(i / 2) * 60_000 })));
    const expected = [...rows].sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1)).map((r) => r.id);

    const seen = [];
    let cursor = null;
    const sizes = [];
    do {
      const res = await w.admin(client.adminKey, `/api/v1/admin/handoffs${cursor ? `?cursor=${cursor}` : ''}`);
      assert.equal(res.status, 200);
      sizes.push(res.body.handoffs.length);
      seen.push(...res.body.handoffs.map((h) => h.id));
      assert.equal(res.body.counts.total, 120);
      cursor = res.body.nextCursor;
    } while (cursor);
    assert.deepEqual(sizes, [50, 50, 20]);
    assert.equal(new Set(seen).size, 120);
    assert.deepEqual(seen, expected);

    const htmlIds = [];
    let path = '/dashboard';
    let pagesSeen = 0;
    while (path) {
      const page = await get(w, client.session, path);
      assert.equal(page.status, 200);
      pagesSeen++;
      htmlIds.push(...[...page.body.matchAll(/<a class="customer" href="\/dashboard\/handoffs\/([\w-]{22})"/g)].map((m) => m[1]));
      const older = page.body.match(/rel="next" href="([^"]+)"/);
      path = older ? older[1].replaceAll('&amp;', '&') : null;
    }
    assert.equal(pagesSeen, 3);
    assert.deepEqual(htmlIds, expected);
  });

  test('filters combine (status, date range, industry, source) and are kept in the URL', async () => {
    const client = await freshClient('filter-spa');
    const d = (day, h = 12) => Date.UTC(2026, 9, day, h);
    await insertHandoffs(w, client.clientId, [
      { createdAt: d(1), status: 'new', industry: 'spa', sourcePage: 'https://x.example/treatments' },
      { createdAt: d(2), status: 'redirected', industry: 'spa', sourcePage: 'https://x.example/treatments' },
      { createdAt: d(3), status: 'redirected', industry: 'salon', sourcePage: 'https://x.example/hair' },
      { createdAt: d(4), status: 'completed_external', industry: 'spa', sourcePage: 'https://x.example/offers' },
      { createdAt: d(5, 0), status: 'redirected', industry: 'Spa', sourcePage: 'https://x.example/TREATMENTS/deep' },
      { createdAt: d(6), status: 'abandoned', industry: null, sourcePage: null },
      { createdAt: d(9), status: 'redirected', industry: 'spa', sourcePage: 'https://x.example/treatments' },
    ]);
    const q = async (query) => (await w.admin(client.adminKey, `/api/v1/admin/handoffs?${query}`)).body;
    assert.equal((await q('')).handoffs.length, 7);
    assert.equal((await q('status=redirected')).handoffs.length, 4);
    assert.equal((await q('status=redirected&industry=spa')).handoffs.length, 3, 'industry is case-insensitive');
    assert.equal((await q('status=redirected&industry=spa&from=2026-10-02&to=2026-10-05')).handoffs.length, 2, 'to is inclusive');
    assert.equal((await q('status=redirected&industry=spa&from=2026-10-02&to=2026-10-05&source=treatments')).handoffs.length, 2);
    assert.equal((await q('source=/hair')).handoffs.length, 1);
    assert.equal((await q('from=2026-10-06')).handoffs.length, 2);
    const counts = (await q('industry=spa')).counts;
    assert.deepEqual(
      { new: counts.new, redirected: counts.redirected, completed: counts.completed_external, abandoned: counts.abandoned, total: counts.total, everRedirected: counts.everRedirected },
      { new: 1, redirected: 3, completed: 1, abandoned: 0, total: 5, everRedirected: 4 },
      'counts per status for the filter (status aside); completed ones were redirected too',
    );
    for (const bad of ['status=done', 'from=2026-02-30', 'from=2026-10-05&to=2026-10-01', 'cursor=nope', 'limit=500']) {
      const res = await w.admin(client.adminKey, `/api/v1/admin/handoffs?${bad}`);
      assert.equal(res.status, 400, bad);
    }

    const page = await get(w, client.session, '/dashboard?status=redirected&industry=spa&from=2026-10-02&to=2026-10-05');
    assert.equal(page.status, 200);
    assert.equal([...page.body.matchAll(/<a class="customer"/g)].length, 2);
    assert.match(page.body, /<option value="redirected" selected>/);
    assert.match(page.body, /name="from" value="2026-10-02"/);
    assert.match(page.body, /href="\/dashboard\/export\.csv\?status=redirected&amp;from=2026-10-02&amp;to=2026-10-05&amp;industry=spa"/, 'export keeps the filter');
    // The funnel and counts use the filter with the status aside.
    assert.match(page.body, /<svg[^>]*aria-label="Funnel: 3 created, 3 redirected, 1 completed"/);
    const csv = await get(w, client.session, '/dashboard/export.csv?status=redirected&industry=spa&from=2026-10-02&to=2026-10-05');
    assert.equal(csv.body.replace(/^\uFEFF/, '').trim().split('\r\n').length, 3, 'header + 2 rows');
    const bad = await get(w, client.session, '/dashboard?status=done&from=2026-13-01');
    assert.equal(bad.status, 200, 'a bad filter is explained, not a failure');
    assert.match(bad.body, /Choose a status from the list\./);
    assert.match(bad.body, /Use a date like 2026-11-25\./);
  });

  test('mark completed from the pipeline returns to the same filtered view', async () => {
    const client = await freshClient('row-action-spa');
    const id = await capture({ ...ADA, industry: 'spa' }, 'row-action-spa');
    const here = '/dashboard?status=new&industry=spa';
    const res = await post(w, client.session, `/dashboard/handoffs/${id}/complete`, { next: here });
    assert.equal(res.status, 303);
    const loc = new URL(res.location);
    assert.equal(loc.pathname, '/dashboard');
    assert.equal(loc.searchParams.get('status'), 'new');
    assert.equal(loc.searchParams.get('notice'), 'completed');
    assert.equal(await statusOf(id), 'completed_external');
    const evil = await post(w, client.session, `/dashboard/handoffs/${await capture(ADA, 'row-action-spa')}/complete`, { next: 'https://evil.example/' });
    assert.equal(new URL(evil.location).origin, w.url, 'next never leaves the dashboard');
  });
});

describe('detail page and status changes', () => {
  test('the timeline shows created, first redirect with the count, and who completed it', async () => {
    const id = await capture();
    await w.fetch(`/r/${id}`);
    await w.fetch(`/r/${id}`);
    const res = await post(w, spaSession, `/dashboard/handoffs/${id}/complete`);
    assert.equal(res.status, 303);
    assert.equal(res.location, `${w.url}/dashboard/handoffs/${id}?notice=completed`);
    const page = await get(w, spaSession, `/dashboard/handoffs/${id}?notice=completed`);
    assert.equal(page.status, 200);
    for (const text of ['Created', 'Sent to the booking page', 'opened 2 times in all', 'Marked completed by an admin', 'Marked as completed.',
      'Ada Lovelace', 'ada@example.com', 'Massage', 'Friday afternoon', 'First visit', 'https://calendly.com/seaside-spa/60min', `/r/${id}`]) {
      assert.ok(page.body.includes(text), text);
    }
    assert.match(page.body, /badge-completed_external/);
    assert.doesNotMatch(page.body, /Mark completed<\/button>/, 'no action that core would refuse');
    const row = await w.db.prepare('SELECT completed_by, completed_at FROM booking_handoffs WHERE id = ?1').bind(id).first();
    assert.equal(row.completed_by, 'manual');
    assert.ok(row.completed_at > 0);
  });

  test('refused transitions get a friendly message and change nothing', async () => {
    const id = await capture();
    assert.equal((await post(w, spaSession, `/dashboard/handoffs/${id}/complete`)).status, 303);
    const completedAt = (await w.db.prepare('SELECT completed_at FROM booking_handoffs WHERE id = ?1').bind(id).first()).completed_at;
    const abandon = await post(w, spaSession, `/dashboard/handoffs/${id}/abandon`);
    assert.equal(abandon.status, 303);
    assert.match(abandon.location, /notice=cannot-abandon/);
    const page = await get(w, spaSession, new URL(abandon.location).pathname + new URL(abandon.location).search);
    assert.match(page.body, /This handoff can&#39;t be marked abandoned: it is completed\.|This handoff can't be marked abandoned: it is completed\./);
    assert.equal(await statusOf(id), 'completed_external');
    const again = await post(w, spaSession, `/dashboard/handoffs/${id}/complete`);
    assert.match(again.location, /notice=cannot-complete/);
    const row = await w.db.prepare('SELECT completed_at, abandoned_at FROM booking_handoffs WHERE id = ?1').bind(id).first();
    assert.equal(row.completed_at, completedAt, 'first completion kept');
    assert.equal(row.abandoned_at, null);
    const api = await w.json(`/api/v1/admin/handoffs/${id}/complete`, { method: 'POST', headers: { authorization: `Bearer ${spa.adminKey}` } });
    assert.equal(api.status, 409);
    assert.equal(api.body.message, 'This handoff is already completed.');
  });

  test('mark abandoned records who; a later completion still wins (core rules)', async () => {
    const id = await capture();
    const res = await post(w, spaSession, `/dashboard/handoffs/${id}/abandon`);
    assert.match(res.location, /notice=abandoned/);
    let row = await w.db.prepare('SELECT status, abandoned_by FROM booking_handoffs WHERE id = ?1').bind(id).first();
    assert.deepEqual({ ...row }, { status: 'abandoned', abandoned_by: 'manual' });
    const page = await get(w, spaSession, `/dashboard/handoffs/${id}`);
    assert.match(page.body, /Marked abandoned by an admin/);
    const api = await w.json(`/api/v1/admin/handoffs/${id}/complete`, { method: 'POST', headers: { authorization: `Bearer ${spa.adminKey}` } });
    assert.equal(api.status, 200);
    assert.equal(api.body.status, 'completed_external');
    assert.equal(api.body.completedBy, 'manual');
    assert.equal(api.body.abandonedBy, 'manual');
  });

  test('racing completions: exactly one wins, the status never regresses', async () => {
    const id = await capture();
    const results = await Promise.all([
      post(w, spaSession, `/dashboard/handoffs/${id}/complete`),
      post(w, spaSession, `/dashboard/handoffs/${id}/abandon`),
      w.json(`/api/v1/admin/handoffs/${id}/complete`, { method: 'POST', headers: { authorization: `Bearer ${spa.adminKey}` } }),
      post(w, spaSession, `/dashboard/handoffs/${id}/complete`),
    ]);
    const final = await statusOf(id);
    assert.ok(['completed_external'].includes(final), final);
    const wins = results.filter((r) => (r.location ?? '').match(/notice=(completed|abandoned)$/) || r.status === 200).length;
    assert.ok(wins >= 1 && wins <= 2, `one completion (and possibly an abandon before it) won: ${wins}`);
  });
});

describe('settings', () => {
  const validForm = (over = {}) => ({
    bookingMode: 'external',
    externalBookingProviderName: 'Calendly',
    externalBookingUrl: 'https://calendly.com/new-spa/30min',
    externalBookingEmbedMode: 'redirect',
    externalBookingDisclaimer: '',
    externalBookingUtmSource: '',
    externalBookingUtmCampaign: 'spring',
    externalBookingPrefill: 'on',
    allowedOrigins: `${SITE}\nhttps://www.seaside-spa.example`,
    contactEmail: 'desk@seaside-spa.example',
    contactPhone: '+1 555 010 2030',
    services: 'Massage\nFacial\nPedicure',
    externalBookingWebhookProvider: '',
    externalBookingWebhookSecret: '',
    externalBookingCompletionEventName: '',
    ...over,
  });

  test('validation table: each bad field gets its message next to it, input kept, nothing saved', async () => {
    const client = await freshClient('settings-table');
    const before = await w.db.prepare('SELECT * FROM client_settings WHERE client_id = ?1').bind(client.clientId).first();
    const cases = [
      ['externalBookingUrl', { externalBookingUrl: '' }, 'External booking needs your booking page URL.'],
      ['externalBookingUrl', { externalBookingUrl: 'http://calendly.com/x' }, 'Booking links must use https://.'],
      ['externalBookingUrl', { externalBookingUrl: 'calendly.com/x' }, 'Enter the full booking link, starting with https://.'],
      ['bookingMode', { bookingMode: 'sometimes' }, 'Choose request-only or external booking.'],
      ['externalBookingEmbedMode', { externalBookingEmbedMode: 'popup' }, 'Choose redirect or iframe.'],
      ['externalBookingUtmSource', { externalBookingUtmSource: 'news letter' }, 'Use letters, numbers, dots, dashes or underscores.'],
      ['externalBookingProviderName', { externalBookingProviderName: 'x'.repeat(61) }, 'Please keep this under 60 characters.'],
      ['externalBookingDisclaimer', { externalBookingDisclaimer: 'x'.repeat(301) }, 'Please keep this under 300 characters.'],
      ['allowedOrigins', { allowedOrigins: 'https://ok.example\nseaside.example' }, 'Enter an origin like https://example.com.'],
      ['allowedOrigins', { allowedOrigins: 'http://seaside.example' }, 'Origins must use https:// (http only for localhost).'],
      ['services', { services: Array.from({ length: 31 }, (_, i) => `S${i}`).join('\n') }, 'Please list at most 30 services.'],
      ['contactEmail', { contactEmail: 'not-an-email' }, 'Please enter a valid email address, like name@example.com.'],
      ['contactPhone', { contactPhone: '12' }, 'Please enter a valid phone number, like (555) 123-4567.'],
      ['externalBookingWebhookProvider', { externalBookingWebhookEnabled: 'on', externalBookingWebhookSecret: 's3cret' }, 'Choose which provider sends the webhook.'],
      ['externalBookingWebhookSecret', { externalBookingWebhookEnabled: 'on', externalBookingWebhookProvider: 'calendly' }, 'Enter the signing secret from your provider to turn on webhook confirmation.'],
    ];
    for (const [field, over, message] of cases) {
      const res = await post(w, client.session, '/dashboard/settings', validForm(over));
      assert.equal(res.status, 422, field);
      const escaped = message.replaceAll("'", '&#39;');
      const block = res.body.match(new RegExp(`id="${field}-error"[^>]*>([^<]*)<`));
      assert.ok(block, `${field}: message next to the field`);
      assert.ok([message, escaped].includes(block[1]) || block[1].replaceAll('&#39;', "'") === message, `${field}: ${block[1]}`);
      assert.match(res.body, /Some settings need attention/);
      const kept = Object.entries(over).find(([k, v]) => k === field && typeof v === 'string' && v && !v.includes('\n') && field !== 'externalBookingWebhookSecret');
      if (kept && ['externalBookingUrl', 'externalBookingUtmSource', 'contactEmail', 'contactPhone', 'externalBookingProviderName'].includes(field)) {
        assert.ok(res.body.includes(`value="${kept[1]}"`), `${field}: input kept`);
      }
      assert.ok(!res.body.includes('s3cret'), 'a typed secret is never echoed');
    }
    const after = await w.db.prepare('SELECT * FROM client_settings WHERE client_id = ?1').bind(client.clientId).first();
    assert.deepEqual(after, before, 'nothing saved');

    const api = await w.json('/api/v1/admin/settings', {
      method: 'PUT',
      headers: { authorization: `Bearer ${client.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ bookingMode: 'external', externalBookingUrl: '', contactEmail: 'nope', allowedOrigins: ['x'] }),
    });
    assert.equal(api.status, 422);
    assert.deepEqual(api.body.fields, {
      externalBookingUrl: 'External booking needs your booking page URL.',
      allowedOrigins: 'Enter an origin like https://example.com.',
      contactEmail: 'Please enter a valid email address, like name@example.com.',
    });
  });

  test('a valid save bumps updated_at and the widget sees it on its next load', async () => {
    const client = await freshClient('settings-save', { allowedOrigins: [SITE] });
    const before = await w.db.prepare('SELECT updated_at FROM client_settings WHERE client_id = ?1').bind(client.clientId).first();
    const res = await post(w, client.session, '/dashboard/settings', validForm());
    assert.equal(res.status, 303, res.body);
    assert.equal(res.location, `${w.url}/dashboard/settings?saved=1`);
    const after = await w.db.prepare('SELECT * FROM client_settings WHERE client_id = ?1').bind(client.clientId).first();
    assert.ok(after.updated_at > before.updated_at, 'updated_at bumped');
    assert.equal(after.external_booking_url, 'https://calendly.com/new-spa/30min');
    assert.equal(after.services, JSON.stringify(['Massage', 'Facial', 'Pedicure']));
    const config = await w.json(`/api/v1/widget-config?client=settings-save`, { headers: { origin: SITE } });
    assert.equal(config.status, 200);
    assert.deepEqual(config.body.services, ['Massage', 'Facial', 'Pedicure']);
    assert.match(config.body.fallbackUrl, /^https:\/\/calendly\.com\/new-spa\/30min\?/);
    assert.equal(config.body.contact.email, 'desk@seaside-spa.example');
    const page = await get(w, client.session, '/dashboard/settings?saved=1');
    assert.match(page.body, /Settings saved\./);
    assert.match(page.body, /value="https:\/\/calendly\.com\/new-spa\/30min"/);

    // A handoff captured before the change is redirected to the new URL (the redirect notices updated_at).
    const id = await capture(ADA, 'settings-save');
    await post(w, client.session, '/dashboard/settings', validForm({ externalBookingUrl: 'https://cal.com/newer-spa' }));
    const r = await w.fetch(`/r/${id}`);
    assert.equal(r.status, 302);
    assert.match(r.headers.get('location'), /^https:\/\/cal\.com\/newer-spa\?/);
  });

  test('the webhook secret is write-only: sealed at rest, never returned, kept when left empty', async () => {
    const client = await freshClient('secret-spa');
    const plain = 'whsec_live_DoNotLeakMe_123';
    const res = await post(w, client.session, '/dashboard/settings', validForm({
      externalBookingWebhookEnabled: 'on', externalBookingWebhookProvider: 'calendly', externalBookingWebhookSecret: plain, externalBookingCompletionEventName: 'invitee.created',
    }));
    assert.equal(res.status, 303, res.body);
    const stored = (await w.db.prepare('SELECT external_booking_webhook_secret AS s FROM client_settings WHERE client_id = ?1').bind(client.clientId).first()).s;
    assert.match(stored, /^v1\.[0-9a-f]{48}\.[0-9a-f]+$/, 'sealed: version, 24-byte nonce, ciphertext + tag');
    assert.ok(!stored.includes(plain) && !stored.includes(Buffer.from(plain).toString('hex')));
    const page = await get(w, client.session, '/dashboard/settings');
    assert.ok(!page.body.includes(plain));
    assert.match(page.body, /A secret is stored/);
    const api = await w.admin(client.adminKey, '/api/v1/admin/settings');
    assert.equal(api.body.externalBookingWebhookSecretSet, true);
    assert.ok(!JSON.stringify(api.body).includes(plain));
    assert.ok(!JSON.stringify(api.body).includes(stored));

    // Saving again with the field empty keeps it; a second seal of a new secret uses a new nonce.
    await post(w, client.session, '/dashboard/settings', validForm({ externalBookingWebhookEnabled: 'on', externalBookingWebhookProvider: 'calendly' }));
    assert.equal((await w.db.prepare('SELECT external_booking_webhook_secret AS s FROM client_settings WHERE client_id = ?1').bind(client.clientId).first()).s, stored);
    await post(w, client.session, '/dashboard/settings', validForm({ externalBookingWebhookEnabled: 'on', externalBookingWebhookProvider: 'calendly', externalBookingWebhookSecret: plain }));
    const resealed = (await w.db.prepare('SELECT external_booking_webhook_secret AS s FROM client_settings WHERE client_id = ?1').bind(client.clientId).first()).s;
    assert.notEqual(resealed, stored, 'a fresh random nonce each time');

    // GET -> PUT round trip through the API keeps it too, and PUT never returns it.
    const roundTrip = await w.json('/api/v1/admin/settings', {
      method: 'PUT',
      headers: { authorization: `Bearer ${client.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...api.body, externalBookingUtmCampaign: 'via-api' }),
    });
    assert.equal(roundTrip.status, 200, JSON.stringify(roundTrip.body));
    assert.equal(roundTrip.body.externalBookingUtmCampaign, 'via-api');
    assert.equal(roundTrip.body.externalBookingWebhookSecretSet, true);
    assert.ok(!JSON.stringify(roundTrip.body).includes(plain));

    const cleared = await post(w, client.session, '/dashboard/settings', validForm({ clearWebhookSecret: 'on' }));
    assert.equal(cleared.status, 303);
    assert.equal((await w.db.prepare('SELECT external_booking_webhook_secret AS s FROM client_settings WHERE client_id = ?1').bind(client.clientId).first()).s, null);
  });

  test('external mode without a URL: a red banner on every dashboard page, linking to settings', async () => {
    const client = await freshClient('no-url-admin', { externalBookingUrl: '' });
    const id = await capture(ADA, SPA_SLUG);
    const own = await insertHandoffs(w, client.clientId, [{ createdAt: Date.now() }]);
    for (const path of ['/dashboard', '/dashboard/settings', `/dashboard/handoffs/${own[0].id}`]) {
      const page = await get(w, client.session, path);
      assert.equal(page.status, 200, path);
      assert.match(page.body, /class="banner" role="alert"/, path);
      assert.match(page.body, /Online booking is off for your visitors/, path);
      assert.match(page.body, /href="\/dashboard\/settings#externalBookingUrl"/, path);
    }
    const notFound = await get(w, client.session, `/dashboard/handoffs/${id}`);
    assert.equal(notFound.status, 404);
    const fine = await get(w, spaSession, '/dashboard');
    assert.doesNotMatch(fine.body, /class="banner"/);
  });

  test('the admin API PUT refuses unknown fields, a client id included', async () => {
    for (const body of [{ clientId: 'cl_x' }, { client_id: 'cl_x' }, { id: 'cl_x' }]) {
      const res = await w.json('/api/v1/admin/settings', {
        method: 'PUT',
        headers: { authorization: `Bearer ${spa.adminKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ bookingMode: 'internal', ...body }),
      });
      assert.equal(res.status, 400, JSON.stringify(body));
    }
    const noAuth = await w.json('/api/v1/admin/settings', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(noAuth.status, 401);
  });
});

describe('iframe probe', () => {
  let stubs;
  before(async () => {
    const page = '<!doctype html><title>Provider</title>';
    stubs = await serve({
      '/deny': () => ({ headers: { 'x-frame-options': 'DENY' }, body: page }),
      '/any': () => ({ headers: { 'content-security-policy': "frame-ancestors *", 'x-frame-options': 'DENY' }, body: page }),
      '/plain': () => ({ body: page }),
      '/ancestors-other': () => ({ headers: { 'content-security-policy': "default-src 'self'; frame-ancestors https://other.example" }, body: page }),
    });
  });
  after(async () => stubs?.close());

  test('saving iframe mode probes the URL and records allowed/blocked; the widget follows it', async () => {
    const client = await freshClient('iframe-spa');
    const cases = [
      ['/deny', 'blocked', false],
      ['/any', 'allowed', true],
      ['/plain', 'allowed', true],
      ['/ancestors-other', 'blocked', false],
    ];
    for (const [path, check, allowed] of cases) {
      const url = `${stubs.origin}${path}`;
      const res = await post(w, client.session, '/dashboard/settings', {
        bookingMode: 'external', externalBookingUrl: url, externalBookingEmbedMode: 'iframe', allowedOrigins: SITE, externalBookingPrefill: 'on',
      });
      assert.equal(res.status, 303, `${path}: ${res.body}`);
      const row = await w.db.prepare('SELECT iframe_check FROM client_settings WHERE client_id = ?1').bind(client.clientId).first();
      assert.equal(row.iframe_check, check, path);
      const config = await w.json('/api/v1/widget-config?client=iframe-spa', { headers: { origin: SITE } });
      assert.equal(config.body.embedMode, 'iframe');
      assert.equal(config.body.iframeAllowed, allowed, path);
      const page = await get(w, client.session, '/dashboard/settings');
      assert.match(page.body, /Many booking providers block being shown inside another site/);
      assert.match(page.body, allowed ? /Last check: your booking page allows framing/ : /Last check: your booking page blocks framing/, path);
    }
    assert.ok(stubs.seen.some((u) => u.pathname === '/deny'), 'the worker really fetched the stub');

    const api = await w.json('/api/v1/admin/settings', {
      method: 'PUT',
      headers: { authorization: `Bearer ${client.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ bookingMode: 'external', externalBookingUrl: `${stubs.origin}/deny`, externalBookingEmbedMode: 'iframe', allowedOrigins: [SITE] }),
    });
    assert.equal(api.status, 200);
    assert.equal(api.body.iframeCheck, 'blocked');
    assert.match(api.body.warnings[0], /blocks being shown in a frame/);

    const unreachable = await post(w, client.session, '/dashboard/settings', {
      bookingMode: 'external', externalBookingUrl: 'http://127.0.0.1:9/nothing-listens-here', externalBookingEmbedMode: 'iframe', allowedOrigins: SITE,
    });
    assert.equal(unreachable.status, 303);
    const row = await w.db.prepare('SELECT iframe_check FROM client_settings WHERE client_id = ?1').bind(client.clientId).first();
    assert.equal(row.iframe_check, null, 'unknown when the probe fails: visitors get the redirect');

    const redirectMode = await post(w, client.session, '/dashboard/settings', {
      bookingMode: 'external', externalBookingUrl: `${stubs.origin}/plain`, externalBookingEmbedMode: 'redirect', allowedOrigins: SITE,
    });
    assert.equal(redirectMode.status, 303);
    const page = await get(w, client.session, '/dashboard/settings');
    assert.match(page.body, /id="iframe-warning" hidden/, 'the warning shows only with iframe chosen');
  });
});

describe('admin API', () => {
  test('list, complete and 405s', async () => {
    const id = await capture();
    const list = await w.admin(spa.adminKey, '/api/v1/admin/handoffs?status=new');
    assert.equal(list.status, 200);
    assert.ok(list.body.handoffs.every((h) => h.status === 'new'));
    assert.ok(list.body.handoffs.some((h) => h.id === id));
    assert.ok('nextCursor' in list.body && 'counts' in list.body);
    const done = await w.json(`/api/v1/admin/handoffs/${id}/complete`, { method: 'POST', headers: { authorization: `Bearer ${spa.adminKey}` } });
    assert.equal(done.status, 200);
    assert.equal(done.body.status, 'completed_external');
    assert.ok(done.body.completedAt);
    const cross = await w.json(`/api/v1/admin/handoffs/${await capture()}/complete`, {
      method: 'POST', headers: { authorization: `Bearer ${spa.adminKey}`, 'sec-fetch-site': 'cross-site' },
    });
    assert.equal(cross.status, 403);
    assert.equal((await w.json('/api/v1/admin/handoffs', { method: 'POST', headers: { authorization: `Bearer ${spa.adminKey}` } })).status, 405);
    assert.equal((await w.json(`/api/v1/admin/handoffs/${id}/complete`, { headers: { authorization: `Bearer ${spa.adminKey}` } })).status, 405);
    assert.equal((await w.json('/api/v1/admin/settings', { method: 'DELETE', headers: { authorization: `Bearer ${spa.adminKey}` } })).status, 405);
    assert.equal((await w.json('/api/v1/admin/handoffs')).status, 401);
  });
});

describe('pages and assets', () => {
  test('the dashboard script and stylesheet come from the worker; pages allow nothing inline', async () => {
    const js = await w.fetch('/dashboard/assets/app.js');
    assert.equal(js.status, 200);
    assert.match(js.headers.get('content-type'), /^text\/javascript/);
    const css = await w.fetch('/dashboard/assets/app.css');
    assert.equal(css.status, 200);
    assert.match(css.headers.get('content-type'), /^text\/css/);
    assert.equal((await w.fetch('/dashboard/assets/nope.js')).status, 404);
    const page = await get(w, spaSession, '/dashboard');
    const csp = page.headers.get('content-security-policy');
    assert.match(csp, /script-src 'self'/);
    assert.match(csp, /style-src 'self'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.doesNotMatch(page.body, /<script>|style="/, 'nothing inline');
    assert.equal(page.headers.get('cache-control'), 'no-store');
    assert.equal((await get(w, spaSession, '/dashboard/nope')).status, 404);
  });
});
