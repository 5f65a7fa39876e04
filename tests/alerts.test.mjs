// Lead alerts by email: each new lead becomes one message per address through the real
// Email Service binding as miniflare simulates it (each message written to a file whose path
// the runtime prints), queued in the same write as the handoff and sent after the visitor is
// answered; listed in Deliveries; never another client's lead.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startWorker, spaClient, SITE, OTHER_SITE, ADA } from './helpers/worker.mjs';
import { signIn, get } from './helpers/dashboard.mjs';

const PUBLIC = 'https://book.example';
let w;
let spa;
let physio;
before(async () => {
  w = await startWorker({ bindings: { PUBLIC_ORIGIN: PUBLIC } });
  spa = await w.createClient(spaClient());
  physio = await w.createClient(spaClient({ slug: 'harbor-physio', name: 'Harbor Physio', allowedOrigins: [OTHER_SITE] }));
});
after(() => w?.dispose());

const putSettings = async (client, changes) => {
  const current = (await w.admin(client.adminKey, '/api/v1/admin/settings')).body;
  const res = await w.json('/api/v1/admin/settings', {
    method: 'PUT',
    headers: { authorization: `Bearer ${client.adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ...current, ...changes }),
  });
  return res;
};
const capture = (slug, origin, lead) =>
  w.json(`${PUBLIC}/api/v1/handoffs?client=${slug}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin, 'cf-connecting-ip': `203.0.113.${Math.floor(Math.random() * 250)}` },
    body: JSON.stringify(lead),
  });
/** The messages miniflare wrote since `from` (an index into the runtime's output). */
const mails = (from = 0) => {
  const out = w.logs.slice(from).join('');
  const texts = [...out.matchAll(/Text: (\S+\.txt)/g)].map((m) => readFileSync(m[1], 'utf8'));
  const htmls = [...out.matchAll(/HTML: (\S+\.html)/g)].map((m) => readFileSync(m[1], 'utf8'));
  return { texts, htmls };
};
const settle = async (predicate) => {
  for (let i = 0; i < 100; i += 1) {
    if (await predicate()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
};

test('the alert settings are validated and default to off', async () => {
  const s = (await w.admin(spa.adminKey, '/api/v1/admin/settings')).body;
  assert.deepEqual(s.alertEmails, []);
  assert.equal(s.alertOn, 'off');
  const bad = await putSettings(spa, { alertEmails: ['owner@spa.example', 'not-an-email'] });
  assert.equal(bad.status, 422);
  assert.match(bad.body.fields.alertEmails, /email/i);
  const many = await putSettings(spa, { alertEmails: ['a@x.example', 'b@x.example', 'c@x.example', 'd@x.example', 'e@x.example', 'f@x.example'] });
  assert.equal(many.body.fields.alertEmails, 'Please list at most 5 addresses.');
  const mode = await putSettings(spa, { alertEmails: ['owner@spa.example'], alertOn: 'hourly' });
  assert.equal(mode.body.fields.alertOn, 'Choose each_lead or off.');
  const ok = await putSettings(spa, { alertEmails: ['Owner@Spa.example', 'frontdesk@spa.example'], alertOn: null });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.deepEqual(ok.body.alertEmails, ['owner@spa.example', 'frontdesk@spa.example']);
  assert.equal(ok.body.alertOn, 'each_lead', 'an address given means each lead');
});

test('a lead becomes one email per address, after the visitor is answered, with the honest status', async () => {
  const mark = w.logs.length;
  const res = await capture('seaside-spa', SITE, { ...ADA, customerName: 'Ada <b>Lovelace</b>', attribution: { utmSource: 'newsletter', utmCampaign: 'spring', landingPage: '/offers' } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  await settle(async () => mails(mark).texts.length >= 2);
  const { texts, htmls } = mails(mark);
  assert.equal(texts.length, 2, 'one message per address');
  const text = texts[0];
  assert.match(text, /A visitor asked to book with Seaside Day Spa\./);
  assert.match(text, /Name: Ada <b>Lovelace<\/b>/);
  assert.match(text, /Service: Massage/);
  assert.match(text, /Campaign: newsletter \/ spring/);
  assert.match(text, /Landing page: \/offers/);
  assert.match(text, /Status: Sent to Calendly to book; not confirmed\./);
  assert.ok(text.includes(`Open it in your dashboard: ${PUBLIC}/dashboard/handoffs/${res.body.id}`));
  assert.ok(htmls[0].includes('Ada &lt;b&gt;Lovelace&lt;/b&gt;'), 'escaped in the HTML part');
  assert.ok(!htmls[0].includes('<b>Lovelace'));
  const rows = (await w.db.prepare("SELECT recipient, status, attempts FROM forward_deliveries WHERE channel = 'email' AND handoff_id = ?1 ORDER BY recipient").bind(res.body.id).all()).results;
  assert.deepEqual(rows, [
    { recipient: 'frontdesk@spa.example', status: 'delivered', attempts: 1 },
    { recipient: 'owner@spa.example', status: 'delivered', attempts: 1 },
  ]);
});

test("Deliveries lists each alert; another client's lead never reaches this client's inbox", async () => {
  // Both clients alert; each lead goes only to its own client's addresses.
  const ok = await putSettings(physio, { alertEmails: ['desk@harbor-physio.example'], alertOn: 'each_lead' });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  const mark = w.logs.length;
  const theirs = await capture('harbor-physio', OTHER_SITE, { ...ADA, customerName: 'Physio Visitor' });
  assert.equal(theirs.status, 201);
  await settle(async () => mails(mark).texts.length >= 1);
  const { texts } = mails(mark);
  assert.equal(texts.length, 1, "one message, to harbor-physio's one address");
  assert.match(texts[0], /A visitor asked to book with Harbor Physio\./);
  const rows = (await w.db.prepare("SELECT client_id, recipient FROM forward_deliveries WHERE channel = 'email' AND handoff_id = ?1").bind(theirs.body.id).all()).results;
  assert.deepEqual(rows, [{ client_id: physio.clientId, recipient: 'desk@harbor-physio.example' }]);
  const spaRows = (await w.db.prepare("SELECT COUNT(*) AS n FROM forward_deliveries d JOIN booking_handoffs h ON h.id = d.handoff_id WHERE d.client_id = ?1 AND h.customer_name = 'Physio Visitor'").bind(spa.clientId).first()).n;
  assert.equal(spaRows, 0, "seaside-spa's outbox holds nothing of harbor-physio's lead");
  const session = await signIn(w, spa.adminKey, { headers: { origin: PUBLIC } });
  const page = await get(w, session, `${PUBLIC}/dashboard/deliveries`);
  assert.equal(page.status, 200);
  assert.match(page.body, /Email alert<br><span class="muted break">owner@spa.example<\/span>/);
  assert.match(page.body, /Accepted by the email service/);
  assert.doesNotMatch(page.body, /Physio Visitor/);
});

test('alerts turned off: nothing is queued', async () => {
  await putSettings(spa, { alertOn: 'off' });
  const before = (await w.db.prepare("SELECT COUNT(*) AS n FROM forward_deliveries WHERE channel = 'email'").first()).n;
  const res = await capture('seaside-spa', SITE, ADA);
  assert.equal(res.status, 201);
  assert.equal((await w.db.prepare("SELECT COUNT(*) AS n FROM forward_deliveries WHERE channel = 'email'").first()).n, before);
});

test('"Send test alert" sends a marked test to every saved address at once', async () => {
  await putSettings(spa, { alertEmails: ['owner@spa.example', 'frontdesk@spa.example'], alertOn: 'each_lead' });
  const session = await signIn(w, spa.adminKey, { headers: { origin: PUBLIC } });
  const mark = w.logs.length;
  const res = await w.fetch(`${PUBLIC}/dashboard/settings/alerts/test`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin', cookie: session.cookie },
    body: new URLSearchParams({ csrf: session.csrf }).toString(),
  });
  assert.equal(res.status, 303);
  assert.match(res.headers.get('location'), /\/dashboard\/settings\?alert_test=sent#alerts$/);
  const { texts } = mails(mark);
  assert.equal(texts.length, 2);
  assert.match(texts[0], /^This is a test of your lead alerts: nobody asked to book\./);
  assert.equal((await w.db.prepare("SELECT COUNT(*) AS n FROM booking_handoffs WHERE customer_name = 'Test Visitor'").first()).n, 0, 'no handoff is made');
  const page = await get(w, session, `${PUBLIC}/dashboard/settings?alert_test=sent`);
  assert.match(page.body, /Test alert sent to every address/);
  const forged = await w.fetch(`${PUBLIC}/dashboard/settings/alerts/test`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'cross-site', cookie: session.cookie },
    body: new URLSearchParams({ csrf: session.csrf }).toString(),
  });
  assert.equal(forged.status, 403, 'another site cannot make us send mail');
  await putSettings(spa, { alertEmails: [] });
  const none = await w.fetch(`${PUBLIC}/dashboard/settings/alerts/test`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin', cookie: session.cookie },
    body: new URLSearchParams({ csrf: session.csrf }).toString(),
  });
  assert.match(none.headers.get('location'), /alert_test=none/);
});
