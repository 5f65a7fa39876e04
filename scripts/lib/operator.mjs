// The operator API, from the command line: shared by client:create and the demo seed.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** OPERATOR_TOKEN from the environment, else from the local .dev.vars that setup generated. */
export function operatorToken() {
  if (process.env.OPERATOR_TOKEN) return process.env.OPERATOR_TOKEN;
  try {
    const vars = readFileSync(join(root, '.dev.vars'), 'utf8');
    const m = vars.match(/^OPERATOR_TOKEN="?([^"\n]+)"?$/m);
    if (m) return m[1];
  } catch {}
  throw new Error('No OPERATOR_TOKEN: set it in the environment, or run `npm run setup` to create .dev.vars.');
}

export function edgeUrl() {
  return process.env.HANDOFF_URL || `http://127.0.0.1:${process.env.PORT || 8787}`;
}

/** POST to the operator API; returns { status, body }. Explains an unreachable server. */
export async function operatorPost(path, body) {
  const url = new URL(path, edgeUrl());
  let res;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${operatorToken()}` },
      body: JSON.stringify(body ?? {}),
    });
  } catch (e) {
    throw new Error(`Cannot reach the Handoff server at ${edgeUrl()} (${e.cause?.code || e.message}). Start it with \`npm start\` or set HANDOFF_URL.`);
  }
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { json = { message: text }; }
  return { status: res.status, body: json };
}

/** Waits until /healthz answers 200 (wrangler dev builds before it listens). */
export async function waitForHealthy(timeoutMs = 180_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(new URL('/healthz', edgeUrl()));
      if (res.ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`The server at ${edgeUrl()} did not become healthy within ${timeoutMs / 1000}s.`);
}
