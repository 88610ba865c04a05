import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import pino from 'pino';
import { loadConfig } from '../src/config.ts';
import { seedDemo } from '../src/demo/seed.ts';
import { type BeckonNode, createNode } from '../src/node.ts';
import { Store } from '../src/store/store.ts';
import { isStoreUnavailable } from '../src/store/store-availability.ts';
import { ApiClient } from './helpers/api-client.ts';
import { eventually } from './helpers/chat-fixtures.ts';
import { dropSchema, newSchemaName, postgresSkipReasonNow, TEST_PG_URL } from './helpers/postgres.ts';

// Asked as the file loads, without awaiting: see helpers/service-probe.ts.
const PG_SKIP = postgresSkipReasonNow();

/** A local port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

describe('the store going away (PostgreSQL)', () => {
  const skip = PG_SKIP;
  const schema = newSchemaName();
  // Names this node's connections, so the test ends only them and no other test's.
  const appName = `beckon_outage_${schema}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'beckon-outage-'));
  let node: BeckonNode;
  before(async () => {
    if (skip) return;
    const config = loadConfig({ port: 0, host: '127.0.0.1', dataDir, logLevel: 'silent' }, {});
    const url = new URL(TEST_PG_URL);
    url.searchParams.set('application_name', appName);
    config.databaseUrl = url.toString();
    node = await createNode(config, { logger: pino({ level: 'silent' }), pgSchema: schema });
    await node.listen();
    await seedDemo(node.ctx.store, {
      publicUrl: node.url,
      dataDir,
      adminPassword: 'demo-admin-pw',
      agentPassword: 'demo-agent-pw',
    });
  });
  after(async () => {
    await node?.close();
    if (!skip) await dropSchema(schema);
    rmSync(dataDir, { recursive: true, force: true });
  });
  const test = (title: string, fn: () => Promise<void>) =>
    it(title, skip ? { skip } : { timeout: 60_000 }, fn);

  test('an administrator ending every connection (a restart, a failover) costs no crash and no restart', async () => {
    const api = new ApiClient(node.app);
    assert.equal((await api.login('admin@demo.beckon.local', 'demo-admin-pw')).status, 200);
    // Several pooled connections, idle now: each gets "terminating connection due to administrator command".
    await Promise.all(Array.from({ length: 4 }, () => api.request('GET', '/api/v1/skills')));
    const admin = new pg.Client({ connectionString: TEST_PG_URL });
    await admin.connect();
    try {
      const ended = await admin.query(
        'select pg_terminate_backend(pid) as ok from pg_stat_activity where application_name = $1',
        [appName],
      );
      assert.ok(ended.rowCount! >= 1, 'the node held pooled connections');
    } finally {
      await admin.end();
    }
    // Node's default for an unhandled 'error' event is to throw: reaching here means none escaped.
    await eventually(async () => {
      const res = await api.request('GET', '/api/v1/skills');
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return true;
    });
    const ready = await node.app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(ready.statusCode, 200);
    assert.deepEqual(ready.json().store, { kind: 'postgres', ok: true });
  });

  test('a store that cannot be reached is not ready, with the reason, and its errors say so', async () => {
    const store = await Store.open({
      databaseUrl: `postgres://postgres@127.0.0.1:${await closedPort()}/test`,
    });
    try {
      const r = await store.readiness();
      assert.equal(r.ok, false);
      assert.match(r.reason ?? '', /ECONNREFUSED/);
      const err = await store.db
        .selectFrom('accounts')
        .selectAll()
        .execute()
        .then(
          () => null,
          (e: unknown) => e,
        );
      assert.ok(isStoreUnavailable(err), `an unreachable store's error is recognised: ${String(err)}`);
    } finally {
      await store.close();
    }
  });
});

describe('a busy PostgreSQL pool against a silent one', () => {
  const opts = PG_SKIP ? { skip: PG_SKIP } : { timeout: 30_000 };

  it('waits for a busy connection longer than it waits for a new one', opts, async () => {
    // One connection, held 6 s: the second statement waits past the 5 s a connection may take.
    const store = await Store.open({ databaseUrl: TEST_PG_URL, pgPoolSize: 1 });
    try {
      const started = Date.now();
      const held = sql`select pg_sleep(6)`.execute(store.db);
      const waited = await sql<{ one: number }>`select 1 as one`.execute(store.db);
      await held;
      assert.equal(waited.rows[0]?.one, 1, 'the waiting statement ran, not "the store is unreachable"');
      assert.ok(Date.now() - started >= 6000, 'it waited for the busy connection');
    } finally {
      await store.close();
    }
  });

  it(
    'fails after the 5 s connect timeout on a server that accepts and never answers, as an outage',
    opts,
    async () => {
      const silent = createServer(() => {});
      await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
      const port = (silent.address() as { port: number }).port;
      const store = await Store.open({ databaseUrl: `postgres://postgres@127.0.0.1:${port}/test` });
      try {
        const started = Date.now();
        const err = await sql`select 1`.execute(store.db).then(
          () => null,
          (e: unknown) => e,
        );
        assert.ok(isStoreUnavailable(err), `a silent store's error is recognised: ${String(err)}`);
        assert.ok(Date.now() - started < 10_000, 'the connect timeout, not the pool wait');
      } finally {
        await store.close();
        silent.close();
      }
    },
  );
});

describe('telling an outage from a failed statement', () => {
  it('knows connection failures and server shutdowns, not constraint or syntax errors', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P01', '57P03', '08006', '53300'])
      assert.equal(isStoreUnavailable(Object.assign(new Error('x'), { code })), true, code);
    assert.equal(isStoreUnavailable(new Error('Connection terminated unexpectedly')), true);
    assert.equal(isStoreUnavailable(new Error('timeout exceeded when trying to connect')), true);
    for (const code of ['23505', '42601', 'SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_BUSY'])
      assert.equal(isStoreUnavailable(Object.assign(new Error('x'), { code })), false, code);
    assert.equal(isStoreUnavailable(undefined), false);
  });
});
