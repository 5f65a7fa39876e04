// Dashboard helpers for integration tests: sign in through the real form (nonce cookie +
// token), then GET pages and POST forms with the session cookie, as a browser would.
import { createHmac, randomBytes } from 'node:crypto';

const FORM = 'application/x-www-form-urlencoded';

/** Cookie names depend on the host: `__Host-` everywhere but localhost. */
export function cookieNames(w) {
  const local = ['localhost', '127.0.0.1', '[::1]'].includes(new URL(w.url).hostname);
  return local
    ? { session: 'handoff_session', signin: 'handoff_signin' }
    : { session: '__Host-handoff_session', signin: '__Host-handoff_signin' };
}

/** `name=value` of the cookie `name` among a response's Set-Cookie headers. */
export function setCookie(res, name) {
  const line = res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`));
  return line ? { pair: line.split(';')[0], line, value: line.split(';')[0].slice(name.length + 1) } : null;
}

/** The first hidden CSRF token in a page. */
export function csrfOf(html) {
  return html.match(/name="csrf" value="([^"]+)"/)?.[1];
}

/** GETs the sign-in page: its nonce cookie and form token. */
export async function signInForm(w, query = '') {
  const res = await w.fetch(`/dashboard/sign-in${query}`);
  const html = await res.text();
  const names = cookieNames(w);
  return { res, html, token: csrfOf(html), nonce: setCookie(res, names.signin)?.pair };
}

/**
 * Signs in with `adminKey` through the form. Returns { status, location, cookie, csrf, html }:
 * `cookie` is the `Cookie` header value for later requests, `csrf` the dashboard's token.
 */
export async function signIn(w, adminKey, { next, headers = {}, ip = randomIp() } = {}) {
  const form = await signInForm(w);
  const body = new URLSearchParams({ csrf: form.token, adminKey, ...(next ? { next } : {}) });
  const res = await w.fetch('/dashboard/sign-in', {
    method: 'POST',
    headers: { 'content-type': FORM, cookie: form.nonce, 'sec-fetch-site': 'same-origin', 'cf-connecting-ip': ip, ...headers },
    body: body.toString(),
  });
  const session = setCookie(res, cookieNames(w).session);
  const out = { status: res.status, location: res.headers.get('location'), res, html: res.status === 303 ? '' : await res.text() };
  if (!session || !session.value) return out;
  const page = await w.fetch('/dashboard', { headers: { cookie: session.pair } });
  const html = await page.text();
  return { ...out, cookie: session.pair, setCookieLine: session.line, csrf: csrfOf(html) };
}

/** A random documentation-range IP, so tests do not share a sign-in rate-limit bucket. */
export function randomIp() {
  const b = randomBytes(2);
  return `198.18.${b[0]}.${b[1]}`;
}

/** GET with the session; returns { status, headers, body }. */
export async function get(w, session, path, headers = {}) {
  const res = await w.fetch(path, { headers: { ...(session ? { cookie: session.cookie } : {}), ...headers } });
  return { status: res.status, headers: res.headers, body: await res.text() };
}

/** POST a form with the session (CSRF token and same-origin metadata unless overridden). */
export async function post(w, session, path, fields = {}, { csrf = session?.csrf, headers = {} } = {}) {
  const body = new URLSearchParams({ ...(csrf !== undefined && csrf !== null ? { csrf } : {}), ...fields });
  const res = await w.fetch(path, {
    method: 'POST',
    headers: { 'content-type': FORM, 'sec-fetch-site': 'same-origin', ...(session ? { cookie: session.cookie } : {}), ...headers },
    body: body.toString(),
  });
  return { status: res.status, headers: res.headers, location: res.headers.get('location'), body: await res.text() };
}

/** A session cookie value signed as the worker does (for expiry tests), with the test key. */
export function craftSession({ clientId, keyHash, expiresAt, secret = 'test-session-key' }) {
  const signing = createHmac('sha256', secret).update('handoff/session/v1').digest();
  const body = `v1.${clientId}.${keyHash}.${expiresAt}`;
  return `${body}.${createHmac('sha256', signing).update(body).digest('hex')}`;
}

/** A random, canonical handoff id (16 bytes, base64url). */
export function handoffId() {
  return randomBytes(16).toString('base64url');
}

/**
 * Inserts handoffs straight into D1 (for volume: pagination and filters), in one batch.
 * rows: [{ id?, createdAt, status?, industry?, sourcePage?, customerName? }]
 */
export async function insertHandoffs(w, clientId, rows) {
  const stmts = rows.map((r, i) => {
    const id = r.id ?? handoffId();
    r.id = id;
    return w.db
      .prepare(
        `INSERT INTO booking_handoffs (id, client_id, created_at, customer_name, customer_email, status, industry, source_page,
          redirected_at, redirect_count) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)`,
      )
      .bind(
        id,
        clientId,
        r.createdAt,
        r.customerName ?? `Customer ${i}`,
        r.customerEmail ?? `c${i}@example.com`,
        r.status ?? 'new',
        r.industry ?? null,
        r.sourcePage ?? null,
        r.status === 'redirected' || r.status === 'completed_external' ? r.createdAt + 1000 : null,
        r.status === 'redirected' || r.status === 'completed_external' ? 1 : 0,
      );
  });
  await w.db.batch(stmts);
  return rows;
}

export const DAY = 86_400_000;
