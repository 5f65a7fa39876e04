// Languages in headless Chromium: a business chooses Spanish with data-lang="es", or
// the visitor's browser asks for it; the widget then speaks Spanish from the launcher to the
// honest handoff copy, understands "quiero reservar un masaje", and the real link still lands
// on the provider, tracked. Screenshots: reports/screenshots/visitor-es-*.png (375×667 and
// desktop) and hosted-es-*-375.png.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, hostPage, say } from './helpers/browser.mjs';
import { e2eStack, openPage, shoot as shootPage, VIEWPORTS } from './helpers/e2e.mjs';

const { mobile: MOBILE, desktop: DESKTOP } = VIEWPORTS;
const GREETING_ES = '¡Hola! Puedo ayudarte a reservar en Spa Marina. ¿Qué te gustaría reservar?';
const GREETING_EN = 'Hi! I can help you book with Spa Marina. What would you like to book?';
const HANDOFF_ES = 'Completarás tu reserva en Calendly. Aquí estaremos si necesitas ayuda.';

let stack;
let w;
let site;
let provider;
let client;

before(async () => {
  // The stack's own browser is English (en-US); other locales launch their own below.
  stack = await e2eStack({
    browser: { locale: 'en-US' },
    site: (w) => {
      const page = (attrs) => () => ({ body: hostPage(w.url, 'spa-marina', { attrs }) });
      return {
        '/es': page('data-lang="es" data-industry="spa"'),
        '/auto': page(''),
        '/en': page('data-lang="en"'),
        '/fr': page('data-lang="fr"'),
        '/es-no-wasm': () => ({
          headers: { 'content-security-policy': `default-src 'self'; script-src ${w.url}; connect-src ${w.url}` },
          body: hostPage(w.url, 'spa-marina', { attrs: 'data-lang="es"' }),
        }),
      };
    },
  });
  ({ w, site, provider } = stack);
  client = await w.createClient({
    slug: 'spa-marina',
    name: 'Spa Marina',
    allowedOrigins: [site.origin],
    bookingMode: 'external',
    externalBookingProviderName: 'Calendly',
    externalBookingUrl: `${provider.origin}/book`,
    contactEmail: 'hola@spa-marina.example',
    contactPhone: '+1 555 010 3040',
    services: ['Masaje', 'Facial'],
  });
});

after(() => stack?.close());

/** The shadow root's text of every assistant message so far. */
const botMessages = (page) =>
  page.evaluate(() =>
    [...document.querySelector('[data-handoff-widget]').shadowRoot.querySelectorAll('.hw-msg.hw-bot')].map((m) => m.textContent),
  );

/** Scrolls the conversation to its end, as the widget does after each render, then shoots. */
async function shoot(page, name) {
  await page.evaluate(() => {
    const body = document.querySelector('[data-handoff-widget]')?.shadowRoot?.querySelector('.hw-body');
    if (body) body.scrollTop = body.scrollHeight;
  });
  await page.waitForTimeout(250); // the panel's entrance animation
  await shootPage(page, name.replace(/\.png$/, ''));
}

/** Opens a page in `browser` (the stack's or a locale's own), under the one error policy. */
async function open(browser, url, size, allow = []) {
  const opened = await openPage(browser, { viewport: size, allow });
  await opened.page.goto(url);
  return opened;
}

describe('data-lang="es" in an English browser', () => {
  let browser;
  before(() => {
    browser = stack.browser;
  });

  for (const [label, size] of [['375', MOBILE], ['desktop', DESKTOP]]) {
    test(`a Spanish conversation, errors and handoff, then the real link to the provider (${label})`, async () => {
      const { page, errors } = await open(browser, `${site.origin}/es`, size);
      const launcher = page.locator('button.hw-launcher');
      assert.equal(await launcher.innerText(), 'Reservar una cita', "the loader's launcher");
      await launcher.click();
      await page.locator('input.hw-input').waitFor();
      assert.equal(await page.locator('button.hw-launcher').textContent(), 'Reservar una cita', 'the wasm redraws it with the same words');
      assert.deepEqual(await botMessages(page), [GREETING_ES]);
      assert.equal(await page.locator('input.hw-input').getAttribute('placeholder'), '¿Qué te gustaría reservar?', 'the placeholder names what is asked');
      assert.equal(await page.locator('section.hw-panel').getAttribute('aria-label'), 'Asistente de reservas de Spa Marina');
      assert.deepEqual(await page.locator('button.hw-chip').allInnerTexts(), ['Masaje', 'Facial']);

      await say(page, 'quiero reservar un masaje');
      let bots = await botMessages(page);
      assert.equal(bots.at(-2), 'Entendido: Masaje.');
      assert.equal(
        bots.at(-1),
        '¿Cuándo te gustaría venir? Basta con un día o una franja horaria — Calendly te mostrará la disponibilidad real.',
      );
      if (label === '375') await shoot(page, 'visitor-es-conversation-375.png');
      await say(page, 'el viernes por la tarde');
      assert.equal((await botMessages(page)).at(-1), '¿Cómo te llamas?');
      await say(page, 'Ada Lovelace');
      await say(page, 'ada@example');
      bots = await botMessages(page);
      assert.equal(bots.at(-1), 'Escribe un email válido, como nombre@ejemplo.com.');
      assert.equal(await page.locator('.hw-msg.hw-invalid').last().innerText(), bots.at(-1), 'shown as an error');
      assert.equal(await page.locator('input.hw-input').getAttribute('aria-invalid'), 'true');
      await shoot(page, `visitor-es-error-${label}.png`);
      await say(page, 'ada@example.com');
      await page.locator('button.hw-chip', { hasText: 'Omitir' }).click();
      await page.locator('.hw-summary').waitFor();
      const summary = await page.locator('.hw-summary').innerText();
      for (const want of ['Servicio', 'Masaje', 'Horario preferido', 'viernes por la tarde', 'Nombre', 'Correo electrónico']) {
        assert.ok(summary.includes(want), `summary shows ${want}`);
      }
      assert.equal(await page.locator('button.hw-confirm').innerText(), 'Enviar solicitud');
      assert.equal(await page.locator('button.hw-restart').innerText(), 'Empezar de nuevo');
      await shoot(page, `visitor-es-summary-${label}.png`);
      await page.locator('button.hw-confirm').click();

      const cont = page.locator('a.hw-continue');
      await cont.waitFor();
      assert.equal(await cont.innerText(), 'Continuar con la reserva');
      assert.equal(await page.locator('p.hw-copy').innerText(), HANDOFF_ES);
      assert.equal(await page.locator('a.hw-raw').innerText(), 'Si la página de reservas no se abre, toca aquí');
      assert.deepEqual(await page.locator('.hw-contact a').allInnerTexts(), ['Llamar al +1 555 010 3040', 'Escribir a hola@spa-marina.example']);
      assert.equal((await botMessages(page)).at(-1), 'Tu solicitud se ha enviado.');
      const panelText = await page.locator('section.hw-panel').innerText();
      assert.ok(!/confirmad[ao]/i.test(panelText), 'never says the booking is confirmed');
      await shoot(page, `visitor-es-handoff-${label}.png`);

      const id = (await cont.getAttribute('href')).match(/\/r\/([A-Za-z0-9_-]{22})$/)?.[1];
      assert.ok(id, 'the tracking link');
      const stored = await w.admin(client.adminKey, `/api/v1/admin/handoffs/${id}`);
      assert.equal(stored.body.requestedService, 'Masaje');
      assert.equal(stored.body.preferredDateTimeText, 'el viernes por la tarde');
      await Promise.all([page.waitForURL(`${provider.origin}/book**`), cont.click()]);
      assert.equal(new URL(page.url()).searchParams.get('tca_ref'), id);
      assert.equal((await w.admin(client.adminKey, `/api/v1/admin/handoffs/${id}`)).body.status, 'redirected');
      assert.deepEqual(errors, []);
      await page.close();
    });
  }

  test('when wasm is refused, the fallback is in Spanish and links to the Spanish hosted page', async () => {
    const { page } = await open(browser, `${site.origin}/es-no-wasm`, MOBILE);
    await page.locator('button.hw-launcher, a.hw-launcher').first().waitFor();
    if (await page.locator('button.hw-launcher').count()) await page.locator('button.hw-launcher').click({ timeout: 5000 }).catch(() => {});
    const link = page.locator('a.hw-launcher');
    await link.waitFor();
    assert.equal(await link.innerText(), 'Reservar una cita', "the launcher's own words, now a link");
    assert.equal(await link.getAttribute('href'), `${w.url}/b/spa-marina?lang=es`);
    await shootPage(page, 'visitor-es-fallback-375');
    await Promise.all([page.waitForURL(`${w.url}/b/spa-marina?lang=es`), link.click()]);
    assert.equal(await page.locator('html').getAttribute('lang'), 'es');
    assert.equal(await page.locator('h1').innerText(), 'Reserva en Spa Marina');
    await page.close();
  });
});

describe('no data-lang: the browser decides', () => {
  test('a browser in es-ES gets Spanish; data-lang="en" still wins; data-lang="fr" falls through to the browser', async () => {
    const browser = await launchBrowser({ locale: 'es-ES' });
    try {
      const cases = [['/auto', 'Reservar una cita', GREETING_ES], ['/en', 'Book an appointment', GREETING_EN], ['/fr', 'Reservar una cita', GREETING_ES]];
      for (const [path, launcherText, greeting] of cases) {
        const { page, errors } = await open(browser, `${site.origin}${path}`, MOBILE);
        if (path === '/auto') assert.match(await page.evaluate(() => navigator.languages.join()), /^es/);
        const launcher = page.locator('button.hw-launcher');
        assert.equal(await launcher.innerText(), launcherText, path);
        await launcher.click();
        await page.locator('input.hw-input').waitFor();
        assert.deepEqual(await botMessages(page), [greeting], path);
        assert.deepEqual(errors, []);
        await page.close();
      }
    } finally {
      await browser.close();
    }
  });

  test('a browser in fr-FR gets English', async () => {
    const browser = await launchBrowser({ locale: 'fr-FR' });
    try {
      const { page } = await open(browser, `${site.origin}/auto`, MOBILE);
      assert.match(await page.evaluate(() => navigator.languages.join()), /^fr/);
      assert.equal(await page.locator('button.hw-launcher').innerText(), 'Book an appointment');
      await page.locator('button.hw-launcher').click();
      await page.locator('input.hw-input').waitFor();
      assert.deepEqual(await botMessages(page), [GREETING_EN]);
      await page.close();
    } finally {
      await browser.close();
    }
  });
});

describe('hosted page in a Spanish browser with JavaScript disabled', () => {
  test('Accept-Language es: Spanish form, a Spanish validation error, the Spanish done page', async () => {
    const browser = await launchBrowser({ javaScriptEnabled: false, locale: 'es-ES' });
    try {
      // The invalid post answers 422 on purpose (the form again, with its messages).
      const { page, errors } = await openPage(browser, { viewport: MOBILE, allow: [/status of 422/] });
      await page.goto(`${w.url}/b/spa-marina`);
      assert.equal(await page.locator('html').getAttribute('lang'), 'es');
      assert.equal(await page.locator('h1').innerText(), 'Reserva en Spa Marina');
      await page.fill('#requestedService', 'Masaje');
      await page.fill('#customerEmail', 'ada@example');
      await page.click('button[type=submit]');
      await page.locator('#customerName-error').waitFor();
      assert.equal(await page.locator('#customerName-error').innerText(), 'Dinos tu nombre, por favor.');
      assert.equal(await page.locator('#customerEmail-error').innerText(), 'Escribe un email válido, como nombre@ejemplo.com.');
      await shootPage(page, 'hosted-es-error-375', { fullPage: true });
      await page.fill('#customerName', 'Ada Lovelace');
      await page.fill('#customerEmail', 'ada@example.com');
      await page.fill('#preferredDateTimeText', 'el viernes por la tarde');
      await page.click('button[type=submit]');
      const cont = page.locator('a.primary', { hasText: 'Continuar con la reserva' });
      await cont.waitFor();
      assert.equal(await page.locator('p.copy').innerText(), HANDOFF_ES);
      await shootPage(page, 'hosted-es-done-375', { fullPage: true });
      await Promise.all([page.waitForURL(`${provider.origin}/book**`), cont.click()]);
      assert.ok(new URL(page.url()).searchParams.get('tca_ref'));
      assert.deepEqual(errors, []);
      await page.close();
    } finally {
      await browser.close();
    }
  });
});
