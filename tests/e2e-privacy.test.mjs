// Browser E2E for the routing and privacy pages in headless Chromium: an admin routes a service to
// its own provider through the real settings form and a visitor's click lands there; the
// admin erases a visitor by email on the privacy page; the delivery log shows forwarding.
// Screenshots at 1280×800 and 375×667 with no horizontal overflow and no console errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { SITE } from './helpers/worker.mjs';
import { serve } from './helpers/browser.mjs';
import { e2eStack, openPage, noHorizontalOverflow, shoot, signInThroughTheForm, VIEWPORTS } from './helpers/e2e.mjs';

let stack, w, browser, client, provider, vagaro, receiver;

before(async () => {
  stack = await e2eStack();
  ({ w, provider, browser } = stack);
  vagaro = await serve({ '/massage': () => ({ body: '<!doctype html><title>Vagaro</title><h1>Vagaro booking page</h1>' }) });
  receiver = createServer((req, res) => { req.resume(); req.on('end', () => { res.writeHead(204); res.end(); }); });
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
  client = await w.createClient({
    slug: 'seaside-spa', name: 'Seaside Day Spa', allowedOrigins: [SITE], bookingMode: 'external',
    externalBookingProviderName: 'Calendly', externalBookingUrl: `${provider.origin}/book`,
    contactEmail: 'hello@seaside-spa.example', services: ['Massage', 'Facial'],
  });
});

after(async () => {
  await vagaro?.close();
  await new Promise((r) => receiver?.close(r));
  await stack?.close();
});

/** A page signed in as the client, afresh. */
async function newPage(viewport) {
  await browser.context.clearCookies();
  const opened = await openPage(browser, { viewport });
  await signInThroughTheForm(opened.page, w, client.adminKey);
  return opened;
}

test('a service routed in the settings form sends its visitors to its own provider', async () => {
  const { page, errors } = await newPage(VIEWPORTS.desktop);
  await page.goto(`${w.url}/dashboard/settings`);
  const row = page.locator('fieldset.route').first();
  await row.locator('input[name="routeService"]').fill('Massage');
  await row.locator('input[name="routeProvider"]').fill('Vagaro');
  await row.locator('input[name="routeUrl"]').fill(`${vagaro.origin}/massage`);
  await row.locator('input[name="routeKeywords"]').fill('masaje, deep tissue');
  await page.locator('input[name="consentRequired"]').check();
  await page.locator('#retentionDays').fill('90');
  await page.locator('#forwarding summary').click();
  await page.locator('input[name="forwardEnabled"]').check();
  await page.locator('#forwardUrl').fill(`http://127.0.0.1:${receiver.address().port}/hook`);
  assert.match(await page.locator('#forwardSecret').inputValue(), /^whsec_/, 'a secret is offered');
  await Promise.all([page.waitForURL(/saved=1/), page.locator('button', { hasText: 'Save settings' }).click()]);
  assert.deepEqual(errors, []);

  const captured = await w.capture('seaside-spa', { customerName: 'Grace Hopper', customerEmail: 'grace@example.com', requestedService: 'Massage', consentGiven: true }, { origin: SITE });
  assert.equal(captured.status, 201, JSON.stringify(captured.body));
  assert.equal(captured.body.providerName, 'Vagaro');
  await Promise.all([page.waitForURL(`${vagaro.origin}/massage**`), page.goto(`${w.url}/r/${captured.body.id}`)]);
  assert.match(await page.textContent('h1'), /Vagaro booking page/);
  await page.close();
});

test('an admin erases a visitor by email in the browser; screenshots of the new pages', async () => {
  for (const email of ['erase.me@example.com', 'ERASE.ME@example.com']) {
    const res = await w.capture('seaside-spa', { customerName: 'Erin Erasable', customerEmail: email, notes: 'Please call after 5', consentGiven: true }, { origin: SITE });
    assert.equal(res.status, 201);
  }
  for (const [size, viewport] of Object.entries(VIEWPORTS)) {
    const { page, errors } = await newPage(viewport);
    await page.goto(`${w.url}/dashboard/settings#routes`);
    await noHorizontalOverflow(page, `settings ${size}`);
    await shoot(page.locator('#routes'), `dashboard-routes-${size}`);
    await shoot(page.locator('#privacy'), `dashboard-privacy-settings-${size}`);

    await page.goto(`${w.url}/dashboard/privacy`);
    if (size === 'desktop') {
      await page.locator('#identifier').fill('Erase.Me@Example.com');
      await Promise.all([page.waitForLoadState('load'), page.locator('button', { hasText: 'Find' }).click()]);
      assert.match(await page.locator('.found').innerText(), /2 handoffs hold data for this email/);
      await noHorizontalOverflow(page, `privacy found ${size}`);
      await shoot(page, `dashboard-privacy-found-${size}`, { fullPage: true });
      await Promise.all([page.waitForURL(/erased=2/), page.locator('button', { hasText: 'Erase their data' }).click()]);
      assert.match(await page.locator('.notice').innerText(), /Erased the visitor's details from 2 handoffs/);
    }
    await noHorizontalOverflow(page, `privacy ${size}`);
    await shoot(page, `dashboard-privacy-${size}`, { fullPage: true });

    await page.goto(`${w.url}/dashboard/deliveries`);
    await noHorizontalOverflow(page, `deliveries ${size}`);
    await shoot(page, `dashboard-deliveries-${size}`, { fullPage: true });
    assert.deepEqual(errors, [], size);
    await page.close();
  }
  const { results } = await w.db.prepare("SELECT customer_name, customer_email, notes FROM booking_handoffs WHERE customer_name = '[erased]'").all();
  assert.equal(results.length, 2);
  assert.ok(results.every((r) => r.customer_email === null && r.notes === null));
});
