// Secrets and privacy audit. `scripts/test.sh` runs it after every other file: under `npm test` every
// worker of the suite kept its local D1 files and its runtime output in HANDOFF_TEST_DATA,
// and this greps all of it, byte for byte, for raw visitor IPs, card numbers, webhook
// secrets, raw admin keys and the worker's own secrets. It also drives one complete flow of
// its own with unique values (so it audits something real when run alone) and checks every
// page and API response of that flow, and that the stored IP hash changes with the salt.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { startWorker, spaClient, SITE, ADA } from './helpers/worker.mjs';
import { signIn, get } from './helpers/dashboard.mjs';

const hex = (n) => randomBytes(n).toString('hex');
const SECRETS = {
  IP_SALT: `salt-${hex(12)}`,
  SESSION_KEY: `session-${hex(12)}`,
  SECRETS_KEY: `secrets-${hex(12)}`,
};
const VISITOR_IP = '203.0.113.201';
const CARD = '4111 1111 1111 1111';
const AMEX = '3782-822463-10005';
const WEBHOOK_SECRET = `whsec_audit_${hex(16)}`;

let w;
const responses = []; // [what, body] of every response in the flow but the one-time key reveal
let client;

/** Every regular file under `dir`. */
function filesUnder(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? filesUnder(p) : e.isFile() ? [p] : [];
  });
}

/** Card numbers as the suite writes them: plain, spaced or dashed digits. */
const cardPattern = (digits) => new RegExp(digits.split('').join('[ -]?'));
const TEST_CARDS = ['4111111111111111', '4242424242424242', '5555555555554444', '378282246310005', '4000056655665556'].map(cardPattern);
// The documentation IP ranges tests send as the visitor's address (RFC 5737, RFC 2544).
const TEST_IPS = /\b(?:203\.0\.113|198\.51\.100|192\.0\.2|198\.1[89]\.\d{1,3})\.\d{1,3}\b/;
const RAW_ADMIN_KEY = /hok_[A-Za-z0-9_-]{43}/;
const RAW_WEBHOOK_SECRET = /whsec_[A-Za-z0-9_]+/;

/** Findings of `patterns` (name → RegExp | string) in `text`, labelled with `where`. */
function findings(where, text, patterns) {
  const out = [];
  for (const [name, p] of Object.entries(patterns)) {
    const hit = typeof p === 'string' ? text.includes(p) : p.test(text);
    if (hit) out.push(`${name} in ${where}`);
  }
  return out;
}

before(async () => {
  w = await startWorker({ persist: true, bindings: SECRETS });
  const created = await w.createClient(spaClient({ slug: 'audit-spa' }));
  client = created;
  const put = await w.json('/api/v1/admin/settings', {
    method: 'PUT',
    headers: { authorization: `Bearer ${created.adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      ...(await w.admin(created.adminKey, '/api/v1/admin/settings')).body,
      externalBookingWebhookEnabled: true,
      externalBookingWebhookProvider: 'generic',
      externalBookingWebhookSecret: WEBHOOK_SECRET,
    }),
  });
  assert.equal(put.status, 200);
  responses.push(['settings PUT', JSON.stringify(put.body)]);
  const visitor = { 'cf-connecting-ip': VISITOR_IP, 'x-forwarded-for': VISITOR_IP, 'x-real-ip': VISITOR_IP };

  // Captures carrying card numbers where a visitor might type them, from the raw IP.
  const ok = await w.capture('audit-spa', { ...ADA, notes: `my card is ${CARD}, amex ${AMEX}`, preferredDateTimeText: `Friday, card ${CARD}` }, { origin: SITE, headers: visitor });
  assert.equal(ok.status, 201, JSON.stringify(ok.body));
  responses.push(['capture', JSON.stringify(ok.body)]);
  const refused = await w.capture('audit-spa', { ...ADA, customerPhone: CARD.replaceAll(' ', '') }, { origin: SITE, headers: visitor });
  assert.equal(refused.status, 422);
  responses.push(['refused capture', JSON.stringify(refused.body)]);
  const hosted = await w.fetch('/b/audit-spa', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...visitor },
    body: new URLSearchParams({ customerName: 'Grace Hopper', customerEmail: 'grace@example.com', notes: `card ${CARD}`, customerPhone: CARD }).toString(),
  });
  responses.push(['hosted POST', await hosted.text()]);
  const click = await w.fetch(`/r/${ok.body.id}`, { headers: visitor });
  assert.equal(click.status, 302);

  // A verified completion webhook and an unmatched one, signed with the secret.
  for (const body of [JSON.stringify({ id: `evt_${hex(4)}`, type: 'booking.completed', tca_ref: ok.body.id }), JSON.stringify({ id: `evt_${hex(4)}`, type: 'booking.completed', customer: { note: CARD } })]) {
    const t = Math.floor(Date.now() / 1000);
    const res = await w.fetch('/api/webhooks/external-booking/generic?client=audit-spa', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'Handoff-Signature': `t=${t},v1=${createHmac('sha256', WEBHOOK_SECRET).update(`${t}.${body}`).digest('hex')}`, ...visitor },
      body,
    });
    assert.equal(res.status, 200);
    responses.push(['webhook', await res.text()]);
  }
  // A forged one and a wrong sign-in (failures get logged: their logs are audited too).
  await w.fetch('/api/webhooks/external-booking/generic?client=audit-spa', { method: 'POST', headers: { 'content-type': 'application/json', 'Handoff-Signature': 't=1,v1=00' }, body: '{}' });
  const wrong = await signIn(w, `hok_${'x'.repeat(43)}`, { ip: VISITOR_IP });
  responses.push(['wrong sign-in', wrong.html]);

  // Every page and API answer an admin sees.
  const session = await signIn(w, created.adminKey, { ip: VISITOR_IP });
  for (const path of ['/dashboard', `/dashboard/handoffs/${ok.body.id}`, '/dashboard/settings', '/dashboard/export.csv', '/dashboard/webhook-events']) {
    const page = await get(w, session, path);
    assert.equal(page.status, 200, path);
    responses.push([path, page.body]);
  }
  for (const path of ['/api/v1/admin/handoffs', `/api/v1/admin/handoffs/${ok.body.id}`, '/api/v1/admin/settings', '/api/v1/admin/webhook-events', '/api/v1/widget-config?client=audit-spa']) {
    responses.push([path, JSON.stringify((await w.admin(created.adminKey, path)).body)]);
  }
});
after(() => w?.dispose());

test("this flow's D1 files, runtime output and every response hold no raw IP, card number, secret or raw key", async () => {
  const done = w;
  w = null;
  const secretPatterns = {
    'raw visitor IP': VISITOR_IP,
    'card number': cardPattern(CARD.replaceAll(' ', '')),
    'amex number': cardPattern(AMEX.replaceAll('-', '')),
    'webhook secret': WEBHOOK_SECRET,
    IP_SALT: SECRETS.IP_SALT,
    SESSION_KEY: SECRETS.SESSION_KEY,
    SECRETS_KEY: SECRETS.SECRETS_KEY,
    OPERATOR_TOKEN: done.operatorToken,
    'raw admin key': client.adminKey,
  };
  await done.dispose(); // flush D1 to disk
  const d1Files = filesUnder(done.dataDir).filter((f) => !f.endsWith('secrets.json'));
  assert.ok(d1Files.some((f) => f.endsWith('.sqlite')), 'the D1 file is there to audit');
  const problems = [];
  for (const f of d1Files) problems.push(...findings(f, readFileSync(f).toString('latin1'), secretPatterns));
  problems.push(...findings('runtime output', done.logs.join(''), secretPatterns));
  for (const [what, body] of responses) problems.push(...findings(`response: ${what}`, body, secretPatterns));
  assert.deepEqual(problems, []);
  // The stored data is still useful: the visitor's rows exist, with redaction markers.
  assert.ok(responses.find(([what]) => what === '/dashboard/export.csv')[1].includes('[redacted card number]'));
});

test('the stored IP hash is HMAC-SHA256 under the salt, and changes with the salt', async () => {
  const hashes = [];
  for (const salt of [`salt-a-${hex(8)}`, `salt-b-${hex(8)}`]) {
    const x = await startWorker({ bindings: { IP_SALT: salt } });
    try {
      await x.createClient(spaClient());
      const res = await x.capture('seaside-spa', ADA, { origin: SITE, headers: { 'cf-connecting-ip': VISITOR_IP } });
      assert.equal(res.status, 201);
      const row = await x.db.prepare('SELECT ip_hash FROM booking_handoffs WHERE id = ?1').bind(res.body.id).first();
      assert.equal(row.ip_hash, createHmac('sha256', salt).update(VISITOR_IP).digest('hex'));
      hashes.push(row.ip_hash);
    } finally {
      await x.dispose();
    }
  }
  assert.notEqual(hashes[0], hashes[1], 'another salt, another hash: a leaked table cannot be joined across deployments');
});

test('everything the whole suite left behind (D1 files and runtime output) holds no raw IP, test card, webhook secret, raw admin key or worker secret', (t) => {
  const base = process.env.HANDOFF_TEST_DATA;
  if (!base) {
    t.skip('HANDOFF_TEST_DATA is not set: run through `npm test` to audit the whole suite');
    return;
  }
  const workers = readdirSync(base).filter((d) => d.startsWith('worker-'));
  assert.ok(workers.length >= 10, `the suite's workers kept their data (${workers.length})`);
  const problems = [];
  let bytes = 0;
  for (const dir of workers) {
    const secrets = JSON.parse(readFileSync(join(base, dir, 'secrets.json'), 'utf8'));
    const patterns = {
      'raw test IP': TEST_IPS,
      'raw admin key': RAW_ADMIN_KEY,
      'raw webhook secret': RAW_WEBHOOK_SECRET,
      ...Object.fromEntries(TEST_CARDS.map((p, i) => [`test card #${i + 1}`, p])),
      ...Object.fromEntries(['OPERATOR_TOKEN', 'IP_SALT', 'SESSION_KEY', 'SECRETS_KEY'].filter((k) => secrets[k]).map((k) => [k, secrets[k]])),
    };
    for (const f of filesUnder(join(base, dir)).filter((f) => !f.endsWith('secrets.json'))) {
      if (statSync(f).size === 0) continue;
      const text = readFileSync(f).toString('latin1');
      bytes += text.length;
      problems.push(...findings(`${dir}/${f.slice(join(base, dir).length + 1)}`, text, patterns));
    }
  }
  console.log(`[audit] ${workers.length} workers, ${(bytes / 1e6).toFixed(1)} MB of D1 files and runtime output scanned, ${problems.length} findings`);
  assert.deepEqual(problems, []);
});
