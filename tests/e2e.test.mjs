// E2E 1 from the seed, in headless Chromium: a visitor on a business's website books through
// the assistant, the handoff is stored, "Continue to booking" goes through the tracking
// redirect to the provider with UTMs and tca_ref, and the handoff becomes `redirected`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { hostPage, say } from './helpers/browser.mjs';
import { e2eStack, openPage, shoot, VIEWPORTS } from './helpers/e2e.mjs';

let stack;
let w;
let site;
let provider;
let browser;
let client;

before(async () => {
  stack = await e2eStack({ site: (w) => ({ '/': () => ({ body: hostPage(w.url, 'e2e-spa', { attrs: 'data-industry="spa"' }) }) }) });
  ({ w, site, provider, browser } = stack);
  client = await w.createClient({
    slug: 'e2e-spa',
    name: 'Seaside Day Spa',
    allowedOrigins: [site.origin],
    bookingMode: 'external',
    externalBookingProviderName: 'Calendly',
    externalBookingUrl: `${provider.origin}/book?month=2026-12`,
    externalBookingUtmCampaign: 'e2e-campaign',
    contactEmail: 'hello@seaside-spa.example',
    contactPhone: '+1 555 010 2030',
    services: ['Massage', 'Facial'],
  });
});

after(() => stack?.close());

test('E2E 1: external mode handoff, from the assistant to the provider, tracked', async () => {
  const { page, errors: consoleErrors } = await openPage(browser);
  // Popup blockers have nothing to block: the flow must never call window.open.
  await page.addInitScript(() => {
    window.__opens = 0;
    window.open = () => { window.__opens += 1; return null; };
    // The host page's own analytics: what the widget reports, and that it reports no PII.
    window.dataLayer = [];
    window.__events = [];
    for (const name of ['handoff:opened', 'handoff:service_selected', 'handoff:lead_captured', 'handoff:redirected']) {
      document.addEventListener(name, (e) => window.__events.push({ name, detail: e.detail }));
    }
  });
  await page.goto(`${site.origin}/`);

  await page.locator('button.hw-launcher').click();
  await page.locator('input.hw-input').waitFor();
  await say(page, 'Can I book a massage Friday afternoon?');
  await say(page, 'Ada Lovelace');
  await say(page, 'ada@example.com');
  await page.locator('button.hw-chip', { hasText: 'Skip' }).click();
  await page.locator('.hw-summary').waitFor();
  const summary = await page.locator('.hw-summary').innerText();
  assert.match(summary, /Massage/);
  assert.match(summary, /Friday afternoon/);
  assert.match(summary, /Ada Lovelace/);
  await shoot(page, 'e2e-summary-desktop');
  await page.locator('button.hw-confirm').click();

  const cont = page.locator('a.hw-continue');
  await cont.waitFor();
  assert.equal(await cont.innerText(), 'Continue to booking');
  assert.equal(await cont.getAttribute('target'), '_top');
  const href = await cont.getAttribute('href');
  const id = href.match(/\/r\/([A-Za-z0-9_-]{22})$/)?.[1];
  assert.ok(id, `continue link is the tracking redirect: ${href}`);
  assert.equal(await page.locator('a.hw-raw').getAttribute('href'), href);
  assert.match(await page.locator('p.hw-copy').innerText(), /You'll complete your booking on Calendly\. We'll be here if you need help\./);
  assert.ok(await page.locator('.hw-contact a[href^="tel:"]').count());
  await shoot(page, 'e2e-done-desktop');

  // The handoff exists, as the admin API shows it.
  const stored = await w.admin(client.adminKey, `/api/v1/admin/handoffs/${id}`);
  assert.equal(stored.status, 200);
  assert.equal(stored.body.status, 'new');
  assert.equal(stored.body.customerName, 'Ada Lovelace');
  assert.equal(stored.body.customerEmail, 'ada@example.com');
  assert.equal(stored.body.requestedService, 'Massage');
  assert.equal(stored.body.preferredDateTimeText, 'Friday afternoon');
  assert.equal(stored.body.industry, 'spa');
  assert.equal(stored.body.sourcePage, `${site.origin}/`);

  // What the host page's analytics heard (the events contract, version 1): the handoff id,
  // the service and the provider, never personal data.
  const captured = { handoffId: id, service: 'Massage', provider: 'Calendly' };
  assert.deepEqual(await page.evaluate(() => window.__events), [
    { name: 'handoff:opened', detail: {} },
    { name: 'handoff:service_selected', detail: { service: 'Massage' } },
    { name: 'handoff:lead_captured', detail: captured },
  ]);
  assert.deepEqual(await page.evaluate(() => window.dataLayer), [
    { event: 'handoff_opened', handoff_version: 1 },
    { event: 'handoff_service_selected', handoff_version: 1, service: 'Massage' },
    { event: 'handoff_lead_captured', handoff_version: 1, ...captured },
  ]);
  assert.doesNotMatch(JSON.stringify(await page.evaluate(() => [window.__events, window.dataLayer])), /Ada|ada@example/, 'no personal data');
  // One click held back by the host page (as an analytics tag might), to read the event...
  await page.evaluate(() => document.addEventListener('click', (e) => e.preventDefault(), { once: true }));
  await cont.click();
  assert.deepEqual((await page.evaluate(() => window.__events)).at(-1), { name: 'handoff:redirected', detail: captured });
  assert.deepEqual(await page.evaluate(() => window.dataLayer.at(-1)), { event: 'handoff_redirected', handoff_version: 1, ...captured });
  assert.equal((await w.admin(client.adminKey, `/api/v1/admin/handoffs/${id}`)).body.redirectCount, 0, 'a held-back click is not a redirect');

  // ...then the real click: the browser follows /r/ID to the provider.
  await Promise.all([page.waitForURL(`${provider.origin}/book**`), cont.click()]);
  const landed = new URL(page.url());
  assert.equal(landed.origin, provider.origin);
  assert.equal(landed.searchParams.get('month'), '2026-12');
  assert.equal(landed.searchParams.get('utm_source'), 'treasurecoastai');
  assert.equal(landed.searchParams.get('utm_medium'), 'booking_widget');
  assert.equal(landed.searchParams.get('utm_campaign'), 'e2e-campaign');
  assert.equal(landed.searchParams.get('tca_ref'), id);

  const after = await w.admin(client.adminKey, `/api/v1/admin/handoffs/${id}`);
  assert.equal(after.body.status, 'redirected');
  assert.ok(after.body.redirectedAt, 'redirectedAt set');
  assert.equal(after.body.redirectCount, 1);
  assert.equal(after.body.externalBookingUrlUsed, landed.toString());

  assert.equal(await page.evaluate(() => window.__opens), 0, 'no window.open during the flow');
  assert.deepEqual(consoleErrors, []);
  await page.close();
});

test('the assistant works at 375 px wide', async () => {
  const { page, errors } = await openPage(browser, { viewport: VIEWPORTS.mobile });
  await page.goto(`${site.origin}/`);
  await page.locator('button.hw-launcher').click();
  await page.locator('input.hw-input').waitFor();
  await say(page, 'I would like a facial tomorrow at 3pm');
  const panel = await page.locator('section.hw-panel').boundingBox();
  assert.ok(panel.width <= 375, `panel fits the screen (${panel.width}px)`);
  await shoot(page, 'e2e-assistant-375');
  await page.close();
  assert.deepEqual(errors, []);
});
