// schema.sql must describe exactly what applying migrations/ in order produces: the same
// tables with the same columns (name, type, NOT NULL, default, primary key), the same foreign
// keys, and the same indexes over the same columns in the same order and direction.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { Miniflare } from 'miniflare';
import { applySql } from './helpers/worker.mjs';

async function structureOf(files) {
  const mf = new Miniflare({ modules: true, script: 'export default { fetch() { return new Response("") } }', d1Databases: ['DB'], d1Persist: false, cf: false, compatibilityDate: '2025-09-01' });
  try {
    const db = await mf.getD1Database('DB');
    for (const f of files) await applySql(db, f);
    const { results: objects } = await db
      .prepare("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name != 'd1_migrations' ORDER BY type, name")
      .all();
    const out = {};
    for (const o of objects) {
      if (o.type === 'table') {
        const cols = (await db.prepare(`SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info('${o.name}') ORDER BY name`).all()).results;
        const fks = (await db.prepare(`SELECT "table", "from", "to", on_delete FROM pragma_foreign_key_list('${o.name}') ORDER BY "from"`).all()).results;
        const checks = (o.sql.match(/CHECK\s*\([^)]*\)/gi) ?? []).map((c) => c.replace(/\s+/g, ' ')).sort();
        out[`table ${o.name}`] = { cols, fks, checks };
      } else if (o.type === 'index') {
        const cols = (await db.prepare(`SELECT seqno, name, "desc" FROM pragma_index_xinfo('${o.name}') WHERE key = 1 ORDER BY seqno`).all()).results;
        out[`index ${o.name}`] = { table: o.tbl_name, cols };
      } else if (o.type === 'trigger') {
        out[`trigger ${o.name}`] = { table: o.tbl_name, sql: o.sql.replace(/\s+/g, ' ').trim() };
      }
    }
    return out;
  } finally {
    await mf.dispose();
  }
}

test('migrations applied in order produce exactly the structure schema.sql describes', async () => {
  const migrations = readdirSync(new URL('../migrations', import.meta.url)).filter((f) => f.endsWith('.sql')).sort().map((f) => `migrations/${f}`);
  assert.ok(migrations.length >= 1);
  const fromMigrations = await structureOf(migrations);
  const fromSchema = await structureOf(['schema.sql']);
  assert.deepEqual(fromSchema, fromMigrations);
  for (const t of ['clients', 'client_settings', 'booking_handoffs', 'admin_keys', 'webhook_receipts', 'unmatched_webhook_events', 'client_status_counts', 'client_industries']) assert.ok(fromSchema[`table ${t}`], t);
  assert.deepEqual(fromSchema['index idx_handoffs_client_created'].cols.map((c) => [c.name, c.desc]), [['client_id', 0], ['created_at', 1], ['id', 1]]);
  for (const t of ['handoffs_count_insert', 'handoffs_count_update', 'handoffs_count_delete', 'handoffs_industry_update']) assert.ok(fromSchema[`trigger ${t}`], t);
  assert.deepEqual(fromSchema['index idx_handoffs_client_status_created'].cols.map((c) => [c.name, c.desc]), [['client_id', 0], ['status', 0], ['created_at', 1], ['id', 1]]);
});
