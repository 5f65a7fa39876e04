// schema.sql must be exactly what applying migrations/ in order produces.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { Miniflare } from 'miniflare';
import { applySql } from './helpers/worker.mjs';

async function schemaOf(files) {
  const mf = new Miniflare({ modules: true, script: 'export default { fetch() { return new Response("") } }', d1Databases: ['DB'], d1Persist: false, cf: false, compatibilityDate: '2025-09-01' });
  try {
    const db = await mf.getD1Database('DB');
    for (const f of files) await applySql(db, f);
    const { results } = await db
      .prepare("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name != 'd1_migrations' ORDER BY type, name")
      .all();
    return results.map((r) => ({ ...r, sql: r.sql?.replace(/\s+/g, ' ').trim() }));
  } finally {
    await mf.dispose();
  }
}

test('migrations applied in order produce exactly schema.sql', async () => {
  const migrations = readdirSync(new URL('../migrations', import.meta.url)).filter((f) => f.endsWith('.sql')).sort().map((f) => `migrations/${f}`);
  assert.ok(migrations.length >= 1);
  const fromMigrations = await schemaOf(migrations);
  const fromSchema = await schemaOf(['schema.sql']);
  assert.deepEqual(fromSchema, fromMigrations);
  const tables = fromSchema.filter((r) => r.type === 'table').map((r) => r.name);
  for (const t of ['clients', 'client_settings', 'booking_handoffs', 'admin_keys']) assert.ok(tables.includes(t), t);
  const indexes = fromSchema.filter((r) => r.type === 'index').map((r) => r.name);
  assert.ok(indexes.includes('idx_handoffs_client_created'));
  assert.ok(indexes.includes('idx_handoffs_client_status_created'));
});
