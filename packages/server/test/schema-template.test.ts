import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { type Kysely, sql } from 'kysely';
import { Store } from '../src/store/store.ts';
import { dropSchema, newSchemaName, postgresSkipReason, TEST_PG_URL } from './helpers/postgres.ts';
import { migratedPgSchema, migratedSqliteFile, pgSchemaDump } from './helpers/schema-template.ts';

/**
 * What a store's file holds: every schema object and every row, in a comparable form. The planner's
 * statistics (`sqlite_stat*`, kept by the store as it runs) are SQLite's, not the migrations'.
 */
async function contents(db: Kysely<unknown>) {
  const objects = (
    await sql<{ type: string; name: string; tbl_name: string; sql: string | null }>`
      select type, name, tbl_name, sql from sqlite_master where name not like 'sqlite_stat%'
      order by type, name`.execute(db)
  ).rows;
  const rows: Record<string, unknown[]> = {};
  for (const o of objects) {
    if (o.type !== 'table') continue;
    rows[o.name] = (await sql`select * from ${sql.table(o.name)}`.execute(db)).rows;
  }
  // The migration list's times differ between two runs; its names must not.
  rows.kysely_migration = (rows.kysely_migration as { name: string }[]).map((r) => r.name);
  return { objects, rows };
}

describe('test servers start from a copy of the migrated schema (helpers/schema-template.ts)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'beckon-template-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('holds exactly what running every migration makes, and a node finds nothing to migrate', async () => {
    const migrated = await Store.open({ sqlitePath: join(dir, 'migrated.db') });
    await migrated.migrate();
    const file = join(dir, 'copy.db');
    await migratedSqliteFile(file);
    const copy = await Store.open({ sqlitePath: file });
    try {
      assert.deepEqual(
        await contents(copy.db as Kysely<unknown>),
        await contents(migrated.db as Kysely<unknown>),
      );
      assert.deepEqual(await copy.migrate(), [], 'no migration left to run');
      assert.equal((await copy.readiness()).ok, true);
      const check = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(copy.db);
      assert.deepEqual(check.rows, [{ integrity_check: 'ok' }]);
    } finally {
      await copy.close();
      await migrated.close();
    }
  });

  it('on PostgreSQL: a copy is the migrated schema, object for object and row for row', async (t) => {
    const skip = await postgresSkipReason();
    if (skip) return t.skip(skip);
    const migrated = newSchemaName();
    const copy = newSchemaName();
    const store = await Store.open({ databaseUrl: TEST_PG_URL, pgSchema: migrated });
    try {
      await store.migrate();
      assert.equal(await migratedPgSchema(TEST_PG_URL, copy), true, 'pg_dump is there');
      // The migration list's times differ between two runs; the rest must not.
      const same = (s: string) =>
        s.replace(/INSERT INTO __beckon_schema__\.kysely_migration VALUES \('([^']+)', '[^']+'\)/g, '$1');
      assert.equal(same(pgSchemaDump(TEST_PG_URL, copy)), same(pgSchemaDump(TEST_PG_URL, migrated)));
      const onCopy = await Store.open({ databaseUrl: TEST_PG_URL, pgSchema: copy });
      try {
        assert.deepEqual(await onCopy.migrate(), [], 'no migration left to run');
        assert.equal((await onCopy.readiness()).ok, true);
      } finally {
        await onCopy.close();
      }
    } finally {
      await store.close();
      await dropSchema(migrated);
      await dropSchema(copy);
    }
  });
});
