// Prefetch-proof click counting in a real Chromium: a page that asks the
// browser to prefetch a tracking link (speculation rules, and a legacy <link rel=prefetch>)
// makes no click, and the visitor's real click afterwards counts exactly once and still lands
// on the provider. The browser's own prefetch status (DevTools Preload domain) proves the
// prefetch was attempted, so the "not counted" is not vacuous.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { e2eStack, openPage } from './helpers/e2e.mjs';

let stack, w, provider, site, browser, client;
const handoffs = [];
// The prefetch is answered 503 on purpose (so the browser drops it): the one console error
// these pages may show.
const DECLINED = [/status of 503/];

before(async () => {
  const page = (id, how) => {
    const link = `${w.url}/r/${id}`;
    const hint = how === 'speculation'
      ? `<script type="speculationrules">${JSON.stringify({ prefetch: [{ source: 'list', urls: [link], eagerness: 'immediate' }] })}</script>`
      : `<link rel="prefetch" href="${link}">`;
    return `<!doctype html><html><head><title>Spa</title>${hint}</head><body><a id="go" href="${link}">Continue to booking</a></body></html>`;
  };
  stack = await e2eStack({
    site: (worker) => {
      w = worker;
      return {
        '/speculation': () => ({ body: page(handoffs[0], 'speculation') }),
        '/link-prefetch': () => ({ body: page(handoffs[1], 'link') }),
      };
    },
  });
  ({ provider, site, browser } = stack);
  client = await w.createClient({
    slug: 'prefetch-spa',
    name: 'Prefetch Spa',
    allowedOrigins: [site.origin],
    bookingMode: 'external',
    externalBookingProviderName: 'Calendly',
    externalBookingUrl: `${provider.origin}/book`,
  });
  for (let i = 0; i < 2; i++) {
    const res = await w.capture('prefetch-spa', { customerName: `Visitor ${i}`, customerEmail: `v${i}@example.com` }, { origin: site.origin });
    assert.equal(res.status, 201);
    handoffs.push(res.body.id);
  }
});

after(() => stack?.close());

const clicks = async (id) => (await w.admin(client.adminKey, `/api/v1/admin/handoffs/${id}`)).body;

test('a speculation-rules prefetch is declined and not counted; the real click counts once', async () => {
  const { page, errors } = await openPage(browser, { allow: DECLINED });
  const cdp = await browser.context.newCDPSession(page);
  const statuses = [];
  await cdp.send('Preload.enable');
  cdp.on('Preload.prefetchStatusUpdated', (e) => statuses.push(e.status));
  await page.goto(`${site.origin}/speculation`);
  // Wait until Chromium reports the prefetch finished one way or the other.
  const deadline = Date.now() + 10_000;
  while (!statuses.some((s) => s === 'Failure' || s === 'Ready') && Date.now() < deadline) await page.waitForTimeout(50);
  assert.ok(statuses.includes('Running'), `Chromium attempted the prefetch: ${statuses.join(', ')}`);
  assert.ok(statuses.includes('Failure'), `our 503 made Chromium discard it: ${statuses.join(', ')}`);
  let h = await clicks(handoffs[0]);
  assert.equal(h.redirectCount, 0, 'a prefetch is not a click');
  assert.equal(h.status, 'new');

  await Promise.all([page.waitForURL(`${provider.origin}/book**`), page.click('#go')]);
  assert.match(await page.textContent('h1'), /Provider booking page/);
  h = await clicks(handoffs[0]);
  assert.equal(h.redirectCount, 1, 'the real click counts once');
  assert.equal(h.status, 'redirected');
  await page.close();
  assert.deepEqual(errors, []);
});

test('a legacy <link rel=prefetch> is declined too; the real click counts once', async () => {
  const { page, errors } = await openPage(browser, { allow: DECLINED });
  const seen = [];
  page.on('requestfinished', (r) => r.url().includes('/r/') && seen.push(r.url()));
  page.on('requestfailed', (r) => r.url().includes('/r/') && seen.push(r.url()));
  await page.goto(`${site.origin}/link-prefetch`);
  const deadline = Date.now() + 10_000;
  while (seen.length === 0 && Date.now() < deadline) await page.waitForTimeout(50);
  assert.ok(seen.length > 0, 'Chromium fetched the prefetch link');
  assert.equal((await clicks(handoffs[1])).redirectCount, 0, 'a prefetch is not a click');
  await Promise.all([page.waitForURL(`${provider.origin}/book**`), page.click('#go')]);
  const h = await clicks(handoffs[1]);
  assert.equal(h.redirectCount, 1);
  assert.equal(h.status, 'redirected');
  await page.close();
  assert.deepEqual(errors, []);
});
