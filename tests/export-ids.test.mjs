// The CSV export's ids read exactly as the API's: ids are data, never neutralised as formulas
// (only cells that can carry someone else's words are), and new ids never start with `-` or
// `_` at all. Against the real worker in workerd with a local D1.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWorker, spaClient, SITE, ADA } from './helpers/worker.mjs';
import { signIn, get, insertHandoffs } from './helpers/dashboard.mjs';

let w;
let spa;
before(async () => {
  w = await startWorker();
  spa = await w.createClient(spaClient());
});
after(() => w?.dispose());

test("every exported id equals the API's, including ids that start with - or _", async () => {
  // Ids of earlier versions could start with - or _ (a 2 in 64 chance each).
  await insertHandoffs(w, spa.clientId, [
    { id: '-AAAAAAAAAAAAAAAAAAAAA', createdAt: Date.now() - 3000, customerName: '=HYPERLINK("http://evil.example")' },
    { id: '_AAAAAAAAAAAAAAAAAAAAA', createdAt: Date.now() - 2000, customerName: '+1 555 0100' },
  ]);
  for (let i = 0; i < 40; i += 1) {
    const res = await w.json('/api/v1/handoffs?client=seaside-spa', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: SITE, 'cf-connecting-ip': `203.0.113.${i}` },
      body: JSON.stringify(ADA),
    });
    assert.equal(res.status, 201);
    assert.match(res.body.id, /^[A-Za-f]/, `a new id starts with a letter: ${res.body.id}`);
  }
  const api = (await w.admin(spa.adminKey, '/api/v1/admin/handoffs?limit=100')).body.handoffs.map((h) => h.id).sort();
  assert.equal(api.length, 42);
  const session = await signIn(w, spa.adminKey);
  const csv = (await get(w, session, '/dashboard/export.csv')).body.replace(/^\ufeff/, '');
  const rows = csv.trim().split('\r\n').slice(1);
  const exported = rows.map((r) => r.split(',')[0]).sort();
  assert.deepEqual(exported, api);
  // Visitor text is still neutralised.
  assert.ok(csv.includes(`-AAAAAAAAAAAAAAAAAAAAA,`), 'the id as is');
  assert.ok(csv.includes(`"'=HYPERLINK(""http://evil.example"")"`), 'a formula in a name is neutralised');
  assert.ok(csv.includes(`'+1 555 0100`));
});
