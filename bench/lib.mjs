// Shared pieces of the benchmarks: wrk runs with Lua hooks that count what was sent and what
// came back, medians, and machine facts for the report.
import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir, cpus, totalmem } from 'node:os';
import { join } from 'node:path';

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export function machine() {
  const c = cpus();
  return `${c.length} × ${c[0]?.model?.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${process.platform} ${process.arch}, node ${process.version}`;
}

/**
 * Runs wrk for `seconds` against `url`. `paths` (optional) are cycled through per request;
 * `method`/`body`/`headers` shape each request. Returns throughput, latency percentiles and
 * exact counts: requests sent, responses by status.
 */
export function wrk({ url, paths, method = 'GET', body, headers = {}, seconds = 8, threads = 2, connections = 16 }) {
  const dir = mkdtempSync(join(tmpdir(), 'handoff-wrk-'));
  const script = join(dir, 'script.lua');
  const lua = `
local paths = {${(paths ?? []).map((p) => JSON.stringify(p)).join(',')}}
local counter = 0
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args)
  sent = 0; statuses = {}
  wrk.method = ${JSON.stringify(method)}
  ${body !== undefined ? `wrk.body = ${JSON.stringify(body)}` : ''}
  ${Object.entries(headers).map(([k, v]) => `wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}`).join('\n  ')}
end
function request()
  sent = sent + 1
  if #paths > 0 then
    counter = counter + 1
    return wrk.format(nil, paths[(counter % #paths) + 1])
  end
  return wrk.format(nil)
end
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
function done(summary, latency, requests)
  local total_sent = 0
  local by_status = {}
  for _, t in ipairs(threads) do
    total_sent = total_sent + t:get("sent")
    for s, n in pairs(t:get("statuses")) do by_status[s] = (by_status[s] or 0) + n end
  end
  io.write("JSON:{")
  io.write(string.format('"sent":%d,"responses":%d,"seconds":%f,"errors":%d,', total_sent, summary.requests, summary.duration / 1e6, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout))
  io.write(string.format('"p50_ms":%f,"p99_ms":%f,"statuses":{', latency:percentile(50) / 1000, latency:percentile(99) / 1000))
  local first = true
  for s, n in pairs(by_status) do
    if not first then io.write(",") end
    io.write(string.format('"%d":%d', s, n)); first = false
  end
  io.write("}}\\n")
end
`;
  writeFileSync(script, lua);
  const res = spawnSync('wrk', ['-t', String(threads), '-c', String(connections), '-d', `${seconds}s`, '--latency', '-s', script, url], { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`wrk failed: ${res.stderr || res.stdout}`);
  const line = res.stdout.split('\n').find((l) => l.startsWith('JSON:'));
  const out = JSON.parse(line.slice(5));
  out.rps = out.responses / out.seconds;
  return out;
}

/**
 * Sends exactly `n` requests with `concurrency` in flight and waits for every response, so
 * the server-side effects can be compared with what came back, one for one.
 */
export async function closedLoop({ n, concurrency = 16, request }) {
  const statuses = {};
  let next = 0;
  async function lane() {
    while (next < n) {
      const i = next++;
      const res = await request(i);
      await res.arrayBuffer();
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    }
  }
  await Promise.all(Array.from({ length: concurrency }, lane));
  return statuses;
}
