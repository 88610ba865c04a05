import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import { Store } from '../src/store/store.ts';
import { dropSchema, newSchemaName, postgresSkipReasonNow, TEST_PG_URL } from './helpers/postgres.ts';
import { storeContract } from './store-contract.ts';

storeContract(
  'PostgreSQL',
  async () => {
    const schema = newSchemaName();
    const store = await Store.open({ databaseUrl: TEST_PG_URL, pgSchema: schema });
    await store.migrate();
    return {
      store,
      async dispose() {
        await store.close();
        await dropSchema(schema);
      },
    };
  },
  postgresSkipReasonNow,
);

const pgSkip = postgresSkipReasonNow();

describe('migrating a PostgreSQL schema while others come and go', { skip: pgSkip ?? false }, () => {
  it('looks at its own schema only, and migrates while another schema is dropped', async () => {
    const mine = newSchemaName();
    const other = newSchemaName();
    const admin = new pg.Client({ connectionString: TEST_PG_URL });
    await admin.connect();
    await admin.query(`CREATE SCHEMA "${other}"; CREATE TABLE "${other}".kysely_migration (name text)`);
    const store = await Store.open({ databaseUrl: TEST_PG_URL, pgSchema: mine });
    try {
      // Another schema (another node's test, another product) is dropped while this one migrates:
      // the look at the tables must not read it.
      const churn = (async () => {
        for (let i = 0; i < 20; i++) {
          const s = `${other}_${i}`;
          await admin.query(`CREATE SCHEMA "${s}"; CREATE TABLE "${s}".t (id serial primary key, v text)`);
          await admin.query(`DROP SCHEMA "${s}" CASCADE`);
        }
      })();
      const applied = await store.migrate();
      await churn;
      assert.ok(
        applied.length > 60,
        `every migration applied, not skipped for the other schema's table: ${applied.length}`,
      );
      const tables = await store.db.introspection.getTables({ withInternalKyselyTables: true });
      assert.ok(tables.length > 0);
      assert.deepEqual([...new Set(tables.map((t) => t.schema))], [mine], 'only this store’s schema is read');
      assert.ok(tables.some((t) => t.name === 'kysely_migration'));
      const contacts = tables.find((t) => t.name === 'contacts');
      assert.ok(
        contacts?.columns.some((c) => c.name === 'id'),
        'columns are read as Kysely reads them',
      );
      assert.equal((await store.readiness()).ok, true);
    } finally {
      await store.close();
      await dropSchema(mine);
      await admin.query(`DROP SCHEMA "${other}" CASCADE`);
      await admin.end();
    }
  });
});
