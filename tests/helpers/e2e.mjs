// The one fixture every browser test uses: the real worker on a port, a stub booking
// provider and a host site on their own origins, and Chromium — built by `e2eStack` and
// disposed of by its `close()`. One page helper with one console-error policy, one set of
// viewports, and the screenshot, overflow and settings helpers the tests share.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startWorker, root } from './worker.mjs';
import { launchBrowser, serve, PROVIDER_PAGE } from './browser.mjs';

export const VIEWPORTS = { desktop: { width: 1280, height: 800 }, mobile: { width: 375, height: 667 } };
export const SHOTS = join(root, 'reports', 'screenshots');

/**
 * The stack a browser test runs against. `provider` and `site` are route tables for
 * `serve` (`site` may be a function of the worker and the provider, to embed their URLs);
 * `provider: null` or a missing `site` leaves them out. `worker` and `browser` are passed to
 * `startWorker` and `launchBrowser`; `browser: false` for a file that shares one browser
 * across several stacks.
 */
export async function e2eStack({ worker = {}, provider = { '/book': () => ({ body: PROVIDER_PAGE }) }, site, browser = {} } = {}) {
  mkdirSync(SHOTS, { recursive: true });
  const stack = { w: null, provider: null, site: null, browser: null };
  stack.close = async () => {
    await stack.browser?.close();
    await stack.site?.close();
    await stack.provider?.close();
    await stack.w?.dispose();
  };
  try {
    stack.w = await startWorker({ port: 0, ...worker });
    if (provider) stack.provider = await serve(provider);
    if (site) stack.site = await serve(typeof site === 'function' ? site(stack.w, stack.provider) : site);
    if (browser !== false) stack.browser = await launchBrowser(browser);
  } catch (e) {
    await stack.close();
    throw e;
  }
  return stack;
}

/**
 * A page in `browser` with the one console-error policy: every console error and uncaught
 * exception is recorded, except the browser's own request for a favicon and what the test
 * names in `allow` (regexes, matched against the message and the URL it came from) —
 * a test that tolerates an error says which. `errors` is what was recorded.
 */
export async function openPage(browser, { viewport = VIEWPORTS.desktop, colorScheme, allow = [] } = {}) {
  const page = await browser.context.newPage();
  const errors = [];
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const text = m.text();
    const url = m.location()?.url ?? '';
    if (url.endsWith('/favicon.ico') || allow.some((r) => r.test(text) || r.test(url))) return;
    errors.push(url ? `${text} (${url})` : text);
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.route('**/favicon.ico', (route) => route.fulfill({ status: 204 }));
  await page.setViewportSize(viewport);
  if (colorScheme) await page.emulateMedia({ colorScheme });
  return { page, errors };
}

export async function noHorizontalOverflow(page, label) {
  const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  assert.ok(scroll <= client, `${label}: page is ${scroll}px wide in a ${client}px viewport`);
}

/** A screenshot (of a page or a locator) into reports/screenshots/NAME.png. */
export function shoot(target, name, options = {}) {
  return target.screenshot({ path: join(SHOTS, `${name}.png`), ...options });
}

/** Changes some settings through the admin API, as a read-modify-write; asserts it saved. */
export async function putSettings(w, client, changes) {
  const current = (await w.admin(client.adminKey, '/api/v1/admin/settings')).body;
  const res = await w.json('/api/v1/admin/settings', {
    method: 'PUT',
    headers: { authorization: `Bearer ${client.adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ...current, ...changes }),
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

/** Signs in through the real form on the dashboard's sign-in page. */
export async function signInThroughTheForm(page, w, adminKey) {
  await page.goto(`${w.url}/dashboard`);
  assert.match(page.url(), /\/dashboard\/sign-in/);
  await page.locator('#adminKey').fill(adminKey);
  await Promise.all([page.waitForURL(`${w.url}/dashboard`), page.locator('button[type="submit"]', { hasText: 'Sign in' }).click()]);
}

const AXE = readFileSync(join(root, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
/** Moderate and minor violations seen so far (rule id → where), for a file to print. */
export const minorViolations = new Map();

/**
 * Runs axe-core (WCAG 2.2 A and AA rules) on the page as it is now, shadow roots included:
 * a serious or critical violation fails, the rest are recorded in `minorViolations`. Axe is
 * evaluated, not added as a script (our CSPs refuse inline scripts), after animations settle
 * (an entrance animation's half-transparent frame is not what people read).
 */
export async function axeAudit(page, label) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE);
  await page.evaluate(() => {
    const roots = [document, ...[...document.querySelectorAll('[data-handoff-widget]')].map((h) => h.shadowRoot).filter(Boolean)];
    return Promise.all(roots.flatMap((r) => r.getAnimations()).map((a) => a.finished.catch(() => {})));
  });
  const { violations } = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }), AXE_TAGS);
  const blocking = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  for (const v of violations.filter((x) => !blocking.includes(x))) {
    if (!minorViolations.has(v.id)) minorViolations.set(v.id, new Set());
    minorViolations.get(v.id).add(label);
  }
  const described = blocking.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
  assert.deepEqual(described, [], `${label}: serious or critical accessibility violations`);
}

/** Prints what `axeAudit` recorded below the blocking level. */
export function printMinorViolations() {
  for (const [rule, where] of minorViolations) console.log(`a11y (moderate/minor): ${rule} on ${[...where].join(', ')}`);
}
