// Hostile input against every public endpoint, on the real built worker in workerd
// with a real local D1. Each row of each table is a request a broken or malicious client could
// send; each names the exact status and the message a person (or the widget) reads, and D1 is
// compared before and after: a refusal leaves every table exactly as it was, an acceptance adds
// exactly one row holding exactly the sanitised values. Stored markup must come back escaped
// wherever it is rendered (the hosted page, the dashboard).
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { startWorker, spaClient, SITE, OTHER_SITE, ADA } from './helpers/worker.mjs';
import { signInForm, signIn, get, cookieNames, setCookie } from './helpers/dashboard.mjs';

const SCRIPT = '<script>alert(1)</script>';
const ATTR = `"'><svg onload=alert(1)>`;
const SQL = "'; DROP TABLE booking_handoffs;--";
const HOSTILE = { script: SCRIPT, attr: ATTR, sql: SQL };
/** How maud writes each payload into HTML (text and attribute values alike). */
const ESCAPED = {
  script: '&lt;script&gt;alert(1)&lt;/script&gt;',
  attr: `&quot;'&gt;&lt;svg onload=alert(1)&gt;`,
  sql: "'; DROP TABLE booking_handoffs;--",
};
const KB10 = 'x'.repeat(10 * 1024);
const JSON_CT = 'application/json';
const FORM_CT = 'application/x-www-form-urlencoded';
const TABLES = ['clients', 'client_settings', 'booking_handoffs', 'admin_keys', 'webhook_receipts', 'unmatched_webhook_events'];

const MESSAGES = {
  notJson: 'The request body is not valid JSON.',
  notObject: 'The request body must be a JSON object.',
  mediaType: 'Send the request as application/json.',
  tooLarge: 'The request is too large (the limit is 8192 bytes).',
  notFound: "We couldn't find that.",
  nameRequired: 'Please tell us your name.',
  nameLetters: 'Please enter a name with letters in it.',
  email: 'Please enter a valid email address, like name@example.com.',
  phone: 'Please enter a valid phone number, like (555) 123-4567.',
  contact: 'Please give an email address or a phone number so the business can reach you.',
  tooLong: (n) => `Please keep this under ${n} characters.`,
};

let w;
let spa;
let hooked;
let squareHooked;
let session;
const HOOK_SECRET = 'whsec_hostile_generic_secret';
const SQUARE_SECRET = 'whsec_hostile_square_secret';

/** column names per table, read from the schema once. */
const columns = {};
let snapshotSql;

/**
 * Every row of every table, in a stable order, as { table: [row objects] }. One statement
 * (D1 builds the JSON), since a round trip from here costs more than the request under test.
 */
async function snapshot() {
  if (!snapshotSql) {
    for (const table of TABLES) columns[table] = (await w.db.prepare(`SELECT name FROM pragma_table_info('${table}')`).all()).results.map((r) => r.name);
    snapshotSql = `SELECT ${TABLES.map((t) => `(SELECT json_group_array(json_array(${columns[t].join(', ')})) FROM (SELECT * FROM ${t} ORDER BY rowid)) AS ${t}`).join(', ')}`;
  }
  const row = await w.db.prepare(snapshotSql).first();
  return Object.fromEntries(TABLES.map((t) => [t, JSON.parse(row[t]).map((values) => Object.fromEntries(columns[t].map((c, i) => [c, values[i]])))]));
}

/**
 * The last snapshot taken, while nothing can have changed since: a run of refusals then costs
 * one snapshot each. Every request to the worker goes through `hit`/`hitJson` (or a helper
 * built on them), which forget it. (A stale one could only make a check fail, never pass.)
 */
let lastSnapshot = null;
function hit(path, init) {
  lastSnapshot = null;
  return w.fetch(path, init);
}
function hitJson(path, init) {
  lastSnapshot = null;
  return w.json(path, init);
}

/** Runs `send` and asserts D1 is exactly as before. */
async function unchanged(name, send) {
  const before = lastSnapshot ?? (await snapshot());
  const res = await send();
  const after = await snapshot();
  assert.deepEqual(after, before, `${name}: D1 unchanged`);
  lastSnapshot = after;
  return res;
}

/** Runs `send` and asserts it added exactly one handoff and changed nothing else; returns it. */
async function oneNewHandoff(name, send) {
  const before = lastSnapshot ?? (await snapshot());
  const res = await send();
  const after = await snapshot();
  lastSnapshot = after;
  const known = new Set(before.booking_handoffs.map((r) => r.id));
  const added = after.booking_handoffs.filter((r) => !known.has(r.id));
  assert.equal(added.length, 1, `${name}: one new handoff (${res.status} ${JSON.stringify(res.body ?? res.html).slice(0, 300)})`);
  assert.deepEqual(after.booking_handoffs.filter((r) => known.has(r.id)), before.booking_handoffs, `${name}: other handoffs untouched`);
  for (const table of TABLES.filter((t) => t !== 'booking_handoffs')) assert.deepEqual(after[table], before[table], `${name}: ${table} unchanged`);
  return { res, row: added[0] };
}

/** The visible text of an HTML page (tags dropped, entities for quotes decoded). */
function visible(html) {
  return html
    .replace(/<(style|script)[^>]*>[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

/** No payload is live markup in `html`. */
function assertInert(html, name) {
  assert.ok(!html.includes('<script>alert'), `${name}: no live <script>`);
  assert.ok(!/<svg[^>]*onload/i.test(html), `${name}: no live onload attribute`);
  assert.ok(!html.includes('"\'>'), `${name}: no attribute broken out of`);
}

/** POSTs a raw body (string, bytes, object → JSON, or a stream) to the capture API. */
function capture(body, { slug = spa.slug, headers = {}, contentType = JSON_CT, origin = SITE, method = 'POST' } = {}) {
  const raw = body === undefined || typeof body === 'string' || body instanceof Uint8Array || body instanceof ReadableStream ? body : JSON.stringify(body);
  return hitJson(`/api/v1/handoffs?client=${encodeURIComponent(slug)}`, {
    method,
    headers: { ...(contentType ? { 'content-type': contentType } : {}), ...(origin ? { origin } : {}), ...headers },
    ...(raw === undefined ? {} : { body: raw }),
    ...(raw instanceof ReadableStream ? { duplex: 'half' } : {}),
  });
}

/** A body sent in chunks without Content-Length, so only the bytes read can be bounded. */
function streamOf(text, chunk = 1024) {
  const bytes = new TextEncoder().encode(text);
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, at + chunk));
      at += chunk;
    },
  });
}

/** The first Latin letter swapped for a Cyrillic lookalike: reads the same, is not the same. */
const lookalike = (s) => s.replace(/[A-Za-z]/, 'а');
const bytes = (...parts) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));
const lead = (fields) => ({ customerName: 'Ada Lovelace', customerEmail: 'ada@example.com', ...fields });

async function configureWebhook(client, provider, secret) {
  const current = await w.admin(client.adminKey, '/api/v1/admin/settings');
  const res = await hitJson('/api/v1/admin/settings', {
    method: 'PUT',
    headers: { authorization: `Bearer ${client.adminKey}`, 'content-type': JSON_CT },
    body: JSON.stringify({ ...current.body, externalBookingWebhookEnabled: true, externalBookingWebhookProvider: provider, externalBookingWebhookSecret: secret }),
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
}

before(async () => {
  w = await startWorker();
  spa = { ...(await w.createClient(spaClient())), slug: 'seaside-spa' };
  hooked = { ...(await w.createClient(spaClient({ slug: 'hostile-hooks' }))), slug: 'hostile-hooks' };
  squareHooked = { ...(await w.createClient(spaClient({ slug: 'hostile-square' }))), slug: 'hostile-square' };
  await configureWebhook(hooked, 'generic', HOOK_SECRET);
  await configureWebhook(squareHooked, 'square', SQUARE_SECRET);
  session = await signIn(w, spa.adminKey);
  assert.ok(session.cookie, 'signed in');
});

after(async () => {
  await w?.dispose();
});

describe('GET /api/v1/widget-config', () => {
  const config = (query, headers = {}, method = 'GET') => hitJson(`/api/v1/widget-config${query}`, { method, headers });

  test('wrong methods are 405 with Allow, and change nothing', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const res = await unchanged(method, () => config('?client=seaside-spa', { 'content-type': JSON_CT }, method));
      assert.equal(res.status, 405, method);
      assert.equal(res.headers.get('allow'), 'GET, OPTIONS', method);
      assert.equal(res.body.error, 'method_not_allowed');
      assert.equal(res.body.message, 'This address only accepts GET, OPTIONS.');
    }
  });

  test('hostile client slugs are a plain 404 that echoes nothing and sets no header', async () => {
    const slugs = {
      empty: '',
      script: SCRIPT,
      attr: ATTR,
      sql: SQL,
      'sql tautology': "seaside-spa' OR '1'='1",
      crlf: 'seaside-spa\r\nSet-Cookie: hijack=1',
      'RTL override': '\u202Eaps-edisaes',
      'Cyrillic lookalike': 'sеaside-spa',
      'trailing NUL': 'seaside-spa\u0000',
      '10 KB': KB10,
    };
    for (const [name, slug] of Object.entries(slugs)) {
      const res = await unchanged(name, () => config(`?client=${encodeURIComponent(slug)}`, { origin: SITE }));
      assert.equal(res.status, 404, name);
      assert.deepEqual(res.body, { error: 'not_found', message: MESSAGES.notFound }, name);
      assert.equal(res.headers.get('set-cookie'), null, name);
      assert.equal(res.headers.get('access-control-allow-origin'), null, name);
    }
  });

  test('a repeated ?client= uses the first one', async () => {
    assert.equal((await config('?client=nobody&client=seaside-spa')).status, 404);
    const res = await config('?client=seaside-spa&client=nobody');
    assert.equal(res.status, 200);
    assert.equal(res.body.client, 'seaside-spa');
  });

  test('hostile Origin headers get the public config without a CORS grant', async () => {
    const origins = {
      script: SCRIPT,
      attr: ATTR,
      null: 'null',
      'allowed origin as a prefix': `${SITE}.evil.example`,
      'allowed origin with a path': `${SITE}/`,
      'allowed origin with userinfo': `https://evil.example@${new URL(SITE).host}`,
      'Cyrillic lookalike (as a browser sends it, in punycode)': new URL('https://sеaside-spa.example').origin,
      '10 KB': `https://${KB10}.example`,
    };
    assert.match(origins['Cyrillic lookalike (as a browser sends it, in punycode)'], /xn--/);
    for (const [name, origin] of Object.entries(origins)) {
      const res = await config('?client=seaside-spa', { origin });
      assert.equal(res.status, 200, name);
      assert.equal(res.body.businessName, 'Seaside Day Spa', name);
      assert.equal(res.headers.get('access-control-allow-origin'), null, name);
      assert.match(res.headers.get('vary'), /Origin/, name);
    }
  });
});

describe('POST /api/v1/handoffs: requests that are refused', () => {
  /**
   * [name, body, options, status, error, message] — message is a string (exact) or a RegExp.
   * Every row must leave D1 exactly as it was.
   */
  const refusals = [
    // Method.
    ['GET', undefined, { method: 'GET', contentType: null }, 405, 'method_not_allowed', 'This address only accepts POST, OPTIONS.'],
    ['PUT', ADA, { method: 'PUT' }, 405, 'method_not_allowed', 'This address only accepts POST, OPTIONS.'],
    ['DELETE', undefined, { method: 'DELETE' }, 405, 'method_not_allowed', 'This address only accepts POST, OPTIONS.'],
    ['PATCH', ADA, { method: 'PATCH' }, 405, 'method_not_allowed', 'This address only accepts POST, OPTIONS.'],
    // Content type.
    ['no content type', ADA, { contentType: null }, 415, 'unsupported_media_type', MESSAGES.mediaType],
    ['text/plain', ADA, { contentType: 'text/plain' }, 415, 'unsupported_media_type', MESSAGES.mediaType],
    ['a form', new URLSearchParams(ADA).toString(), { contentType: FORM_CT }, 415, 'unsupported_media_type', MESSAGES.mediaType],
    ['multipart', ADA, { contentType: 'multipart/form-data; boundary=x' }, 415, 'unsupported_media_type', MESSAGES.mediaType],
    ['a JSON lookalike type', ADA, { contentType: 'application/jsonx' }, 415, 'unsupported_media_type', MESSAGES.mediaType],
    ['a +json type', ADA, { contentType: 'application/json-patch+json' }, 415, 'unsupported_media_type', MESSAGES.mediaType],
    ['a 10 KB content type', ADA, { contentType: `text/plain; x=${KB10}` }, 415, 'unsupported_media_type', MESSAGES.mediaType],
    // Not JSON.
    ['an empty body', '', {}, 400, 'bad_request', MESSAGES.notJson],
    ['truncated JSON', '{"customerName": "Ada"', {}, 400, 'bad_request', MESSAGES.notJson],
    ['trailing garbage', `${JSON.stringify(ADA)}x`, {}, 400, 'bad_request', MESSAGES.notJson],
    ['two objects', `${JSON.stringify(ADA)}{}`, {}, 400, 'bad_request', MESSAGES.notJson],
    ['a byte-order mark', `\uFEFF${JSON.stringify(ADA)}`, {}, 400, 'bad_request', MESSAGES.notJson],
    ['single quotes', "{'customerName':'Ada'}", {}, 400, 'bad_request', MESSAGES.notJson],
    ['invalid UTF-8 in a value', bytes('{"customerName":"Ada ', [0xff, 0xfe], '","customerEmail":"ada@example.com"}'), {}, 400, 'bad_request', MESSAGES.notJson],
    ['invalid UTF-8 outside strings', bytes([0xc3, 0x28], JSON.stringify(ADA)), {}, 400, 'bad_request', MESSAGES.notJson],
    ['overlong UTF-8 for "<"', bytes('{"customerName":"', [0xc0, 0xbc], 'script","customerEmail":"ada@example.com"}'), {}, 400, 'bad_request', MESSAGES.notJson],
    ['a lone surrogate escape', '{"customerName":"Ada \\ud800","customerEmail":"ada@example.com"}', {}, 400, 'bad_request', MESSAGES.notJson],
    ['a number too big for any type', '{"customerName":1e999999}', {}, 400, 'bad_request', MESSAGES.notJson],
    // Valid JSON, not an object: never read positionally into the fields.
    ['null', 'null', {}, 400, 'bad_request', MESSAGES.notObject],
    ['a string', '"Ada Lovelace"', {}, 400, 'bad_request', MESSAGES.notObject],
    ['a number', '42', {}, 400, 'bad_request', MESSAGES.notObject],
    ['an array of numbers', '[1,2]', {}, 400, 'bad_request', MESSAGES.notObject],
    ['an array of the fields in order', JSON.stringify(['Ada Lovelace', 'ada@example.com']), {}, 400, 'bad_request', MESSAGES.notObject],
    // Nesting and size.
    ['an array nested 4000 deep', '['.repeat(4000) + ']'.repeat(4000), {}, 400, 'bad_request', MESSAGES.notObject],
    ['an unclosed array 8000 deep', '['.repeat(8000), {}, 400, 'bad_request', MESSAGES.notJson],
    ['a field nested 3000 deep', `{"notes":${'['.repeat(3000)}${']'.repeat(3000)}}`, {}, 400, 'bad_request', /^The request body has an invalid field: invalid type: sequence, expected a string/],
    ['an unknown field nested 1300 deep', `${'{"a":'.repeat(1300)}1${'}'.repeat(1300)}`, {}, 400, 'bad_request', /^The request body has an invalid field: unknown field `a`/],
    ['a body over 8 KB', lead({ notes: 'x'.repeat(9000) }), {}, 413, 'payload_too_large', MESSAGES.tooLarge],
    ['a body over 8 KB, streamed without Content-Length', streamOf(JSON.stringify(lead({ notes: 'x'.repeat(9000) }))), {}, 413, 'payload_too_large', MESSAGES.tooLarge],
    ['8 KB of whitespace around a lead', `${' '.repeat(8192)}${JSON.stringify(ADA)}`, {}, 413, 'payload_too_large', MESSAGES.tooLarge],
    // Unknown, duplicate and mistyped fields.
    ['an unknown field', lead({ cardNumber: '4242' }), {}, 400, 'bad_request', /^The request body has an invalid field: unknown field `cardNumber`, expected one of `customerName`/],
    ['__proto__', '{"__proto__":{"customerName":"Ada"},"customerEmail":"ada@example.com"}', {}, 400, 'bad_request', /unknown field `__proto__`/],
    ['constructor', lead({ constructor: { prototype: {} } }), {}, 400, 'bad_request', /unknown field `constructor`/],
    ['a field in the wrong case', { CustomerName: 'Ada', customerEmail: 'ada@example.com' }, {}, 400, 'bad_request', /unknown field `CustomerName`/],
    ['a field name with a script', `{${JSON.stringify(SCRIPT)}:1}`, {}, 400, 'bad_request', /unknown field `<script>alert\(1\)<\/script>`/],
    ['clientId smuggled in', lead({ clientId: 'cl_other' }), {}, 400, 'bad_request', /unknown field `clientId`/],
    ['status smuggled in', lead({ status: 'completed_external' }), {}, 400, 'bad_request', /unknown field `status`/],
    ['a duplicate field', '{"customerName":"A","customerName":"B","customerEmail":"a@b.co"}', {}, 400, 'bad_request', /^The request body has an invalid field: duplicate field `customerName`/],
    ['a duplicate under an escaped spelling', '{"customerName":"A","customer\\u004eame":"B","customerEmail":"a@b.co"}', {}, 400, 'bad_request', /duplicate field `customerName`/],
    ['a number for a name', '{"customerName":5,"customerEmail":"ada@example.com"}', {}, 400, 'bad_request', /^The request body has an invalid field: invalid type: integer `5`, expected a string/],
    ['a boolean for an email', '{"customerName":"Ada","customerEmail":true}', {}, 400, 'bad_request', /invalid type: boolean `true`, expected a string/],
    ['an object for notes', lead({ notes: { text: SCRIPT } }), {}, 400, 'bad_request', /invalid type: map, expected a string/],
    ['an array for a phone', lead({ customerPhone: ['555', '0102'] }), {}, 400, 'bad_request', /invalid type: sequence, expected a string/],
    // Empty and whitespace-only.
    ['an empty object', '{}', {}, 422, 'validation', 'Please check the highlighted fields.'],
    ['every field empty', Object.fromEntries(Object.keys(ADA).map((k) => [k, ''])), {}, 422, 'validation', 'Please check the highlighted fields.'],
    ['whitespace and controls only', lead({ customerName: ' \t\r\n\u0000\u202E ' }), {}, 422, 'validation', 'Please check the highlighted fields.'],
    // Origin (checked before anything is read).
    ['no Origin', ADA, { origin: null }, 403, 'origin_not_allowed', "This website isn't allowed to send booking requests for this business."],
    ['another site', ADA, { origin: OTHER_SITE }, 403, 'origin_not_allowed', "This website isn't allowed to send booking requests for this business."],
    ['an Origin of null', ADA, { origin: 'null' }, 403, 'origin_not_allowed', "This website isn't allowed to send booking requests for this business."],
    ['a 10 KB Origin', ADA, { origin: `https://${KB10}.example` }, 403, 'origin_not_allowed', "This website isn't allowed to send booking requests for this business."],
    ['an Origin with markup', ADA, { origin: ATTR }, 403, 'origin_not_allowed', "This website isn't allowed to send booking requests for this business."],
    // The client.
    ['a slug with markup', ADA, { slug: SCRIPT }, 404, 'not_found', MESSAGES.notFound],
    ['a slug with SQL', ADA, { slug: SQL }, 404, 'not_found', MESSAGES.notFound],
    ['a slug with CRLF', ADA, { slug: 'seaside-spa\r\nSet-Cookie: x=1' }, 404, 'not_found', MESSAGES.notFound],
    ['a lookalike slug', ADA, { slug: 'seaside-spа' }, 404, 'not_found', MESSAGES.notFound],
  ];

  for (const [name, body, opts, status, error, message] of refusals) {
    test(`${name} → ${status} ${error}`, async () => {
      const res = await unchanged(name, () => capture(body, opts));
      assert.equal(res.status, status, `${name}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error, error, name);
      if (message instanceof RegExp) assert.match(res.body.message, message, name);
      else assert.equal(res.body.message, message, name);
      assert.match(res.headers.get('content-type'), /^application\/json/);
      assert.equal(res.headers.get('set-cookie'), null);
      const text = JSON.stringify(res.body);
      for (const internal of ['CaptureBody', 'struct ', 'panicked', 'RuntimeError', 'D1_', 'SQLITE', 'wasm']) assert.ok(!text.includes(internal), `${name}: no ${internal} in the answer`);
    });
  }

  test('a body streamed without Content-Length is refused once past 8 KB, before it ends', async () => {
    // 64 KB arrive, then the client holds the rest back: a worker that reads to the end before
    // counting would wait for it (5 s here, a 100 MB upload in the wild); ours answers now.
    let sent = 0;
    let ended = false;
    let release;
    const held = new Promise((resolve) => {
      const timer = setTimeout(resolve, 5000);
      release = () => { clearTimeout(timer); resolve(); };
    });
    const body = new ReadableStream({
      async pull(controller) {
        if (sent < 64 * 1024) {
          sent += 16 * 1024;
          return controller.enqueue(new Uint8Array(16 * 1024).fill(0x20));
        }
        await held;
        ended = true;
        controller.close();
      },
    });
    const res = await unchanged('held stream', () => capture(body));
    const answeredBeforeTheEnd = !ended;
    release();
    assert.equal(res.status, 413);
    assert.equal(res.body.message, MESSAGES.tooLarge);
    assert.ok(answeredBeforeTheEnd, 'answered while the rest of the body was still to come');
  });

  test('the empty lead names both missing fields', async () => {
    const res = await capture({});
    assert.deepEqual(res.body.fields, { customerName: MESSAGES.nameRequired, customerEmail: MESSAGES.contact });
  });

  /** Each visitor field one character over its limit: 422 with that field's message, nothing stored. */
  const limits = { customerName: 100, customerEmail: 254, customerPhone: 32, requestedService: 120, preferredDateTimeText: 200, notes: 1000 };
  const overLimit = {
    customerName: 'é'.repeat(101),
    customerEmail: `${'l'.repeat(64)}@${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(58)}.com`,
    customerPhone: `(772) 555-1234${'-'.repeat(19)}`,
    requestedService: '😀'.repeat(121),
    preferredDateTimeText: 't'.repeat(201),
    notes: '✓'.repeat(1001),
  };
  for (const [field, value] of Object.entries(overLimit)) {
    test(`${field} one character over its limit → 422, nothing stored`, async () => {
      assert.equal([...value].length, limits[field] + 1);
      const res = await unchanged(field, () => capture(lead({ [field]: value })));
      assert.equal(res.status, 422, JSON.stringify(res.body));
      assert.deepEqual(res.body.fields, { [field]: MESSAGES.tooLong(limits[field]) });
    });
  }

  /** Markup and SQL where the field has a format: refused with the format's message (or, for
   * the 34-character SQL as a phone, the length's). */
  for (const [kind, payload] of Object.entries(HOSTILE)) {
    for (const field of ['customerEmail', 'customerPhone']) {
      const message = field === 'customerEmail' ? MESSAGES.email : kind === 'sql' ? MESSAGES.tooLong(32) : MESSAGES.phone;
      test(`${kind} as ${field} → 422`, async () => {
        const res = await unchanged(`${kind} ${field}`, () => capture(lead({ [field]: payload })));
        assert.equal(res.status, 422);
        assert.deepEqual(res.body.fields, { [field]: message });
      });
    }
  }

  test('formats that only look right are refused: lookalike domains, non-ASCII digits, header injection', async () => {
    const cases = [
      ['Cyrillic domain', { customerEmail: 'ada@еxample.com' }, { customerEmail: MESSAGES.email }],
      ['full-width @', { customerEmail: 'ada＠example.com' }, { customerEmail: MESSAGES.email }],
      ['Bcc smuggled after CRLF', { customerEmail: 'ada@example.com\r\nBcc: eve@evil.example' }, { customerEmail: MESSAGES.email }],
      ['full-width digits', { customerEmail: '', customerPhone: '５５５ ０１０ ２０３０' }, { customerPhone: MESSAGES.phone }],
      ['a name of digits and symbols', { customerName: "1'; --" }, { customerName: MESSAGES.nameLetters }],
    ];
    for (const [name, fields, errors] of cases) {
      const res = await unchanged(name, () => capture(lead(fields)));
      assert.equal(res.status, 422, name);
      assert.deepEqual(res.body.fields, errors, name);
    }
  });
});

describe('POST /api/v1/handoffs: requests that are stored, sanitised', () => {
  /** [name, lead fields, headers, columns expected in the new row] */
  const accepted = [
    ['control characters in the name', { customerName: 'Ada\u0000 Love\u0007lace\u001b[31m' }, {}, { customer_name: 'Ada Lovelace[31m' }],
    ['C1 controls and DEL', { customerName: 'Ada\u0085 Lovelace\u009b\u007f' }, {}, { customer_name: 'Ada Lovelace' }],
    ['CRLF in the name', { customerName: 'Ada\r\nSet-Cookie: hijack=1' }, {}, { customer_name: 'Ada Set-Cookie: hijack=1' }],
    ['CRLF and controls in notes (newlines kept)', { notes: 'line one\r\nline two\u0000\r\n\r\n\r\n\r\nend\u001b' }, {}, { notes: 'line one\nline two\n\nend' }],
    ['tabs and newlines in a one-line field', { requestedService: 'deep\ttissue\r\nmassage' }, {}, { requested_service: 'deep tissue massage' }],
    ['an RTL override in the name', { customerName: '\u202Eecalevol adA' }, {}, { customer_name: 'ecalevol adA' }],
    ['every bidi control in the name', { customerName: 'A\u200Ed\u200Fa\u061C \u202AL\u202Bo\u202Cv\u202De\u2066l\u2067a\u2068c\u2069e' }, {}, { customer_name: 'Ada Lovelace' }],
    ['bidi controls in every free-text field', { requestedService: 'Mas\u202Esage', preferredDateTimeText: '\u2067Friday', notes: 'hi\u202E', industry: 'spa\u202E', sourcePage: 'https://seaside-spa.example/\u202Eevil' }, {},
      { requested_service: 'Massage', preferred_date_time_text: 'Friday', notes: 'hi', industry: 'spa', source_page: 'https://seaside-spa.example/evil' }],
    ['an RTL override inside the email', { customerEmail: 'ada\u202E@example.com' }, {}, { customer_email: 'ada@example.com' }],
    ['a NUL inside the phone', { customerEmail: '', customerPhone: '555\u0000 010 2030' }, {}, { customer_phone: '555 010 2030', customer_email: null }],
    ['a Cyrillic lookalike name (kept as typed)', { customerName: 'Аda Lovelace' }, {}, { customer_name: 'Аda Lovelace' }],
    ['a full-width name (kept as typed)', { customerName: 'Ａｄａ' }, {}, { customer_name: 'Ａｄａ' }],
    ['a name of exactly 100 two-byte characters', { customerName: 'é'.repeat(100) }, {}, { customer_name: 'é'.repeat(100) }],
    ['empty optional fields become NULL', { customerPhone: '', requestedService: '', preferredDateTimeText: '', notes: '', sourcePage: '', industry: '' }, {},
      { customer_phone: null, requested_service: null, preferred_date_time_text: null, notes: null, source_page: null, industry: null }],
    ['null fields are absent', { customerPhone: null, notes: null }, {}, { customer_phone: null, notes: null }],
    ['a source page over 500 characters is cut', { sourcePage: `https://seaside-spa.example/${'p'.repeat(600)}` }, {}, { source_page: `https://seaside-spa.example/${'p'.repeat(600)}`.slice(0, 500) }],
    ['an industry over 60 characters is cut', { industry: 'i'.repeat(61) }, {}, { industry: 'i'.repeat(60) }],
    ['a SQL-shaped but valid email', { customerEmail: "o'brien--@example.com" }, {}, { customer_email: "o'brien--@example.com" }],
    ['a 10 KB User-Agent is cut to 200 characters', {}, { 'user-agent': `Mozilla/5.0 ${KB10}` }, { user_agent: `Mozilla/5.0 ${KB10}`.slice(0, 200) }],
    ['a 10 KB CF-Connecting-IP is hashed, never stored', {}, { 'cf-connecting-ip': KB10 }, { ip_hash: createHmac('sha256', 'test-ip-salt').update(KB10).digest('hex') }],
    ['a 10 KB unrelated header', {}, { 'x-padding': KB10, referer: `https://seaside-spa.example/?${KB10}` }, {}],
    ['a 10 KB content type parameter', {}, { 'content-type': `application/json; charset=utf-8; x=${KB10}` }, {}],
    ['an upper-case content type', {}, { 'content-type': 'Application/JSON; charset=UTF-8' }, {}],
  ];
  // Markup and SQL in every free-text field are the visitor's words: stored as text, verbatim.
  for (const [kind, payload] of Object.entries(HOSTILE)) {
    for (const [field, column] of [['customerName', 'customer_name'], ['requestedService', 'requested_service'], ['preferredDateTimeText', 'preferred_date_time_text'],
      ['notes', 'notes'], ['sourcePage', 'source_page'], ['industry', 'industry']]) {
      accepted.push([`${kind} as ${field}`, { [field]: payload }, {}, { [column]: payload }]);
    }
  }

  /** ids of stored hostile handoffs, for the rendering checks below. */
  const stored = [];

  for (const [name, fields, headers, columns] of accepted) {
    test(`${name} → 201, stored as expected`, async () => {
      const { res, row } = await oneNewHandoff(name, () => capture(lead(fields), { headers }));
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.equal(row.id, res.body.id);
      assert.equal(row.status, 'new');
      assert.equal(row.redirect_count, 0);
      const expected = { customer_name: 'Ada Lovelace', customer_email: 'ada@example.com', ...columns };
      for (const [column, value] of Object.entries(expected)) assert.deepEqual(row[column], value, `${name}: ${column}`);
      assert.equal(row.ip_hash === null || /^[0-9a-f]{64}$/.test(row.ip_hash), true);
      for (const [column, value] of Object.entries(row)) {
        if (typeof value === 'string') assert.ok(!/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/.test(value), `${name}: ${column} holds no control or bidi character`);
      }
      stored.push({ name, id: row.id, row });
    });
  }

  test('CRLF in the name never reaches the redirect: prefilled as one encoded query value', async () => {
    const { id } = (await capture(lead({ customerName: 'Ada\r\nLocation: https://evil.example' }))).body;
    const res = await hit(`/r/${id}`);
    assert.equal(res.status, 302);
    const raw = res.headers.get('location');
    assert.ok(!/[\r\n]/.test(raw));
    const location = new URL(raw);
    assert.equal(location.host, 'calendly.com');
    assert.equal(location.searchParams.get('name'), 'Ada Location: https://evil.example');
    assert.equal(res.headers.get('set-cookie'), null);
    assert.deepEqual([...res.headers.keys()].filter((k) => k === 'location'), ['location'], 'one Location header');
  });

  test('stored markup is text on every dashboard page that shows it', async () => {
    const hostile = stored.filter((s) => /^(script|attr|sql) as /.test(s.name));
    assert.equal(hostile.length, 18, 'every hostile capture ran first');
    for (const { name, id } of hostile) {
      const page = await get(w, session, `/dashboard/handoffs/${id}`);
      assert.equal(page.status, 200, name);
      assertInert(page.body, name);
      const kind = name.split(' ')[0];
      assert.ok(page.body.includes(ESCAPED[kind]), `${name}: shown escaped`);
      assert.ok(visible(page.body).includes(HOSTILE[kind]), `${name}: reads as typed`);
    }
    const pipeline = await get(w, session, '/dashboard');
    assert.equal(pipeline.status, 200);
    assertInert(pipeline.body, 'pipeline');
    assert.ok(pipeline.body.includes(ESCAPED.script));
    const tables = (await w.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'booking_handoffs'").all()).results;
    assert.equal(tables.length, 1, 'the table the SQL named is still there');
  });

  test('an RTL override never reaches the dashboard', async () => {
    const { id } = (await capture(lead({ customerName: 'Eve \u202Egnp.exe' }))).body;
    const page = await get(w, session, `/dashboard/handoffs/${id}`);
    assert.ok(page.body.includes('Eve gnp.exe'));
    assert.ok(!page.body.includes('\u202E'));
  });
});

describe('GET /r/:id — malformed links and open-redirect attempts', () => {
  let id;
  let count;
  before(async () => {
    id = (await capture(ADA)).body.id;
    count = async () => (await w.db.prepare('SELECT redirect_count AS n FROM booking_handoffs WHERE id = ?1').bind(id).first()).n;
  });

  test('wrong methods are 405 with Allow, and count nothing', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      const res = await unchanged(method, () => hitJson(`/r/${id}`, { method }));
      assert.equal(res.status, 405, method);
      assert.equal(res.headers.get('allow'), 'GET, HEAD');
      assert.equal(res.body.message, 'This address only accepts GET, HEAD.');
      assert.equal(res.headers.get('location'), null);
    }
  });

  // Whatever the request adds, the target is the client's configured URL with our parameters.
  const queries = [
    '?url=https://evil.example',
    '?redirect=//evil.example&next=https://evil.example',
    '?to=https://evil.example&return_to=https://evil.example&continue=https://evil.example',
    '?redirect_uri=%2F%2Fevil.example&dest=%5C%5Cevil.example',
    '?url=javascript:alert(1)',
    '?tca_ref=x&utm_source=evil&utm_medium=evil&name=Mallory',
    '?@evil.example',
    '?%0d%0aLocation:%20https://evil.example',
    `?url=${encodeURIComponent(ATTR)}`,
    `?x=${KB10}`,
  ];
  for (const query of queries) {
    test(`${query.slice(0, 60)} → 302 to the configured booking host`, async () => {
      const before = await count();
      const res = await hit(`/r/${id}${query}`);
      assert.equal(res.status, 302);
      const raw = res.headers.get('location');
      assert.ok(!/[\r\n]/.test(raw));
      const location = new URL(raw);
      assert.equal(location.host, 'calendly.com');
      assert.equal(location.pathname, '/seaside-spa/60min');
      assert.equal(location.searchParams.get('tca_ref'), id);
      assert.equal(location.searchParams.get('utm_source'), 'treasurecoastai');
      assert.equal(location.searchParams.get('utm_medium'), 'booking_widget');
      assert.equal(location.searchParams.get('name'), 'Ada Lovelace');
      assert.ok(!raw.includes('evil'), raw);
      assert.equal(await count(), before + 1, 'a real click counts once');
    });
  }

  test('10 KB headers (User-Agent, Cookie, Referer, CF-Connecting-IP): same target, counted once', async () => {
    const before = await count();
    const res = await hit(`/r/${id}`, { headers: { 'user-agent': `Mozilla/5.0 ${KB10}`, cookie: `a=${KB10}`, referer: `https://evil.example/${KB10}`, 'cf-connecting-ip': KB10 } });
    assert.equal(res.status, 302);
    assert.equal(new URL(res.headers.get('location')).host, 'calendly.com');
    assert.equal(await count(), before + 1);
  });

  test('HEAD with a target parameter: same configured host, not counted', async () => {
    const before = await count();
    const res = await hit(`/r/${id}?url=https://evil.example`, { method: 'HEAD' });
    assert.equal(res.status, 302);
    assert.equal(new URL(res.headers.get('location')).host, 'calendly.com');
    assert.equal(await count(), before);
  });

  // Anything but exactly /r/ID is not a booking link: the friendly page, no Location, no count.
  const paths = () => [
    `/r//evil.example`,
    `/r/%2F%2Fevil.example`,
    `/r/${id}%2F%2Fevil.example`,
    `/r/${id}/%2F%2Fevil.example`,
    `/r/${id}//evil.example`,
    `/r/${id}/https://evil.example`,
    `/r/${id}/`,
    `/r/${id}/extra`,
    `/r/${id}\\evil.example`,
    `/r/${id}%5Cevil.example`,
    `/r/${id}@evil.example`,
    `/r/${id}%40evil.example`,
    `/r/@evil.example`,
    `/r/${id};url=https:%2F%2Fevil.example`,
    `/r/${id}%0d%0aLocation:%20https://evil.example`,
    `/r/${id}%00`,
    `/r/%E2%80%AE${id}`,
    `/r/${id.slice(0, -1)}`,
    `/r/${id}A`,
    `/r/${encodeURIComponent(lookalike(id))}`,
    `/r/${encodeURIComponent(SQL)}`,
    `/r/${encodeURIComponent(ATTR)}`,
    `/r/${KB10}`,
  ];
  test('paths that are not exactly /r/ID get the friendly 404 page', async () => {
    for (const path of paths()) {
      const name = path.slice(0, 80);
      const res = await unchanged(name, () => hit(path));
      assert.equal(res.status, 404, name);
      assert.equal(res.headers.get('location'), null, name);
      assert.match(res.headers.get('content-type'), /^text\/html/, name);
      const html = await res.text();
      assert.match(visible(html), /This booking link isn't valid/, name);
      assert.ok(!html.includes('evil'), `${name}: nothing reflected`);
      assertInert(html, name);
    }
  });
});

describe('/b/:slug — the hosted form', () => {
  function postForm(body, { slug = spa.slug, contentType = FORM_CT, headers = {}, method = 'POST' } = {}) {
    const raw = typeof body === 'string' || body instanceof Uint8Array || body instanceof ReadableStream ? body : new URLSearchParams(body).toString();
    return hit(`/b/${slug}`, {
      method,
      headers: { ...(contentType ? { 'content-type': contentType } : {}), ...headers },
      body: raw,
      ...(raw instanceof ReadableStream ? { duplex: 'half' } : {}),
    });
  }
  const page = async (res) => ({ status: res.status, headers: res.headers, html: await res.text() });

  test('wrong methods are 405 with Allow', async () => {
    for (const method of ['PUT', 'DELETE', 'PATCH']) {
      const res = await unchanged(method, () => hitJson(`/b/${spa.slug}`, { method }));
      assert.equal(res.status, 405, method);
      assert.equal(res.headers.get('allow'), 'GET, HEAD, POST');
      assert.equal(res.body.message, 'This address only accepts GET, HEAD, POST.');
    }
  });

  test('bodies that are not this form are refused with a visible reason, nothing stored', async () => {
    const formOnly = 'Please use the form on this page.';
    const cases = [
      ['JSON', JSON.stringify(ADA), { contentType: JSON_CT }, 415, formOnly],
      ['no content type', new URLSearchParams(ADA).toString(), { contentType: null }, 415, formOnly],
      ['multipart', new URLSearchParams(ADA).toString(), { contentType: 'multipart/form-data; boundary=x' }, 415, formOnly],
      ['text/plain', new URLSearchParams(ADA).toString(), { contentType: 'text/plain' }, 415, formOnly],
      ['over 8 KB', new URLSearchParams({ ...ADA, notes: 'x'.repeat(9000) }).toString(), {}, 413, 'The request is too large (the limit is 8192 bytes).'],
      ['over 8 KB, streamed', streamOf(new URLSearchParams({ ...ADA, notes: 'x'.repeat(9000) }).toString()), {}, 413, 'The request is too large (the limit is 8192 bytes).'],
      ['cross-site', new URLSearchParams(ADA).toString(), { headers: { 'sec-fetch-site': 'cross-site' } }, 403, formOnly],
    ];
    for (const [name, body, opts, status, message] of cases) {
      const res = await unchanged(name, async () => page(await postForm(body, opts)));
      assert.equal(res.status, status, name);
      assert.match(res.headers.get('content-type'), /^text\/html/, name);
      assert.ok(visible(res.html).includes(message), `${name}: says ${message}`);
      assert.match(res.html, /<form method="post"/, `${name}: the form is there to use`);
    }
  });

  test('over-limit, empty and malformed fields: 422 with each message next to its field, nothing stored', async () => {
    const cases = [
      ['every field empty', {}, { customerName: MESSAGES.nameRequired, customerEmail: MESSAGES.contact }],
      ['name over 100', { ...ADA, customerName: 'n'.repeat(101) }, { customerName: MESSAGES.tooLong(100) }],
      ['email over 254', { ...ADA, customerEmail: `${'l'.repeat(64)}@${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(58)}.com` }, { customerEmail: MESSAGES.tooLong(254) }],
      ['phone over 32', { ...ADA, customerPhone: `(772) 555-1234${'-'.repeat(19)}` }, { customerPhone: MESSAGES.tooLong(32) }],
      ['service over 120', { ...ADA, requestedService: 's'.repeat(121) }, { requestedService: MESSAGES.tooLong(120) }],
      ['time over 200', { ...ADA, preferredDateTimeText: 't'.repeat(201) }, { preferredDateTimeText: MESSAGES.tooLong(200) }],
      ['notes over 1000', { ...ADA, notes: 'z'.repeat(1001) }, { notes: MESSAGES.tooLong(1000) }],
      ['controls only as the name', { ...ADA, customerName: '\u0000\u202E\t' }, { customerName: MESSAGES.nameRequired }],
      ['invalid UTF-8 as the whole name', bytes('customerEmail=ada%40example.com&customerName=', '%FF%FE'), { customerName: MESSAGES.nameLetters }],
    ];
    for (const [name, fields, errors] of cases) {
      const res = await unchanged(name, async () => page(await postForm(fields)));
      assert.equal(res.status, 422, name);
      for (const [field, message] of Object.entries(errors)) {
        assert.ok(res.html.includes(`id="${field}-error">${message}<`), `${name}: ${field} says ${message}`);
      }
      assert.equal((res.html.match(/class="error" id="/g) ?? []).length, Object.keys(errors).length, `${name}: only those errors`);
    }
  });

  test('markup and SQL in every field: kept in the re-shown form as text, nothing stored', async () => {
    for (const [kind, payload] of Object.entries(HOSTILE)) {
      const fields = { customerName: payload, customerEmail: payload, customerPhone: payload, requestedService: payload, preferredDateTimeText: payload, notes: payload };
      const res = await unchanged(kind, async () => page(await postForm(fields)));
      assert.equal(res.status, 422, kind);
      assertInert(res.html, kind);
      assert.equal(res.html.split(ESCAPED[kind]).length - 1, 6, `${kind}: all six fields kept, escaped`);
      assert.ok(res.html.includes(`id="customerEmail-error">${MESSAGES.email}<`), kind);
      assert.ok(res.html.includes(`id="customerPhone-error">${kind === 'sql' ? MESSAGES.tooLong(32) : MESSAGES.phone}<`), kind);
    }
  });

  test('markup, SQL, controls and lookalikes in the accepted fields: stored sanitised, shown escaped', async () => {
    const cases = [
      ['script', { customerName: `Eve ${SCRIPT}`, notes: SCRIPT }, { customer_name: `Eve ${SCRIPT}`, notes: SCRIPT }],
      ['attr', { customerName: ATTR, requestedService: ATTR }, { customer_name: ATTR, requested_service: ATTR }],
      ['sql', { customerName: SQL, preferredDateTimeText: SQL }, { customer_name: SQL, preferred_date_time_text: SQL }],
      ['controls, CRLF and an RTL override', { customerName: 'Ada\r\n\u202ELove\u0000lace', notes: 'a\r\nb\u0007' }, { customer_name: 'Ada Lovelace', notes: 'a\nb' }],
      ['a Cyrillic lookalike name', { customerName: 'Аda Lovelace' }, { customer_name: 'Аda Lovelace' }],
      ['invalid UTF-8 in a name with letters', bytes('customerEmail=ada%40example.com&customerName=Ada%FF'), { customer_name: 'Ada\uFFFD' }],
      ['unknown and forged fields are ignored', { ...ADA, status: 'completed_external', clientId: 'cl_other', sourcePage: 'https://evil.example/', industry: SCRIPT },
        { status: 'new', industry: 'hosted-page', source_page: `${w?.url ?? 'http://edge.test'}/b/` }],
      ['a repeated field: the last one is kept', 'customerName=First&customerName=Second&customerEmail=ada%40example.com', { customer_name: 'Second' }],
    ];
    for (const [name, fields, columns] of cases) {
      const body = typeof fields === 'string' || fields instanceof Uint8Array ? fields : { customerEmail: 'ada@example.com', ...fields };
      const { res, row } = await oneNewHandoff(name, async () => page(await postForm(body)));
      assert.equal(res.status, 201, `${name}: ${visible(res.html).slice(0, 300)}`);
      for (const [column, value] of Object.entries(columns)) assert.equal(row[column], value, `${name}: ${column}`);
      assert.match(res.html, new RegExp(`href="[^"]*/r/${row.id}"`), `${name}: the continue link`);
      const detail = await get(w, session, `/dashboard/handoffs/${row.id}`);
      assertInert(detail.body, name);
    }
  });

  test('hostile slugs get the plain 404 page and echo nothing', async () => {
    const slugs = {
      script: encodeURIComponent(SCRIPT),
      attr: encodeURIComponent(ATTR),
      sql: encodeURIComponent(SQL),
      crlf: 'seaside-spa%0d%0aSet-Cookie:%20x=1',
      'RTL override': '%E2%80%AEseaside-spa',
      'Cyrillic lookalike': encodeURIComponent('sеaside-spa'),
      '10 KB': KB10,
    };
    for (const [name, slug] of Object.entries(slugs)) {
      for (const method of ['GET', 'POST']) {
        const res = await unchanged(`${name} ${method}`, async () => page(await hit(`/b/${slug}`, { method, headers: { 'content-type': FORM_CT }, ...(method === 'POST' ? { body: new URLSearchParams(ADA).toString() } : {}) })));
        assert.equal(res.status, 404, `${name} ${method}`);
        assert.match(visible(res.html), /Page not found/);
        assert.equal(res.headers.get('set-cookie'), null);
        assertInert(res.html, name);
        assert.ok(!res.html.includes('seaside-spa'), `${name}: nothing reflected`);
      }
    }
    for (const path of [`/b/${spa.slug}/`, `/b/${spa.slug}/extra`, '/b/']) {
      const res = await page(await hit(path));
      assert.equal(res.status, 404, path);
      assert.match(res.headers.get('content-type'), /^text\/html/, path);
      assert.match(visible(res.html), /Page not found/, path);
    }
  });
});

describe('POST /api/webhooks/external-booking/:provider', () => {
  const now = () => Math.floor(Date.now() / 1000);
  const signGeneric = (body, secret = HOOK_SECRET, t = now()) => ({ 'Handoff-Signature': `t=${t},v1=${createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex')}` });
  const hook = (provider, slug) => `/api/webhooks/external-booking/${provider}?client=${encodeURIComponent(slug)}`;
  async function deliver({ provider = 'generic', slug = hooked.slug, body = '{}', headers, contentType = JSON_CT, method = 'POST', signed = true } = {}) {
    const res = await hit(hook(provider, slug), {
      method,
      headers: { ...(contentType ? { 'content-type': contentType } : {}), ...(signed ? signGeneric(body) : {}), ...(headers ?? {}) },
      ...(method === 'GET' || method === 'HEAD' ? {} : { body }),
    });
    const text = await res.text();
    let json = {};
    try { json = JSON.parse(text); } catch { /* not JSON */ }
    return { status: res.status, body: json, text, headers: res.headers };
  }
  const event = (fields) => JSON.stringify({ id: `evt_${Math.random().toString(36).slice(2)}`, type: 'booking.completed', ...fields });

  test('refusals: 4xx with one word, nothing stored', async () => {
    const cases = [
      ['GET', { method: 'GET', signed: false }, 405, 'method_not_allowed'],
      ['PUT', { method: 'PUT' }, 405, 'method_not_allowed'],
      ['DELETE', { method: 'DELETE', signed: false }, 405, 'method_not_allowed'],
      ['unsigned', { signed: false, body: event({}) }, 401, 'unauthorized'],
      ['unsigned, no content type', { signed: false, contentType: null, body: event({}) }, 401, 'unauthorized'],
      ['a 10 KB signature', { signed: false, headers: { 'Handoff-Signature': `t=${now()},v1=${'a'.repeat(10240)}` }, body: event({}) }, 401, 'unauthorized'],
      ['a signature with markup', { signed: false, headers: { 'Handoff-Signature': ATTR }, body: event({}) }, 401, 'unauthorized'],
      ['signed with another secret', { signed: false, headers: signGeneric('{}', 'whsec_guess'), body: '{}' }, 401, 'unauthorized'],
      ['a provider with markup', { provider: encodeURIComponent(SCRIPT) }, 404, 'not_found'],
      ['a provider with SQL', { provider: encodeURIComponent(SQL) }, 404, 'not_found'],
      ['a provider in another case', { provider: 'GENERIC' }, 404, 'not_found'],
      ['a client with markup', { slug: SCRIPT }, 404, 'not_found'],
      ['a client with SQL', { slug: SQL }, 404, 'not_found'],
      ['a client with CRLF', { slug: `${hooked.slug}\r\nSet-Cookie: x=1` }, 404, 'not_found'],
      ['a lookalike client', { slug: 'hostile-hооks' }, 404, 'not_found'],
      ['a 10 KB client', { slug: KB10 }, 404, 'not_found'],
      ['a client without a webhook', { slug: spa.slug }, 404, 'not_found'],
      ['over 64 KB, streamed without Content-Length', { stream: event({ pad: 'x'.repeat(70_000) }) }, 413, 'payload_too_large'],
    ];
    for (const [name, opts, status, outcome] of cases) {
      const res = await unchanged(name, () => (opts.stream ? streamed(opts.stream) : deliver(opts)));
      assert.equal(res.status, status, name);
      assert.deepEqual(res.body, { outcome }, `${name}: one word, nothing else`);
      assert.equal(res.headers.get('set-cookie'), null);
      if (status === 405) assert.equal(res.headers.get('allow'), 'POST', name);
    }
  });

  async function streamed(text) {
    const res = await hit(hook('generic', hooked.slug), { method: 'POST', headers: { 'content-type': JSON_CT, ...signGeneric(text) }, body: streamOf(text), duplex: 'half' });
    return { status: res.status, body: await res.json(), headers: res.headers };
  }

  test('signed but unreadable: acknowledged as ignored, nothing stored', async () => {
    const cases = {
      'invalid JSON': '{"id":"evt_1","type":"booking.completed"',
      'invalid UTF-8': bytes('{"id":"evt_', [0xff, 0xfe], '","type":"booking.completed"}'),
      'nested 20000 deep': `{"id":"evt_deep","type":"booking.completed","x":${'['.repeat(20000)}${']'.repeat(20000)}}`,
      'an array': JSON.stringify([{ id: 'evt_2', type: 'booking.completed' }]),
      'control characters in the id': event({ id: 'evt_\r\nx' }),
      'an id over its limit': event({ id: `evt_${'x'.repeat(5000)}` }),
      'an event type with an RTL override': event({ type: 'booking.completed\u202E' }),
      'another event type, with markup': event({ type: SCRIPT }),
      'a text/plain body': 'booking.completed',
    };
    for (const [name, body] of Object.entries(cases)) {
      const res = await unchanged(name, () => deliver({ body }));
      assert.equal(res.status, 200, name);
      assert.deepEqual(res.body, { outcome: 'ignored' }, name);
    }
  });

  test('signed with hostile references: never matches a handoff by accident, ids kept as text', async () => {
    const id = (await capture(ADA, { slug: hooked.slug })).body.id;
    for (const [name, ref] of [['markup', SCRIPT], ['SQL', SQL], ['the id plus CRLF', `${id}\r\n`], ['a lookalike of the id', lookalike(id)], ['the id with an RTL override', `\u202E${id}`]]) {
      const before = await snapshot();
      const body = event({ id: `evt_${name.replace(/\W/g, '_')}`, tca_ref: ref });
      const res = await deliver({ body });
      assert.equal(res.status, 200, name);
      assert.deepEqual(res.body, { outcome: 'unmatched' }, name);
      const after = await snapshot();
      assert.deepEqual(after.booking_handoffs, before.booking_handoffs, `${name}: no handoff changed`);
      assert.equal(after.unmatched_webhook_events.length, before.unmatched_webhook_events.length + 1, name);
      assert.equal(after.webhook_receipts.length, before.webhook_receipts.length + 1, name);
    }
    // An event id that is SQL is stored as the text it is.
    const body = event({ id: SQL });
    assert.deepEqual((await deliver({ body })).body, { outcome: 'unmatched' });
    const receipt = await w.db.prepare('SELECT event_id FROM webhook_receipts WHERE client_id = ?1 AND event_id = ?2').bind(hooked.clientId, SQL).first();
    assert.equal(receipt?.event_id, SQL);
    // The signature is what counts, not the content type; unknown fields are a provider's own.
    const completing = event({ tca_ref: id, extra: { nested: [SCRIPT] } });
    const done = await deliver({ body: completing, contentType: 'text/plain' });
    assert.deepEqual(done.body, { outcome: 'completed' });
    const row = await w.db.prepare('SELECT status, completed_by FROM booking_handoffs WHERE id = ?1').bind(id).first();
    assert.deepEqual({ ...row }, { status: 'completed_external', completed_by: 'webhook:generic' });
  });

  test('a duplicate key in a signed event: the last one is read, exactly once', async () => {
    const id = (await capture(ADA, { slug: hooked.slug })).body.id;
    const body = `{"id":"evt_dup_key","type":"booking.ignored","type":"booking.completed","tca_ref":"${SCRIPT}","tca_ref":"${id}"}`;
    assert.deepEqual((await deliver({ body })).body, { outcome: 'completed' });
    assert.deepEqual((await unchanged('replay', () => deliver({ body }))).body, { outcome: 'duplicate' });
  });

  test('markup in a signed provider\'s identifiers is shown as text on the events page', async () => {
    const url = new URL(hook('square', squareHooked.slug), w.url).toString();
    const body = JSON.stringify({ merchant_id: ATTR, type: 'booking.created', event_id: 'sq_evt_hostile', data: { type: 'booking', id: SCRIPT } });
    const signature = createHmac('sha256', SQUARE_SECRET).update(url + body).digest('base64');
    const res = await hit(url, { method: 'POST', headers: { 'content-type': JSON_CT, 'x-square-hmacsha256-signature': signature }, body });
    assert.deepEqual(await res.json(), { outcome: 'unmatched' });
    const squareSession = await signIn(w, squareHooked.adminKey);
    const page = await get(w, squareSession, '/dashboard/webhook-events');
    assert.equal(page.status, 200);
    assertInert(page.body, 'events page');
    assert.ok(page.body.includes(ESCAPED.script), 'booking id shown escaped');
    assert.ok(page.body.includes(ESCAPED.attr), 'merchant id shown escaped');
  });
});

describe('POST /dashboard/sign-in', () => {
  const names = () => cookieNames(w);
  /** A sign-in attempt with a fresh form (nonce cookie + token) unless overridden. */
  async function attempt(fields, { contentType = FORM_CT, headers = {}, method = 'POST', rawBody } = {}) {
    const form = await signInForm(w);
    const body = rawBody ?? new URLSearchParams({ csrf: form.token, ...fields }).toString();
    const res = await hit('/dashboard/sign-in', {
      method,
      headers: Object.fromEntries(Object.entries({ ...(contentType ? { 'content-type': contentType } : {}), cookie: form.nonce, 'sec-fetch-site': 'same-origin', ...headers }).filter(([, v]) => v !== undefined)),
      ...(method === 'GET' || method === 'HEAD' ? {} : { body: typeof rawBody === 'function' ? rawBody(form) : body }),
    });
    return { status: res.status, headers: res.headers, location: res.headers.get('location'), html: await res.text(), session: setCookie(res, names().session) };
  }

  test('wrong methods and bodies: refused with a visible reason, no session, nothing stored', async () => {
    const cases = [
      ['PUT', {}, { method: 'PUT' }, 405, "This address doesn't accept that kind of request."],
      ['DELETE', {}, { method: 'DELETE' }, 405, "This address doesn't accept that kind of request."],
      ['PATCH', {}, { method: 'PATCH' }, 405, "This address doesn't accept that kind of request."],
      ['JSON', {}, { contentType: JSON_CT, rawBody: JSON.stringify({ adminKey: 'x' }) }, 415, 'Dashboard forms are sent as application/x-www-form-urlencoded.'],
      ['no content type', {}, { contentType: null }, 415, 'Dashboard forms are sent as application/x-www-form-urlencoded.'],
      ['multipart', {}, { contentType: 'multipart/form-data; boundary=x' }, 415, 'Dashboard forms are sent as application/x-www-form-urlencoded.'],
      ['over 16 KB', { adminKey: 'x'.repeat(17 * 1024) }, {}, 413, 'The request is too large (the limit is 16384 bytes).'],
      ['cross-site', { adminKey: spa.adminKey }, { headers: { 'sec-fetch-site': 'cross-site' } }, 403, 'This request came from another website'],
      ['a foreign Origin', { adminKey: spa.adminKey }, { headers: { 'sec-fetch-site': undefined, origin: 'https://evil.example' } }, 403, 'This request came from another website'],
      ['no form token', {}, { rawBody: `adminKey=${encodeURIComponent(spa.adminKey)}` }, 403, 'This sign-in form expired.'],
      ['a token with markup', {}, { rawBody: `csrf=${encodeURIComponent(ATTR)}&adminKey=${encodeURIComponent(spa.adminKey)}` }, 403, 'This sign-in form expired.'],
      ['a 10 KB cookie instead of the nonce', { adminKey: spa.adminKey }, { headers: { cookie: `${names().signin}=${KB10}` } }, 403, 'This sign-in form expired.'],
    ];
    for (const [name, fields, opts, status, message] of cases) {
      const res = await unchanged(name, () => attempt(fields, opts));
      assert.equal(res.status, status, `${name}: ${visible(res.html).slice(0, 200)}`);
      assert.ok(visible(res.html).includes(message), `${name}: says ${message}: ${visible(res.html).slice(0, 300)}`);
      assert.ok(!res.session?.value, `${name}: no session`);
      if (status === 405) assert.equal(res.headers.get('allow'), 'GET, HEAD, POST');
    }
  });

  test('hostile admin keys: 401 with the same message, no session, nothing stored', async () => {
    const keys = {
      empty: '',
      whitespace: ' \t ',
      'control characters': '\u0000\u0007\u001b',
      script: SCRIPT,
      attr: ATTR,
      sql: "' OR '1'='1' --",
      'SQL in a key-shaped value': `hok_${"'OR'1'='1'--".padEnd(43, 'A')}`,
      'a key with an RTL override': `\u202E${spa.adminKey}`,
      'a key with a Cyrillic lookalike': spa.adminKey.replace(/[a-z]/, 'а'),
      'a key with a character missing': spa.adminKey.slice(0, -1),
      'a 10 KB key': `hok_${KB10}`,
      'two keys': `${spa.adminKey},${spa.adminKey}`,
    };
    for (const [name, adminKey] of Object.entries(keys)) {
      const res = await unchanged(name, () => attempt({ adminKey, next: ATTR }));
      assert.equal(res.status, 401, name);
      assert.ok(visible(res.html).includes("That admin key wasn't recognised."), name);
      assert.ok(!res.session?.value, `${name}: no session`);
      assertInert(res.html, name);
      assert.ok(!res.html.includes('name="next"'), `${name}: an unsafe next is dropped, not reflected`);
    }
    const invalidUtf8 = await unchanged('invalid UTF-8', () => attempt({}, { rawBody: (form) => bytes(`csrf=${form.token}&adminKey=hok_%FF%FE`) }));
    assert.equal(invalidUtf8.status, 401);
  });

  test('a real key pasted with surrounding whitespace still signs in', async () => {
    const res = await unchanged('padded key', () => attempt({ adminKey: `\r\n ${spa.adminKey} \t\r\n` }));
    assert.equal(res.status, 303);
    assert.ok(res.session?.value);
  });

  test('hostile next values: a right key lands on this dashboard, never elsewhere', async () => {
    const nexts = [
      '/dashboard\r\nSet-Cookie: hijack=1',
      '/dashboard%0d%0aSet-Cookie:%20hijack=1',
      '/dashboard/%2e%2e/%2e%2e/evil',
      '/dashboard/..%2f..%2fevil',
      '/dashboard\\@evil.example',
      '/dashboard//evil.example',
      '/dashboard@evil.example',
      'https:/\\evil.example',
      '\t/dashboard',
      `/dashboard?${ATTR}`,
      `/dashboard/${KB10}`,
    ];
    for (const next of nexts) {
      const res = await unchanged(next.slice(0, 40), () => attempt({ adminKey: spa.adminKey, next }));
      assert.equal(res.status, 303, next);
      const raw = res.location;
      assert.ok(!/[\r\n]/.test(raw), next);
      const location = new URL(raw);
      assert.equal(location.origin, w.url, `${next.slice(0, 40)} → ${raw}`);
      assert.ok(location.pathname === '/dashboard' || location.pathname.startsWith('/dashboard/'), raw);
      assert.equal(res.headers.getSetCookie().filter((c) => c.startsWith('hijack')).length, 0);
    }
  });
});
