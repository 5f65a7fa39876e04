// The business's own look: the appearance settings through the admin API and the dashboard
// form, what widget-config hands the widget (the values and the colours chosen from them),
// and the hosted page in the same colour and theme — against the real worker in workerd.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWorker, spaClient, SITE } from './helpers/worker.mjs';
import { signIn, get, post } from './helpers/dashboard.mjs';

let w;
let spa;
before(async () => {
  w = await startWorker();
  spa = await w.createClient(spaClient());
});
after(() => w?.dispose());

const settings = () => w.admin(spa.adminKey, '/api/v1/admin/settings');
const put = async (changes) => {
  const current = (await settings()).body;
  return w.json('/api/v1/admin/settings', {
    method: 'PUT',
    headers: { authorization: `Bearer ${spa.adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ...current, ...changes }),
  });
};
const config = async () => (await w.json('/api/v1/widget-config?client=seaside-spa', { headers: { origin: SITE } })).body;

test("a new client has today's look: teal, light, bottom right, our wording", async () => {
  const s = (await settings()).body;
  assert.equal(s.widgetBrandColor, null);
  assert.equal(s.widgetTheme, 'light');
  assert.equal(s.widgetPosition, 'bottom-right');
  assert.equal(s.widgetLauncherLabel, null);
  assert.equal(s.widgetGreeting, null);
  const c = await config();
  assert.deepEqual(c.settings, {
    widgetBrandColor: null,
    widgetTheme: 'light',
    widgetPosition: 'bottom-right',
    widgetLauncherLabel: null,
    widgetGreeting: null,
  });
  assert.equal(c.palette.brand, '#0f766e');
  assert.equal(c.palette.onBrand, '#ffffff');
  assert.equal(c.palette.light.outline, null);
});

test('the API saves a look; widget-config carries it and the colours that keep it readable', async () => {
  const res = await put({
    widgetBrandColor: '#FFEB3B',
    widgetTheme: 'Dark',
    widgetPosition: 'bottom-left',
    widgetLauncherLabel: 'Reserva <tu> cita',
    widgetGreeting: '¡Hola! ¿Qué te gustaría reservar?',
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.widgetBrandColor, '#ffeb3b', 'stored lower-case');
  assert.equal(res.body.widgetTheme, 'dark');
  const c = await config();
  assert.equal(c.settings.widgetLauncherLabel, 'Reserva <tu> cita', 'shown as written, as data');
  assert.equal(c.settings.widgetPosition, 'bottom-left');
  assert.equal(c.palette.onBrand, '#000000', 'black text on yellow');
  assert.equal(c.palette.light.outline, '#1f2937', 'a yellow launcher on a white page gets an outline');
  assert.equal(c.palette.light.brandText, '#1f2937', 'yellow is never text on white');
  assert.equal(c.palette.dark.outline, null);
  assert.equal(c.palette.dark.brandText, '#ffeb3b');
});

test('what cannot be drawn is refused next to its field, and nothing is saved', async () => {
  const before = (await settings()).body;
  const res = await put({ widgetBrandColor: 'teal', widgetTheme: 'sepia', widgetPosition: 'top-left', widgetLauncherLabel: 'x'.repeat(41) });
  assert.equal(res.status, 422);
  assert.equal(res.body.fields.widgetBrandColor, 'Enter a colour as # and six hex digits, like #0f766e.');
  assert.equal(res.body.fields.widgetTheme, 'Choose light, dark or auto.');
  assert.equal(res.body.fields.widgetPosition, 'Choose bottom-right or bottom-left.');
  assert.match(res.body.fields.widgetLauncherLabel, /40/);
  const wrongType = await put({ widgetTheme: 7 });
  assert.equal(wrongType.status, 400);
  assert.match(wrongType.body.message, /`widgetTheme` must be a string/);
  assert.deepEqual((await settings()).body, before);
});

test('the dashboard form shows the look, the contrast it chose, and saves it', async () => {
  const session = await signIn(w, spa.adminKey);
  const page = await get(w, session, '/dashboard/settings');
  assert.equal(page.status, 200);
  assert.match(page.body, /<h2>Widget appearance<\/h2>/);
  assert.match(page.body, /Black text on it: <strong>1\d\.\d:1<\/strong>/);
  assert.match(page.body, /Launcher on a light page: <strong>1\.\d:1<\/strong> — below 3:1, so the launcher gets a contrasting outline there/);
  assert.match(page.body, /value="Reserva &lt;tu&gt; cita"/, 'escaped in the form');
  // Save through the form: every other field as the page shows it, a new colour and theme.
  const fields = Object.fromEntries([...page.body.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)].map((m) => [m[1], m[2].replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&').replaceAll('&quot;', '"')]));
  for (const name of ['routeService', 'routeProvider', 'routeUrl', 'routeKeywords', 'csrf']) delete fields[name];
  const saved = await post(w, session, '/dashboard/settings', {
    ...fields,
    bookingMode: 'external',
    externalBookingEmbedMode: 'redirect',
    externalBookingPrefill: 'on',
    allowedOrigins: SITE,
    services: 'Massage\nFacial',
    widgetBrandColor: '#1e3a8a',
    widgetTheme: 'auto',
    widgetPosition: 'bottom-right',
    widgetGreeting: '',
  });
  assert.equal(saved.status, 303, saved.body.slice(0, 500));
  const s = (await settings()).body;
  assert.equal(s.widgetBrandColor, '#1e3a8a');
  assert.equal(s.widgetTheme, 'auto');
  assert.equal(s.widgetGreeting, null, 'empty is our default');
  const bad = await post(w, session, '/dashboard/settings', { ...fields, bookingMode: 'external', allowedOrigins: SITE, widgetBrandColor: '#12345' });
  assert.equal(bad.status, 422);
  assert.match(bad.body, /id="widgetBrandColor-error" role="alert">Enter a colour as # and six hex digits/);
  assert.match(bad.body, /value="#12345"/, 'the input is kept');
});

test('the hosted page wears the same colour and theme', async () => {
  const html = await (await w.fetch('/b/seaside-spa')).text();
  assert.match(html, /--accent:#1e3a8a;--on-accent:#ffffff/);
  assert.match(html, /@media \(prefers-color-scheme:dark\)\{:root\{color-scheme:dark;--accent:#1e3a8a/, 'auto follows the device');
  await put({ widgetTheme: 'dark', widgetBrandColor: '#ffeb3b' });
  const dark = await (await w.fetch('/b/seaside-spa')).text();
  assert.match(dark, /:root\{color-scheme:dark;--accent:#ffeb3b;--on-accent:#000000/);
  assert.doesNotMatch(dark, /prefers-color-scheme/);
});
