// Completion tracking against the real built worker in workerd with a real local D1:
// each provider's webhook configured through the real settings paths (so the secret is sealed
// with SECRETS_KEY for real), signed here with node:crypto exactly as the provider signs, over
// the exact raw bytes sent. Calendly, Cal.com and generic events carry the tca_ref back and
// complete the handoff; Acuity and Square cannot, so they become unmatched events that an
// admin links by hand (admin API and dashboard form). Every refusal is checked for its status,
// its one-word outcome AND for leaving D1 exactly as it was.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { startWorker, spaClient, SITE, OTHER_SITE, ADA } from './helpers/worker.mjs';
import { signIn, get, post, handoffId } from './helpers/dashboard.mjs';

// Personal data a provider's payload carries; none of it may be stored from a webhook.
const PII = { email: 'pat.private@mail.example', name: 'Patricia Privatename' };

const PROVIDERS = ['calendly', 'calcom', 'acuity', 'square', 'generic'];

let w;
/** provider → { slug, clientId, adminKey, secret } */
const clients = {};
let other;

const nowSecs = () => Math.floor(Date.now() / 1000);
const hmac = (secret, data) => createHmac('sha256', secret).update(data);
const hookPath = (provider, slug) => `/api/webhooks/external-booking/${provider}${slug == null ? '' : `?client=${encodeURIComponent(slug)}`}`;

/**
 * The request a provider sends: its content type and signature header over `body`, byte for
 * byte. `url` matters to Square only: it signs the notification URL it posts to.
 */
function signed(provider, { secret, body, url, t = nowSecs() }) {
  const json = { 'content-type': 'application/json' };
  switch (provider) {
    case 'calendly':
      return { ...json, 'Calendly-Webhook-Signature': `t=${t},v1=${hmac(secret, `${t}.${body}`).digest('hex')}` };
    case 'calcom':
      return { ...json, 'X-Cal-Signature-256': hmac(secret, body).digest('hex') };
    case 'acuity':
      return { 'content-type': 'application/x-www-form-urlencoded', 'X-Acuity-Signature': hmac(secret, body).digest('base64') };
    case 'square':
      return { ...json, 'x-square-hmacsha256-signature': hmac(secret, url + body).digest('base64') };
    case 'generic':
      return { ...json, 'Handoff-Signature': `t=${t},v1=${hmac(secret, `${t}.${body}`).digest('hex')}` };
    default:
      throw new Error(provider);
  }
}

/** A completion event as each provider shapes it, with PII in it and, where the provider can, our tca_ref. */
function payload(provider, { ref, type, id = randomBytes(6).toString('hex') } = {}) {
  switch (provider) {
    case 'calendly':
      return JSON.stringify({
        event: type ?? 'invitee.created',
        created_at: new Date().toISOString(),
        payload: {
          uri: `https://api.calendly.com/scheduled_events/EV${id}/invitees/INV${id}`,
          event: `https://api.calendly.com/scheduled_events/EV${id}`,
          email: PII.email,
          name: PII.name,
          tracking: { utm_source: 'treasurecoastai', utm_medium: 'booking_widget', ...(ref ? { utm_content: ref } : {}) },
        },
      });
    case 'calcom':
      return JSON.stringify({
        triggerEvent: type ?? 'BOOKING_CREATED',
        createdAt: new Date().toISOString(),
        payload: {
          uid: `bk_${id}`,
          bookingId: Number.parseInt(id.slice(0, 6), 16),
          title: 'Facial',
          attendees: [{ name: PII.name, email: PII.email }],
          responses: { name: PII.name, email: PII.email },
          metadata: ref ? { tca_ref: ref } : {},
        },
      });
    case 'acuity':
      // Acuity posts ids only; the extra fields prove nothing else would be kept anyway.
      return new URLSearchParams({
        action: type ?? 'appointment.scheduled',
        id: String(Number.parseInt(id.slice(0, 8), 16)),
        calendarID: '4',
        appointmentTypeID: '5',
        firstName: PII.name.split(' ')[0],
        lastName: PII.name.split(' ')[1],
        email: PII.email,
      }).toString();
    case 'square':
      return JSON.stringify({
        merchant_id: 'MLEFBHHSJGVHD',
        type: type ?? 'booking.created',
        event_id: `0b4f5c4e-${id}`,
        created_at: new Date().toISOString(),
        data: { type: 'booking', id: `bk-${id}`, object: { booking: { id: `bk-${id}`, customer_note: `${PII.name} <${PII.email}>` } } },
      });
    case 'generic':
      return JSON.stringify({
        id: `evt_${id}`,
        type: type ?? 'booking.completed',
        ...(ref ? { tca_ref: ref } : {}),
        customer: { name: PII.name, email: PII.email },
      });
    default:
      throw new Error(provider);
  }
}

/**
 * POSTs a webhook; `headers` replace the signed ones when given; `slug: null` leaves the
 * client out. Returns { status, outcome, keys (of the JSON body), headers }.
 */
async function deliver(provider, { slug = clients[provider]?.slug, body, secret = clients[provider]?.secret, t, headers, method = 'POST', url } = {}) {
  const path = hookPath(provider, slug);
  const target = new URL(path, w.url).toString();
  const res = await w.fetch(path, {
    method,
    headers: headers ?? signed(provider, { secret, body, url: url ?? target, t }),
    ...(method === 'GET' ? {} : { body }),
  });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { json = {}; }
  return { status: res.status, outcome: json.outcome, keys: Object.keys(json), headers: res.headers };
}

/** Everything a webhook could change, in a stable order. */
async function snapshot() {
  const all = async (sql) => (await w.db.prepare(sql).all()).results;
  return {
    handoffs: await all('SELECT id, client_id, status, completed_at, completed_by, abandoned_at FROM booking_handoffs ORDER BY id'),
    receipts: await all('SELECT * FROM webhook_receipts ORDER BY client_id, provider, event_id'),
    unmatched: await all('SELECT * FROM unmatched_webhook_events ORDER BY id'),
  };
}

async function capture(slug, origin = SITE, lead = ADA) {
  const res = await w.capture(slug, lead, { origin });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.id;
}

const handoff = async (provider, id, key = clients[provider].adminKey) => (await w.admin(key, `/api/v1/admin/handoffs/${id}`)).body;

/** Turns the client's webhook on through `PUT /api/v1/admin/settings`, as an integration would. */
async function configureViaApi(client, provider, secret, extra = {}) {
  const current = await w.admin(client.adminKey, '/api/v1/admin/settings');
  const res = await w.json('/api/v1/admin/settings', {
    method: 'PUT',
    headers: { authorization: `Bearer ${client.adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      ...current.body,
      externalBookingWebhookEnabled: true,
      externalBookingWebhookProvider: provider,
      externalBookingWebhookSecret: secret,
      ...extra,
    }),
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.externalBookingWebhookSecretSet, true);
  assert.ok(!JSON.stringify(res.body).includes(secret), 'the secret is never returned');
}

/** The same through the dashboard's settings form (the Advanced section), as an admin would. */
async function configureViaForm(client, provider, secret) {
  const session = await signIn(w, client.adminKey);
  const s = (await w.admin(client.adminKey, '/api/v1/admin/settings')).body;
  const res = await post(w, session, '/dashboard/settings', {
    bookingMode: s.bookingMode,
    externalBookingProviderName: s.externalBookingProviderName ?? '',
    externalBookingUrl: s.externalBookingUrl ?? '',
    externalBookingEmbedMode: s.externalBookingEmbedMode,
    externalBookingDisclaimer: s.externalBookingDisclaimer ?? '',
    externalBookingUtmSource: s.externalBookingUtmSource ?? '',
    externalBookingUtmCampaign: s.externalBookingUtmCampaign ?? '',
    externalBookingPrefill: 'on',
    allowedOrigins: s.allowedOrigins.join('\n'),
    contactEmail: s.contactEmail ?? '',
    contactPhone: s.contactPhone ?? '',
    services: s.services.join('\n'),
    externalBookingWebhookEnabled: 'on',
    externalBookingWebhookProvider: provider,
    externalBookingWebhookSecret: secret,
    externalBookingCompletionEventName: '',
  });
  assert.equal(res.status, 303, res.body);
  return session;
}

before(async () => {
  w = await startWorker();
  for (const provider of PROVIDERS) {
    const secret = `whsec_${provider}_${randomBytes(12).toString('hex')}`;
    const client = await w.createClient(spaClient({ slug: `wh-${provider}`, externalBookingProviderName: provider }));
    if (provider === 'acuity') await configureViaForm(client, provider, secret);
    else await configureViaApi(client, provider, secret);
    clients[provider] = { ...client, slug: `wh-${provider}`, secret };
  }
  // Another business with its own generic webhook and its own secret.
  other = await w.createClient(spaClient({ slug: 'wh-other', allowedOrigins: [OTHER_SITE] }));
  other.slug = 'wh-other';
  other.secret = `whsec_other_${randomBytes(12).toString('hex')}`;
  await configureViaApi(other, 'generic', other.secret);
});

after(async () => {
  await w?.dispose();
});

describe('each provider, end to end', () => {
  test('the secrets were sealed at rest by the real settings paths', async () => {
    for (const provider of PROVIDERS) {
      const { s } = await w.db.prepare('SELECT external_booking_webhook_secret AS s FROM client_settings WHERE client_id = ?1').bind(clients[provider].clientId).first();
      assert.match(s, /^v1\.[0-9a-f]{48}\.[0-9a-f]+$/, provider);
      assert.ok(!s.includes(clients[provider].secret), provider);
    }
  });

  // Where each provider carries our reference back (core/src/redirect.rs, reference_keys).
  for (const provider of ['calendly', 'calcom', 'generic']) {
    test(`${provider}: a signed completion carrying the tca_ref completes that handoff`, async () => {
      const id = await capture(clients[provider].slug);
      assert.equal((await w.fetch(`/r/${id}`)).status, 302, 'the visitor went to the provider');
      const before = Date.now();
      const res = await deliver(provider, { body: payload(provider, { ref: id }) });
      assert.equal(res.status, 200);
      assert.equal(res.outcome, 'completed');
      assert.deepEqual(res.keys, ['outcome'], 'the body is the outcome only');
      const h = await handoff(provider, id);
      assert.equal(h.status, 'completed_external');
      assert.equal(h.completedBy, `webhook:${provider}`);
      assert.ok(Date.parse(h.completedAt) >= before - 1000, h.completedAt);
      assert.ok(h.redirectedAt, 'the redirect is kept');
      const receipts = await w.db.prepare('SELECT provider FROM webhook_receipts WHERE client_id = ?1').bind(clients[provider].clientId).all();
      assert.deepEqual(receipts.results.map((r) => r.provider), [provider]);
      const unmatched = await w.db.prepare('SELECT COUNT(*) AS n FROM unmatched_webhook_events WHERE client_id = ?1').bind(clients[provider].clientId).first();
      assert.equal(unmatched.n, 0);
    });
  }

  for (const provider of ['acuity', 'square']) {
    test(`${provider}: a signed booking cannot name a handoff, so it is kept as an unmatched event with ids only`, async () => {
      const id = await capture(clients[provider].slug);
      const res = await deliver(provider, { body: payload(provider) });
      assert.equal(res.status, 200);
      assert.equal(res.outcome, 'unmatched');
      assert.equal((await handoff(provider, id)).status, 'new', 'nothing is guessed from email or time');
      const list = await w.admin(clients[provider].adminKey, '/api/v1/admin/webhook-events');
      assert.equal(list.status, 200);
      assert.equal(list.body.unlinked, 1);
      assert.equal(list.body.events.length, 1);
      const [event] = list.body.events;
      assert.match(event.id, /^ev_[A-Za-z0-9_-]{22}$/);
      assert.equal(event.provider, provider);
      assert.equal(event.eventType, provider === 'acuity' ? 'appointment.scheduled' : 'booking.created');
      assert.ok(Date.parse(event.receivedAt) > 0);
      assert.equal(event.linkedHandoffId, null);
      const ids = provider === 'acuity' ? ['appointment_id', 'calendar_id', 'appointment_type_id'] : ['booking_id', 'merchant_id'];
      assert.deepEqual(Object.keys(event.identifiers).sort(), ids.sort());
      assert.ok(!JSON.stringify(list.body).includes(PII.email) && !JSON.stringify(list.body).includes(PII.name));
    });
  }

  test('acuity: linked by hand through the admin API → completed by webhook:acuity', async () => {
    const c = clients.acuity;
    const id = await capture(c.slug);
    await deliver('acuity', { body: payload('acuity') });
    const events = (await w.admin(c.adminKey, '/api/v1/admin/webhook-events')).body.events;
    const event = events.find((e) => e.linkedHandoffId === null);
    const link = (body, key = c.adminKey, eventId = event.id) => w.json(`/api/v1/admin/webhook-events/${eventId}/link`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const res = await link({ handoffId: id });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.outcome, 'completed');
    assert.equal(res.body.event.linkedHandoffId, id);
    assert.ok(res.body.event.linkedAt);
    assert.equal(res.body.handoff.status, 'completed_external');
    assert.equal(res.body.handoff.completedBy, 'webhook:acuity');
    const h = await handoff('acuity', id);
    assert.equal(h.status, 'completed_external');
    assert.equal(h.completedBy, 'webhook:acuity');
    assert.ok(h.completedAt);

    // Linked once: a second link (to this or another handoff) changes nothing.
    const second = await capture(c.slug);
    const again = await link({ handoffId: second });
    assert.equal(again.status, 409);
    assert.equal((await handoff('acuity', second)).status, 'new');
    assert.equal((await w.admin(c.adminKey, '/api/v1/admin/webhook-events')).body.events.find((e) => e.id === event.id).linkedHandoffId, id);
  });

  test('square: linked by hand through the dashboard form → completed by webhook:square, shown on the page', async () => {
    const c = clients.square;
    const session = await signIn(w, c.adminKey);
    const id = await capture(c.slug, SITE, { ...ADA, customerName: 'Grace Hopper' });
    await deliver('square', { body: payload('square') });
    const page = await get(w, session, '/dashboard/webhook-events');
    assert.equal(page.status, 200);
    const actions = [...page.body.matchAll(/action="\/dashboard\/webhook-events\/(ev_[A-Za-z0-9_-]{22})\/link"/g)].map((m) => m[1]);
    assert.ok(actions.length >= 1, 'each unlinked event has a link form');
    assert.match(page.body, /class="nav-badge">\d+</, 'the nav shows how many are unlinked');
    assert.match(page.body, /Square/);
    assert.match(page.body, /booking\.created/);
    assert.match(page.body, /Booking ID/);
    const eventId = actions[0];
    // The admin pastes the booking link rather than the bare reference: that works too.
    const res = await post(w, session, `/dashboard/webhook-events/${eventId}/link`, { handoff: `${w.url}/r/${id}` });
    assert.equal(res.status, 303);
    assert.equal(res.location, `${w.url}/dashboard/webhook-events?notice=linked`);
    const h = await handoff('square', id);
    assert.equal(h.status, 'completed_external');
    assert.equal(h.completedBy, 'webhook:square');
    const after = await get(w, session, '/dashboard/webhook-events?notice=linked');
    assert.match(after.body, /Linked\. The handoff is now marked completed\./);
    assert.match(after.body, new RegExp(`Linked to <a href="/dashboard/handoffs/${id}">Grace Hopper</a>`));
    const detail = await get(w, session, `/dashboard/handoffs/${id}`);
    assert.match(detail.body, /Completed — by webhook \(Square\)/);
    assert.match(detail.body, /An admin linked a verified booking event to this handoff \(Square, booking\.created, Booking ID bk-/);
  });

  test('no payload personal data is stored from any provider\'s events (unmatched rows, receipts)', async () => {
    // Events without a usable tca_ref, for the providers that could have carried one too.
    for (const provider of ['calendly', 'calcom', 'generic']) {
      const res = await deliver(provider, { body: payload(provider) });
      assert.equal(res.outcome, 'unmatched', provider);
    }
    const rows = await w.db.prepare('SELECT * FROM unmatched_webhook_events').all();
    assert.ok(rows.results.length >= 5, 'every provider has an unmatched row');
    assert.deepEqual(new Set(rows.results.map((r) => r.provider)), new Set(PROVIDERS));
    const stored = JSON.stringify([rows.results, (await w.db.prepare('SELECT * FROM webhook_receipts').all()).results]);
    for (const [what, value] of [['email', PII.email], ['name', PII.name], ['first name', PII.name.split(' ')[0]], ['last name', PII.name.split(' ')[1]]]) {
      assert.ok(!stored.includes(value), `no ${what} in D1's webhook rows`);
    }
    assert.ok(!stored.toLowerCase().includes('@mail.example'));
  });
});

describe('refusals change nothing', () => {
  /** Sends `req`, expects status and outcome, and that D1 is exactly as before. */
  async function refused(name, expectStatus, expectOutcome, send) {
    const before = await snapshot();
    const res = await send();
    assert.equal(res.status, expectStatus, name);
    assert.equal(res.outcome, expectOutcome, name);
    assert.deepEqual(res.keys, ['outcome'], `${name}: the body says nothing else`);
    assert.deepEqual(await snapshot(), before, `${name}: D1 unchanged`);
    return res;
  }

  test('replay of a processed event: 200 duplicate, nothing changes', async () => {
    const id = await capture(clients.generic.slug);
    const body = payload('generic', { ref: id });
    const headers = signed('generic', { secret: clients.generic.secret, body });
    assert.equal((await deliver('generic', { body, headers })).outcome, 'completed');
    await refused('exact replay', 200, 'duplicate', () => deliver('generic', { body, headers }));
    // Re-signed later with a fresh timestamp (a provider's retry): still the same event id.
    await refused('re-signed retry', 200, 'duplicate', () => deliver('generic', { body, t: nowSecs() + 1 }));
    // Cal.com has no signed timestamp: the booking uid stops its replays.
    const calId = await capture(clients.calcom.slug);
    const calBody = payload('calcom', { ref: calId });
    assert.equal((await deliver('calcom', { body: calBody })).outcome, 'completed');
    await refused('Cal.com replay', 200, 'duplicate', () => deliver('calcom', { body: calBody }));
  });

  test('bad signatures: tampered body, wrong secret, another client\'s secret, missing header → 401', async () => {
    const id = await capture(clients.generic.slug);
    const body = payload('generic', { ref: id });
    const headers = signed('generic', { secret: clients.generic.secret, body });
    await refused('tampered body', 401, 'unauthorized', () => deliver('generic', { body: body.replace('booking.completed', 'booking.completed ').replace(id, handoffId()), headers }));
    await refused('one byte appended', 401, 'unauthorized', () => deliver('generic', { body: `${body} `, headers }));
    await refused('wrong secret', 401, 'unauthorized', () => deliver('generic', { body, secret: 'whsec_guessed' }));
    await refused("another client's secret", 401, 'unauthorized', () => deliver('generic', { body, secret: other.secret }));
    await refused('missing header', 401, 'unauthorized', () => deliver('generic', { body, headers: { 'content-type': 'application/json' } }));
    await refused('empty signature', 401, 'unauthorized', () => deliver('generic', { body, headers: { 'content-type': 'application/json', 'Handoff-Signature': '' } }));
    await refused('Cal.com unsigned marker', 401, 'unauthorized', () => deliver('calcom', { body: payload('calcom', { ref: id }), headers: { 'content-type': 'application/json', 'X-Cal-Signature-256': 'no-secret-provided' } }));
    for (const provider of PROVIDERS) {
      await refused(`${provider}: tampered`, 401, 'unauthorized', async () => {
        const b = payload(provider);
        return deliver(provider, { body: b.replace(/.$/, (c) => (c === '}' ? ' }' : `${c}0`)), headers: signed(provider, { secret: clients[provider].secret, body: b, url: new URL(hookPath(provider, clients[provider].slug), w.url).toString() }) });
      });
      await refused(`${provider}: missing header`, 401, 'unauthorized', () => deliver(provider, { body: payload(provider), headers: { 'content-type': 'application/json' } }));
    }
    assert.equal((await handoff('generic', id)).status, 'new');
  });

  test('Square signs the URL it posts to: another URL\'s signature is refused', async () => {
    const body = payload('square');
    const right = new URL(hookPath('square', clients.square.slug), w.url).toString();
    for (const url of [right.replace('http:', 'https:'), right.replace('?client=', '?x=1&client='), hookPath('square', clients.square.slug)]) {
      await refused(`signed for ${url}`, 401, 'unauthorized', () => deliver('square', { body, url }));
    }
  });

  test('timestamps: Calendly older than 180 s and generic older than 300 s are refused', async () => {
    const calId = await capture(clients.calendly.slug);
    await refused('Calendly t 181 s old', 401, 'unauthorized', () => deliver('calendly', { body: payload('calendly', { ref: calId }), t: nowSecs() - 181 }));
    await refused('Calendly t 10 min ahead', 401, 'unauthorized', () => deliver('calendly', { body: payload('calendly', { ref: calId }), t: nowSecs() + 600 }));
    const genId = await capture(clients.generic.slug);
    await refused('generic t 301 s old', 401, 'unauthorized', () => deliver('generic', { body: payload('generic', { ref: genId }), t: nowSecs() - 301 }));
    // Inside each window, the same deliveries are accepted.
    assert.equal((await deliver('calendly', { body: payload('calendly', { ref: calId }), t: nowSecs() - 150 })).outcome, 'completed');
    assert.equal((await deliver('generic', { body: payload('generic', { ref: genId }), t: nowSecs() - 270 })).outcome, 'completed');
  });

  test('routing: disabled webhook, another provider, unknown provider or client, no client → 404', async () => {
    const disabled = await w.createClient(spaClient({ slug: 'wh-disabled' }));
    const disabledSecret = 'whsec_disabled_secret';
    await configureViaApi(disabled, 'generic', disabledSecret, { externalBookingWebhookEnabled: false });
    const body = payload('generic', { ref: await capture('wh-disabled') });
    await refused('webhook disabled', 404, 'not_found', () => deliver('generic', { slug: 'wh-disabled', body, secret: disabledSecret }));
    // Correctly signed in Cal.com's scheme with the client's own secret, but the client chose generic.
    await refused('not the configured provider', 404, 'not_found', () => deliver('calcom', { slug: clients.generic.slug, body: payload('calcom'), secret: clients.generic.secret }));
    for (const provider of ['mindbody', 'vagaro', 'fresha', 'unknown', 'Generic']) {
      await refused(`unknown provider ${provider}`, 404, 'not_found', () => w.fetch(hookPath(provider, clients.generic.slug), { method: 'POST', headers: signed('generic', { secret: clients.generic.secret, body }), body })
        .then(async (r) => ({ status: r.status, ...(await r.json().then((j) => ({ outcome: j.outcome, keys: Object.keys(j) }))) })));
    }
    await refused('unknown client', 404, 'not_found', () => deliver('generic', { slug: 'no-such-spa', body, secret: clients.generic.secret }));
    await refused('no client param', 404, 'not_found', () => deliver('generic', { slug: null, body, secret: clients.generic.secret }));
  });

  test('a body over 64 KB → 413 before anything is read; GET → 405', async () => {
    const big = JSON.stringify({ id: 'evt_big', type: 'booking.completed', pad: 'x'.repeat(64 * 1024) });
    await refused('64 KB + body', 413, 'payload_too_large', () => deliver('generic', { body: big }));
    const res = await refused('GET', 405, 'method_not_allowed', () => deliver('generic', { method: 'GET', headers: {} }));
    assert.equal(res.headers.get('allow'), 'POST');
  });

  test('a tca_ref of another client\'s handoff: unmatched for this client, the other handoff untouched', async () => {
    const theirs = await capture(other.slug, OTHER_SITE);
    const otherBefore = await handoff(null, theirs, other.adminKey);
    const res = await deliver('generic', { body: payload('generic', { ref: theirs }) });
    assert.equal(res.status, 200);
    assert.equal(res.outcome, 'unmatched');
    assert.deepEqual(await handoff(null, theirs, other.adminKey), otherBefore, "the other client's handoff is untouched");
    const rows = await w.db.prepare('SELECT client_id, provider FROM unmatched_webhook_events WHERE client_id = ?1').bind(other.clientId).all();
    assert.equal(rows.results.length, 0, 'nothing recorded for the other client');
    const mine = await w.admin(clients.generic.adminKey, '/api/v1/admin/webhook-events');
    assert.ok(mine.body.events.some((e) => e.provider === 'generic' && e.linkedHandoffId === null));
    // And linking it by hand to the other client's handoff is "not found", like a made-up id.
    const event = mine.body.events.find((e) => e.linkedHandoffId === null);
    for (const handoffIdValue of [theirs, handoffId(), 'not-an-id']) {
      const link = await w.json(`/api/v1/admin/webhook-events/${event.id}/link`, {
        method: 'POST',
        headers: { authorization: `Bearer ${clients.generic.adminKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ handoffId: handoffIdValue }),
      });
      assert.equal(link.status, 404, handoffIdValue);
      assert.equal(link.body.error, 'not_found');
    }
    assert.deepEqual(await handoff(null, theirs, other.adminKey), otherBefore);
  });

  test('verified but not a completion: another event type and a Cal.com ping → 200 ignored, nothing stored', async () => {
    const id = await capture(clients.calendly.slug);
    await refused('Calendly cancellation', 200, 'ignored', () => deliver('calendly', { body: payload('calendly', { ref: id, type: 'invitee.canceled' }) }));
    await refused('generic other type', 200, 'ignored', () => deliver('generic', { body: payload('generic', { ref: id, type: 'booking.updated' }) }));
    await refused('Square test notification', 200, 'ignored', () => deliver('square', { body: payload('square', { type: 'webhooks.test_notification' }) }));
    const ping = JSON.stringify({ triggerEvent: 'PING', createdAt: new Date().toISOString(), payload: { type: 'Test', title: 'Test trigger event', attendees: [{ email: PII.email, name: PII.name }] } });
    await refused('Cal.com ping', 200, 'ignored', () => deliver('calcom', { body: ping }));
    await refused('verified but unreadable body', 200, 'ignored', () => deliver('generic', { body: '{"not":"an event"}' }));
    assert.equal((await handoff('calendly', id)).status, 'new');
  });

  test('a client-chosen completion event name is the one that completes (Acuity\'s bare actions too)', async () => {
    const c = await w.createClient(spaClient({ slug: 'wh-custom-event' }));
    const secret = 'whsec_custom_event_secret';
    await configureViaApi(c, 'generic', secret, { externalBookingCompletionEventName: 'order.paid' });
    const id = await capture('wh-custom-event');
    assert.equal((await deliver('generic', { slug: 'wh-custom-event', secret, body: payload('generic', { ref: id }) })).outcome, 'ignored');
    assert.equal((await deliver('generic', { slug: 'wh-custom-event', secret, body: payload('generic', { ref: id, type: 'order.paid' }) })).outcome, 'completed');
    // Acuity's settings show bare actions: "scheduled" means appointment.scheduled, in either spelling.
    const a = await w.createClient(spaClient({ slug: 'wh-acuity-bare' }));
    await configureViaApi(a, 'acuity', secret, { externalBookingCompletionEventName: 'scheduled' });
    for (const action of ['scheduled', 'appointment.scheduled']) {
      assert.equal((await deliver('acuity', { slug: 'wh-acuity-bare', secret, body: payload('acuity', { type: action }) })).outcome, 'unmatched', action);
    }
    assert.equal((await deliver('acuity', { slug: 'wh-acuity-bare', secret, body: payload('acuity', { type: 'canceled' }) })).outcome, 'ignored');
  });

  test('delivered twice at once: completed exactly once, one receipt', async () => {
    const id = await capture(clients.generic.slug);
    const body = payload('generic', { ref: id });
    const headers = signed('generic', { secret: clients.generic.secret, body });
    const results = await Promise.all([deliver('generic', { body, headers }), deliver('generic', { body, headers })]);
    assert.deepEqual(results.map((r) => r.status), [200, 200]);
    assert.deepEqual(results.map((r) => r.outcome).sort(), ['completed', 'duplicate']);
    const eventId = JSON.parse(body).id;
    const receipts = await w.db.prepare('SELECT COUNT(*) AS n FROM webhook_receipts WHERE client_id = ?1 AND event_id = ?2').bind(clients.generic.clientId, eventId).first();
    assert.equal(receipts.n, 1);
    const h = await handoff('generic', id);
    assert.equal(h.status, 'completed_external');
    assert.equal(h.completedBy, 'webhook:generic');
  });

  test('a completion for an already completed handoff: 200 already_completed, completion unchanged', async () => {
    const id = await capture(clients.generic.slug);
    await w.json(`/api/v1/admin/handoffs/${id}/complete`, { method: 'POST', headers: { authorization: `Bearer ${clients.generic.adminKey}` } });
    const before = await handoff('generic', id);
    const res = await deliver('generic', { body: payload('generic', { ref: id }) });
    assert.equal(res.outcome, 'already_completed');
    assert.deepEqual(await handoff('generic', id), before);
    assert.equal(before.completedBy, 'manual');
  });
});

describe('rate limit', () => {
  test('WEBHOOK_LIMITER per client: the 4th delivery in a minute → 429 with Retry-After, D1 unchanged', async () => {
    const limited = await startWorker({ webhookLimit: 3 });
    try {
      const c = await limited.createClient(spaClient({ slug: 'wh-limited' }));
      const secret = 'whsec_limited_secret';
      const current = await limited.admin(c.adminKey, '/api/v1/admin/settings');
      const put = await limited.json('/api/v1/admin/settings', {
        method: 'PUT',
        headers: { authorization: `Bearer ${c.adminKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ ...current.body, externalBookingWebhookEnabled: true, externalBookingWebhookProvider: 'generic', externalBookingWebhookSecret: secret }),
      });
      assert.equal(put.status, 200);
      const lead = await limited.capture('wh-limited', ADA, { origin: SITE });
      const id = lead.body.id;
      const send = async (s) => {
        const body = payload('generic', { ref: id });
        const res = await limited.fetch(hookPath('generic', 'wh-limited'), { method: 'POST', headers: signed('generic', { secret: s, body }), body });
        return { status: res.status, outcome: (await res.json()).outcome, retryAfter: res.headers.get('retry-after') };
      };
      const state = async () => JSON.stringify([
        (await limited.db.prepare('SELECT status, completed_at FROM booking_handoffs').all()).results,
        (await limited.db.prepare('SELECT * FROM webhook_receipts').all()).results,
        (await limited.db.prepare('SELECT * FROM unmatched_webhook_events').all()).results,
      ]);
      const before = await state();
      // Three forged deliveries use up the minute's budget (and change nothing)…
      for (let i = 0; i < 3; i++) assert.equal((await send('whsec_forged')).status, 401);
      // …so even a genuine one now waits.
      const res = await send(secret);
      assert.equal(res.status, 429);
      assert.equal(res.outcome, 'rate_limited');
      assert.equal(res.retryAfter, '60');
      assert.equal(await state(), before);
      // Another client has its own budget.
      const d = await limited.createClient(spaClient({ slug: 'wh-limited-2' }));
      const unconfigured = await limited.fetch(hookPath('generic', 'wh-limited-2'), { method: 'POST', body: '{}' });
      assert.equal(unconfigured.status, 404, 'not configured: refused before the limiter');
      assert.ok(d.clientId);
    } finally {
      await limited.dispose();
    }
  });
});

describe('linking is scoped to the signed-in client', () => {
  test('the events page needs a session, like every dashboard page', async () => {
    const res = await get(w, null, '/dashboard/webhook-events');
    assert.equal(res.status, 303);
    const loc = new URL(res.headers.get('location'));
    assert.equal(loc.pathname, '/dashboard/sign-in');
    assert.equal(loc.searchParams.get('next'), '/dashboard/webhook-events');
    assert.equal((await w.fetch('/dashboard/webhook-events', { method: 'DELETE' })).status, 405);
  });

  test("another client's event id is the same 404 as an unknown one (API and dashboard), and changes nothing", async () => {
    const mine = clients.square;
    await deliver('square', { body: payload('square') });
    const theirEvent = (await w.admin(mine.adminKey, '/api/v1/admin/webhook-events')).body.events.find((e) => e.linkedHandoffId === null);
    const intruder = clients.calcom;
    const intruderHandoff = await capture(intruder.slug);
    const session = await signIn(w, intruder.adminKey);
    const before = await snapshot();
    for (const eventId of [theirEvent.id, `ev_${randomBytes(16).toString('base64url')}`, 'nonsense']) {
      const api = await w.json(`/api/v1/admin/webhook-events/${eventId}/link`, {
        method: 'POST',
        headers: { authorization: `Bearer ${intruder.adminKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ handoffId: intruderHandoff }),
      });
      assert.equal(api.status, 404, eventId);
      assert.deepEqual(Object.keys(api.body).sort(), ['error', 'message']);
      const page = await post(w, session, `/dashboard/webhook-events/${eventId}/link`, { handoff: intruderHandoff });
      assert.equal(page.status, 404, eventId);
      assert.match(page.body, /We couldn(&#39;|')t find that/);
    }
    assert.deepEqual(await snapshot(), before);
    const list = await get(w, session, '/dashboard/webhook-events');
    assert.ok(!list.body.includes(theirEvent.id), "another client's events are not listed");
    const apiList = await w.admin(intruder.adminKey, '/api/v1/admin/webhook-events');
    assert.ok(!apiList.body.events.some((e) => e.id === theirEvent.id));
  });

  test("another client's handoff reference gets the same notice as an unknown one; empty and malformed too", async () => {
    const c = clients.square;
    const session = await signIn(w, c.adminKey);
    await deliver('square', { body: payload('square') });
    const event = (await w.admin(c.adminKey, '/api/v1/admin/webhook-events')).body.events.find((e) => e.linkedHandoffId === null);
    const foreign = await capture(other.slug, OTHER_SITE);
    const before = await snapshot();
    const cases = [[foreign, 'handoff-not-found'], [handoffId(), 'handoff-not-found'], ['hello', 'handoff-not-found'], ['  ', 'missing-reference']];
    for (const [reference, code] of cases) {
      const res = await post(w, session, `/dashboard/webhook-events/${event.id}/link`, { handoff: reference });
      assert.equal(res.status, 303, reference);
      assert.equal(res.location, `${w.url}/dashboard/webhook-events?notice=${code}`, reference);
    }
    const page = await get(w, session, '/dashboard/webhook-events?notice=handoff-not-found');
    assert.match(page.body, /notice-error/);
    assert.match(page.body, /We couldn(&#39;|')t find a handoff with that reference/);
    assert.deepEqual(await snapshot(), before);
  });

  test('the link form needs the CSRF token and a same-origin request; GET is 405', async () => {
    const c = clients.square;
    const session = await signIn(w, c.adminKey);
    await deliver('square', { body: payload('square') });
    const event = (await w.admin(c.adminKey, '/api/v1/admin/webhook-events')).body.events.find((e) => e.linkedHandoffId === null);
    const id = await capture(c.slug);
    const path = `/dashboard/webhook-events/${event.id}/link`;
    const before = await snapshot();
    for (const [name, opts] of [
      ['no token', { csrf: null }],
      ['wrong token', { csrf: 'f'.repeat(64) }],
      ['cross-site', { headers: { 'sec-fetch-site': 'cross-site' } }],
      ['same-site sibling', { headers: { 'sec-fetch-site': 'same-site' } }],
    ]) {
      const res = await post(w, session, path, { handoff: id }, opts);
      assert.equal(res.status, 403, name);
      assert.match(res.body, /Request refused/, name);
    }
    assert.equal((await get(w, session, path)).status, 405);
    const api = await w.json(`/api/v1/admin/webhook-events/${event.id}/link`, {
      method: 'POST',
      headers: { authorization: `Bearer ${c.adminKey}`, 'content-type': 'application/json', 'sec-fetch-site': 'cross-site' },
      body: JSON.stringify({ handoffId: id }),
    });
    assert.equal(api.status, 403);
    assert.equal((await w.admin(null, '/api/v1/admin/webhook-events')).status, 401);
    assert.deepEqual(await snapshot(), before);
  });

  test('two admins linking one event to two handoffs at once: exactly one handoff completes', async () => {
    const c = clients.acuity;
    await deliver('acuity', { body: payload('acuity') });
    const event = (await w.admin(c.adminKey, '/api/v1/admin/webhook-events')).body.events.find((e) => e.linkedHandoffId === null);
    const [a, b] = [await capture(c.slug), await capture(c.slug)];
    const link = (handoffIdValue) => w.json(`/api/v1/admin/webhook-events/${event.id}/link`, {
      method: 'POST',
      headers: { authorization: `Bearer ${c.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ handoffId: handoffIdValue }),
    });
    const results = await Promise.all([link(a), link(b)]);
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 409]);
    const statuses = [(await handoff('acuity', a)).status, (await handoff('acuity', b)).status].sort();
    assert.deepEqual(statuses, ['completed_external', 'new']);
  });

  test('the unlinked count shows in the nav and on the pipeline, and drops when linked', async () => {
    const c = await w.createClient(spaClient({ slug: 'wh-badge' }));
    const secret = 'whsec_badge_secret';
    await configureViaApi(c, 'acuity', secret);
    const session = await signIn(w, c.adminKey);
    const quiet = await get(w, session, '/dashboard');
    assert.doesNotMatch(quiet.body, /nav-badge/);
    assert.doesNotMatch(quiet.body, /unmatched-notice/);
    for (let i = 0; i < 2; i++) {
      assert.equal((await deliver('acuity', { slug: 'wh-badge', secret, body: payload('acuity') })).outcome, 'unmatched');
    }
    const busy = await get(w, session, '/dashboard');
    assert.match(busy.body, /<span class="nav-badge">2<\/span>/);
    assert.match(busy.body, /2 verified booking events from your provider didn(&#39;|')t name a handoff/);
    const id = await capture('wh-badge');
    const events = (await w.admin(c.adminKey, '/api/v1/admin/webhook-events')).body;
    assert.equal(events.unlinked, 2);
    const res = await post(w, session, `/dashboard/webhook-events/${events.events[0].id}/link`, { handoff: id });
    assert.equal(res.location, `${w.url}/dashboard/webhook-events?notice=linked`);
    const after = await get(w, session, '/dashboard');
    assert.match(after.body, /<span class="nav-badge">1<\/span>/);
    assert.equal((await w.admin(c.adminKey, '/api/v1/admin/webhook-events')).body.unlinked, 1);
  });
});
