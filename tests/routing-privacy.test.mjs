// Per-service booking links, the consent line, retention and the right to erasure,
// against the real worker: what the visitor is told and sent to, what is
// stored, what the scheduled job erases, and that an erasure touches one client only.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startWorker, spaClient, SITE, OTHER_SITE, ADA } from './helpers/worker.mjs';
import { signIn, get, post } from './helpers/dashboard.mjs';

let w, spa, physio;
const DAY = 86_400_000;

const ROUTES = [
  { service: 'Massage', providerName: 'Vagaro', bookingUrl: 'https://www.vagaro.com/seaside/book?svc=1', keywords: ['masaje', 'deep tissue'] },
  { service: 'Yoga class', providerName: 'Mindbody', bookingUrl: 'https://clients.mindbodyonline.com/classic/ws?studioid=42', keywords: ['pilates'] },
];

async function putSettings(client, extra) {
  const current = (await w.admin(client.adminKey, '/api/v1/admin/settings')).body;
  return w.json('/api/v1/admin/settings', {
    method: 'PUT',
    headers: { authorization: `Bearer ${client.adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ...current, ...extra }),
  });
}

before(async () => {
  w = await startWorker();
  spa = await w.createClient(spaClient({ services: ['Facial', 'Massage'] }));
  physio = await w.createClient(spaClient({ slug: 'harbor-physio', name: 'Harbor Physio', allowedOrigins: [OTHER_SITE] }));
  const res = await putSettings(spa, { serviceRoutes: ROUTES });
  assert.equal(res.status, 200, JSON.stringify(res.body));
});
after(() => w?.dispose());

describe('per-service booking links', () => {
  test('quick replies list the routed services first', async () => {
    const { body } = await w.json('/api/v1/widget-config?client=seaside-spa', { headers: { origin: SITE } });
    assert.deepEqual(body.services, ['Massage', 'Yoga class', 'Facial']);
  });

  const cases = [
    ['the chosen service', { requestedService: 'massage' }, 'Vagaro', 'www.vagaro.com'],
    ['a keyword in the notes', { requestedService: '', notes: 'Quiero un masaje, por favor' }, 'Vagaro', 'www.vagaro.com'],
    ['a keyword in the preferred time', { requestedService: '', preferredDateTimeText: 'pilates on Friday' }, 'Mindbody', 'clients.mindbodyonline.com'],
    ['an unrouted service', { requestedService: 'Facial', notes: '' }, 'Calendly', 'calendly.com'],
  ];
  for (const [name, lead, provider, host] of cases) {
    test(`${name} books through ${provider}, and the handoff records it`, async () => {
      const res = await w.capture('seaside-spa', { ...ADA, notes: '', ...lead }, { origin: SITE });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.equal(res.body.providerName, provider);
      assert.equal(res.body.copy, `You'll complete your booking on ${provider}. We'll be here if you need help.`);
      const click = await w.fetch(`/r/${res.body.id}`);
      assert.equal(click.status, 302);
      const target = new URL(click.headers.get('location'));
      assert.equal(target.host, host);
      assert.equal(target.searchParams.get('utm_medium'), 'booking_widget');
      const h = (await w.admin(spa.adminKey, `/api/v1/admin/handoffs/${res.body.id}`)).body;
      assert.equal(h.providerName, provider);
      assert.equal(new URL(h.externalBookingUrlUsed).host, host);
    });
  }

  test('the dashboard filters by provider', async () => {
    const { body } = await w.admin(spa.adminKey, '/api/v1/admin/handoffs?provider=vagaro');
    assert.ok(body.handoffs.length >= 2);
    assert.ok(body.handoffs.every((h) => h.providerName === 'Vagaro'));
    assert.equal(body.counts.total, body.handoffs.length, 'counts follow the filter');
    const session = await signIn(w, spa.adminKey);
    const page = await get(w, session, '/dashboard?provider=Mindbody');
    assert.equal(page.status, 200);
    assert.match(page.body, /value="Mindbody"/);
    assert.ok(!/class="tag provider"[^>]*>Vagaro</.test(page.body), 'no Vagaro row under a Mindbody filter');
  });

  test('a route changed after capture: the click follows the current link', async () => {
    const res = await w.capture('seaside-spa', { ...ADA, requestedService: 'Massage' }, { origin: SITE });
    const moved = ROUTES.map((r) => (r.service === 'Massage' ? { ...r, bookingUrl: 'https://book.squareup.com/appointments/seaside' } : r));
    assert.equal((await putSettings(spa, { serviceRoutes: moved })).status, 200);
    const click = await w.fetch(`/r/${res.body.id}`);
    assert.equal(new URL(click.headers.get('location')).host, 'book.squareup.com');
    assert.equal((await putSettings(spa, { serviceRoutes: ROUTES })).status, 200);
  });

  test('route rows are validated like the main booking link', async () => {
    for (const bad of [
      [{ service: 'Massage', bookingUrl: 'javascript:alert(1)' }],
      [{ service: 'Massage', bookingUrl: 'http://evil.example/' }],
      [{ service: '', bookingUrl: 'https://x.example/' }],
      [{ service: 'A', bookingUrl: 'https://x.example/' }, { service: 'a', bookingUrl: 'https://y.example/' }],
    ]) {
      const res = await putSettings(spa, { serviceRoutes: bad });
      assert.equal(res.status, 422, JSON.stringify(bad));
      assert.ok(res.body.fields.serviceRoutes, JSON.stringify(res.body));
    }
    const { body } = await w.admin(spa.adminKey, '/api/v1/admin/settings');
    assert.deepEqual(body.serviceRoutes.map((r) => r.service), ['Massage', 'Yoga class'], 'nothing partial was saved');
  });

  test('the settings page edits routes as rows', async () => {
    const session = await signIn(w, spa.adminKey);
    const page = await get(w, session, '/dashboard/settings');
    assert.equal((page.body.match(/name="routeService"/g) ?? []).length, ROUTES.length + 3, 'the routes and three empty rows');
    const form = {
      bookingMode: 'external', externalBookingProviderName: 'Calendly', externalBookingUrl: 'https://calendly.com/seaside-spa/60min',
      externalBookingEmbedMode: 'redirect', allowedOrigins: SITE, services: 'Facial', externalBookingPrefill: 'on', retentionDays: '180',
    };
    const body = new URLSearchParams({ csrf: session.csrf, ...form });
    for (const [service, provider, url, keywords] of [['Massage', 'Vagaro', 'https://www.vagaro.com/seaside/book', 'masaje'], ['', '', '', ''], ['Brows', '', 'https://app.cal.com/seaside/brows', '']]) {
      body.append('routeService', service); body.append('routeProvider', provider); body.append('routeUrl', url); body.append('routeKeywords', keywords);
    }
    const res = await w.fetch('/dashboard/settings', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: session.cookie, 'sec-fetch-site': 'same-origin' }, body: body.toString() });
    assert.equal(res.status, 303, await res.text());
    const saved = (await w.admin(spa.adminKey, '/api/v1/admin/settings')).body;
    assert.deepEqual(saved.serviceRoutes.map((r) => [r.service, r.providerName, r.keywords]), [['Massage', 'Vagaro', ['masaje']], ['Brows', null, []]]);
    assert.equal((await putSettings(spa, { serviceRoutes: ROUTES, services: ['Facial', 'Massage'] })).status, 200);
  });
});

describe('consent', () => {
  let client;
  before(async () => {
    client = await w.createClient(spaClient({ slug: 'consent-spa', allowedOrigins: ['https://consent-spa.example'] }));
    assert.equal((await putSettings(client, { consentRequired: true })).status, 200);
  });

  test('the widget is told to ask, with the default wording unless the business wrote its own', async () => {
    const config = async (lang) => (await w.json(`/api/v1/widget-config?client=consent-spa&lang=${lang}`, { headers: { origin: 'https://consent-spa.example' } })).body;
    assert.match((await config('en')).consent, /^I agree/, 'our wording, in the visitor\'s language');
    assert.match((await config('es')).consent, /^Acepto/);
    assert.equal((await putSettings(client, { consentRequired: true, consentText: 'I agree to be <b>contacted</b>.' })).status, 200);
    for (const lang of ['en', 'es']) {
      assert.equal((await config(lang)).consent, 'I agree to be <b>contacted</b>.', 'the business\'s own wording as written');
    }
    let body;
    ({ body } = await w.json('/api/v1/widget-config?client=seaside-spa', { headers: { origin: SITE } }));
    assert.equal(body.consent, null, 'not asked where not required');
  });

  test('without it nothing is stored; with it, the time of consent is', async () => {
    const count = async () => (await w.db.prepare('SELECT COUNT(*) AS n FROM booking_handoffs WHERE client_id = ?1').bind(client.clientId).first()).n;
    const before = await count();
    for (const consentGiven of [undefined, false]) {
      const res = await w.capture('consent-spa', { ...ADA, ...(consentGiven === undefined ? {} : { consentGiven }) }, { origin: 'https://consent-spa.example' });
      assert.equal(res.status, 422);
      assert.equal(res.body.fields.consentGiven, 'Please tick the box to agree before sending.');
    }
    const both = await w.capture('consent-spa', { ...ADA, customerEmail: 'nope' }, { origin: 'https://consent-spa.example' });
    assert.deepEqual(Object.keys(both.body.fields).sort(), ['consentGiven', 'customerEmail'], 'every problem at once');
    assert.equal(await count(), before);
    const ok = await w.capture('consent-spa', { ...ADA, consentGiven: true }, { origin: 'https://consent-spa.example' });
    assert.equal(ok.status, 201);
    const h = (await w.admin(client.adminKey, `/api/v1/admin/handoffs/${ok.body.id}`)).body;
    assert.ok(h.consentAt, 'consent time recorded');
    // Where consent is not required, nothing is recorded either way.
    const plain = await w.capture('seaside-spa', { ...ADA, consentGiven: true }, { origin: SITE });
    assert.equal((await w.admin(spa.adminKey, `/api/v1/admin/handoffs/${plain.body.id}`)).body.consentAt, null);
  });
});

describe('retention and erasure', () => {
  async function handoffAged(client, slug, origin, days, lead) {
    const res = await w.capture(slug, lead, { origin });
    assert.equal(res.status, 201);
    await w.db.prepare('UPDATE booking_handoffs SET created_at = created_at - ?2 WHERE id = ?1').bind(res.body.id, days * DAY).run();
    return res.body.id;
  }
  const row = (id) => w.db.prepare('SELECT * FROM booking_handoffs WHERE id = ?1').bind(id).first();
  const PERSONAL = ['customer_email', 'customer_phone', 'notes', 'preferred_date_time_text', 'source_page', 'user_agent', 'ip_hash', 'metadata'];

  test('the scheduled job erases personal fields past the retention period and keeps the counts', async () => {
    const client = await w.createClient(spaClient({ slug: 'retention-spa', allowedOrigins: ['https://retention.example'] }));
    assert.equal((await putSettings(client, { retentionDays: 30 })).status, 200);
    const lead = { ...ADA, customerPhone: '+1 555 010 2030', notes: 'Allergic to lavender' };
    const old = await handoffAged(client, 'retention-spa', 'https://retention.example', 40, lead);
    const recent = await handoffAged(client, 'retention-spa', 'https://retention.example', 20, lead);
    const otherOld = await handoffAged(physio, 'harbor-physio', OTHER_SITE, 40, lead); // 180 days there
    const countsBefore = (await w.admin(client.adminKey, '/api/v1/admin/handoffs?limit=1')).body.counts;
    await (await w.mf.getWorker()).scheduled({ cron: '*/15 * * * *', scheduledTime: new Date() });
    const erased = await row(old);
    assert.equal(erased.customer_name, '[erased]');
    for (const column of PERSONAL) assert.equal(erased[column], null, column);
    assert.ok(erased.erased_at);
    assert.equal(erased.status, 'abandoned', 'status kept (the sweep abandoned it, as before)');
    assert.equal(erased.requested_service, 'Massage', 'non-personal fields kept');
    assert.equal((await row(recent)).customer_name, 'Ada Lovelace');
    assert.equal((await row(otherOld)).customer_name, 'Ada Lovelace', 'another client, another retention');
    assert.deepEqual((await w.admin(client.adminKey, '/api/v1/admin/handoffs?limit=1')).body.counts.total, countsBefore.total);
    const log = (await w.db.prepare('SELECT * FROM erasure_log WHERE client_id = ?1').bind(client.clientId).all()).results;
    assert.deepEqual(log.map((l) => [l.reason, l.matched_by, l.handoffs]), [['retention', null, 1]]);
  });

  test('the dashboard finds one visitor by email or phone and erases them from this client only', async () => {
    const email = 'Erase.Me@Example.com';
    const mine = [
      await handoffAged(spa, 'seaside-spa', SITE, 1, { ...ADA, customerEmail: email }),
      await handoffAged(spa, 'seaside-spa', SITE, 2, { ...ADA, customerEmail: email.toLowerCase(), customerPhone: '+1 (555) 777-1234' }),
    ];
    const byPhone = await handoffAged(spa, 'seaside-spa', SITE, 3, { ...ADA, customerEmail: '', customerPhone: '+1.555.777.1234' });
    const theirs = await handoffAged(physio, 'harbor-physio', OTHER_SITE, 1, { ...ADA, customerEmail: email });
    const bystander = await handoffAged(spa, 'seaside-spa', SITE, 1, { ...ADA, customerEmail: 'someone.else@example.com' });
    const session = await signIn(w, spa.adminKey);

    const found = await post(w, session, '/dashboard/privacy/find', { identifier: ` ${email.toUpperCase()} ` });
    assert.equal(found.status, 200);
    assert.match(found.body, /<strong>2 handoffs<\/strong> hold data for this email/);
    const nothingYet = await row(mine[0]);
    assert.equal(nothingYet.customer_name, 'Ada Lovelace', 'finding changes nothing');

    const erased = await post(w, session, '/dashboard/privacy/erase', { identifier: email });
    assert.equal(erased.status, 303);
    assert.match(erased.location, /\/dashboard\/privacy\?erased=2$/);
    for (const id of mine) assert.equal((await row(id)).customer_email, null);
    assert.equal((await row(theirs)).customer_email.toLowerCase(), email.toLowerCase(), "the other client's visitor data is untouched");
    assert.equal((await row(bystander)).customer_email, 'someone.else@example.com');

    const phone = await post(w, session, '/dashboard/privacy/erase', { identifier: '+1 555 777 1234' });
    assert.match(phone.location, /erased=1$/, 'the phone, typed differently, finds the remaining handoff');
    assert.equal((await row(byPhone)).customer_phone, null);

    const page = await get(w, session, '/dashboard/privacy');
    assert.match(page.body, /Request, found by email/);
    assert.match(page.body, /Request, found by phone/);
    const log = JSON.stringify((await w.db.prepare('SELECT * FROM erasure_log').all()).results);
    assert.ok(!/erase\.me|777/i.test(log) && !page.body.toLowerCase().includes('erase.me@example.com'), 'the log never holds the identifier');
    const detail = await get(w, session, `/dashboard/handoffs/${mine[0]}`);
    assert.match(detail.body, /Personal details erased/);
  });

  test('erasure refuses a malformed identifier and is CSRF-protected', async () => {
    const session = await signIn(w, spa.adminKey);
    const bad = await post(w, session, '/dashboard/privacy/find', { identifier: "'; DELETE FROM booking_handoffs; --" });
    assert.equal(bad.status, 422);
    assert.match(bad.body, /email address or phone number/);
    const forged = await post(w, session, '/dashboard/privacy/erase', { identifier: 'ada@example.com' }, { csrf: 'wrong' });
    assert.equal(forged.status, 403);
    const cross = await post(w, session, '/dashboard/privacy/erase', { identifier: 'ada@example.com' }, { headers: { 'sec-fetch-site': 'cross-site' } });
    assert.equal(cross.status, 403);
    assert.equal((await w.db.prepare("SELECT COUNT(*) AS n FROM booking_handoffs WHERE customer_email = 'ada@example.com' AND client_id = ?1").bind(spa.clientId).first()).n > 0, true);
  });
});
