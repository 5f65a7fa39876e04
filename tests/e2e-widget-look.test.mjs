// The widget on a real host page in Chromium wears the business's look (brand colour, light,
// dark or the visitor's scheme, bottom-left, its own launcher label and greeting), draws the
// next page's launcher in it before any wasm arrives, and reports where the visitor came
// from: the first touch of the session, kept across pages, with nothing else of the query.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { hostPage, bookThroughAssistant } from './helpers/browser.mjs';
import { e2eStack, openPage, noHorizontalOverflow, shoot, putSettings, axeAudit, VIEWPORTS } from './helpers/e2e.mjs';

let stack;
let w;
let site;
let provider;
let browser;
let client;

before(async () => {
  const page = (w) => () => ({ body: hostPage(w.url, 'look-spa') });
  stack = await e2eStack({ site: (w) => ({ '/': page(w), '/services': page(w), '/contact': page(w) }) });
  ({ w, site, provider, browser } = stack);
  client = await w.createClient({
    slug: 'look-spa',
    name: 'Seaside Day Spa',
    allowedOrigins: [site.origin],
    bookingMode: 'external',
    externalBookingProviderName: 'Calendly',
    externalBookingUrl: `${provider.origin}/book`,
    services: ['Massage', 'Facial'],
  });
});
after(() => stack?.close());

const put = (changes) => putSettings(w, client, changes);

/** Computed colours inside the widget's shadow root. */
const colours = (page) =>
  page.evaluate(() => {
    const root = document.querySelector('[data-handoff-widget]').shadowRoot;
    const style = (sel) => {
      const el = root.querySelector(sel);
      if (!el) return null;
      const s = getComputedStyle(el);
      return { bg: s.backgroundColor, fg: s.color, shadow: s.boxShadow };
    };
    const launcher = root.querySelector('.hw-launcher');
    return {
      launcher: style('.hw-launcher'),
      head: style('.hw-head'),
      panel: style('.hw-panel'),
      bot: style('.hw-bot'),
      chip: style('.hw-chip'),
      left: launcher ? launcher.getBoundingClientRect().left : null,
      label: launcher ? launcher.textContent : null,
    };
  });

test('light, dark and a custom colour, at both sizes, readable and in place', async () => {
  const looks = [
    ['light', { widgetTheme: 'light', widgetBrandColor: null, widgetPosition: 'bottom-right' }, 'light'],
    ['dark', { widgetTheme: 'dark', widgetBrandColor: null, widgetPosition: 'bottom-right' }, 'light'],
    ['custom', { widgetTheme: 'auto', widgetBrandColor: '#ffeb3b', widgetPosition: 'bottom-left' }, 'dark'],
  ];
  for (const [name, look, scheme] of looks) {
    await put(look);
    for (const [size, viewport] of Object.entries(VIEWPORTS)) {
      const { page, errors } = await openPage(browser, { viewport, colorScheme: scheme });
      await page.goto(`${site.origin}/`);
      await page.locator('button.hw-launcher').click();
      await page.locator('.hw-chip').first().waitFor();
      const c = await colours(page);
      if (name === 'light') {
        assert.equal(c.head.bg, 'rgb(15, 118, 110)', "today's teal");
        assert.equal(c.panel.bg, 'rgb(255, 255, 255)');
      }
      if (name === 'dark') {
        assert.equal(c.panel.bg, 'rgb(17, 24, 39)', 'a dark panel');
        assert.equal(c.bot.fg, 'rgb(243, 244, 246)', 'light ink on it');
      }
      if (name === 'custom') {
        assert.equal(c.head.bg, 'rgb(255, 235, 59)', 'the brand colour');
        assert.equal(c.head.fg, 'rgb(0, 0, 0)', 'black text on yellow');
        assert.equal(c.panel.bg, 'rgb(17, 24, 39)', 'auto follows the dark scheme');
        assert.equal(c.chip.fg, 'rgb(255, 235, 59)', 'yellow reads on the dark panel');
      }
      await noHorizontalOverflow(page, `${name} ${size}`);
      await axeAudit(page, `widget ${name} ${size}`);
      await shoot(page, `widget-${name}-${size}`);
      if (size === 'desktop') {
        // Closed, the launcher sits where the business put it.
        await page.locator('button.hw-close').click();
        const closed = await colours(page);
        if (name === 'custom') assert.ok(closed.left < 100, `bottom-left: ${closed.left}`);
        else assert.ok(closed.left > 900, `bottom-right: ${closed.left}`);
      }
      await page.close();
      assert.deepEqual(errors, [], `${name} ${size}`);
    }
  }
});

test('a yellow launcher on a light page gets its outline; the business wording is shown as written', async () => {
  await put({ widgetTheme: 'light', widgetBrandColor: '#ffeb3b', widgetPosition: 'bottom-right', widgetLauncherLabel: 'Reserve <now>', widgetGreeting: 'Welcome to {our} spa! What can we do for you?' });
  const { page, errors } = await openPage(browser);
  await page.emulateMedia({ reducedMotion: 'reduce' }); // a still screenshot, not the opening slide
  await page.goto(`${site.origin}/`);
  await page.locator('section.hw-panel').waitFor({ state: 'attached' });
  const c = await colours(page);
  assert.equal(c.label, 'Reserve <now>', 'as written, as text');
  assert.match(c.launcher.shadow, /rgb\(31, 41, 55\) 0px 0px 0px 2px/, 'an ink outline where yellow is below 3:1 on white');
  await page.locator('button.hw-launcher').click();
  await page.locator('.hw-msg.hw-bot').first().waitFor();
  assert.equal(await page.locator('.hw-msg.hw-bot').first().innerText(), 'Welcome to {our} spa! What can we do for you?');
  await shoot(page, 'widget-custom-wording-desktop');
  await page.close();
  assert.deepEqual(errors, []);
  await put({ widgetLauncherLabel: '', widgetGreeting: '' });
});

test("the next page's launcher is drawn in the look before any wasm arrives", async () => {
  await put({ widgetTheme: 'light', widgetBrandColor: '#7c3aed', widgetPosition: 'bottom-left' });
  const { page, errors } = await openPage(browser, { allow: [/handoff_widget/, /Failed to load/, /ERR_FAILED/] });
  await page.goto(`${site.origin}/`);
  await page.locator('section.hw-panel').waitFor({ state: 'attached' });
  // The next page, with the assistant's files held back: only the loader has run.
  await page.route('**/w/**', () => {});
  await page.goto(`${site.origin}/services`);
  await page.locator('button.hw-launcher').waitFor();
  const c = await colours(page);
  assert.equal(c.launcher.bg, 'rgb(124, 58, 237)', 'the brand colour, from the last config');
  assert.ok(c.left < 100, 'bottom-left already');
  assert.equal(await page.locator('section.hw-panel').count(), 0, 'the wasm has not mounted');
  await page.close();
  assert.deepEqual(errors, []);
  await put({ widgetBrandColor: null, widgetPosition: 'bottom-right' });
});

test('where the lead came from: the first touch of the session, kept across pages, only known parameters', async () => {
  await put({ externalBookingPassVisitorUtms: true });
  const { page, errors } = await openPage(browser);
  const landing = `${site.origin}/?utm_source=newsletter&utm_campaign=spring&gclid=TEST123&promo=SECRET42`;
  await page.goto(landing);
  await page.locator('button.hw-launcher').waitFor();
  // The visitor reads on; a later page's own parameters are not a new first touch.
  await page.goto(`${site.origin}/services?utm_source=later`);
  await page.goto(`${site.origin}/contact`);
  const kept = await page.evaluate(() => sessionStorage.getItem('handoff:touch'));
  assert.ok(kept.includes('newsletter') && !kept.includes('later'), kept);
  assert.ok(!kept.includes('SECRET42'), 'no other parameter of the page is kept');
  assert.equal(await page.evaluate(() => document.cookie), '', 'no cookies');

  await bookThroughAssistant(page);
  const link = page.locator('a.hw-continue');
  await link.waitFor();
  const id = new URL(await link.getAttribute('href')).pathname.split('/').pop();
  const { body } = await w.admin(client.adminKey, `/api/v1/admin/handoffs/${id}`);
  assert.deepEqual(body.attribution, { landingPage: '/', utmSource: 'newsletter', utmCampaign: 'spring', gclid: 'TEST123' });

  // The provider sees the visitor's own campaign, and still our reference.
  await Promise.all([page.waitForURL(`${provider.origin}/book**`), link.click()]);
  const target = new URL(page.url());
  assert.equal(target.searchParams.get('utm_source'), 'newsletter');
  assert.equal(target.searchParams.get('utm_campaign'), 'spring');
  assert.equal(target.searchParams.get('gclid'), 'TEST123');
  assert.equal(target.searchParams.get('tca_ref'), id);
  assert.ok(!target.search.includes('SECRET42'), "the page's other parameters never reach the provider");
  await page.close();
  assert.deepEqual(errors, []);
  await put({ externalBookingPassVisitorUtms: false });
});
