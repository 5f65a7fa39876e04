// The tracking redirect's own pages speak the visitor's language: the one the handoff was
// captured in, else the browser's Accept-Language, else English — against the real worker in
// workerd with a local D1.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWorker, spaClient, SITE, ADA } from './helpers/worker.mjs';

let w;
let spa;
before(async () => {
  w = await startWorker();
  spa = await w.createClient(spaClient());
});
after(() => w?.dispose());

const capture = async (query) => {
  const res = await w.json(`/api/v1/handoffs?client=seaside-spa${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: SITE, 'cf-connecting-ip': `203.0.113.${Math.floor(Math.random() * 250)}` },
    body: JSON.stringify(ADA),
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.id;
};
const page = async (path, headers = {}) => {
  const res = await w.fetch(path, { headers });
  return { status: res.status, html: (await res.text()).replaceAll('&#39;', "'") };
};
const langOf = (html) => html.match(/<html lang="([a-z]+)"/)?.[1];
const storedLang = async (id) =>
  (await w.db.prepare('SELECT lang FROM booking_handoffs WHERE id = ?1').bind(id).first()).lang;

test('each handoff records the language it was captured in', async () => {
  assert.equal(await storedLang(await capture('&lang=es')), 'es');
  assert.equal(await storedLang(await capture('&lang=en')), 'en');
  assert.equal(await storedLang(await capture('')), 'en', 'no ?lang= is English');
});

test("a link that names no handoff: the browser's language, else English", async () => {
  const unknown = '/r/AAAAAAAAAAAAAAAAAAAAAA';
  const es = await page(unknown, { 'accept-language': 'es-ES,es;q=0.9,en;q=0.5' });
  assert.equal(es.status, 404);
  assert.equal(langOf(es.html), 'es');
  assert.match(es.html, /Este enlace de reserva no es válido/);
  const mangled = await page('/r/not-an-id/', { 'accept-language': 'es' });
  assert.equal(mangled.status, 404);
  assert.match(mangled.html, /Este enlace de reserva no es válido/);
  const en = await page(unknown);
  assert.equal(langOf(en.html), 'en');
  assert.match(en.html, /This booking link isn't valid/);
  const other = await page(unknown, { 'accept-language': 'de-DE' });
  assert.match(other.html, /This booking link isn't valid/, 'a language we do not speak is English');
});

test("a browser's prefetch is declined in the browser's language", async () => {
  const id = await capture('&lang=es');
  const es = await page(`/r/${id}`, { 'sec-purpose': 'prefetch', 'accept-language': 'es' });
  assert.equal(es.status, 503);
  assert.match(es.html, /Abre el enlace para continuar con la reserva/);
  const en = await page(`/r/${id}`, { 'sec-purpose': 'prefetch' });
  assert.match(en.html, /Open the link to continue to booking/);
  const { redirect_count: count } = await w.db.prepare('SELECT redirect_count FROM booking_handoffs WHERE id = ?1').bind(id).first();
  assert.equal(count, 0, 'declined prefetches are not counted');
});

test("booking unavailable: the handoff's language wins over the browser's; without one, the browser's", async () => {
  const es = await capture('&lang=es');
  const en = await capture('&lang=en');
  const before = await capture('&lang=es');
  // The business's booking URL is gone (the dashboard warns about exactly this state) and
  // one handoff predates the language column.
  await w.db.batch([
    // A settings change after the captures: the redirect must rebuild its target.
    w.db.prepare('UPDATE client_settings SET external_booking_url = NULL, updated_at = ?2 WHERE client_id = ?1').bind(spa.clientId, Date.now() + 60_000),
    w.db.prepare('UPDATE booking_handoffs SET lang = NULL WHERE id = ?1').bind(before),
  ]);
  const spanish = await page(`/r/${es}`, { 'accept-language': 'en-US' });
  assert.equal(langOf(spanish.html), 'es');
  assert.match(spanish.html, /La reserva online no está disponible en este momento/);
  assert.match(spanish.html, /hello@seaside-spa\.example/, 'the contact CTA is the way forward');
  const english = await page(`/r/${en}`, { 'accept-language': 'es' });
  assert.equal(langOf(english.html), 'en');
  assert.match(english.html, /Online booking isn't available right now/);
  const browsers = await page(`/r/${before}`, { 'accept-language': 'es' });
  assert.equal(langOf(browsers.html), 'es');
});
