// Starts the real built worker (worker/build/index.js + wasm) in workerd through miniflare,
// with a fresh in-memory local D1 that has schema.sql applied, and the same bindings as
// wrangler.toml. Tests talk to it over HTTP, like any client would.
import { Miniflare } from 'miniflare';
import { readFileSync, writeFileSync, appendFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { request as httpRequest } from 'node:http';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Splits a SQL file into statements. Our schema has no semicolons inside literals; the only
 * compound statements are triggers, whose `BEGIN … END;` body is kept whole.
 */
export function sqlStatements(sql) {
  const pieces = sql
    .split('\n')
    .filter((line) => !line.trim().startsWith('--'))
    .join('\n')
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean);
  const statements = [];
  let open = null;
  for (const piece of pieces) {
    if (open !== null) {
      open += `; ${piece}`;
      if (/\bEND$/i.test(piece)) { statements.push(open); open = null; }
    } else if (/^CREATE\s+TRIGGER\b/i.test(piece) && !/\bEND$/i.test(piece)) {
      open = piece;
    } else {
      statements.push(piece);
    }
  }
  if (open !== null) throw new Error('unterminated CREATE TRIGGER');
  return statements;
}

export async function applySql(db, file) {
  for (const stmt of sqlStatements(readFileSync(join(root, file), 'utf8'))) {
    await db.prepare(stmt).run();
  }
}

/**
 * Where a worker keeps its D1 files and runtime output, when kept: the whole test run's
 * directory (`npm test` sets HANDOFF_TEST_DATA, so the privacy audit that runs last can grep
 * everything the suite wrote), or a fresh one when a test asks to persist (restarts).
 */
function dataDir(persist) {
  const base = process.env.HANDOFF_TEST_DATA || (persist ? mkdtempSync(join(tmpdir(), 'handoff-test-')) : null);
  if (!base) return null;
  const dir = join(base, `worker-${Date.now()}-${randomBytes(4).toString('hex')}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * @param {object} [opts]
 * @param {number} [opts.port] listen on 127.0.0.1:port (0 = any free port) for browsers
 * @param {number} [opts.captureLimit] CAPTURE_LIMITER requests per 60 s
 * @param {number} [opts.signinLimit] SIGNIN_LIMITER sign-in attempts per 60 s
 * @param {number} [opts.webhookLimit] WEBHOOK_LIMITER deliveries per client per 60 s
 * @param {string|null} [opts.schema] SQL file to apply (null: none, a broken database)
 * @param {object} [opts.bindings] extra/overriding vars and secrets
 * @param {boolean} [opts.persist] keep D1 on disk, so `restart()` keeps the data
 */
export async function startWorker(opts = {}) {
  const operatorToken = randomBytes(24).toString('hex');
  const dir = dataDir(opts.persist);
  const logs = [];
  const logFile = dir ? join(dir, 'runtime.log') : null;
  // The runtime's own stdout/stderr (the worker's console output): kept for the audit and
  // passed on, as miniflare does by default.
  const handleRuntimeStdio = (stdout, stderr) => {
    for (const [stream, sink] of [[stdout, process.stdout], [stderr, process.stderr]]) {
      stream.on('data', (chunk) => {
        logs.push(chunk.toString());
        if (logFile) appendFileSync(logFile, chunk);
        sink.write(chunk);
      });
    }
  };
  const options = {
    modules: true,
    scriptPath: join(root, 'worker/build/index.js'),
    modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'], fallthrough: true }],
    compatibilityDate: '2025-09-01',
    d1Databases: ['DB'],
    d1Persist: dir ? join(dir, 'd1') : false,
    cf: false,
    handleRuntimeStdio,
    ratelimits: {
      CAPTURE_LIMITER: { namespace_id: '1001', simple: { limit: opts.captureLimit ?? 10_000, period: 60 } },
      SIGNIN_LIMITER: { namespace_id: '1002', simple: { limit: opts.signinLimit ?? 10_000, period: 60 } },
      WEBHOOK_LIMITER: { namespace_id: '1003', simple: { limit: opts.webhookLimit ?? 10_000, period: 60 } },
    },
    // As wrangler.toml: lead alerts go through Email Service, which miniflare simulates by
    // writing each message to a file (its path is printed to the runtime's output).
    email: { send_email: [{ name: 'ALERT_EMAIL' }] },
    bindings: {
      OPERATOR_TOKEN: operatorToken,
      IP_SALT: 'test-ip-salt',
      SESSION_KEY: 'test-session-key',
      SECRETS_KEY: 'test-secrets-key',
      ALERT_FROM: 'alerts@handoff.test',
      ...(opts.bindings ?? {}),
    },
    ...(opts.port !== undefined ? { host: '127.0.0.1', port: opts.port } : {}),
  };
  if (dir) writeFileSync(join(dir, 'secrets.json'), JSON.stringify({ OPERATOR_TOKEN: operatorToken, ...options.bindings }));
  const mf = new Miniflare(options);
  const url = opts.port !== undefined ? (await mf.ready).toString().replace(/\/$/, '') : 'http://edge.test';
  const db = await mf.getD1Database('DB');
  const schema = opts.schema === undefined ? 'schema.sql' : opts.schema;
  if (schema) await applySql(db, schema);

  const w = {
    mf,
    db,
    url,
    operatorToken,
    /** fetch against the worker; relative paths are resolved against its URL. */
    fetch(path, init = {}) {
      return mf.dispatchFetch(new URL(path, url).toString(), { redirect: 'manual', ...init });
    },
    async json(path, init) {
      const res = await w.fetch(path, init);
      const text = await res.text();
      let body;
      try { body = JSON.parse(text); } catch { body = text; }
      return { status: res.status, headers: res.headers, body };
    },
    /** Creates a client through the operator API; returns { slug, adminKey, clientId }. */
    async createClient(fields) {
      const { status, body } = await w.json('/api/v1/operator/clients', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${operatorToken}` },
        body: JSON.stringify(fields),
      });
      if (status !== 201) throw new Error(`createClient ${status}: ${JSON.stringify(body)}`);
      return body;
    },
    /** A capture as the widget sends it, from `origin`. */
    capture(slug, lead, { origin, headers = {} } = {}) {
      return w.json(`/api/v1/handoffs?client=${encodeURIComponent(slug)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(origin ? { origin } : {}), ...headers },
        body: typeof lead === 'string' ? lead : JSON.stringify(lead),
      });
    },
    admin(adminKey, path) {
      return w.json(path, { headers: { authorization: `Bearer ${adminKey}` } });
    },
    /** Where its D1 files and runtime output are kept (null: in memory). */
    dataDir: dir,
    /** Everything the runtime printed so far (the worker's console output). */
    logs,
    /**
     * Restarts the runtime (workerd) with the same options, on the same port: in-flight
     * requests fail as they would on a real restart. D1 survives only with `persist`.
     */
    async restart() {
      if (opts.port !== undefined) options.port = Number(new URL(url).port);
      await mf.setOptions(options);
      await mf.ready;
      w.db = await mf.getD1Database('DB');
    },
    dispose: () => mf.dispose(),
  };
  return w;
}

/**
 * A GET with exactly these headers, over node:http (Node's fetch always sends its own
 * `Sec-Fetch-Mode: cors`, so it cannot say what a browser navigation says).
 * Returns { status, headers, body }.
 */
export function rawGet(url, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'GET', headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

export const SITE = 'https://seaside-spa.example';
export const OTHER_SITE = 'https://harbor-physio.example';

/** A client in external mode pointing at a provider URL with its own params and fragment. */
export function spaClient(overrides = {}) {
  return {
    slug: 'seaside-spa',
    name: 'Seaside Day Spa',
    allowedOrigins: [SITE],
    bookingMode: 'external',
    externalBookingProviderName: 'Calendly',
    externalBookingUrl: 'https://calendly.com/seaside-spa/60min?month=2026-12#top',
    externalBookingUtmCampaign: 'winter-demo',
    contactEmail: 'hello@seaside-spa.example',
    contactPhone: '+1 555 010 2030',
    services: ['Massage', 'Facial'],
    ...overrides,
  };
}

export const ADA = {
  customerName: 'Ada Lovelace',
  customerEmail: 'ada@example.com',
  requestedService: 'Massage',
  preferredDateTimeText: 'Friday afternoon',
  notes: 'First visit',
  sourcePage: 'https://seaside-spa.example/treatments?utm_source=newsletter',
  industry: 'spa',
};
