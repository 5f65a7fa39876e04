// Lead forwarding against a local receiver that verifies every delivery the
// Standard Webhooks way, independently (node:crypto): the first attempt after a capture runs
// after the visitor's response, redirects and completions are delivered by the every-minute
// cron, failures are retried on the schedule with the same webhook-id, then given up and
// retried by hand from the dashboard; another client's outbox is never touched.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { startWorker, spaClient, SITE, OTHER_SITE, ADA } from './helpers/worker.mjs';
import { signIn, get, post } from './helpers/dashboard.mjs';

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
let w, receiver, spa, physio;
const received = []; // verified deliveries: { id, timestamp, body }
let answer = () => 204; // what the receiver answers next (a status, or a promise of one)

/** Verifies a delivery as a Standard Webhooks receiver library does. */
function verify(headers, raw) {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = String(headers['webhook-signature'] ?? '').split(' ');
  const key = Buffer.from(SECRET.slice('whsec_'.length), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${raw}`).digest();
  const ok = signatures.some((s) => {
    const [version, sig] = s.split(',');
    const given = Buffer.from(sig ?? '', 'base64');
    return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
  });
  return ok && /^msg_[0-9a-f]{32}$/.test(id) && /^\d{10}$/.test(timestamp);
}
const rejected = []; // deliveries that failed verification (must stay empty)

before(async () => {
  receiver = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      if (!verify(req.headers, raw) || req.headers['content-type'] !== 'application/json') {
        rejected.push(req.headers);
        res.writeHead(400);
        res.end();
        return;
      }
      received.push({ id: req.headers['webhook-id'], timestamp: Number(req.headers['webhook-timestamp']), body: JSON.parse(raw) });
      res.writeHead(await answer());
      res.end();
    });
  });
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
  w = await startWorker({ port: 0 });
  spa = await w.createClient(spaClient());
  physio = await w.createClient(spaClient({ slug: 'harbor-physio', name: 'Harbor Physio', allowedOrigins: [OTHER_SITE] }));
  const current = (await w.admin(spa.adminKey, '/api/v1/admin/settings')).body;
  const res = await w.json('/api/v1/admin/settings', {
    method: 'PUT',
    headers: { authorization: `Bearer ${spa.adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ...current, forwardEnabled: true, forwardUrl: `http://127.0.0.1:${receiver.address().port}/hook`, forwardSecret: SECRET }),
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.forwardSecretSet, true);
  assert.ok(!JSON.stringify(res.body).includes(SECRET), 'the secret is never returned');
});

after(async () => {
  assert.deepEqual(rejected, [], 'every delivery carried a valid Standard Webhooks signature');
  await w?.dispose();
  await new Promise((r) => receiver?.close(r));
});

const cron = async (at = Date.now()) => (await w.mf.getWorker()).scheduled({ cron: '* * * * *', scheduledTime: new Date(at) });
const outbox = async (client) => (await w.db.prepare('SELECT * FROM forward_deliveries WHERE client_id = ?1 ORDER BY occurred_at, id').bind(client.clientId).all()).results;
async function until(check, what) {
  for (let i = 0; i < 100; i++) {
    const value = await check();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`timed out waiting for ${what}`);
}

test('a capture is forwarded right after the visitor is answered; redirect and completion by the cron', async () => {
  const captured = await w.capture('seaside-spa', ADA, { origin: SITE });
  assert.equal(captured.status, 201);
  const id = captured.body.id;
  const created = await until(() => received.find((r) => r.body.data.id === id), 'handoff.created');
  assert.equal(created.body.type, 'handoff.created');
  assert.equal(created.body.data.customerName, 'Ada Lovelace');
  assert.equal(created.body.data.customerEmail, 'ada@example.com');
  assert.equal(created.body.data.status, 'new');
  assert.equal(created.body.data.providerName, 'Calendly');
  assert.ok(Math.abs(created.timestamp - Date.now() / 1000) < 60, 'signed at the time of sending');

  assert.equal((await w.fetch(`/r/${id}`)).status, 302);
  const complete = await w.json(`/api/v1/admin/handoffs/${id}/complete`, { method: 'POST', headers: { authorization: `Bearer ${spa.adminKey}` } });
  assert.equal(complete.status, 200);
  const before = received.length;
  await cron();
  const events = received.slice(before).filter((r) => r.body.data.id === id).map((r) => r.body.type);
  assert.deepEqual(events.sort(), ['handoff.completed', 'handoff.redirected']);
  const rows = (await outbox(spa)).filter((r) => r.handoff_id === id);
  assert.deepEqual(rows.map((r) => [r.event_type, r.status, r.attempts, r.last_status]).sort(), [
    ['handoff.completed', 'delivered', 1, 204],
    ['handoff.created', 'delivered', 1, 204],
    ['handoff.redirected', 'delivered', 1, 204],
  ]);
  // A second click is not a second redirect event.
  await w.fetch(`/r/${id}`);
  assert.equal((await outbox(spa)).filter((r) => r.handoff_id === id).length, 3);
});

test('the visitor never waits for the receiver', async () => {
  let release;
  const held = new Promise((r) => { release = r; });
  answer = () => held.then(() => 204);
  try {
    // The receiver holds its answer until after the capture has been answered: if the
    // capture waited for the delivery, this would never return.
    const captured = await w.capture('seaside-spa', { ...ADA, customerName: 'Held Visitor' }, { origin: SITE });
    assert.equal(captured.status, 201);
    await until(() => received.find((r) => r.body.data.id === captured.body.id), 'the held delivery to arrive');
  } finally {
    release();
    answer = () => 204;
  }
});

test('failures retry on the schedule with the same webhook-id, give up, and can be retried from the dashboard', async () => {
  answer = () => 503;
  const captured = await w.capture('seaside-spa', { ...ADA, customerName: 'Retry Visitor' }, { origin: SITE });
  const id = captured.body.id;
  const row = await until(async () => (await outbox(spa)).find((r) => r.handoff_id === id && r.attempts === 1), 'the first failed attempt');
  assert.equal(row.status, 'pending');
  assert.equal(row.last_status, 503);
  assert.match(row.last_error, /HTTP 503/);
  assert.ok(row.next_attempt_at - row.last_attempt_at >= 5000, 'the next attempt waits 5 s');

  // Not due yet: nothing is sent.
  const seen = received.filter((r) => r.body.data.id === id).length;
  await cron(row.last_attempt_at + 1000);
  assert.equal(received.filter((r) => r.body.data.id === id).length, seen);
  // Due: sent again, same id; then every later step until the schedule runs out.
  let at = row.next_attempt_at;
  let sentAt;
  for (let attempt = 2; attempt <= 8; attempt++) {
    sentAt = at;
    await cron(at);
    const r = (await outbox(spa)).find((x) => x.handoff_id === id);
    assert.equal(r.attempts, attempt);
    at = r.next_attempt_at;
    if (attempt < 8) assert.equal(r.status, 'pending', `attempt ${attempt}`);
  }
  const tries = received.filter((r) => r.body.data.id === id);
  assert.equal(tries.at(-1).timestamp, Math.floor(sentAt / 1000), 'signed when sent');
  const ids = new Set(tries.map((r) => r.id));
  assert.equal(ids.size, 1, 'every retry carries the same webhook-id, so receivers can deduplicate');
  assert.equal(received.filter((r) => r.body.data.id === id).length, 8);
  const given = (await outbox(spa)).find((x) => x.handoff_id === id);
  assert.equal(given.status, 'failed');

  // The dashboard shows it, and a retry queues it again.
  answer = () => 200;
  const session = await signIn(w, spa.adminKey);
  const page = await get(w, session, '/dashboard/deliveries');
  assert.equal(page.status, 200);
  assert.match(page.body, /Gave up/);
  assert.match(page.body, /HTTP 503/);
  const retried = await post(w, session, `/dashboard/deliveries/${given.id}/retry`);
  assert.equal(retried.status, 303);
  assert.match(retried.location, /notice=retrying/);
  await cron(Date.now() + 1000);
  assert.equal((await outbox(spa)).find((x) => x.handoff_id === id).status, 'delivered');
});

test("another client's outbox is neither filled, shown nor retryable", async () => {
  const res = await w.capture('harbor-physio', ADA, { origin: OTHER_SITE });
  assert.equal(res.status, 201);
  assert.deepEqual(await outbox(physio), [], 'forwarding off: nothing queued');
  // Put a failed delivery in the other client's outbox and try to reach it as spa.
  await w.db.prepare("INSERT INTO forward_deliveries (id, client_id, handoff_id, event_type, occurred_at, status, attempts, next_attempt_at) VALUES ('msg_other', ?1, ?2, 'handoff.created', 1, 'failed', 8, 1)").bind(physio.clientId, res.body.id).run();
  const session = await signIn(w, spa.adminKey);
  const page = await get(w, session, '/dashboard/deliveries');
  assert.ok(!page.body.includes('msg_other') && !page.body.includes(res.body.id));
  const retried = await post(w, session, '/dashboard/deliveries/msg_other/retry');
  assert.match(retried.location, /notice=not-failed/);
  assert.equal((await w.db.prepare("SELECT status FROM forward_deliveries WHERE id = 'msg_other'").first()).status, 'failed');
});

test('settings: forwarding needs a URL and a whsec_ secret; the page offers one and never shows a stored one', async () => {
  const c = await w.createClient(spaClient({ slug: 'fwd-settings' }));
  const current = (await w.admin(c.adminKey, '/api/v1/admin/settings')).body;
  const put = (extra) => w.json('/api/v1/admin/settings', {
    method: 'PUT',
    headers: { authorization: `Bearer ${c.adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ...current, ...extra }),
  });
  let res = await put({ forwardEnabled: true });
  assert.equal(res.status, 422);
  assert.ok(res.body.fields.forwardUrl && res.body.fields.forwardSecret, JSON.stringify(res.body));
  res = await put({ forwardEnabled: true, forwardUrl: 'https://crm.example/hook', forwardSecret: 'hunter2' });
  assert.equal(res.status, 422);
  assert.match(res.body.fields.forwardSecret, /whsec_/);
  res = await put({ forwardEnabled: true, forwardUrl: 'http://crm.example/hook', forwardSecret: SECRET });
  assert.match(res.body.fields.forwardUrl, /https/);
  const session = await signIn(w, c.adminKey);
  const page = await get(w, session, '/dashboard/settings');
  const offered = page.body.match(/name="forwardSecret" type="text" value="(whsec_[^"]+)"/)?.[1];
  assert.ok(offered, 'a fresh secret is offered');
  res = await put({ forwardEnabled: true, forwardUrl: 'https://crm.example/hook', forwardSecret: offered });
  assert.equal(res.status, 200);
  const again = await get(w, session, '/dashboard/settings');
  assert.ok(!again.body.includes(offered), 'a stored secret is never shown');
  assert.match(again.body, /A secret is stored/);
});
