// Languages: the capture API and the hosted booking page answer in the visitor's
// language — English or Spanish — against the real worker in workerd with a local D1.
// The browser side (the widget, the locale, screenshots) is tests/e2e-i18n.test.mjs.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startWorker, spaClient, SITE, ADA } from './helpers/worker.mjs';

const form = (fields) => new URLSearchParams(fields).toString();
const HANDOFF_ES = 'Completarás tu reserva en Calendly. Aquí estaremos si necesitas ayuda.';
const HANDOFF_EN = "You'll complete your booking on Calendly. We'll be here if you need help.";
/** maud escapes apostrophes. */
const unescape = (html) => html.replaceAll('&#39;', "'").replaceAll('&quot;', '"');

describe('capture API in the language the widget asks for', () => {
  let w;
  before(async () => {
    w = await startWorker({ captureLimit: 6 });
    await w.createClient(spaClient());
    await w.createClient({ slug: 'no-url-yet', name: 'No URL Salon', allowedOrigins: [SITE], bookingMode: 'external' });
    await w.createClient({ slug: 'quiet-clinic', name: 'Clínica Serena', allowedOrigins: [SITE], bookingMode: 'internal' });
  });
  after(() => w?.dispose());

  const capture = (slug, lead, query = '') =>
    w.json(`/api/v1/handoffs?client=${slug}${query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: SITE, 'cf-connecting-ip': `203.0.113.${Math.floor(Math.random() * 250)}` },
      body: JSON.stringify(lead),
    });

  test('?lang=es words the honest copy in Spanish; no lang (or one we do not speak) is English', async () => {
    const es = await capture('seaside-spa', ADA, '&lang=es');
    assert.equal(es.status, 201);
    assert.equal(es.body.copy, HANDOFF_ES);
    assert.equal((await capture('seaside-spa', ADA)).body.copy, HANDOFF_EN);
    assert.equal((await capture('seaside-spa', ADA, '&lang=fr')).body.copy, HANDOFF_EN);
    const requestOnly = await capture('quiet-clinic', ADA, '&lang=ES-mx');
    assert.equal(
      requestOnly.body.copy,
      '¡Gracias! Clínica Serena se pondrá en contacto contigo para acordar una hora. Esto es una solicitud, no una reserva confirmada.',
    );
  });

  test('422: every field message and the summary in Spanish, the same fields as in English', async () => {
    const bad = { customerName: '12345', customerEmail: 'ada@example', notes: 'n'.repeat(1001) };
    const es = await capture('seaside-spa', bad, '&lang=es');
    assert.equal(es.status, 422);
    assert.equal(es.body.error, 'validation', 'codes stay machine-readable');
    assert.equal(es.body.message, 'Revisa los campos marcados, por favor.');
    assert.deepEqual(es.body.fields, {
      customerName: 'Escribe un nombre con letras, por favor.',
      customerEmail: 'Escribe un email válido, como nombre@ejemplo.com.',
      notes: 'Por favor, no pases de 1000 caracteres.',
    });
    const en = await capture('seaside-spa', bad);
    assert.deepEqual(Object.keys(en.body.fields), Object.keys(es.body.fields));
    assert.equal(en.body.fields.customerName, 'Please enter a name with letters in it.');
    const none = await capture('seaside-spa', { customerName: 'Ada' }, '&lang=es');
    assert.equal(none.body.fields.customerEmail, 'Danos un email o un teléfono para que el negocio pueda contactarte.');
  });

  test('409 and 429 are said in Spanish too', async () => {
    const unavailable = await capture('no-url-yet', ADA, '&lang=es');
    assert.equal(unavailable.status, 409);
    assert.equal(unavailable.body.message, 'La reserva online no está disponible en este momento.');
    let limited;
    for (let i = 0; i < 10 && !limited; i += 1) {
      const res = await w.json('/api/v1/handoffs?client=seaside-spa&lang=es', {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: SITE, 'cf-connecting-ip': '198.51.100.7' },
        body: JSON.stringify(ADA),
      });
      if (res.status === 429) limited = res;
    }
    assert.ok(limited, 'the limiter answered 429');
    assert.equal(limited.body.message, 'Demasiadas solicitudes. Espera un minuto y vuelve a intentarlo.');
  });
});

describe('hosted booking page in the visitor’s language', () => {
  let w;
  before(async () => {
    w = await startWorker();
    await w.createClient(spaClient());
    await w.createClient({ slug: 'no-url-yet', name: 'No URL Salon', allowedOrigins: [SITE], bookingMode: 'external', contactPhone: '+1 555 010 9999' });
  });
  after(() => w?.dispose());

  const page = async (path, headers = {}, init = {}) => {
    const res = await w.fetch(path, { headers, ...init });
    return { status: res.status, html: unescape(await res.text()) };
  };
  const post = (path, fields, headers = {}) =>
    page(path, { 'content-type': 'application/x-www-form-urlencoded', ...headers }, { method: 'POST', body: form(fields) });

  test('Accept-Language: es gives the Spanish form, with <html lang="es">', async () => {
    const { status, html } = await page('/b/seaside-spa', { 'accept-language': 'es-ES,es;q=0.9,en;q=0.8' });
    assert.equal(status, 200);
    assert.match(html, /<html lang="es">/);
    assert.match(html, /<title>Reserva en Seaside Day Spa<\/title>/);
    assert.match(html, /continuarás en Calendly para elegir una hora/);
    assert.match(html, /<label for="requestedService">Servicio <span class="hint">\(¿qué te gustaría\?\)<\/span>/);
    assert.match(html, /<label for="customerEmail">Correo electrónico/);
    assert.match(html, /No incluyas números de tarjeta/);
    assert.match(html, /<button type="submit">Continuar<\/button>/);
    assert.match(html, /Llamar al \+1 555 010 2030/);
    assert.ok(!/Book with|Continue<|Please /.test(html), 'no English left');
  });

  test('?lang= wins over Accept-Language; languages we do not speak fall back to English', async () => {
    assert.match((await page('/b/seaside-spa?lang=es', { 'accept-language': 'en-US' })).html, /<html lang="es">/);
    assert.match((await page('/b/seaside-spa?lang=en', { 'accept-language': 'es' })).html, /<html lang="en">.*Book with Seaside Day Spa/s);
    assert.match((await page('/b/seaside-spa', { 'accept-language': 'fr-FR,fr;q=0.9,es;q=0.5' })).html, /<html lang="es">/);
    assert.match((await page('/b/seaside-spa', { 'accept-language': 'fr-FR,de;q=0.9' })).html, /<html lang="en">/);
    assert.match((await page('/b/seaside-spa')).html, /<html lang="en">/);
  });

  test('a validation error in Spanish, input kept; then the Spanish done page with the honest copy', async () => {
    const bad = await post('/b/seaside-spa', { customerEmail: 'ada@example', requestedService: 'Masaje' }, { 'accept-language': 'es' });
    assert.equal(bad.status, 422);
    assert.match(bad.html, /<html lang="es">/);
    assert.match(bad.html, /Revisa los campos marcados, por favor\./);
    assert.match(bad.html, /id="customerName-error">Dinos tu nombre, por favor\./);
    assert.match(bad.html, /id="customerEmail-error">Escribe un email válido, como nombre@ejemplo\.com\./);
    assert.match(bad.html, /value="Masaje"/);
    const ok = await post('/b/seaside-spa?lang=es', { ...ADA, requestedService: 'Masaje' });
    assert.equal(ok.status, 201);
    assert.match(ok.html, /<h1>Un paso más<\/h1>/);
    assert.ok(ok.html.includes(HANDOFF_ES));
    assert.match(ok.html, /<a class="primary" href="[^"]+\/r\/[A-Za-z0-9_-]{22}" target="_top">Continuar con la reserva<\/a>/);
    assert.match(ok.html, /Si la página de reservas no se abre, toca aquí/);
    assert.ok(!/confirmad[ao]/.test(ok.html.replace('no una reserva confirmada', '')), 'never says confirmed');
  });

  test('the unavailable and not-found pages speak Spanish too', async () => {
    const unavailable = await page('/b/no-url-yet', { 'accept-language': 'es' });
    assert.match(unavailable.html, /<h1>La reserva online no está disponible en este momento\.<\/h1>/);
    assert.match(unavailable.html, /Puedes contactar directamente con No URL Salon:/);
    assert.match(unavailable.html, /Llamar al \+1 555 010 9999/);
    const missing = await page('/b/nobody?lang=es');
    assert.equal(missing.status, 404);
    assert.match(missing.html, /<h1>Página no encontrada<\/h1>/);
  });

  test('the admin-facing English stays English: the dashboard sign-in page ignores Accept-Language', async () => {
    const { status, html } = await page('/dashboard/sign-in', { 'accept-language': 'es' });
    assert.equal(status, 200);
    assert.match(html, /<html lang="en">/);
  });
});
