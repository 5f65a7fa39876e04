// Browser E2E for the routing and privacy pages in headless Chromium: an admin routes a service to
// its own provider through the real settings form and a visitor's click lands there; the
// admin erases a visitor by email on the privacy page; the delivery log shows forwarding.
// Screenshots at 1280×800 and 375×667 with no horizontal overflow and no console errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { startWorker, root, SITE } from './helpers/worker.mjs';
import { launchBrowser, serve, PROVIDER_PAGE } from './helpers/browser.mjs';

const VIEWPORTS = { desktop: { width: 1280, height: 800 }, mobile: { width: 375, height: 667 } };
const shots = join(root, 'reports', 'screenshots');
let w, browser, client, provider, vagaro, receiver;

before(async () => {
  mkdirSync(shots, { recursive: true });
  w = await startWorker({ port: 0 });
  provider = await serve({ '/book': () => ({ body: PROVIDER_PAGE }) });
  vagaro = await serve({ '/massage': () => ({ body: '<!doctype html><title>Vagaro</title><h1>Vagaro booking page</h1>' }) });
  receiver = createServer((req, res) => { req.resume(); req.on('end', () => { res.writeHead(204); res.end(); }); });
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
  client = await w.createClient({
    slug: 'seaside-spa', name: 'Seaside Day Spa', allowedOrigins: [SITE], bookingMode: 'external',
    externalBookingProviderName: 'Calendly', externalBookingUrl: `${provider.origin}/book`,
    contactEmail: 'hello@seaside-spa.example', services: ['Massage', 'Facial'],
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await provider?.close();
  await vagaro?.close();
  await new Promise((r) => receiver?.close(r));
  await w?.dispose();
});

async function newPage(viewport) {
  await browser.context.clearCookies();
  const page = await browser.context.newPage();
  const errors = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.setViewportSize(viewport);
  await page.goto(`${w.url}/dashboard`);
  await page.locator('#adminKey').fill(client.adminKey);
  await Promise.all([page.waitForURL(`${w.url}/dashboard`), page.locator('button', { hasText: 'Sign in' }).click()]);
  return { page, errors };
}

async function noHorizontalOverflow(page, label) {
  const { scroll, clientWidth } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth }));
  assert.ok(scroll <= clientWidth, `${label}: page is ${scroll}px wide in a ${clientWidth}px viewport`);
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
    await page.locator('#routes').screenshot({ path: join(shots, `dashboard-routes-${size}.png`) });
    await page.locator('#privacy').screenshot({ path: join(shots, `dashboard-privacy-settings-${size}.png`) });

    await page.goto(`${w.url}/dashboard/privacy`);
    if (size === 'desktop') {
      await page.locator('#identifier').fill('Erase.Me@Example.com');
      await Promise.all([page.waitForLoadState('load'), page.locator('button', { hasText: 'Find' }).click()]);
      assert.match(await page.locator('.found').innerText(), /2 handoffs hold data for this email/);
      await noHorizontalOverflow(page, `privacy found ${size}`);
      await page.screenshot({ path: join(shots, `dashboard-privacy-found-${size}.png`), fullPage: true });
      await Promise.all([page.waitForURL(/erased=2/), page.locator('button', { hasText: 'Erase their data' }).click()]);
      assert.match(await page.locator('.notice').innerText(), /Erased the visitor's details from 2 handoffs/);
    }
    await noHorizontalOverflow(page, `privacy ${size}`);
    await page.screenshot({ path: join(shots, `dashboard-privacy-${size}.png`), fullPage: true });

    await page.goto(`${w.url}/dashboard/deliveries`);
    await noHorizontalOverflow(page, `deliveries ${size}`);
    await page.screenshot({ path: join(shots, `dashboard-deliveries-${size}.png`), fullPage: true });
    assert.deepEqual(errors, [], size);
    await page.close();
  }
  const { results } = await w.db.prepare("SELECT customer_name, customer_email, notes FROM booking_handoffs WHERE customer_name = '[erased]'").all();
  assert.equal(results.length, 2);
  assert.ok(results.every((r) => r.customer_email === null && r.notes === null));
});
