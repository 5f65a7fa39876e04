// The scheduled abandonment sweep (worker/src/scheduled.rs), run by workerd's real scheduled
// handler (miniflare's `getWorker().scheduled()`), over handoffs of chosen ages written straight
// into D1: `new` ones go after ABANDON_NEW_AFTER_HOURS, `redirected` ones after
// ABANDON_REDIRECTED_AFTER_DAYS but only where the client's webhook is on, and nothing else
// moves — completed handoffs least of all, even one completed just before the sweep.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startWorker, spaClient } from './helpers/worker.mjs';
import { handoffId, DAY } from './helpers/dashboard.mjs';

const HOUR = 3_600_000;

/** Inserts one handoff with exactly the timestamps given; returns its id. */
async function insert(w, clientId, { status, createdAt, redirectedAt = null, completedAt = null, completedBy = null, abandonedAt = null, abandonedBy = null }) {
  const id = handoffId();
  await w.db
    .prepare(
      `INSERT INTO booking_handoffs (id, client_id, created_at, customer_name, customer_email, status, redirected_at, redirect_count,
        completed_at, completed_by, abandoned_at, abandoned_by) VALUES (?1, ?2, ?3, 'Sweep Test', 'sweep@example.com', ?4, ?5, ?6, ?7, ?8, ?9, ?10)`,
    )
    .bind(id, clientId, createdAt, status, redirectedAt, redirectedAt ? 1 : 0, completedAt, completedBy, abandonedAt, abandonedBy)
    .run();
  return id;
}

const row = (w, id) => w.db.prepare('SELECT * FROM booking_handoffs WHERE id = ?1').bind(id).first();

/** Runs the real scheduled handler once, as the cron trigger would at `at`. */
async function sweep(w, at) {
  const worker = await w.mf.getWorker();
  const result = await worker.scheduled({ cron: '*/15 * * * *', scheduledTime: new Date(at) });
  assert.equal(result.outcome, 'ok');
}

/** A client, with its webhook on (generic, secret sealed through the settings API) or not. */
async function client(w, slug, webhook) {
  const c = await w.createClient(spaClient({ slug }));
  if (webhook) {
    const current = await w.admin(c.adminKey, '/api/v1/admin/settings');
    const res = await w.json('/api/v1/admin/settings', {
      method: 'PUT',
      headers: { authorization: `Bearer ${c.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...current.body, externalBookingWebhookEnabled: true, externalBookingWebhookProvider: 'generic', externalBookingWebhookSecret: 'whsec_sweep_test' }),
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
  }
  return c;
}

describe('with the default windows (24 h new, 7 days redirected)', () => {
  let w;
  let hook;
  let plain;
  before(async () => {
    w = await startWorker();
    hook = await client(w, 'sweep-hook', true);
    plain = await client(w, 'sweep-plain', false);
  });
  after(async () => {
    await w?.dispose();
  });

  test('exactly the stale ones become abandoned by "scheduled"; the rest stay byte for byte', async () => {
    const now = Date.now();
    const ids = {
      hookNew25h: await insert(w, hook.clientId, { status: 'new', createdAt: now - 25 * HOUR }),
      hookNew1h: await insert(w, hook.clientId, { status: 'new', createdAt: now - HOUR }),
      hookRedirected8d: await insert(w, hook.clientId, { status: 'redirected', createdAt: now - 8 * DAY - HOUR, redirectedAt: now - 8 * DAY }),
      hookRedirected2d: await insert(w, hook.clientId, { status: 'redirected', createdAt: now - 9 * DAY, redirectedAt: now - 2 * DAY }),
      hookCompleted30d: await insert(w, hook.clientId, { status: 'completed_external', createdAt: now - 30 * DAY, redirectedAt: now - 30 * DAY + HOUR, completedAt: now - 29 * DAY, completedBy: 'webhook:generic' }),
      hookAbandonedByHand: await insert(w, hook.clientId, { status: 'abandoned', createdAt: now - 40 * DAY, abandonedAt: now - 39 * DAY, abandonedBy: 'manual' }),
      plainNew25h: await insert(w, plain.clientId, { status: 'new', createdAt: now - 25 * HOUR }),
      plainNew1h: await insert(w, plain.clientId, { status: 'new', createdAt: now - HOUR }),
      plainRedirected8d: await insert(w, plain.clientId, { status: 'redirected', createdAt: now - 8 * DAY - HOUR, redirectedAt: now - 8 * DAY }),
      plainCompleted30d: await insert(w, plain.clientId, { status: 'completed_external', createdAt: now - 30 * DAY, completedAt: now - 29 * DAY, completedBy: 'manual' }),
    };
    const before = {};
    for (const [name, id] of Object.entries(ids)) before[name] = await row(w, id);

    const at = now + 1000;
    await sweep(w, at);

    const abandoned = ['hookNew25h', 'hookRedirected8d', 'plainNew25h'];
    for (const [name, id] of Object.entries(ids)) {
      const after = await row(w, id);
      if (abandoned.includes(name)) {
        assert.equal(after.status, 'abandoned', name);
        assert.equal(after.abandoned_by, 'scheduled', name);
        assert.equal(after.abandoned_at, at, `${name}: abandoned at the scheduled time`);
        assert.deepEqual({ ...after, status: before[name].status, abandoned_at: null, abandoned_by: null }, before[name], `${name}: nothing else changed`);
      } else {
        assert.deepEqual(after, before[name], `${name} untouched`);
      }
    }
    // As the admin API reports it.
    const api = await w.admin(hook.adminKey, `/api/v1/admin/handoffs/${ids.hookRedirected8d}`);
    assert.equal(api.body.status, 'abandoned');
    assert.equal(api.body.abandonedBy, 'scheduled');
    assert.equal(api.body.abandonedAt, new Date(at).toISOString());
    assert.ok(api.body.redirectedAt, 'the redirect is kept');

    // A second sweep finds nothing more to do and changes nothing.
    const snapshot = JSON.stringify((await w.db.prepare('SELECT * FROM booking_handoffs ORDER BY id').all()).results);
    await sweep(w, at + 15 * 60_000);
    assert.equal(JSON.stringify((await w.db.prepare('SELECT * FROM booking_handoffs ORDER BY id').all()).results), snapshot);
  });

  test('a handoff completed right before the sweep is never abandoned (the UPDATE is conditional on status)', async () => {
    const now = Date.now();
    const id = await insert(w, hook.clientId, { status: 'new', createdAt: now - 26 * HOUR });
    const done = await w.json(`/api/v1/admin/handoffs/${id}/complete`, { method: 'POST', headers: { authorization: `Bearer ${hook.adminKey}` } });
    assert.equal(done.status, 200);
    await sweep(w, now + 1000);
    const after = await row(w, id);
    assert.equal(after.status, 'completed_external');
    assert.equal(after.completed_by, 'manual');
    assert.equal(after.abandoned_at, null);
    assert.equal(after.abandoned_by, null);
  });

  test('racing a sweep and a verified completion: the completion always stands', async () => {
    const now = Date.now();
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await insert(w, hook.clientId, { status: 'redirected', createdAt: now - 10 * DAY, redirectedAt: now - 9 * DAY }));
    const complete = (id) => w.json(`/api/v1/admin/handoffs/${id}/complete`, { method: 'POST', headers: { authorization: `Bearer ${hook.adminKey}` } });
    await Promise.all([sweep(w, now), ...ids.map(complete)]);
    for (const id of ids) {
      const after = await row(w, id);
      // Whichever ran first, completed_external is final and a later sweep never touches it.
      assert.equal(after.status, 'completed_external', id);
      assert.equal(after.completed_by, 'manual');
    }
    await sweep(w, now + 1000);
    for (const id of ids) assert.equal((await row(w, id)).status, 'completed_external');
  });

  test('an abandoned handoff still moves on when the visitor comes back', async () => {
    const now = Date.now();
    const id = await insert(w, plain.clientId, { status: 'new', createdAt: now - 30 * HOUR });
    await sweep(w, now);
    assert.equal((await row(w, id)).status, 'abandoned');
    assert.equal((await w.fetch(`/r/${id}`)).status, 302);
    assert.equal((await row(w, id)).status, 'redirected');
  });
});

describe('with ABANDON_NEW_AFTER_HOURS=2 and ABANDON_REDIRECTED_AFTER_DAYS=3', () => {
  test('the vars set the windows', async () => {
    const w = await startWorker({ bindings: { ABANDON_NEW_AFTER_HOURS: '2', ABANDON_REDIRECTED_AFTER_DAYS: '3' } });
    try {
      const hook = await client(w, 'sweep-vars', true);
      const now = Date.now();
      const ids = {
        new3h: await insert(w, hook.clientId, { status: 'new', createdAt: now - 3 * HOUR }),
        new1h: await insert(w, hook.clientId, { status: 'new', createdAt: now - HOUR }),
        redirected4d: await insert(w, hook.clientId, { status: 'redirected', createdAt: now - 5 * DAY, redirectedAt: now - 4 * DAY }),
        redirected2d: await insert(w, hook.clientId, { status: 'redirected', createdAt: now - 5 * DAY, redirectedAt: now - 2 * DAY }),
      };
      await sweep(w, now);
      const statuses = {};
      for (const [name, id] of Object.entries(ids)) statuses[name] = (await row(w, id)).status;
      assert.deepEqual(statuses, { new3h: 'abandoned', new1h: 'new', redirected4d: 'abandoned', redirected2d: 'redirected' });
    } finally {
      await w.dispose();
    }
  });
});
