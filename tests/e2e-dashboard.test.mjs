// Browser E2E for the admin dashboard in headless Chromium, against the real worker on
// 127.0.0.1 (so the local, non-__Host- cookie is used):
// - seed E2E 2: a handoff of client A stays invisible to client B, signed in through the
//   real form — the detail page and the admin API answer 404/401 with none of A's data;
// - signing in, filtering, opening a detail and marking it completed;
// - screenshots of sign-in, pipeline, detail and settings at 1280×800 and 375×667, with no
//   horizontal overflow and no console errors (CSP violations would be errors).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { e2eStack, openPage, noHorizontalOverflow, shoot, signInThroughTheForm as signInWith, VIEWPORTS } from './helpers/e2e.mjs';

const SITE_A = 'https://alpha-spa.example';
const SITE_B = 'https://bravo-spa.example';
const ALICE = { customerName: 'Alice Aardvark', customerEmail: 'alice.private@alpha-mail.example', requestedService: 'Hot stones', notes: 'ALPHA-ONLY', industry: 'spa' };

let stack;
let w;
let browser;
let a;
let b;
let aliceId;
const bIds = {};

async function capture(slug, origin, lead) {
  const res = await w.capture(slug, lead, { origin });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.id;
}

before(async () => {
  stack = await e2eStack({ provider: null });
  ({ w, browser } = stack);
  a = await w.createClient({
    slug: 'alpha-spa', name: 'Alpha Spa', allowedOrigins: [SITE_A], bookingMode: 'external',
    externalBookingProviderName: 'Calendly', externalBookingUrl: 'https://calendly.com/alpha/60min', contactEmail: 'hi@alpha.example',
  });
  b = await w.createClient({
    slug: 'bravo-spa', name: 'Bravo Day Spa', allowedOrigins: [SITE_B], bookingMode: 'external',
    externalBookingProviderName: 'Calendly', externalBookingUrl: 'https://calendly.com/bravo-spa/60min',
    externalBookingUtmCampaign: 'winter', contactEmail: 'hello@bravo-spa.example', contactPhone: '+1 555 010 2030',
    services: ['Massage', 'Facial', 'Manicure'],
  });
  aliceId = await capture('alpha-spa', SITE_A, ALICE);
  // A pipeline that looks like a real week.
  const leads = [
    ['Grace Hopper', 'grace@example.com', null, 'Massage', 'Friday afternoon', 'spa', 'https://bravo-spa.example/treatments'],
    ['Katherine Johnson', null, '+1 555 010 3344', 'Facial', 'Next Tuesday morning', 'spa', 'https://bravo-spa.example/'],
    ['Dorothy Vaughan', 'dorothy@example.com', '+1 555 010 9876', 'Manicure', 'Any weekday after 5pm', 'salon', 'https://bravo-spa.example/nails'],
    ['Mary Jackson', 'mary@example.com', null, 'Massage', 'Saturday 10am', 'spa', 'https://bravo-spa.example/offers/winter'],
    ['Annie Easley', 'annie@example.com', null, 'Facial', 'Tomorrow', 'wellness', 'https://bravo-spa.example/'],
    ['Margaret Hamilton', 'margaret.hamilton@example.com', '+1 555 010 1212', 'Massage', 'Early next week', 'spa', 'https://bravo-spa.example/treatments/deep-tissue'],
  ];
  for (const [customerName, customerEmail, customerPhone, requestedService, preferredDateTimeText, industry, sourcePage] of leads) {
    bIds[customerName] = await capture('bravo-spa', SITE_B, {
      customerName, requestedService, preferredDateTimeText, industry, sourcePage,
      ...(customerEmail ? { customerEmail } : {}), ...(customerPhone ? { customerPhone } : {}),
      notes: customerName === 'Grace Hopper' ? 'First visit. Prefers a quiet room.' : undefined,
    });
  }
  for (const name of ['Grace Hopper', 'Dorothy Vaughan', 'Mary Jackson', 'Margaret Hamilton']) await w.fetch(`/r/${bIds[name]}`);
  await w.fetch(`/r/${bIds['Grace Hopper']}`);
  await w.json(`/api/v1/admin/handoffs/${bIds['Mary Jackson']}/complete`, { method: 'POST', headers: { authorization: `Bearer ${b.adminKey}` } });
  await w.db.prepare("UPDATE booking_handoffs SET status = 'abandoned', abandoned_at = ?2, abandoned_by = 'scheduled' WHERE id = ?1")
    .bind(bIds['Annie Easley'], Date.now()).run();
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: w.url });
});

after(() => stack?.close());

/** A page (each test signs in afresh); `allow` names the console errors a test expects. */
async function newPage(viewport = VIEWPORTS.desktop, allow = []) {
  await browser.context.clearCookies();
  return openPage(browser, { viewport, allow });
}

const signInThroughTheForm = (page, adminKey) => signInWith(page, w, adminKey);

test('E2E 2: signed in as client B, client A\'s handoff is 404 in the dashboard and the API, with no data', async () => {
  // Client A's handoff answers 404 and the API 401 here, on purpose.
  const { page, errors } = await newPage(VIEWPORTS.desktop, [/status of 40[14]/]);
  await signInThroughTheForm(page, b.adminKey);
  const cookies = await browser.context.cookies(w.url);
  const session = cookies.find((c) => c.name === 'handoff_session');
  assert.ok(session, 'local session cookie');
  assert.equal(session.httpOnly, true);
  assert.equal(session.sameSite, 'Lax');
  assert.equal(await page.evaluate(() => document.cookie), '', 'invisible to scripts');

  const detail = await page.goto(`${w.url}/dashboard/handoffs/${aliceId}`);
  assert.equal(detail.status(), 404);
  const html = await page.content();
  assert.ok(!html.includes('Alice Aardvark') && !html.includes('alice.private@alpha-mail.example') && !html.includes('ALPHA-ONLY'));
  assert.match(await page.locator('h1').innerText(), /Not found/);

  // The admin API URL, opened directly (no key: 401) and with B's key (404): no data either way.
  const direct = await page.goto(`${w.url}/api/v1/admin/handoffs/${aliceId}`);
  assert.equal(direct.status(), 401);
  const directBody = await direct.text();
  const withKey = await page.evaluate(async ([id, key]) => {
    const res = await fetch(`/api/v1/admin/handoffs/${id}`, { headers: { authorization: `Bearer ${key}` } });
    return { status: res.status, body: await res.text() };
  }, [aliceId, b.adminKey]);
  assert.equal(withKey.status, 404);
  for (const body of [directBody, withKey.body]) {
    assert.ok(!body.includes('Alice Aardvark'), 'no name');
    assert.ok(!body.includes('alice.private@alpha-mail.example'), 'no email');
  }
  // And A's handoff is not in B's pipeline.
  await page.goto(`${w.url}/dashboard`);
  assert.ok(!(await page.content()).includes('Alice Aardvark'));
  await page.close();
  assert.deepEqual(errors, []);
});

test('sign in, filter, open a detail, copy its link and mark it completed', async () => {
  const { page, errors } = await newPage();
  await signInThroughTheForm(page, b.adminKey);
  assert.equal(await page.locator('table.handoffs tbody tr').count(), 6);

  await page.locator('#f-status').selectOption('redirected');
  await page.locator('#f-industry').selectOption('spa');
  await Promise.all([page.waitForURL(/status=redirected/), page.locator('button', { hasText: 'Apply' }).click()]);
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('status'), 'redirected');
  assert.equal(url.searchParams.get('industry'), 'spa');
  const names = await page.locator('table.handoffs a.customer').allInnerTexts();
  assert.deepEqual(names.sort(), ['Grace Hopper', 'Margaret Hamilton']);
  assert.equal(await page.locator('.chip[aria-current="true"] .chip-label').innerText(), 'Redirected');

  // The filtered view is a bookmark: reloading keeps it.
  await page.reload();
  assert.equal(await page.locator('table.handoffs tbody tr').count(), 2);

  await Promise.all([page.waitForURL(/\/dashboard\/handoffs\//), page.locator('a.customer', { hasText: 'Grace Hopper' }).click()]);
  assert.equal(await page.locator('h1').innerText(), 'Grace Hopper');
  const timeline = await page.locator('ol.timeline').innerText();
  assert.match(timeline, /Created/);
  assert.match(timeline, /opened 2 times in all/);

  const copy = page.locator('.copy-row button[data-copy]');
  assert.equal(await copy.isVisible(), true, 'the script reveals the copy button');
  await copy.click();
  await page.locator('.copy-row button', { hasText: 'Copied' }).waitFor();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(copied, `${w.url}/r/${bIds['Grace Hopper']}`);

  await Promise.all([page.waitForURL(/notice=completed/), page.locator('button', { hasText: 'Mark completed' }).click()]);
  assert.equal(await page.locator('.notice-success').innerText(), 'Marked as completed.');
  assert.equal(await page.locator('.page-head .badge').innerText(), 'Completed');
  assert.match(await page.locator('ol.timeline').innerText(), /Marked completed by an admin/);
  const stored = await w.admin(b.adminKey, `/api/v1/admin/handoffs/${bIds['Grace Hopper']}`);
  assert.equal(stored.body.status, 'completed_external');
  assert.equal(stored.body.completedBy, 'manual');
  await page.close();
  assert.deepEqual(errors, []);
});

test('screenshots at 1280×800 and 375×667: no overflow, no console errors', async () => {
  for (const [size, viewport] of Object.entries(VIEWPORTS)) {
    // The invalid save below answers 422 on purpose (the form again, with its messages).
    const { page, errors } = await newPage(viewport, [/status of 422/]);
    await page.goto(`${w.url}/dashboard/sign-in`);
    await noHorizontalOverflow(page, `sign-in ${size}`);
    await shoot(page, `dashboard-sign-in-${size}`, { fullPage: true });

    await page.locator('#adminKey').fill(b.adminKey);
    await Promise.all([page.waitForURL(`${w.url}/dashboard`), page.locator('button', { hasText: 'Sign in' }).click()]);
    await noHorizontalOverflow(page, `pipeline ${size}`);
    await shoot(page, `dashboard-pipeline-${size}`, { fullPage: true });

    await page.goto(`${w.url}/dashboard/handoffs/${bIds['Dorothy Vaughan']}`);
    await noHorizontalOverflow(page, `detail ${size}`);
    await shoot(page, `dashboard-detail-${size}`, { fullPage: true });

    await page.goto(`${w.url}/dashboard/settings`);
    await page.locator('#externalBookingEmbedMode').selectOption('iframe');
    assert.equal(await page.locator('#iframe-warning').isVisible(), true, 'the iframe warning follows the choice');
    await noHorizontalOverflow(page, `settings ${size}`);
    await shoot(page, `dashboard-settings-${size}`, { fullPage: true });

    // Validation in place: the message sits next to its field and the input is kept.
    await page.locator('#externalBookingUrl').fill('http://not-secure.example/book');
    await page.locator('#contactEmail').fill('not-an-email');
    await Promise.all([page.waitForLoadState('load'), page.locator('button', { hasText: 'Save settings' }).click()]);
    assert.equal(await page.locator('#externalBookingUrl-error').innerText(), 'Booking links must use https://.');
    assert.equal(await page.locator('#contactEmail-error').innerText(), 'Please enter a valid email address, like name@example.com.');
    assert.equal(await page.locator('#externalBookingUrl').inputValue(), 'http://not-secure.example/book');
    await noHorizontalOverflow(page, `settings errors ${size}`);
    if (size === 'desktop') await shoot(page, 'dashboard-settings-errors-desktop', { fullPage: true });
    await page.close();
    assert.deepEqual(errors, [], size);
  }
});

test('external mode without a URL: the admin sees the red banner (screenshot)', async () => {
  const c = await w.createClient({ slug: 'no-url-spa', name: 'No URL Spa', allowedOrigins: [SITE_B], bookingMode: 'external', externalBookingUrl: '', contactPhone: '+1 555 010 9999' });
  for (const [size, viewport] of Object.entries(VIEWPORTS)) {
    const { page, errors } = await newPage(viewport);
    await signInThroughTheForm(page, c.adminKey);
    const banner = page.locator('.banner');
    assert.equal(await banner.isVisible(), true);
    assert.match(await banner.innerText(), /Online booking is off for your visitors/);
    await noHorizontalOverflow(page, `banner ${size}`);
    await shoot(page, `dashboard-banner-${size}`);
    await Promise.all([page.waitForURL(/\/dashboard\/settings/), banner.locator('a').click()]);
    assert.equal(await page.locator('.banner').isVisible(), true, 'on settings too');
    await page.close();
    assert.deepEqual(errors, [], size);
  }
});
