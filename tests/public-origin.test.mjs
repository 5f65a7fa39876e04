// Absolute links come from the configured PUBLIC_ORIGIN, never from the request's Host: a
// request that reaches the worker with a forged host still gets links to our own origin.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWorker, spaClient, SITE, ADA } from './helpers/worker.mjs';

const PUBLIC = 'https://book.example';
const FORGED = 'http://evil.example';
let w;
before(async () => {
  w = await startWorker({ bindings: { PUBLIC_ORIGIN: PUBLIC } });
  await w.createClient(spaClient());
});
after(() => w?.dispose());

test('the dashboard sends a signed-out visitor to our sign-in page, not the forged host', async () => {
  const res = await w.fetch(`${FORGED}/dashboard/settings`);
  assert.equal(res.status, 303);
  const location = new URL(res.headers.get('location'));
  assert.equal(location.origin, PUBLIC);
  assert.equal(location.pathname, '/dashboard/sign-in');
});

test("a capture's continue link and the hosted page link point at our origin", async () => {
  const res = await w.json(`${FORGED}/api/v1/handoffs?client=seaside-spa`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: SITE, 'cf-connecting-ip': '203.0.113.9' },
    body: JSON.stringify(ADA),
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.equal(res.body.continueUrl, `${PUBLIC}/r/${res.body.id}`);
  const config = await w.json(`${FORGED}/api/v1/widget-config?client=seaside-spa`, { headers: { origin: SITE } });
  assert.equal(config.status, 200);
  assert.ok(config.body.hostedPageUrl.startsWith(`${PUBLIC}/b/seaside-spa`), config.body.hostedPageUrl);
  assert.ok(!JSON.stringify(config.body).includes('evil.example'));
});

test('a PUBLIC_ORIGIN that is not a bare origin is a friendly 503, never a link elsewhere', async () => {
  const bad = await startWorker({ bindings: { PUBLIC_ORIGIN: 'https://book.example/some/path' } });
  try {
    const res = await bad.json('/api/v1/widget-config?client=seaside-spa');
    assert.equal(res.status, 503);
    assert.equal(res.body.error, 'unavailable');
    assert.ok(bad.logs.join('').includes('unconfigured: PUBLIC_ORIGIN'), 'the reason is in the log');
  } finally {
    await bad.dispose();
  }
});
