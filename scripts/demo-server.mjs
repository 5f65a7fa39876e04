#!/usr/bin/env node
// Serves the demo on two origins other than the edge, as in real life:
//   DEMO_PORT (8080): the business's website, embedding the widget with its script tag;
//   PROVIDER_PORT (8081): a stand-in for the business's booking provider (Calendly, Square…),
//   which shows the parameters it received (UTMs, tca_ref, prefill).
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const edge = process.env.EDGE_URL || `http://127.0.0.1:${process.env.PORT || 8787}`;
const demoPort = Number(process.env.DEMO_PORT || 8080);
const providerPort = Number(process.env.PROVIDER_PORT || 8081);
const host = '127.0.0.1';

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const pages = { '/': 'index.html', '/unavailable': 'unavailable.html' };

createServer((req, res) => {
  const path = new URL(req.url, `http://${host}`).pathname;
  const file = pages[path];
  if (!file) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    return;
  }
  const html = readFileSync(join(root, 'demo', file), 'utf8')
    .replaceAll('{{EDGE}}', edge)
    .replaceAll('{{HOST}}', `http://${host}:${demoPort}`);
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(html);
}).listen(demoPort, host);

createServer((req, res) => {
  const url = new URL(req.url, `http://${host}`);
  const rows = [...url.searchParams].map(([k, v]) => `<tr><th>${escape(k)}</th><td>${escape(v)}</td></tr>`).join('');
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Demo booking provider</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}
table{border-collapse:collapse;width:100%}th,td{text-align:left;border-bottom:1px solid #ddd;padding:.4rem;word-break:break-all}</style></head>
<body><h1>Demo booking provider</h1>
<p>In real life this is the business's own booking page (Calendly, Square, Acuity…), where the visitor
picks a slot and pays. Handoff never sees or handles that part.</p>
<h2>What arrived in the link</h2><table id="params">${rows || '<tr><td>(no parameters)</td></tr>'}</table>
</body></html>`);
}).listen(providerPort, host);

console.log(`[demo] business website  http://${host}:${demoPort}/`);
console.log(`[demo] booking provider  http://${host}:${providerPort}/book`);
