// Our own accessibility gate: axe-core (WCAG 2.2 A and AA rules) on what a visitor and an
// admin see — the widget in every state a visitor meets (inside its shadow root), the hosted
// page's states and every dashboard page — at 1280×800 and 375×667. A serious or critical
// violation fails the test; moderate and minor ones are printed by rule id. Every failure
// mode and iframe mode are audited where they are made to happen (tests/failures.test.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spaClient } from './helpers/worker.mjs';
import { hostPage, say } from './helpers/browser.mjs';
import { axeAudit, e2eStack, openPage, printMinorViolations, putSettings, signInThroughTheForm, VIEWPORTS } from './helpers/e2e.mjs';

let stack;
let w;
let site;
let browser;
let spa;
let leadId;

before(async () => {
  stack = await e2eStack({
    site: (w) => ({
      '/': () => ({ body: hostPage(w.url, 'seaside-spa') }),
      '/es': () => ({ body: hostPage(w.url, 'seaside-spa', { attrs: 'data-lang="es"' }) }),
      '/unavailable': () => ({ body: hostPage(w.url, 'no-url-spa') }),
    }),
  });
  ({ w, site, browser } = stack);
  spa = await w.createClient(spaClient({ allowedOrigins: [site.origin], externalBookingUrl: `${stack.provider.origin}/book` }));
  await putSettings(w, spa, { consentRequired: true });
  await w.createClient({ slug: 'no-url-spa', name: 'No URL Spa', allowedOrigins: [site.origin], bookingMode: 'external', contactEmail: 'hi@no-url.example' });
  const res = await w.capture('seaside-spa', { customerName: 'Ada Lovelace', customerEmail: 'ada@example.com', requestedService: 'Massage', consentGiven: true, attribution: { utmSource: 'newsletter' } }, { origin: site.origin });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  leadId = res.body.id;
});
after(async () => {
  printMinorViolations();
  await stack?.close();
});

const audit = axeAudit;

/** Opens the assistant once the wasm has mounted (the idle preload), as failures.test.mjs does. */
async function openAssistant(page) {
  await page.locator('section.hw-panel').waitFor({ state: 'attached' });
  await page.locator('button.hw-launcher').click();
  await page.locator('section.hw-panel').waitFor();
}

for (const [size, viewport] of Object.entries(VIEWPORTS)) {
  test(`the widget, every state a visitor meets (${size})`, async () => {
    // A wrong answer and the consent refusal answer 4xx on purpose.
    const { page, errors } = await openPage(browser, { viewport, allow: [/status of 422/] });
    await page.goto(`${site.origin}/`);
    await page.locator('section.hw-panel').waitFor({ state: 'attached' });
    await audit(page, `launcher ${size}`);
    await openAssistant(page);
    await page.locator('input.hw-input').waitFor();
    await audit(page, `open ${size}`);
    await say(page, 'Can I book a massage Friday afternoon?');
    await audit(page, `name question ${size}`);
    await say(page, 'Ada Lovelace');
    await say(page, 'not an email');
    await audit(page, `contact, wrong answer ${size}`);
    await say(page, 'ada@example.com');
    await page.locator('button.hw-chip', { hasText: 'Skip' }).click();
    await page.locator('.hw-summary').waitFor();
    await audit(page, `summary with consent ${size}`);
    await page.locator('button.hw-confirm').click();
    await audit(page, `consent refused ${size}`);
    await page.locator('.hw-consent input').check();
    await page.locator('button.hw-confirm').click();
    await page.locator('a.hw-continue').waitFor();
    await audit(page, `confirmation ${size}`);
    await page.close();
    assert.deepEqual(errors, []);

    const es = await openPage(browser, { viewport });
    await es.page.goto(`${site.origin}/es`);
    await openAssistant(es.page);
    await es.page.locator('input.hw-input').waitFor();
    await audit(es.page, `open, Spanish ${size}`);
    await es.page.close();

    const unavailable = await openPage(browser, { viewport });
    await unavailable.page.goto(`${site.origin}/unavailable`);
    await openAssistant(unavailable.page);
    await audit(unavailable.page, `booking unavailable ${size}`);
    await unavailable.page.close();
  });

  test(`the hosted page: form, errors, done (${size})`, async () => {
    const { page } = await openPage(browser, { viewport, allow: [/status of 422/] });
    await page.goto(`${w.url}/b/seaside-spa`);
    await audit(page, `hosted form ${size}`);
    await page.click('button[type=submit]');
    await page.locator('p.error').first().waitFor();
    await audit(page, `hosted errors ${size}`);
    await page.fill('#customerName', 'Ada Lovelace');
    await page.fill('#customerEmail', 'ada@example.com');
    await page.check('input[name=consentGiven]');
    await page.click('button[type=submit]');
    await page.locator('a.primary').waitFor();
    await audit(page, `hosted done ${size}`);
    await page.close();
  });

  test(`every dashboard page (${size})`, async () => {
    await browser.context.clearCookies();
    const { page, errors } = await openPage(browser, { viewport });
    await page.goto(`${w.url}/dashboard/sign-in`);
    await audit(page, `sign-in ${size}`);
    await signInThroughTheForm(page, w, spa.adminKey);
    for (const [name, path] of [
      ['pipeline', '/dashboard'],
      ['detail', `/dashboard/handoffs/${leadId}`],
      ['settings', '/dashboard/settings'],
      ['webhook events', '/dashboard/webhook-events'],
      ['privacy', '/dashboard/privacy'],
      ['deliveries', '/dashboard/deliveries'],
    ]) {
      const res = await page.goto(`${w.url}${path}`);
      assert.equal(res.status(), 200, path);
      await audit(page, `${name} ${size}`);
    }
    await page.close();
    assert.deepEqual(errors, []);
  });
}
