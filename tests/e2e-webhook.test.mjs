// Completion tracking in headless Chromium, end to end: a visitor on a business's website (its
// own origin) books through the widget and continues to the provider (E2E 1); the provider's
// system then POSTs a generic webhook signed with the client's secret and carrying the tca_ref;
// the admin, signed in through the real form, sees the pipeline badge turn to Completed and the
// timeline say who completed it. Unmatched events are linked through the dashboard's form.
// Screenshots: reports/screenshots/webhook-{detail,events}-{desktop,mobile}.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { hostPage, bookThroughAssistant } from './helpers/browser.mjs';
import { e2eStack, openPage, noHorizontalOverflow, putSettings, shoot, VIEWPORTS } from './helpers/e2e.mjs';

const SECRET = `whsec_e2e_${randomBytes(16).toString('hex')}`;

let stack;
let w;
let site;
let provider;
let browser;
let client;

before(async () => {
  stack = await e2eStack({ site: (w) => ({ '/': () => ({ body: hostPage(w.url, 'hook-spa', { attrs: 'data-industry="spa"' }) }) }) });
  ({ w, site, provider, browser } = stack);
  client = await w.createClient({
    slug: 'hook-spa',
    name: 'Seaside Day Spa',
    allowedOrigins: [site.origin],
    bookingMode: 'external',
    externalBookingProviderName: 'Our booking page',
    externalBookingUrl: `${provider.origin}/book`,
    contactEmail: 'hello@seaside-spa.example',
    services: ['Massage', 'Facial'],
  });
  // The business turns on the generic webhook in Settings (the secret is sealed at rest).
  await putSettings(w, client, { externalBookingWebhookEnabled: true, externalBookingWebhookProvider: 'generic', externalBookingWebhookSecret: SECRET });
});

after(() => stack?.close());

/** What the business's checkout or automation tool sends: `Handoff-Signature: t=…,v1=…`. */
async function sendGenericWebhook(event) {
  const body = JSON.stringify(event);
  const t = Math.floor(Date.now() / 1000);
  const v1 = createHmac('sha256', SECRET).update(`${t}.${body}`).digest('hex');
  // Over real HTTP to the worker's port, as a provider would reach it.
  const res = await fetch(`${w.url}/api/webhooks/external-booking/generic?client=hook-spa`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'Handoff-Signature': `t=${t},v1=${v1}` },
    body,
  });
  return { status: res.status, body: await res.json() };
}

const newPage = (viewport = VIEWPORTS.desktop) => openPage(browser, { viewport });

test('widget → provider → signed webhook → the admin sees it completed, by webhook', async () => {
  // E2E 1: the visitor books and continues to the provider, carrying tca_ref.
  const visitor = await newPage();
  await visitor.page.goto(`${site.origin}/`);
  await bookThroughAssistant(visitor.page);
  const cont = visitor.page.locator('a.hw-continue');
  await cont.waitFor();
  const id = (await cont.getAttribute('href')).match(/\/r\/([A-Za-z0-9_-]{22})$/)?.[1];
  assert.ok(id);
  await Promise.all([visitor.page.waitForURL(`${provider.origin}/book**`), cont.click()]);
  const tcaRef = new URL(visitor.page.url()).searchParams.get('tca_ref');
  assert.equal(tcaRef, id);
  await visitor.page.close();
  assert.deepEqual(visitor.errors, []);

  // The admin signs in and sees the handoff redirected.
  const { page, errors } = await newPage();
  await page.goto(`${w.url}/dashboard`);
  await page.locator('#adminKey').fill(client.adminKey);
  await Promise.all([page.waitForURL(`${w.url}/dashboard`), page.locator('button', { hasText: 'Sign in' }).click()]);
  const rowBadge = page.locator('table.handoffs tbody tr', { hasText: 'Ada Lovelace' }).locator('.badge');
  assert.equal(await rowBadge.innerText(), 'Redirected');

  // The booking system confirms: a signed generic webhook with the tca_ref it was handed.
  const hook = await sendGenericWebhook({ id: `evt_${randomBytes(8).toString('hex')}`, type: 'booking.completed', tca_ref: tcaRef });
  assert.deepEqual(hook, { status: 200, body: { outcome: 'completed' } });

  await page.reload();
  assert.equal(await rowBadge.innerText(), 'Completed');
  assert.match(await rowBadge.getAttribute('class'), /badge-completed_external/);
  await Promise.all([page.waitForURL(/\/dashboard\/handoffs\//), page.locator('a.customer', { hasText: 'Ada Lovelace' }).click()]);
  const timeline = await page.locator('ol.timeline').innerText();
  assert.match(timeline, /Sent to the booking page/);
  assert.match(timeline, /Completed — by webhook \(Generic\)/);
  assert.match(timeline, /The provider's verified booking event carried this handoff's reference/);
  assert.equal(await page.locator('.page-head .badge').innerText(), 'Completed');
  assert.equal(await page.locator('button', { hasText: 'Mark completed' }).count(), 0, 'final: no actions');
  const stored = await w.admin(client.adminKey, `/api/v1/admin/handoffs/${id}`);
  assert.equal(stored.body.status, 'completed_external');
  assert.equal(stored.body.completedBy, 'webhook:generic');
  assert.ok(stored.body.completedAt);
  await page.close();
  assert.deepEqual(errors, []);
});

test('an event without a reference is linked by hand in the dashboard; screenshots at 1280 and 375', async () => {
  // A phone booking the visitor finished without our link, and two events that named nothing.
  const grace = await w.capture('hook-spa', { customerName: 'Grace Hopper', customerEmail: 'grace@example.com', requestedService: 'Facial', preferredDateTimeText: 'Saturday 10am' }, { origin: site.origin });
  assert.equal(grace.status, 201);
  for (let i = 0; i < 2; i++) {
    const hook = await sendGenericWebhook({ id: `evt_phone_${i}_${randomBytes(4).toString('hex')}`, type: 'booking.completed' });
    assert.equal(hook.body.outcome, 'unmatched');
  }

  for (const [size, viewport] of Object.entries(VIEWPORTS)) {
    await browser.context.clearCookies();
    const { page, errors } = await newPage(viewport);
    await page.goto(`${w.url}/dashboard`);
    await page.locator('#adminKey').fill(client.adminKey);
    await Promise.all([page.waitForURL(`${w.url}/dashboard`), page.locator('button', { hasText: 'Sign in' }).click()]);

    // The Ada handoff's detail page, completed by webhook.
    const ada = (await w.admin(client.adminKey, '/api/v1/admin/handoffs?status=completed_external')).body.handoffs.find((h) => h.customerName === 'Ada Lovelace');
    await page.goto(`${w.url}/dashboard/handoffs/${ada.id}`);
    await noHorizontalOverflow(page, `detail ${size}`);
    await shoot(page, `webhook-detail-${size}`, { fullPage: true });

    // The nav says how many events wait; the page lists them.
    await page.goto(`${w.url}/dashboard`);
    const badge = page.locator('.main-nav .nav-badge');
    const waiting = Number(await badge.innerText());
    assert.ok(waiting >= 1, 'the nav shows unlinked events');
    await Promise.all([page.waitForURL(`${w.url}/dashboard/webhook-events`), page.locator('.main-nav a', { hasText: 'Webhook events' }).click()]);
    assert.equal(await page.locator('h1').innerText(), 'Unmatched booking events');
    if (size === 'desktop') {
      // Link the first unlinked event to Grace's handoff, pasting her reference.
      const form = page.locator('form.link-form').first();
      await form.locator('input[name="handoff"]').fill(grace.body.id);
      await Promise.all([page.waitForURL(/notice=linked/), form.locator('button', { hasText: 'Link and complete' }).click()]);
      assert.equal(await page.locator('.notice-success').innerText(), 'Linked. The handoff is now marked completed.');
      assert.equal(await page.locator('.linked-to a', { hasText: 'Grace Hopper' }).count(), 1);
      assert.equal(Number(await page.locator('.main-nav .nav-badge').innerText()), waiting - 1);
      const stored = await w.admin(client.adminKey, `/api/v1/admin/handoffs/${grace.body.id}`);
      assert.equal(stored.body.status, 'completed_external');
      assert.equal(stored.body.completedBy, 'webhook:generic');
    }
    await noHorizontalOverflow(page, `events ${size}`);
    await shoot(page, `webhook-events-${size}`, { fullPage: true });

    if (size === 'desktop') {
      await Promise.all([page.waitForURL(/\/dashboard\/handoffs\//), page.locator('.linked-to a', { hasText: 'Grace Hopper' }).click()]);
      const timeline = await page.locator('ol.timeline').innerText();
      assert.match(timeline, /Provider event linked/);
      assert.match(timeline, /An admin linked a verified booking event to this handoff \(Generic, booking\.completed, Event ID evt_phone_/);
      assert.match(timeline, /From the verified booking event an admin linked/);
      assert.match(timeline, /Completed — by webhook \(Generic\)/);
    }
    await page.close();
    assert.deepEqual(errors, [], size);
  }
});
