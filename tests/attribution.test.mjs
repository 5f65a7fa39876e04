// Where each lead came from: the first touch the widget sends (or the hosted page reads from
// its own landing URL) is cleaned by core, stored with the handoff, and shown back in the
// admin API, the detail page, the CSV and lead-forwarding payloads — and erased with the
// visitor's other details. Against the real worker in workerd with a local D1.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWorker, spaClient, SITE, ADA } from './helpers/worker.mjs';
import { signIn, get, post } from './helpers/dashboard.mjs';

let w;
let spa;
let session;
before(async () => {
  w = await startWorker();
  spa = await w.createClient(spaClient());
  session = await signIn(w, spa.adminKey);
});
after(() => w?.dispose());

const capture = (body) =>
  w.json('/api/v1/handoffs?client=seaside-spa', {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: SITE, 'cf-connecting-ip': `203.0.113.${Math.floor(Math.random() * 250)}` },
    body: JSON.stringify(body),
  });
const stored = async (id) => (await w.admin(spa.adminKey, `/api/v1/admin/handoffs/${id}`)).body;
const count = async () => (await w.db.prepare('SELECT COUNT(*) AS n FROM booking_handoffs').first()).n;

test("the widget's first touch is cleaned, stored and read back by the admin API", async () => {
  const res = await capture({
    ...ADA,
    attribution: {
      landingPage: '/spring-offer?utm_source=newsletter&email=ada@example.com#top',
      referrer: 'https://News.Example/issue/12?token=secret',
      utmSource: 'newsletter',
      utmMedium: 'email',
      utmCampaign: 'spring\u202e',
      gclid: 'TEST123',
      liFatId: '',
    },
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const h = await stored(res.body.id);
  assert.deepEqual(h.attribution, {
    landingPage: '/spring-offer',
    referrer: 'https://news.example/issue/12',
    utmSource: 'newsletter',
    utmMedium: 'email',
    utmCampaign: 'spring',
    gclid: 'TEST123',
  });
  const plain = await capture(ADA);
  assert.equal((await stored(plain.body.id)).attribution, null, 'a direct visit records nothing');
});

test('an unknown key or a value that is not text is a 400, and nothing is stored', async () => {
  const before = await count();
  for (const attribution of [{ email: 'ada@example.com' }, { utmSource: 7 }, ['utm_source']]) {
    const res = await capture({ ...ADA, attribution });
    assert.equal(res.status, 400, JSON.stringify(attribution));
    assert.equal(res.body.error, 'bad_request');
  }
  assert.equal(await count(), before);
});

test('the hosted page records its own landing URL and where the visitor came from', async () => {
  const landing = '/b/seaside-spa?utm_source=instagram&utm_campaign=bio&fbclid=F1&email=x@example.com';
  const page = await w.fetch(landing, { headers: { referer: 'https://instagram.com/p/abc?igshid=1' } });
  const html = await page.text();
  assert.match(html, /<input type="hidden" name="firstReferrer" value="https:\/\/instagram.com\/p\/abc">/);
  const res = await w.fetch(landing, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin', 'cf-connecting-ip': '203.0.113.77' },
    body: new URLSearchParams({ customerName: 'Grace Hopper', customerEmail: 'grace@example.com', firstReferrer: 'https://instagram.com/p/abc' }).toString(),
  });
  assert.equal(res.status, 201);
  const row = await w.db.prepare("SELECT id, attribution FROM booking_handoffs WHERE customer_email = 'grace@example.com'").first();
  assert.deepEqual(JSON.parse(row.attribution), {
    landingPage: '/b/seaside-spa',
    referrer: 'https://instagram.com/p/abc',
    utmSource: 'instagram',
    utmCampaign: 'bio',
    fbclid: 'F1',
  });
  const own = await (await w.fetch('/b/seaside-spa', { headers: { referer: `${w.url}/b/seaside-spa` } })).text();
  assert.doesNotMatch(own, /firstReferrer/, 'our own page is not where a visitor came from');
});

test('the detail page and the CSV show it; an erasure blanks it', async () => {
  const res = await capture({ ...ADA, customerEmail: 'erase.source@example.com', attribution: { utmSource: 'newsletter', gclid: 'TEST123', landingPage: '/spring' } });
  const id = res.body.id;
  const detail = await get(w, session, `/dashboard/handoffs/${id}`);
  assert.match(detail.body, /<h2 id="source-h">Where it came from<\/h2>/);
  assert.match(detail.body, /<dt>utm_source<\/dt><dd class="break">newsletter<\/dd>/);
  assert.match(detail.body, /<dt>Landing page<\/dt><dd class="break">\/spring<\/dd>/);
  const csv = (await get(w, session, '/dashboard/export.csv')).body;
  const [header, ...rows] = csv.replace(/^\ufeff/, '').trim().split('\r\n');
  const columns = header.split(',');
  assert.deepEqual(columns.slice(-14), ['landingPage', 'referrer', 'utmSource', 'utmMedium', 'utmCampaign', 'utmTerm', 'utmContent', 'gclid', 'gbraid', 'wbraid', 'fbclid', 'msclkid', 'ttclid', 'liFatId']);
  const mine = rows.find((r) => r.includes('erase.source@example.com')).split(',');
  assert.equal(mine[columns.indexOf('utmSource')], 'newsletter');
  assert.equal(mine[columns.indexOf('gclid')], 'TEST123');
  const erased = await post(w, session, '/dashboard/privacy/erase', { identifier: 'erase.source@example.com' });
  assert.equal(erased.status, 303);
  assert.equal((await stored(id)).attribution, null);
  assert.match((await get(w, session, `/dashboard/handoffs/${id}`)).body, /Nothing was recorded: a direct visit, or details erased\./);
});

test("with the setting on, the redirect carries the visitor's own campaign; our reference rides where chosen", async () => {
  const current = (await w.admin(spa.adminKey, '/api/v1/admin/settings')).body;
  const put = await w.json('/api/v1/admin/settings', {
    method: 'PUT',
    headers: { authorization: `Bearer ${spa.adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ...current, externalBookingPassVisitorUtms: true, externalBookingRefParam: 'utm_term' }),
  });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  const res = await capture({ ...ADA, attribution: { utmSource: 'newsletter', utmCampaign: 'spring', gclid: 'TEST123', landingPage: '/spring' } });
  const click = await w.fetch(`/r/${res.body.id}`, { headers: { 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document', 'user-agent': 'Mozilla/5.0 Chrome/120' } });
  assert.equal(click.status, 302);
  const to = new URL(click.headers.get('location'));
  assert.equal(to.searchParams.get('utm_source'), 'newsletter');
  assert.equal(to.searchParams.get('utm_campaign'), 'spring');
  assert.equal(to.searchParams.get('utm_medium'), null, 'the visitor had none; ours is not mixed in');
  assert.equal(to.searchParams.get('gclid'), 'TEST123');
  assert.equal(to.searchParams.get('tca_ref'), res.body.id, 'tca_ref is always there');
  assert.equal(to.searchParams.get('utm_term'), res.body.id, 'Calendly gets our reference in utm_term');
  assert.equal(to.searchParams.get('landingPage'), null);
  // A visitor without a campaign still goes with ours.
  const direct = await capture(ADA);
  const plain = new URL((await w.fetch(`/r/${direct.body.id}`, { headers: { 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document', 'user-agent': 'Mozilla/5.0 Chrome/120' } })).headers.get('location'));
  assert.equal(plain.searchParams.get('utm_source'), 'treasurecoastai');
  assert.equal(plain.searchParams.get('utm_medium'), 'booking_widget');
  const bad = await w.json('/api/v1/admin/settings', {
    method: 'PUT',
    headers: { authorization: `Bearer ${spa.adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ...current, externalBookingRefParam: 'utm_source' }),
  });
  assert.equal(bad.status, 422);
  assert.equal(bad.body.fields.externalBookingRefParam, 'Choose utm_content, utm_term or salesforce_uuid.');
});
