// The consent line in the widget, in headless Chromium against the real
// worker: where the business requires consent, the summary carries a real checkbox with the
// business's wording (else ours, in the visitor's language); "Send request" refuses until it is
// ticked — nothing leaves the browser, nothing is stored — then the request carries
// `consentGiven`, the handoff records `consentAt`, and the real Continue link still lands on the
// provider. A widget whose config predates the requirement learns it from the server's 422 and
// asks, never a dead end. Screenshots: reports/screenshots/visitor-consent-*.png.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { hostPage, say } from './helpers/browser.mjs';
import { e2eStack, openPage, putSettings as put, shoot, VIEWPORTS } from './helpers/e2e.mjs';

const { mobile: MOBILE, desktop: DESKTOP } = VIEWPORTS;
const DEFAULT_EN = 'I agree that this business may store my details and contact me about my booking.';
const DEFAULT_ES = 'Acepto que este negocio guarde mis datos y me contacte sobre mi reserva.';
const TICK_EN = 'Please tick the box to agree before sending.';
const TICK_ES = 'Marca la casilla para aceptar antes de enviar, por favor.';

let stack;
let w;
let site;
let provider;
let browser;

before(async () => {
  stack = await e2eStack({
    browser: { locale: 'en-US' },
    site: (w) => {
      const page = (slug, attrs = '') => () => ({ body: hostPage(w.url, slug, { attrs }) });
      return {
        '/en': page('consent-spa', 'data-lang="en"'),
        '/es': page('consent-spa', 'data-lang="es"'),
        '/late': page('late-spa', 'data-lang="en"'),
        '/plain': page('plain-spa', 'data-lang="en"'),
      };
    },
  });
  ({ w, site, provider, browser } = stack);
});

after(() => stack?.close());

async function createClient(slug, name) {
  return w.createClient({
    slug,
    name,
    allowedOrigins: [site.origin],
    bookingMode: 'external',
    externalBookingProviderName: 'Calendly',
    externalBookingUrl: `${provider.origin}/book`,
    contactEmail: 'hello@consent-spa.example',
    services: ['Massage', 'Facial'],
  });
}

const putSettings = (client, extra) => put(w, client, extra);

/** Handoffs stored for a client, straight from D1. */
async function storedCount(client) {
  const row = await w.db
    .prepare('SELECT COUNT(*) AS n FROM booking_handoffs h JOIN clients c ON c.id = h.client_id WHERE c.slug = ?')
    .bind(client.slug)
    .first();
  return row.n;
}

/** Opens the page, recording console errors and the bodies of every capture the widget POSTs. */
async function open(url, size) {
  // A capture refused for want of consent answers 422 on purpose: the one error expected.
  const { page, errors } = await openPage(browser, { viewport: size, allow: [/status of 422/] });
  const posts = [];
  page.on('request', (r) => r.method() === 'POST' && r.url().includes('/api/v1/handoffs') && posts.push(JSON.parse(r.postData())));
  await page.goto(url);
  return { page, errors, posts };
}

/** Talks through to the summary in the widget's language. */
async function toSummary(page, es) {
  await page.locator('button.hw-launcher').click();
  await page.locator('input.hw-input').waitFor();
  const count = await page.locator('.hw-msg.hw-bot').count();
  await page.locator('button.hw-chip', { hasText: 'Massage' }).click();
  await page.waitForFunction(
    (n) => document.querySelector('[data-handoff-widget]').shadowRoot.querySelectorAll('.hw-msg.hw-bot').length > n,
    count,
  );
  await say(page, es ? 'el viernes por la tarde' : 'Friday afternoon');
  await say(page, 'Ada Lovelace');
  await say(page, 'ada@example.com');
  await page.locator('button.hw-chip', { hasText: es ? 'Omitir' : 'Skip' }).click();
  await page.locator('.hw-summary').waitFor();
}

/** Scrolls the conversation to its end, as the widget does after each render, then shoots. */
async function shootWidget(page, name) {
  await page.evaluate(() => {
    const body = document.querySelector('[data-handoff-widget]').shadowRoot.querySelector('.hw-body');
    body.scrollTop = body.scrollHeight;
  });
  await page.waitForTimeout(250); // the panel's entrance animation
  await shoot(page, name.replace(/\.png$/, ''));
}

/** The focused element inside the widget's shadow root, as `tag.class[type]`. */
const focused = (page) =>
  page.evaluate(() => {
    const el = document.querySelector('[data-handoff-widget]').shadowRoot.activeElement;
    return el ? `${el.tagName.toLowerCase()}${el.type ? `[${el.type}]` : ''}` : null;
  });

/** After "Send request" succeeded: the stored handoff has consentAt, and Continue lands on the provider. */
async function sentAndContinue(page, client, posts) {
  const cont = page.locator('a.hw-continue');
  await cont.waitFor();
  assert.equal(posts.at(-1).consentGiven, true, 'the capture carries consentGiven');
  const id = (await cont.getAttribute('href')).match(/\/r\/([A-Za-z0-9_-]{22})$/)?.[1];
  assert.ok(id, 'the tracking link');
  const stored = (await w.admin(client.adminKey, `/api/v1/admin/handoffs/${id}`)).body;
  assert.ok(stored.consentAt, 'the time of consent is recorded');
  assert.ok(Math.abs(Date.parse(stored.consentAt) - Date.now()) < 120_000, `consentAt is now: ${stored.consentAt}`);
  assert.equal(await storedCount(client), 1, 'exactly one handoff stored');
  await Promise.all([page.waitForURL(`${provider.origin}/book**`), cont.click()]);
  assert.equal(new URL(page.url()).searchParams.get('tca_ref'), id);
  assert.equal((await w.admin(client.adminKey, `/api/v1/admin/handoffs/${id}`)).body.status, 'redirected');
  return id;
}

describe('a business that requires consent', () => {
  let client;
  before(async () => {
    client = await createClient('consent-spa', 'Consent Spa');
    await putSettings(client, { consentRequired: true });
  });

  test('English, desktop: refused until ticked, then sent with consent, stored with consentAt', async () => {
    const { page, errors, posts } = await open(`${site.origin}/en`, DESKTOP);
    await toSummary(page, false);
    const box = page.locator('.hw-consent input[type="checkbox"]');
    assert.equal(await page.locator('label.hw-consent').innerText(), DEFAULT_EN, 'our default wording, as its label');
    assert.equal(await box.isChecked(), false);
    assert.equal(await focused(page), 'input[checkbox]', 'the box is the first thing to answer');

    await page.locator('button.hw-confirm').click();
    const why = page.locator('.hw-consent-error');
    await why.waitFor();
    assert.equal(await why.innerText(), TICK_EN);
    assert.equal(await why.getAttribute('role'), 'alert');
    assert.equal(await box.getAttribute('aria-invalid'), 'true');
    assert.equal(await box.getAttribute('aria-describedby'), await why.getAttribute('id'));
    assert.equal(await focused(page), 'input[checkbox]', 'focus goes back to the box');
    assert.ok(await page.locator('.hw-summary').isVisible(), 'the answers are still there');
    assert.deepEqual(posts, [], 'nothing left the browser');
    assert.equal(await storedCount(client), 0, 'nothing stored');
    await shootWidget(page, 'visitor-consent-desktop.png');

    await page.locator('label.hw-consent span').click(); // the wording toggles the box too
    assert.equal(await box.isChecked(), true);
    await page.locator('button.hw-confirm').click();
    await sentAndContinue(page, client, posts);
    assert.equal(posts.length, 1);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('Spanish at 375 px, by keyboard: the same, in Spanish', async () => {
    const { page, errors, posts } = await open(`${site.origin}/es`, MOBILE);
    const before = await storedCount(client);
    await toSummary(page, true);
    assert.equal(await page.locator('label.hw-consent').innerText(), DEFAULT_ES);
    const box = page.locator('.hw-consent input[type="checkbox"]');
    await page.locator('button.hw-confirm').click();
    await page.locator('.hw-consent-error').waitFor();
    assert.equal(await page.locator('.hw-consent-error').innerText(), TICK_ES);
    assert.deepEqual(posts, []);
    assert.equal(await storedCount(client), before, 'nothing stored');
    const line = await page.locator('label.hw-consent').boundingBox();
    assert.ok(line.x >= 0 && line.x + line.width <= MOBILE.width, 'the line fits the screen');
    await shootWidget(page, 'visitor-consent-es-375.png');

    assert.equal(await focused(page), 'input[checkbox]');
    await page.keyboard.press('Space');
    assert.equal(await box.isChecked(), true, 'Space ticks it');
    await page.keyboard.press('Tab');
    assert.equal(await page.locator('button.hw-confirm').evaluate((b) => b === b.getRootNode().activeElement), true, 'then Send');
    await page.keyboard.press('Enter');
    await page.locator('a.hw-continue').waitFor();
    assert.equal(await page.locator('a.hw-continue').innerText(), 'Continuar con la reserva');
    const cont = page.locator('a.hw-continue');
    const id = (await cont.getAttribute('href')).match(/\/r\/([A-Za-z0-9_-]{22})$/)?.[1];
    assert.equal(posts.length, 1);
    assert.equal(posts[0].consentGiven, true);
    assert.ok((await w.admin(client.adminKey, `/api/v1/admin/handoffs/${id}`)).body.consentAt);
    assert.equal(await storedCount(client), before + 1);
    await Promise.all([page.waitForURL(`${provider.origin}/book**`), cont.click()]);
    assert.equal(new URL(page.url()).searchParams.get('tca_ref'), id);
    assert.deepEqual(errors, []);
    await page.close();
  });
});

describe('a business that turns consent on while the widget is open', () => {
  test('the server refuses, the widget shows its message and the business wording, the visitor agrees and it is sent', async () => {
    const client = await createClient('late-spa', 'Late Spa');
    const { page, errors, posts } = await open(`${site.origin}/late`, DESKTOP);
    await toSummary(page, false);
    assert.equal(await page.locator('.hw-consent').count(), 0, 'not required: no box');

    const wording = 'I agree that Late Spa may phone me about this booking.';
    await putSettings(client, { consentRequired: true, consentText: wording });
    await page.locator('button.hw-confirm').click();
    const why = page.locator('.hw-consent-error');
    await why.waitFor();
    assert.equal(await why.innerText(), TICK_EN, "the server's message");
    assert.equal(await page.locator('label.hw-consent').innerText(), wording, "the business's own wording, read again");
    assert.equal(posts.length, 1);
    assert.equal('consentGiven' in posts[0], false, 'not sent where it was not asked');
    assert.equal(await storedCount(client), 0, 'nothing stored');

    await page.locator('.hw-consent input').check();
    await page.locator('button.hw-confirm').click();
    await sentAndContinue(page, client, posts);
    assert.deepEqual(errors, []);
    await page.close();
  });
});

describe('a business that does not require consent', () => {
  test('no box, nothing refused, and no consentGiven in the request', async () => {
    const client = await createClient('plain-spa', 'Plain Spa');
    const { page, errors, posts } = await open(`${site.origin}/plain`, DESKTOP);
    await toSummary(page, false);
    assert.equal(await page.locator('.hw-consent, .hw-consent-error').count(), 0);
    await page.locator('button.hw-confirm').click();
    const cont = page.locator('a.hw-continue');
    await cont.waitFor();
    assert.equal(posts.length, 1);
    assert.equal('consentGiven' in posts[0], false);
    const id = (await cont.getAttribute('href')).match(/\/r\/([A-Za-z0-9_-]{22})$/)?.[1];
    assert.equal((await w.admin(client.adminKey, `/api/v1/admin/handoffs/${id}`)).body.consentAt, null);
    assert.deepEqual(errors, []);
    await page.close();
  });
});
