// The business's look, seen in Chromium: the settings page's appearance, alerts and tracking
// sections, a handoff's "Where it came from" card, and the hosted booking page in light,
// dark and a custom colour — screenshots at 1280×800 and 375×667, no horizontal overflow,
// no console errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spaClient, SITE, ADA } from './helpers/worker.mjs';
import { e2eStack, openPage, noHorizontalOverflow, shoot, putSettings, signInThroughTheForm, VIEWPORTS } from './helpers/e2e.mjs';

let stack;
let w;
let browser;
let spa;
let leadId;

before(async () => {
  stack = await e2eStack({ provider: null });
  ({ w, browser } = stack);
  spa = await w.createClient(spaClient());
  const res = await w.capture('seaside-spa', { ...ADA, attribution: { landingPage: '/offers/spring', referrer: 'https://news.example/issue/12', utmSource: 'newsletter', utmMedium: 'email', utmCampaign: 'spring', gclid: 'TEST123' } }, { origin: SITE });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  leadId = res.body.id;
});
after(() => stack?.close());

const put = (changes) => putSettings(w, spa, changes);

test('settings: the appearance, alerts and tracking sections; the detail page says where a lead came from', async () => {
  await put({ widgetBrandColor: '#ffeb3b', alertEmails: ['owner@spa.example'], alertOn: 'each_lead', externalBookingPassVisitorUtms: true });
  for (const [size, viewport] of Object.entries(VIEWPORTS)) {
    await browser.context.clearCookies();
    const { page, errors } = await openPage(browser, { viewport });
    await signInThroughTheForm(page, w, spa.adminKey);
    await page.goto(`${w.url}/dashboard/settings`);
    const look = page.locator('#appearance');
    assert.match(await look.innerText(), /Black text on it: 1\d\.\d:1/);
    assert.match(await look.innerText(), /Launcher on a light page: 1\.\d:1 — below 3:1/);
    await noHorizontalOverflow(page, `settings ${size}`);
    await shoot(look, `settings-appearance-${size}`);
    await shoot(page.locator('#alerts'), `settings-alerts-${size}`);
    await page.goto(`${w.url}/dashboard/handoffs/${leadId}`);
    const source = page.locator('section[aria-labelledby="source-h"]');
    assert.match(await source.innerText(), /utm_source\s+newsletter/);
    await noHorizontalOverflow(page, `detail ${size}`);
    await shoot(source, `detail-where-it-came-from-${size}`);
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
      const { page, errors } = await openPage(browser, { viewport, colorScheme: scheme });
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
      await shoot(page, `hosted-${name}-${size}`, { fullPage: true });
      await page.close();
      assert.deepEqual(errors, [], `${name} ${size}`);
    }
  }
});
