// Tenant isolation matrix for the dashboard and the admin API: every route that takes a
// handoff id × (own id, the other client's id, a nonexistent id, malformed ids), signed in
// as client B; plus every route given client A's id in the query, the form or the JSON.
// Each case asserts the status AND that none of client A's data is in the answer, and that
// A's records did not change.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startWorker, spaClient } from './helpers/worker.mjs';
import { signIn, get, post, cookieNames, craftSession, handoffId } from './helpers/dashboard.mjs';

const SITE_A = 'https://alpha-spa.example';
const SITE_B = 'https://bravo-physio.example';

const A_LEAD = {
  customerName: 'Alice Aardvark',
  customerEmail: 'alice.secret@alpha-mail.example',
  customerPhone: '+1 555 010 7777',
  requestedService: 'Alpha-only hot stones',
  preferredDateTimeText: 'Alpha Tuesday dawn',
  notes: 'ALPHA-PRIVATE-NOTE',
  industry: 'alphaindustry',
};
const B_LEAD = {
  customerName: 'Bob Bravo',
  customerEmail: 'bob@bravo-mail.example',
  requestedService: 'Knee check',
  notes: 'bravo note',
  industry: 'physio',
};

let w;
let a;
let b;
let bSession;
let aIds;
let aMarkers;

async function capture(slug, origin, lead) {
  const res = await w.capture(slug, lead, { origin });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.id;
}

/** Asserts none of client A's data (its leads, ids, settings) is in `text`. */
function assertNoLeak(text, where) {
  for (const marker of aMarkers) {
    assert.ok(!text.includes(marker), `${where}: leaked ${marker}`);
  }
}

async function aSnapshot() {
  const handoffs = await w.db.prepare('SELECT * FROM booking_handoffs WHERE client_id = ?1 ORDER BY id').bind(a.clientId).all();
  const settings = await w.db.prepare('SELECT * FROM client_settings WHERE client_id = ?1').bind(a.clientId).first();
  const client = await w.db.prepare('SELECT * FROM clients WHERE id = ?1').bind(a.clientId).first();
  return JSON.stringify({ handoffs: handoffs.results, settings, client });
}

before(async () => {
  w = await startWorker();
  a = await w.createClient(spaClient({
    slug: 'alpha-spa', name: 'Alpha Spa', allowedOrigins: [SITE_A],
    externalBookingUrl: 'https://calendly.com/alpha-secret-calendar/60min',
    contactEmail: 'owner@alpha-private.example', contactPhone: '+1 555 010 4444',
    services: ['AlphaServiceX'],
  }));
  b = await w.createClient(spaClient({
    slug: 'bravo-physio', name: 'Bravo Physio', allowedOrigins: [SITE_B],
    externalBookingProviderName: 'Acuity',
    externalBookingUrl: 'https://app.acuityscheduling.com/schedule.php?owner=bravo',
    contactEmail: 'desk@bravo.example', contactPhone: '+1 555 010 5555',
    services: ['Physio'],
  }));
  aIds = [await capture('alpha-spa', SITE_A, A_LEAD), await capture('alpha-spa', SITE_A, A_LEAD)];
  await w.fetch(`/r/${aIds[0]}`);
  aMarkers = [
    ...Object.values(A_LEAD), ...aIds, a.clientId, 'alpha-secret-calendar', 'owner@alpha-private.example', '555 010 4444', 'AlphaServiceX', 'Alpha Spa',
  ];
  bSession = await signIn(w, b.adminKey);
  assert.ok(bSession.cookie && bSession.csrf);
});

after(async () => {
  await w?.dispose();
});

const MALFORMED = ['not-a-valid-id', 'AAAAAAAAAAAAAAAAAAAAAB', `${'A'.repeat(21)}`, '..%2F..%2Fsettings', '%3Cscript%3E'];

describe('routes with a handoff id', () => {
  const kinds = () => [
    ['own', null],
    ['other client', aIds[0]],
    ['nonexistent', handoffId()],
    ...MALFORMED.map((m) => [`malformed ${m}`, m]),
  ];

  test('GET /dashboard/handoffs/:id', async () => {
    const before = await aSnapshot();
    for (const [kind, given] of kinds()) {
      const id = given ?? (await capture('bravo-physio', SITE_B, B_LEAD));
      const res = await get(w, bSession, `/dashboard/handoffs/${id}`);
      if (kind === 'own') {
        assert.equal(res.status, 200, kind);
        assert.ok(res.body.includes('Bob Bravo'), kind);
      } else {
        assert.equal(res.status, 404, kind);
        assert.match(res.body, /We couldn&#39;t find that|We couldn't find that/, kind);
      }
      assertNoLeak(res.body, `GET detail ${kind}`);
    }
    assert.equal(await aSnapshot(), before);
  });

  for (const action of ['complete', 'abandon']) {
    test(`POST /dashboard/handoffs/:id/${action}`, async () => {
      const before = await aSnapshot();
      for (const [kind, given] of kinds()) {
        const id = given ?? (await capture('bravo-physio', SITE_B, B_LEAD));
        const res = await post(w, bSession, `/dashboard/handoffs/${id}/${action}`);
        if (kind === 'own') {
          assert.equal(res.status, 303, kind);
          assert.match(res.location, new RegExp(`/dashboard/handoffs/${id}\\?notice=${action === 'complete' ? 'completed' : 'abandoned'}$`));
        } else {
          assert.equal(res.status, 404, kind);
        }
        assertNoLeak(res.body + (res.location ?? ''), `POST ${action} ${kind}`);
      }
      assert.equal(await aSnapshot(), before, "A's records unchanged");
    });
  }

  test('GET /api/v1/admin/handoffs/:id', async () => {
    for (const [kind, given] of kinds()) {
      const id = given ?? (await capture('bravo-physio', SITE_B, B_LEAD));
      const res = await w.fetch(`/api/v1/admin/handoffs/${id}?clientId=${a.clientId}`, { headers: { authorization: `Bearer ${b.adminKey}` } });
      const text = await res.text();
      assert.equal(res.status, kind === 'own' ? 200 : 404, kind);
      if (kind === 'own') assert.ok(text.includes('Bob Bravo'));
      assertNoLeak(text.replaceAll(a.clientId, ''), `API GET ${kind}`);
    }
  });

  test('POST /api/v1/admin/handoffs/:id/complete', async () => {
    const before = await aSnapshot();
    for (const [kind, given] of kinds()) {
      const id = given ?? (await capture('bravo-physio', SITE_B, B_LEAD));
      const res = await w.fetch(`/api/v1/admin/handoffs/${id}/complete`, { method: 'POST', headers: { authorization: `Bearer ${b.adminKey}` } });
      const text = await res.text();
      assert.equal(res.status, kind === 'own' ? 200 : 404, kind);
      assertNoLeak(text, `API complete ${kind}`);
    }
    assert.equal(await aSnapshot(), before);
  });

  test('without any credentials: sign-in redirect or 401, never data', async () => {
    for (const path of [`/dashboard/handoffs/${aIds[0]}`, '/dashboard', '/dashboard/export.csv', '/dashboard/settings']) {
      const res = await get(w, null, path);
      assert.equal(res.status, 303, path);
      assertNoLeak(res.body, path);
    }
    for (const path of [`/dashboard/handoffs/${aIds[0]}/complete`, '/dashboard/settings']) {
      const res = await post(w, null, path, {}, { csrf: 'x' });
      assert.equal(res.status, 303, path);
      assert.match(res.location, /\/dashboard\/sign-in/);
    }
    for (const [method, path] of [['GET', `/api/v1/admin/handoffs/${aIds[0]}`], ['GET', '/api/v1/admin/handoffs'], ['GET', '/api/v1/admin/settings'], ['POST', `/api/v1/admin/handoffs/${aIds[0]}/complete`]]) {
      const res = await w.fetch(path, { method });
      const text = await res.text();
      assert.equal(res.status, 401, path);
      assertNoLeak(text, path);
    }
  });
});

describe('a client id passed in the query, the form or the JSON is ignored or refused', () => {
  const inject = () => `clientId=${encodeURIComponent(a.clientId)}&client=alpha-spa&client_id=${encodeURIComponent(a.clientId)}`;

  test('GET /dashboard', async () => {
    const res = await get(w, bSession, `/dashboard?${inject()}`);
    assert.equal(res.status, 200);
    assert.ok(res.body.includes('Bob Bravo') && res.body.includes('Bravo Physio'));
    assertNoLeak(res.body, 'pipeline');
    const filtered = await get(w, bSession, `/dashboard?industry=alphaindustry&${inject()}`);
    assert.match(filtered.body, /No handoffs match these filters/);
    assertNoLeak(filtered.body.replaceAll('alphaindustry', ''), 'filtered pipeline');
  });

  test('GET /dashboard/export.csv', async () => {
    const res = await get(w, bSession, `/dashboard/export.csv?${inject()}`);
    assert.equal(res.status, 200);
    assert.ok(res.body.includes('Bob Bravo'));
    assertNoLeak(res.body, 'csv');
  });

  test('GET and POST /dashboard/settings', async () => {
    const page = await get(w, bSession, `/dashboard/settings?${inject()}`);
    assert.equal(page.status, 200);
    assert.ok(page.body.includes('desk@bravo.example'));
    assertNoLeak(page.body, 'settings page');
    const before = await aSnapshot();
    const res = await post(w, bSession, `/dashboard/settings?${inject()}`, {
      clientId: a.clientId, client_id: a.clientId, client: 'alpha-spa',
      bookingMode: 'external', externalBookingUrl: 'https://app.acuityscheduling.com/schedule.php?owner=bravo2',
      externalBookingEmbedMode: 'redirect', allowedOrigins: SITE_B, contactEmail: 'desk@bravo.example', services: 'Physio',
    });
    assert.equal(res.status, 303, res.body);
    assert.equal(await aSnapshot(), before, "A's settings unchanged");
    const bRow = await w.db.prepare('SELECT external_booking_url FROM client_settings WHERE client_id = ?1').bind(b.clientId).first();
    assert.match(bRow.external_booking_url, /owner=bravo2/, "B's own settings saved");
  });

  test('GET /api/v1/admin/handoffs and /settings', async () => {
    const list = await w.fetch(`/api/v1/admin/handoffs?${inject()}`, { headers: { authorization: `Bearer ${b.adminKey}` } });
    const listText = await list.text();
    assert.equal(list.status, 200);
    assert.ok(listText.includes('Bob Bravo'));
    assertNoLeak(listText, 'API list');
    const settings = await w.fetch(`/api/v1/admin/settings?${inject()}`, { headers: { authorization: `Bearer ${b.adminKey}` } });
    const settingsText = await settings.text();
    assert.equal(settings.status, 200);
    assert.ok(settingsText.includes('desk@bravo.example'));
    assertNoLeak(settingsText, 'API settings');
  });

  test('PUT /api/v1/admin/settings with a client id in the JSON is a 400 and changes nothing', async () => {
    const before = await aSnapshot();
    const bBefore = await w.db.prepare('SELECT updated_at FROM client_settings WHERE client_id = ?1').bind(b.clientId).first();
    for (const extra of [{ clientId: a.clientId }, { client_id: a.clientId }, { client: 'alpha-spa' }]) {
      const res = await w.fetch(`/api/v1/admin/settings?${inject()}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${b.adminKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ bookingMode: 'internal', ...extra }),
      });
      const text = await res.text();
      assert.equal(res.status, 400, JSON.stringify(extra));
      assertNoLeak(text.replaceAll(a.clientId, ''), 'PUT');
    }
    assert.equal(await aSnapshot(), before);
    const bAfter = await w.db.prepare('SELECT updated_at FROM client_settings WHERE client_id = ?1').bind(b.clientId).first();
    assert.equal(bAfter.updated_at, bBefore.updated_at, "B's settings unchanged too");
  });

  test("a validly signed cookie naming A's client with B's key is not a session", async () => {
    const bKeyHash = (await w.db.prepare('SELECT key_hash FROM admin_keys WHERE client_id = ?1').bind(b.clientId).first()).key_hash;
    const forged = craftSession({ clientId: a.clientId, keyHash: bKeyHash, expiresAt: Date.now() + 60_000 });
    const cookie = `${cookieNames(w).session}=${forged}`;
    for (const path of ['/dashboard', `/dashboard/handoffs/${aIds[0]}`, '/dashboard/settings', '/dashboard/export.csv']) {
      const res = await get(w, { cookie }, path);
      assert.equal(res.status, 303, path);
      assertNoLeak(res.body, path);
    }
  });

  test("A's key hash is not a bearer key", async () => {
    const aKeyHash = (await w.db.prepare('SELECT key_hash FROM admin_keys WHERE client_id = ?1').bind(a.clientId).first()).key_hash;
    const res = await w.fetch('/api/v1/admin/handoffs', { headers: { authorization: `Bearer ${aKeyHash}` } });
    assert.equal(res.status, 401);
    assertNoLeak(await res.text(), 'hash as key');
  });
});
