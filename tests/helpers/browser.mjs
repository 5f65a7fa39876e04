// Headless Chromium through playwright-core (Debian's chromium; never a downloaded browser),
// plus tiny HTTP servers standing in for a business's website and its booking provider,
// each on its own origin, as in real life.
import { chromium } from 'playwright-core';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** `locale` (e.g. 'es-ES') sets the browser's languages and its Accept-Language header. */
export async function launchBrowser({ javaScriptEnabled = true, locale } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'handoff-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    javaScriptEnabled,
    ...(locale ? { locale } : {}),
    executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Serves `routes` ({ '/path': (req, url) => ({ status, headers, body }) }) on 127.0.0.1:random. */
export async function serve(routes) {
  const seen = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    seen.push(url);
    const handler = routes[url.pathname];
    if (url.pathname === '/favicon.ico' && !handler) {
      res.writeHead(204).end();
      return;
    }
    if (!handler) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const { status = 200, headers = {}, body = '' } = handler(req, url);
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...headers }).end(body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  // Browsers keep connections alive: end them, or close() waits for their idle timeouts.
  const close = () =>
    new Promise((resolve) => {
      server.close(resolve);
      server.closeAllConnections();
    });
  return { origin, seen, close };
}

/** A business's page embedding the widget exactly as the README tells businesses to. */
export function hostPage(edge, slug, { attrs = '', head = '', body = '' } = {}) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Host page</title>${head}</head>
<body><h1>A business website</h1>${body}
<script src="${edge}/widget.js" data-client="${slug}" ${attrs} async></script></body></html>`;
}

export const PROVIDER_PAGE = '<!doctype html><title>Provider</title><h1>Provider booking page</h1>';

/** Types a visitor message into the widget and waits for the assistant's next message. */
export async function say(page, text) {
  const count = await page.locator('.hw-msg.hw-bot').count();
  await page.locator('input.hw-input').fill(text);
  await page.locator('input.hw-input').press('Enter');
  await page.waitForFunction(
    (n) => document.querySelector('[data-handoff-widget]').shadowRoot.querySelectorAll('.hw-msg.hw-bot').length > n,
    count,
  );
}

/**
 * The whole conversation a visitor has (service and time in one sentence, name, email, no
 * notes), then "Send request". Opens the panel first unless it is open already.
 */
export async function bookThroughAssistant(page, { name = 'Ada Lovelace', email = 'ada@example.com' } = {}) {
  if (!(await page.locator('input.hw-input').isVisible())) await page.locator('button.hw-launcher').click();
  await page.locator('input.hw-input').waitFor();
  await say(page, 'Can I book a massage Friday afternoon?');
  await say(page, name);
  await say(page, email);
  await page.locator('button.hw-chip', { hasText: 'Skip' }).click();
  await page.locator('.hw-summary').waitFor();
  await page.locator('button.hw-confirm').click();
}
