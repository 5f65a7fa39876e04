// The business's look, seen in Chromium: the settings page's appearance, alerts and tracking
// sections, a handoff's "Where it came from" card, and the hosted booking page in light,
// dark and a custom colour — screenshots at 1280×800 and 375×667, no horizontal overflow,
// no console errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startWorker, root, spaClient, SITE, ADA } from './helpers/worker.mjs';
import { launchBrowser } from './helpers/browser.mjs';

const VIEWPORTS = { desktop: { width: 1280, height: 800 }, mobile: { width: 375, height: 667 } };
const shots = join(root, 'reports', 'screenshots');
let w;
let browser;
let spa;
let leadId;

before(async () => {
  mkdirSync(shots, { recursive: true });
  w = await startWorker({ port: 0 });
  spa = await w.createClient(spaClient());
  const res = await w.capture('seaside-spa', { ...ADA, attribution: { landingPage: '/offers/spring', referrer: 'https://news.example/issue/12', utmSource: 'newsletter', utmMedium: 'email', utmCampaign: 'spring', gclid: 'TEST123' } }, { origin: SITE });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  leadId = res.body.id;
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await w?.dispose();
});

async function put(changes) {
  const current = (await w.admin(spa.adminKey, '/api/v1/admin/settings')).body;
  const res = await w.json('/api/v1/admin/settings', {
    method: 'PUT',
    headers: { authorization: `Bearer ${spa.adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ...current, ...changes }),
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
}

async function open(viewport, colorScheme = 'light') {
  const page = await browser.context.newPage();
  const errors = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.setViewportSize(viewport);
  await page.emulateMedia({ colorScheme });
  // Our pages have no icon; the browser's own request for one is not a page error.
  await page.route('**/favicon.ico', (route) => route.fulfill({ status: 204 }));
  return { page, errors };
}

async function noHorizontalOverflow(page, label) {
  const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  assert.ok(scroll <= client, `${label}: page is ${scroll}px wide in a ${client}px viewport`);
}

test('settings: the appearance, alerts and tracking sections; the detail page says where a lead came from', async () => {
  await put({ widgetBrandColor: '#ffeb3b', alertEmails: ['owner@spa.example'], alertOn: 'each_lead', externalBookingPassVisitorUtms: true });
  for (const [size, viewport] of Object.entries(VIEWPORTS)) {
    await browser.context.clearCookies();
    const { page, errors } = await open(viewport);
    await page.goto(`${w.url}/dashboard`);
    await page.locator('#adminKey').fill(spa.adminKey);
    await Promise.all([page.waitForURL(`${w.url}/dashboard`), page.locator('button[type="submit"]', { hasText: 'Sign in' }).click()]);
    await page.goto(`${w.url}/dashboard/settings`);
    const look = page.locator('#appearance');
    assert.match(await look.innerText(), /Black text on it: 1\d\.\d:1/);
    assert.match(await look.innerText(), /Launcher on a light page: 1\.\d:1 — below 3:1/);
    await noHorizontalOverflow(page, `settings ${size}`);
    await look.screenshot({ path: join(shots, `settings-appearance-${size}.png`) });
    await page.locator('#alerts').screenshot({ path: join(shots, `settings-alerts-${size}.png`) });
    await page.goto(`${w.url}/dashboard/handoffs/${leadId}`);
    const source = page.locator('section[aria-labelledby="source-h"]');
    assert.match(await source.innerText(), /utm_source\s+newsletter/);
    await noHorizontalOverflow(page, `detail ${size}`);
    await source.screenshot({ path: join(shots, `detail-where-it-came-from-${size}.png`) });
    await page.close();
    assert.deepEqual(errors, [], size);
  }
});

test('the hosted page in light, dark and a custom colour', async () => {
  const looks = [
    ['light', { widgetTheme: 'light', widgetBrandColor: null }, 'light'],
    ['dark', { widgetTheme: 'dark', widgetBrandColor: null }, 'light'],
    ['custom', { widgetTheme: 'auto', widgetBrandColor: '#7c3aed' }, 'dark'],
  ];
  for (const [name, look, scheme] of looks) {
    await put(look);
    for (const [size, viewport] of Object.entries(VIEWPORTS)) {
      const { page, errors } = await open(viewport, scheme);
      await page.goto(`${w.url}/b/seaside-spa`);
      const button = page.locator('button[type="submit"]');
      const colors = await button.evaluate((b) => {
        const s = getComputedStyle(b);
        return { bg: s.backgroundColor, fg: s.color, page: getComputedStyle(document.body).backgroundColor };
      });
      if (name === 'custom') assert.equal(colors.bg, 'rgb(124, 58, 237)', 'the brand colour');
      if (name === 'dark') assert.equal(colors.page, 'rgb(3, 7, 18)', 'a dark page');
      if (name === 'light') assert.equal(colors.page, 'rgb(243, 244, 246)');
      await noHorizontalOverflow(page, `${name} ${size}`);
      await page.screenshot({ path: join(shots, `hosted-${name}-${size}.png`), fullPage: true });
      await page.close();
      assert.deepEqual(errors, [], `${name} ${size}`);
    }
  }
});
