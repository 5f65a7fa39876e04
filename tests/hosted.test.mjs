// The hosted booking page /b/SLUG: a server-rendered form that works without JavaScript,
// and what visitors see when storing their request fails for real (a D1 without the table).
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startWorker, spaClient, SITE, ADA } from './helpers/worker.mjs';
import { e2eStack, openPage, shoot, VIEWPORTS } from './helpers/e2e.mjs';

const form = (fields) => new URLSearchParams(fields).toString();

describe('hosted booking page (integration)', () => {
  let w;
  before(async () => {
    w = await startWorker();
    await w.createClient(spaClient());
    await w.createClient({ slug: 'quiet-clinic', name: 'Quiet Clinic', allowedOrigins: [SITE], bookingMode: 'internal', contactEmail: 'hi@quiet.example' });
    await w.createClient({ slug: 'no-url-yet', name: 'No URL Salon', allowedOrigins: [SITE], bookingMode: 'external', contactPhone: '+1 555 010 9999' });
  });
  after(() => w?.dispose());

  const post = (slug, fields, headers = {}) =>
    w.fetch(`/b/${slug}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: form(fields) });
  const count = async () => (await w.db.prepare('SELECT COUNT(*) AS n FROM booking_handoffs').first()).n;

  test('renders the form with the services and the contact CTA; unknown slugs are 404', async () => {
    const res = await w.fetch('/b/seaside-spa');
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.match(html, /Book with Seaside Day Spa/);
    assert.match(html, /<form method="post"/);
    assert.match(html, /<option value="Massage">/);
    assert.match(html, /href="tel:\+15550102030"/);
    assert.equal((await w.fetch('/b/nobody')).status, 404);
  });

  test('errors are shown next to their fields, input is kept and escaped, nothing is stored', async () => {
    const before = await count();
    const res = await post('seaside-spa', { customerName: '', customerEmail: 'nope', notes: '"><script>alert(1)</script>' });
    assert.equal(res.status, 422);
    const html = await res.text();
    assert.match(html, /id="customerName-error">Please tell us your name\./);
    assert.match(html, /id="customerEmail-error">Please enter a valid email address/);
    assert.match(html, /value="nope"/);
    assert.ok(!html.includes('<script>alert(1)</script>'), 'kept input is escaped');
    assert.match(html, /&quot;&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.equal(await count(), before);
  });

  test('a valid request creates the handoff and shows the honest copy and the tracking link', async () => {
    const res = await post('seaside-spa', { ...ADA, sourcePage: 'https://evil.example/', industry: 'forged' });
    assert.equal(res.status, 201);
    const html = await res.text();
    assert.match(html, /You&#39;ll complete your booking on Calendly\. We&#39;ll be here if you need help\.|You'll complete your booking on Calendly\. We'll be here if you need help\./);
    const id = html.match(/href="[^"]*\/r\/([A-Za-z0-9_-]{22})" target="_top"/)?.[1];
    assert.ok(id, 'continue link present');
    const row = await w.db.prepare('SELECT * FROM booking_handoffs WHERE id = ?').bind(id).first();
    assert.equal(row.customer_name, 'Ada Lovelace');
    assert.equal(row.industry, 'hosted-page', 'the form cannot choose where the request came from');
    assert.ok(!row.source_page.includes('evil'));
  });

  test('request-only clients get the call-back copy and no continue link', async () => {
    const res = await post('quiet-clinic', ADA);
    assert.equal(res.status, 201);
    const html = await res.text();
    assert.match(html, /Quiet Clinic will contact you/);
    assert.ok(!html.includes('/r/'));
  });

  test('a client without a booking URL shows the unavailable page with its contact CTA', async () => {
    const res = await w.fetch('/b/no-url-yet');
    const html = await res.text();
    assert.match(html, /Online booking isn(&#39;|')t available right now/);
    assert.match(html, /tel:\+15550109999/);
    assert.ok(!html.includes('<form'));
  });

  test('a cross-site form post is refused and stores nothing', async () => {
    const before = await count();
    const res = await post('seaside-spa', ADA, { 'sec-fetch-site': 'cross-site' });
    assert.equal(res.status, 403);
    assert.equal(await count(), before);
  });
});

describe('a real storage failure on capture', () => {
  let w;
  before(async () => {
    w = await startWorker();
    await w.createClient(spaClient());
    // The write path really fails: the table is gone.
    await w.db.prepare('DROP TABLE booking_handoffs').run();
  });
  after(() => w?.dispose());

  test('the widget API answers 503 with an apology and the direct provider link (UTMs, no tca_ref)', async () => {
    const res = await w.capture('seaside-spa', ADA, { origin: SITE });
    assert.equal(res.status, 503);
    assert.equal(res.body.error, 'capture_failed');
    assert.match(res.body.message, /^Sorry, we couldn't save your request/);
    assert.equal(res.headers.get('access-control-allow-origin'), SITE, 'the widget can read it');
    const direct = new URL(res.body.fallbackUrl);
    assert.equal(direct.host, 'calendly.com');
    assert.equal(direct.searchParams.get('utm_source'), 'treasurecoastai');
    assert.equal(direct.searchParams.get('utm_medium'), 'booking_widget');
    assert.equal(direct.searchParams.get('utm_campaign'), 'winter-demo');
    assert.equal(direct.searchParams.get('tca_ref'), null);
    assert.ok(!JSON.stringify(res.body).includes('no such table'), 'no internals in the body');
  });

  test('the hosted page shows the same apology and link', async () => {
    const res = await w.fetch('/b/seaside-spa', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form(ADA) });
    assert.equal(res.status, 503);
    const html = await res.text();
    assert.match(html, /couldn(&#39;|')t save your request/);
    assert.match(html, /href="https:\/\/calendly\.com\/seaside-spa\/60min\?month=2026-12&amp;utm_source=treasurecoastai/);
    assert.ok(!html.includes('no such table'));
  });
});

describe('hosted page in Chromium with JavaScript disabled', () => {
  let stack;
  let w;
  let provider;
  let browser;
  let client;
  before(async () => {
    stack = await e2eStack({ browser: { javaScriptEnabled: false } });
    ({ w, provider, browser } = stack);
    client = await w.createClient(spaClient({ externalBookingUrl: `${provider.origin}/book` }));
  });
  after(() => stack?.close());

  test('a visitor books through the form and continues to the provider, tracked', async () => {
    // The first, incomplete post answers 422 on purpose (the form again, with its messages).
    const { page, errors } = await openPage(browser, { viewport: VIEWPORTS.mobile, allow: [/status of 422/] });
    await page.goto(`${w.url}/b/seaside-spa`);
    await page.fill('#requestedService', 'Massage');
    await page.fill('#customerEmail', 'ada@example.com');
    await page.click('button[type=submit]');
    await page.locator('#customerName-error').waitFor();
    assert.equal(await page.inputValue('#customerEmail'), 'ada@example.com', 'input kept');
    await shoot(page, 'hosted-error-375', { fullPage: true });
    await page.fill('#customerName', 'Ada Lovelace');
    await page.fill('#preferredDateTimeText', 'Friday afternoon');
    await page.click('button[type=submit]');
    const cont = page.locator('a.primary', { hasText: 'Continue to booking' });
    await cont.waitFor();
    await shoot(page, 'hosted-done-375', { fullPage: true });
    const id = (await cont.getAttribute('href')).match(/\/r\/([A-Za-z0-9_-]{22})$/)[1];
    await Promise.all([page.waitForURL(`${provider.origin}/book**`), cont.click()]);
    assert.equal(new URL(page.url()).searchParams.get('tca_ref'), id);
    const { body } = await w.admin(client.adminKey, `/api/v1/admin/handoffs/${id}`);
    assert.equal(body.status, 'redirected');
    assert.equal(body.requestedService, 'Massage');
    await page.close();
    assert.deepEqual(errors, []);
  });
});
