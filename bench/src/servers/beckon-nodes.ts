import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { type ChildServer, startChildServer } from '../child-server.ts';
import type { SeededAgent } from '../load/chat-transport-beckon.ts';

const BECKON = fileURLToPath(new URL('./beckon-server.ts', import.meta.url));

/** The PostgreSQL and Redis that scale-out runs share (a fresh schema per run, dropped after). */
export const SHARED_PG_URL = process.env.BENCH_PG_URL || 'postgres://postgres@127.0.0.1:5432/test';
export const SHARED_REDIS_URL = process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379';

export interface BeckonNodesOptions {
  /** Server processes (default 1). More than one always shares PostgreSQL and Redis. */
  nodes?: number;
  /** Use PostgreSQL + Redis even for one node (so 1-node figures compare with n-node ones). */
  shared?: boolean;
  campaigns?: number;
  /** W3 conversation pairs to seed agents for. */
  chatPairs?: number;
  /** Extra environment for the node processes (e.g. a setting compared A/B). */
  env?: Record<string, string>;
  /** How long the first node may take to seed and listen (ms; a large seed takes longer than 60 s). */
  startTimeoutMs?: number;
}

/** Running Beckon node processes over one store. */
export interface BeckonNodes {
  /** Base URLs (http://127.0.0.1:PORT), one per node. */
  urls: string[];
  siteKey: string;
  agents: SeededAgent[];
  servers: ChildServer[];
  pids: number[];
  /**
   * Kills the first node with SIGKILL (no shutdown, as a crash) and starts it again on the same
   * store, seeding nothing; `urls`, `servers` and `pids` then name the new process.
   */
  crashAndRestart(): Promise<void>;
  stop(): Promise<void>;
}

async function dropSchema(schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: SHARED_PG_URL });
  await c.connect();
  try {
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await c.end();
  }
}

/**
 * Starts Beckon nodes in child processes: one on its own SQLite file, or several sharing a fresh
 * PostgreSQL schema and Redis. The first node migrates and seeds; the others join it.
 */
export async function startBeckonNodes(o: BeckonNodesOptions = {}): Promise<BeckonNodes> {
  const n = Math.max(1, o.nodes ?? 1);
  const shared = o.shared || n > 1;
  // A SQLite node's store lives in its data directory: one chosen here can be started again.
  const dataDir = shared ? undefined : mkdtempSync(join(tmpdir(), 'beckon-bench-'));
  const schema = shared ? `bench_${Date.now().toString(36)}_${process.pid}` : undefined;
  const env: Record<string, string> = {
    BENCH_CAMPAIGNS: String(o.campaigns ?? 50),
    BENCH_CHAT_PAIRS: String(o.chatPairs ?? 0),
    ...(shared
      ? {
          BENCH_DATABASE_URL: SHARED_PG_URL,
          BENCH_PG_SCHEMA: schema!,
          BENCH_REDIS_URL: SHARED_REDIS_URL,
          // Nodes on one store seal secrets with one key; each has its own data dir, so it is set here.
          BECKON_SECRET_KEY: randomBytes(32).toString('base64'),
        }
      : { BENCH_DATA_DIR: dataDir! }),
    ...o.env,
  };
  const servers: ChildServer[] = [];
  const stop = async () => {
    await Promise.all(servers.map((s) => s.stop()));
    if (schema) await dropSchema(schema);
  };
  try {
    servers.push(await startChildServer(BECKON, env, [], { startTimeoutMs: o.startTimeoutMs }));
    for (let i = 1; i < n; i++) servers.push(await startChildServer(BECKON, { ...env, BENCH_SEED: '0' }));
  } catch (err) {
    await stop().catch(() => {});
    throw err;
  }
  const first = servers[0]!.output;
  const chat = /^chat (.+)$/m.exec(first)?.[1];
  const nodes: BeckonNodes = {
    urls: servers.map((s) => `http://127.0.0.1:${s.port}`),
    siteKey: /^site (\S+)$/m.exec(first)![1]!,
    agents: chat ? (JSON.parse(chat) as SeededAgent[]) : [],
    servers,
    pids: servers.map((s) => s.child.pid!),
    async crashAndRestart() {
      const dead = servers[0]!;
      const exited = new Promise((r) => dead.child.once('exit', r));
      dead.child.kill('SIGKILL');
      await exited;
      servers[0] = await startChildServer(BECKON, { ...env, BENCH_SEED: '0' }, [], {
        startTimeoutMs: o.startTimeoutMs,
      });
      nodes.urls[0] = `http://127.0.0.1:${servers[0].port}`;
      nodes.pids[0] = servers[0].child.pid!;
    },
    stop,
  };
  return nodes;
}
