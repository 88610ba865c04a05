import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../src/config.ts';
import { type DemoSeedResult, seedDemo } from '../../src/demo/seed.ts';
import { type BeckonNode, createNode, type NodeOptions } from '../../src/node.ts';
import { sqliteFile } from '../../src/store/data-dir.ts';
import { TEST_PG_URL } from './postgres.ts';
import { freshPgStore, migratedSqliteFile } from './schema-template.ts';

export interface TestServer {
  url: string;
  node: BeckonNode;
  demo?: DemoSeedResult;
  dataDir: string;
  /** On PostgreSQL: the URL of the server's own database (read it directly with this). */
  databaseUrl?: string;
  close(): Promise<void>;
}

export interface TestServerOptions extends Pick<NodeOptions, 'routes' | 'egress'> {
  /** Seed the Demo Store account with known passwords (admin: demo-admin-pw, agents: demo-agent-pw). */
  demo?: boolean;
  /** 'postgres' forces PostgreSQL; default: PostgreSQL when DATABASE_URL is set, else a temporary SQLite file. */
  store?: 'sqlite' | 'postgres';
  /**
   * Environment-style settings that `loadConfig` reads (core and chat limits). The engagement
   * settings (writer, visitors, capacity, tag rate limits) are read from `process.env` when the
   * node starts: set those there, or configure the running part directly.
   */
  env?: Record<string, string>;
  /** The data dir to use (it need not exist yet); default: a new temporary one. Removed on close either way. */
  dataDir?: string;
  /** Where every log line goes, at every level (default: nowhere unless `TEST_LOG_LEVEL` says). */
  logs?: { write(line: string): void };
  /** The lowest level `logs` gets (default `trace`): a busy test keeps its CPU with `warn`. */
  logsLevel?: pino.Level;
}

export const DEMO_ADMIN = { email: 'admin@demo.beckon.local', password: 'demo-admin-pw' };
export const DEMO_AGENT_PASSWORD = 'demo-agent-pw';

/**
 * The one way tests start a server: port 0, quiet logs, its own temporary SQLite file
 * (or PostgreSQL database), no signal handlers; `close()` removes everything it made.
 */
export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'beckon-test-'));
  const usePg = opts.store === 'postgres' || (opts.store !== 'sqlite' && Boolean(process.env.DATABASE_URL));
  // A copy of the migrated store: the node's migrate() then has nothing to do (schema-template.ts).
  const pg = usePg ? await freshPgStore(TEST_PG_URL) : undefined;
  const config = loadConfig(
    {
      port: 0,
      host: '127.0.0.1',
      dataDir,
      databaseUrl: usePg ? TEST_PG_URL : '',
      logLevel: process.env.TEST_LOG_LEVEL ?? 'silent',
    },
    // A closed console's agent counts as gone at once unless a test asks for the grace period.
    // Providers, webhooks and model servers are local stand-ins on loopback: the egress may reach
    // them unless a test asks for the production policy (`BECKON_EGRESS_ALLOW_PRIVATE: '0'`).
    { BECKON_AGENT_PRESENCE_GRACE_MS: '0', BECKON_EGRESS_ALLOW_PRIVATE: '1', ...opts.env },
  );
  config.databaseUrl = pg?.url;
  config.prettyLogs = false;
  const logger = opts.logs
    ? pino({ level: opts.logsLevel ?? 'trace' }, opts.logs)
    : pino({ level: config.logLevel });
  if (!pg) {
    mkdirSync(dataDir, { recursive: true });
    await migratedSqliteFile(sqliteFile(dataDir));
  }
  const node = await createNode(config, {
    logger,
    pgSchema: pg?.schema,
    routes: opts.routes,
    egress: opts.egress,
  });
  const url = await node.listen();
  let demo: DemoSeedResult | undefined;
  if (opts.demo) {
    demo = await seedDemo(node.ctx.store, {
      publicUrl: url,
      dataDir,
      adminPassword: DEMO_ADMIN.password,
      agentPassword: DEMO_AGENT_PASSWORD,
    });
  }
  return {
    url,
    node,
    demo,
    dataDir,
    databaseUrl: pg?.url,
    async close() {
      await node.close();
      await pg?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
