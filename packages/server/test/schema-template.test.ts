import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import { Store } from '../src/store/store.ts';
import {
  dropSchema,
  newDatabaseName,
  newSchemaName,
  postgresSkipReason,
  TEST_PG_URL,
} from './helpers/postgres.ts';
import {
  dropPgDatabase,
  freshPgStore,
  makePgTemplateDatabase,
  migratedPgDatabase,
  migratedPgSchema,
  migratedSqliteFile,
  pgSchemaDump,
} from './helpers/schema-template.ts';
import { startTestServer } from './helpers/test-server.ts';

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

/** A node that opens this PostgreSQL store finds nothing to migrate, and the store is ready. */
async function assertNothingToMigrate(opts: { databaseUrl: string; pgSchema?: string }): Promise<void> {
  const store = await Store.open(opts);
  try {
    assert.deepEqual(await store.migrate(), [], 'no migration left to run');
    assert.equal((await store.readiness()).ok, true);
  } finally {
    await store.close();
  }
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
      await assertNothingToMigrate({ databaseUrl: TEST_PG_URL, pgSchema: copy });
    } finally {
      await store.close();
      await dropSchema(migrated);
      await dropSchema(copy);
    }
  });

  it('on PostgreSQL: a test server gets a database of its own, copied from a migrated template, dropped on close', async (t) => {
    const skip = await postgresSkipReason();
    if (skip) return t.skip(skip);
    const migrated = newSchemaName();
    const store = await Store.open({ databaseUrl: TEST_PG_URL, pgSchema: migrated });
    const copy = newDatabaseName();
    const copyUrl = await migratedPgDatabase(TEST_PG_URL, copy);
    try {
      assert.ok(copyUrl, 'this role may create databases');
      await store.migrate();
      // The same objects and rows as a migrated schema, the migration list's times aside.
      const same = (s: string) =>
        s
          .replace(/INSERT INTO __beckon_schema__\.kysely_migration VALUES \('([^']+)', '[^']+'\)/g, '$1')
          // The public schema exists in every database: pg_dump writes its comment, not its creation.
          .replace(/^CREATE SCHEMA __beckon_schema__;$/m, '')
          .replace(/^COMMENT ON SCHEMA public IS .*$/m, '')
          .trim();
      const dump = (url: string, schema: string) =>
        same(pgSchemaDump(url, schema).replaceAll('public.', '__beckon_schema__.'));
      assert.equal(dump(copyUrl, 'public'), dump(TEST_PG_URL, migrated));
      await assertNothingToMigrate({ databaseUrl: copyUrl });
    } finally {
      await store.close();
      await dropSchema(migrated);
      await dropPgDatabase(TEST_PG_URL, copy);
    }

    const server = await startTestServer({ store: 'postgres' });
    const name = new URL(server.databaseUrl!).pathname.slice(1);
    const exists = async () => {
      const c = new pg.Client({ connectionString: TEST_PG_URL });
      await c.connect();
      try {
        return (await c.query('select 1 from pg_database where datname = $1', [name])).rows.length === 1;
      } finally {
        await c.end();
      }
    };
    assert.notEqual(name, new URL(TEST_PG_URL).pathname.slice(1), 'not the shared test database');
    assert.equal(await exists(), true);
    const accounts = await server.node.ctx.store.db.selectFrom('accounts').select('id').execute();
    assert.deepEqual(accounts, [], 'a new store holds no account');
    await server.close();
    assert.equal(await exists(), false, 'close() drops it');
  });

  it('on PostgreSQL: what a crashed run left behind is dropped when a template is next looked for', async (t) => {
    const skip = await postgresSkipReason();
    if (skip) return t.skip(skip);
    const c = new pg.Client({ connectionString: TEST_PG_URL });
    await c.connect();
    const names = async () =>
      (await c.query<{ datname: string }>('select datname from pg_database')).rows.map((r) => r.datname);
    try {
      // A test database of seven hours ago, one of a minute ago, and an old template of other migrations.
      const old = `beckon_t_${(Date.now() - 7 * 3600_000).toString(36)}_crash1`;
      const recent = `beckon_t_${(Date.now() - 60_000).toString(36)}_alive1`;
      const oldTemplate = 'beckon_tpl_0000000000000000';
      for (const n of [old, recent, oldTemplate])
        await c.query(`DROP DATABASE IF EXISTS "${n}"`).catch(() => {});
      await c.query(`CREATE DATABASE "${old}"`);
      await c.query(`CREATE DATABASE "${recent}"`);
      await c.query(`CREATE DATABASE "${oldTemplate}"`);
      await c.query(`ALTER DATABASE "${oldTemplate}" WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`);
      await c.query(
        `COMMENT ON DATABASE "${oldTemplate}" IS 'Beckon test template, made ${Date.now() - 7 * 3600_000}'`,
      );
      const template = await makePgTemplateDatabase(TEST_PG_URL);
      const after = await names();
      assert.ok(template && after.includes(template), 'the current template stays');
      assert.ok(!after.includes(old), 'a test database of a crashed run is dropped');
      assert.ok(!after.includes(oldTemplate), 'a template of other migrations is dropped');
      assert.ok(after.includes(recent), 'a test database that may be in use stays');
      await c.query(`DROP DATABASE "${recent}"`);
    } finally {
      await c.end();
    }
  });

  it('on PostgreSQL: a role that may not create databases gets a schema of its own instead', async (t) => {
    const skip = await postgresSkipReason();
    if (skip) return t.skip(skip);
    const role = `beckon_nocreatedb_${process.pid}`;
    const c = new pg.Client({ connectionString: TEST_PG_URL });
    await c.connect();
    const database = new URL(TEST_PG_URL).pathname.slice(1);
    try {
      await c.query(`CREATE ROLE "${role}" LOGIN NOCREATEDB NOSUPERUSER`);
      await c.query(`GRANT CREATE ON DATABASE "${database}" TO "${role}"`);
      const url = new URL(TEST_PG_URL);
      url.username = role;
      const store = await freshPgStore(url.toString());
      try {
        assert.equal(store.url, url.toString(), 'the test database itself');
        assert.match(store.schema ?? '', /^t_/, 'in a schema of its own');
        await assertNothingToMigrate({ databaseUrl: store.url, pgSchema: store.schema });
      } finally {
        await store.drop();
      }
      const left = await c.query('select 1 from pg_namespace where nspname = $1', [store.schema]);
      assert.equal(left.rows.length, 0, 'drop() removes the schema');
    } finally {
      await c.query(`REVOKE CREATE ON DATABASE "${database}" FROM "${role}"`).catch(() => {});
      await c.query(`DROP ROLE IF EXISTS "${role}"`).catch(() => {});
      await c.end();
    }
  });
});
