// "No demo fails" in Chromium: every fault is made to really happen, and the visitor
// always gets a friendly message and a way forward. Screenshots of every visitor-facing state
// at 375×667 and desktop go to reports/screenshots/visitor-*.png.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spaClient } from './helpers/worker.mjs';
import { launchBrowser, hostPage, PROVIDER_PAGE, bookThroughAssistant } from './helpers/browser.mjs';
import { axeAudit, e2eStack, openPage, printMinorViolations, putSettings, shoot as shootPage, VIEWPORTS as SIZES } from './helpers/e2e.mjs';

// Every fault here is made to happen: the API answers 4xx/5xx (or nothing) on purpose, and
// the browser logs each such response. Those are the errors these pages may show.
const FAULTS = [/Failed to load resource/];

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  printMinorViolations();
  await browser?.close();
});

/** Opens a page under the one error policy, with the faults this file causes named. */
async function open(url, size = SIZES.desktop) {
  const { page, errors } = await openPage(browser, { viewport: size, allow: FAULTS });
  await page.addInitScript(() => {
    window.__opens = 0;
    window.open = () => { window.__opens += 1; return null; };
  });
  await page.goto(url);
  return { page, errors };
}

/** Waits until the assistant (not just the loader's launcher) is in the page: idle preload. */
async function mounted(page) {
  await page.locator('section.hw-panel').waitFor({ state: 'attached' });
}

/** Clicks the launcher unless the loader already replaced it with the fallback link. */
async function openOrFallback(page) {
  await page.locator('button.hw-launcher, a.hw-launcher').first().waitFor();
  if (await page.locator('button.hw-launcher').count()) {
    await page.locator('button.hw-launcher').click({ timeout: 5000 }).catch(() => {});
  }
}

async function shoot(page, name) {
  const before = page.viewportSize();
  for (const [label, size] of Object.entries(SIZES)) {
    await page.setViewportSize(size);
    // As the widget does after each render: the newest content in view at this size.
    await page.evaluate(() => {
      const body = document.querySelector('[data-handoff-widget]')?.shadowRoot?.querySelector('.hw-body');
      if (body) body.scrollTop = body.scrollHeight;
    });
    await page.waitForTimeout(250); // let the panel's 160 ms entrance animation finish
    await shootPage(page, `visitor-${name}-${label}`);
    // Every state a visitor can meet here is held to the accessibility gate too.
    await axeAudit(page, `${name} ${label}`);
  }
  await page.setViewportSize(before);
}

describe('visitor-facing failure modes', () => {
  let stack;
  let w;
  let site;
  let provider;
  before(async () => {
    stack = await e2eStack({
      browser: false,
      site: (w) => ({
      '/spa': () => ({ body: hostPage(w.url, 'spa') }),
      '/no-url': () => ({ body: hostPage(w.url, 'no-url') }),
      '/request-only': () => ({ body: hostPage(w.url, 'request-only') }),
      '/csp-no-wasm': () => ({
        headers: { 'content-security-policy': `default-src 'self'; script-src ${w.url}; connect-src ${w.url}` },
        body: hostPage(w.url, 'spa'),
      }),
      '/csp-strict': () => ({
        headers: { 'content-security-policy': `default-src 'none'; script-src ${w.url} 'wasm-unsafe-eval'; connect-src ${w.url}` },
        body: hostPage(w.url, 'spa'),
      }),
      '/api-down': () => ({ body: hostPage(w.url, 'spa', { attrs: 'data-api="http://127.0.0.1:9"' }) }),
      '/hostile': () => ({
        body: hostPage(w.url, 'spa', {
          head: '<style>* { all: unset !important; font-size: 48px !important; line-height: 3 !important; color: red !important; } html, body { display: block !important; }</style><script>window.addEventListener("load", () => { throw new Error("host page bug") }); undefinedFunctionOnTheHostPage();</script>',
        }),
      }),
      }),
    });
    ({ w, site, provider } = stack);
    await w.createClient(spaClient({ slug: 'spa', allowedOrigins: [site.origin], externalBookingUrl: `${provider.origin}/book` }));
    await w.createClient({ slug: 'no-url', name: 'Harbor Physio', allowedOrigins: [site.origin], bookingMode: 'external', contactEmail: 'desk@harbor-physio.example', contactPhone: '+1 555 010 4050' });
    await w.createClient({ slug: 'request-only', name: 'Quiet Clinic', allowedOrigins: [site.origin], bookingMode: 'internal', contactEmail: 'hi@quiet.example', services: ['Massage'] });
  });
  after(() => stack?.close());

  test('the normal assistant, confirmation and summary states (screenshots)', async () => {
    const { page, errors } = await open(`${site.origin}/spa`);
    await page.locator('button.hw-launcher').click();
    await page.locator('input.hw-input').waitFor();
    await shoot(page, 'assistant');
    await bookThroughAssistant(page);
    await page.locator('a.hw-continue').waitFor();
    await shoot(page, 'confirmation');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('E2E 3: external mode without a URL says so and offers the contact CTA, no crash', async () => {
    const { page, errors } = await open(`${site.origin}/no-url`);
    await page.locator('button.hw-launcher').click();
    const box = page.locator('.hw-unavailable');
    await box.waitFor();
    assert.match(await box.innerText(), /Online booking isn't available right now\./);
    assert.equal(await page.locator('.hw-unavailable a[href^="tel:"]').count(), 1);
    assert.equal(await page.locator('.hw-unavailable a[href^="mailto:desk@harbor-physio.example"]').count(), 1);
    assert.equal(await page.locator('input.hw-input').isVisible(), false, 'no form to fill in vain');
    assert.equal(await page.locator('a.hw-continue').count(), 0);
    await shoot(page, 'unavailable');
    assert.deepEqual(errors, [], 'no console errors');
    await page.close();
  });

  test('request-only mode: the lead is captured, the visitor is told the business will call, no redirect', async () => {
    const { page, errors } = await open(`${site.origin}/request-only`);
    await bookThroughAssistant(page);
    await page.locator('p.hw-copy').waitFor();
    assert.match(await page.locator('p.hw-copy').innerText(), /Quiet Clinic will contact you to arrange a time\. This is a request, not a confirmed booking\./);
    assert.equal(await page.locator('a.hw-continue').count(), 0);
    assert.equal(await page.locator('a.hw-raw').count(), 0);
    const { n } = await w.db.prepare("SELECT COUNT(*) AS n FROM booking_handoffs h JOIN clients c ON c.id = h.client_id WHERE c.slug = 'request-only'").first();
    assert.equal(n, 1);
    await shoot(page, 'request-only');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("a host page whose CSP refuses wasm gets the plain link to the hosted booking page", async () => {
    const { page } = await open(`${site.origin}/csp-no-wasm`);
    // The loader preloads when the page is idle, so the link may replace the launcher even
    // before the visitor clicks it.
    await openOrFallback(page);
    const link = page.locator('a.hw-launcher');
    await link.waitFor();
    assert.equal(await link.getAttribute('href'), `${w.url}/b/spa?lang=en`, 'in the language the widget chose');
    assert.equal(await link.getAttribute('target'), '_top');
    await shoot(page, 'fallback-csp');
    await page.close();
  });

  test('a strict CSP that allows only our origin and wasm: the assistant works and keeps its styles', async () => {
    const { page, errors } = await open(`${site.origin}/csp-strict`);
    await mounted(page);
    const bg = await page.locator('button.hw-launcher').evaluate((el) => getComputedStyle(el).backgroundColor);
    assert.equal(bg, 'rgb(15, 118, 110)', 'the launcher is styled despite style-src none');
    await bookThroughAssistant(page);
    await page.locator('a.hw-continue').waitFor();
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('an unreachable API origin gives the plain booking link, not a dead widget', async () => {
    const { page } = await open(`${site.origin}/api-down`);
    await openOrFallback(page);
    const link = page.locator('a.hw-launcher');
    await link.waitFor();
    assert.equal(await link.getAttribute('href'), `${w.url}/b/spa?lang=en`, 'the hosted page on the origin that served the script, in its language');
    await shoot(page, 'fallback-api-down');
    await page.close();
  });

  test('aggressive host CSS and host-page JavaScript errors do not break or restyle the widget', async () => {
    const { page, errors } = await open(`${site.origin}/hostile`);
    await mounted(page);
    const launcher = page.locator('button.hw-launcher');
    const style = await launcher.evaluate((el) => ({ font: getComputedStyle(el).fontSize, color: getComputedStyle(el).color }));
    assert.equal(style.font, '15px');
    assert.equal(style.color, 'rgb(255, 255, 255)');
    const box = await launcher.boundingBox();
    assert.ok(box.height < 80 && box.width < 320, `launcher keeps its size (${box.width}×${box.height})`);
    await bookThroughAssistant(page);
    await page.locator('a.hw-continue').waitFor();
    await shoot(page, 'hostile-host');
    assert.ok(errors.some((e) => /undefinedFunctionOnTheHostPage|host page bug/.test(e)), 'the host page really had errors');
    assert.ok(errors.every((e) => /undefinedFunctionOnTheHostPage|host page bug/.test(e)), `only the host's own errors: ${errors}`);
    assert.equal(await page.evaluate(() => window.__opens), 0);
    await page.close();
  });
});

describe('storage failure seen by the visitor', () => {
  let stack;
  let w;
  let site;
  before(async () => {
    stack = await e2eStack({ browser: false, provider: null, site: (w) => ({ '/': () => ({ body: hostPage(w.url, 'spa') }) }) });
    ({ w, site } = stack);
    await w.createClient(spaClient({ slug: 'spa', allowedOrigins: [site.origin] }));
    await w.db.prepare('DROP TABLE booking_handoffs').run();
  });
  after(() => stack?.close());

  test('the widget apologises and links straight to the provider (UTMs, no tca_ref), with the contact CTA', async () => {
    const { page, errors } = await open(`${site.origin}/`);
    await bookThroughAssistant(page);
    const error = page.locator('.hw-error');
    await error.waitFor();
    assert.match(await error.innerText(), /Sorry, we couldn't save your request just now/);
    const direct = new URL(await page.locator('a.hw-direct').getAttribute('href'));
    assert.equal(direct.host, 'calendly.com');
    assert.equal(direct.searchParams.get('utm_medium'), 'booking_widget');
    assert.equal(direct.searchParams.get('tca_ref'), null);
    assert.equal(await page.locator('a.hw-direct').getAttribute('target'), '_top');
    assert.ok(await page.locator('.hw-error a[href^="tel:"]').count());
    await shoot(page, 'capture-failed');
    assert.deepEqual(errors, []);
    await page.close();
  });
});

describe('iframe mode', () => {
  let stack;
  let w;
  let site;
  let provider;
  const keys = {};
  before(async () => {
    stack = await e2eStack({
      browser: false,
      provider: {
        '/book-frameable': () => ({ body: PROVIDER_PAGE }),
        '/book-deny': () => ({ headers: { 'x-frame-options': 'DENY' }, body: PROVIDER_PAGE }),
      },
      site: (w) => ({
        '/frameable': () => ({ body: hostPage(w.url, 'frameable') }),
        '/deny': () => ({ body: hostPage(w.url, 'deny') }),
      }),
    });
    ({ w, site, provider } = stack);
    for (const [slug, path] of [['frameable', '/book-frameable'], ['deny', '/book-deny']]) {
      const client = await w.createClient(spaClient({ slug, allowedOrigins: [site.origin], externalBookingUrl: `${provider.origin}${path}` }));
      keys[slug] = client.adminKey;
      // Switch to iframe mode through the admin API, as the settings page does: the server
      // probes the provider's framing headers on save.
      await putSettings(w, client, { externalBookingEmbedMode: 'iframe' });
    }
  });
  after(() => stack?.close());

  test('a provider that allows framing is shown in the panel, through the tracking redirect, with an Open link', async () => {
    const { body: config } = await w.json('/api/v1/widget-config?client=frameable');
    assert.equal(config.embedMode, 'iframe');
    assert.equal(config.iframeAllowed, true);
    const { page, errors } = await open(`${site.origin}/frameable`);
    await bookThroughAssistant(page);
    const frame = page.locator('iframe.hw-frame');
    await frame.waitFor();
    const src = await frame.getAttribute('src');
    const id = src.match(/\/r\/([A-Za-z0-9_-]{22})$/)?.[1];
    assert.ok(id, `the frame loads the tracking link: ${src}`);
    const open_ = page.locator('a.hw-open');
    assert.equal(await open_.innerText(), 'Open booking page');
    assert.equal(await open_.getAttribute('target'), '_top');
    // The frame followed /r/ID to the provider, and the redirect was counted.
    await expectEventually(async () => page.frames().some((f) => f.url().startsWith(`${provider.origin}/book-frameable`)));
    const handoff = await w.admin(keys.frameable, `/api/v1/admin/handoffs/${id}`);
    assert.equal(handoff.body.status, 'redirected');
    assert.equal(new URL(handoff.body.externalBookingUrlUsed).searchParams.get('tca_ref'), id);
    await shoot(page, 'iframe');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('a provider that forbids framing gets the redirect link with a short message', async () => {
    const { body: config } = await w.json('/api/v1/widget-config?client=deny');
    assert.equal(config.embedMode, 'iframe');
    assert.equal(config.iframeAllowed, false, 'the probe saw X-Frame-Options: DENY');
    const { page, errors } = await open(`${site.origin}/deny`);
    await bookThroughAssistant(page);
    await page.locator('a.hw-continue').waitFor();
    assert.equal(await page.locator('iframe').count(), 0);
    assert.match(await page.locator('p.hw-note').innerText(), /can't be shown inside this site, so it opens in this tab/);
    await shoot(page, 'iframe-blocked');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('a frame that never loads gives way to the link after a few seconds', async () => {
    // The probe said yes, but the page never arrives: the widget must not leave the visitor
    // looking at an empty frame.
    const { page } = await open(`${site.origin}/frameable`);
    await page.route(`${w.url}/r/**`, () => {}); // never answered: the frame never loads
    await bookThroughAssistant(page);
    await page.locator('iframe.hw-frame').waitFor();
    const note = page.locator('p.hw-note');
    await note.waitFor({ timeout: 15_000 });
    assert.match(await note.innerText(), /didn't load here/);
    assert.equal(await page.locator('iframe').count(), 0);
    assert.match(await page.locator('a.hw-continue').getAttribute('href'), /\/r\/[A-Za-z0-9_-]{22}$/);
    await page.close();
  });
});

async function expectEventually(check, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail('condition not met in time');
}
