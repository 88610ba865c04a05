import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { seedDemo } from '../../src/demo/seed.ts';
import { Store } from '../../src/store/store.ts';
import { eventually } from './chat-fixtures.ts';
import { NO_RATE_LIMITS } from './no-rate-limits.ts';
import { type NodeProcess, startNodeProcess } from './node-process.ts';
import { type PrivatePostgres, privatePostgresSkipReason, startPrivatePostgres } from './private-postgres.ts';
import { PrivateRedis } from './private-redis.ts';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.ts';

/** The demo account the cluster's nodes share, with a console session per agent. */
export interface ChaosAccount {
  accountId: string;
  siteKey: string;
  salesSkillId: string;
  /** `beckon_session=…` cookies of the account's users, the demo's three first (all take Sales chats). */
  agentCookies: string[];
}

/** One node's own path to each service, to cut the network between that node and them. */
export interface NodeLinks {
  pg: TcpProxy;
  redis: TcpProxy;
}

/** A stored chat line, as the store holds it. */
export interface StoredLine {
  seq: number;
  senderKind: string;
  echoId: string | null;
  body: string;
}

/**
 * Nodes in child processes over a private PostgreSQL and Redis, each node through proxies of its
 * own (so the network between one node and its services can be cut, and the service can tell the
 * nodes apart by the proxies' ports).
 */
export interface ChaosCluster {
  pg: PrivatePostgres;
  redis: PrivateRedis;
  account: ChaosAccount;
  /** The running node of each slot (replaced by `restartNode`). */
  nodes: NodeProcess[];
  links: NodeLinks[];
  /** Every process started, killed ones included: each is checked for crash lines. */
  everyNode: NodeProcess[];
  restartNode(slot: number): Promise<NodeProcess>;
  /** The conversation's stored lines in sequence order (a fresh connection each time). */
  storedLines(conversationId: string): Promise<StoredLine[]>;
  close(): Promise<void>;
}

/**
 * Null when private PostgreSQL and Redis servers can be started here; else the reason to skip.
 * Under CI (CI=true) a missing binary is a failure, never a skip.
 */
export function chaosSkipReason(): string | null {
  const reason = privatePostgresSkipReason() ?? PrivateRedis.skipReason();
  if (reason && process.env.CI === 'true') throw new Error(`${reason} — but CI requires the chaos suite`);
  return reason;
}

/** Agents added to the demo's three, so a test can keep some for chats in progress and others for new chats. */
const EXTRA_AGENTS = 3;

/** Seeds the demo account into the store: any origin allowed, and room for many chats per agent. */
async function seedAccount(url: string): Promise<ChaosAccount> {
  const dataDir = mkdtempSync(join(tmpdir(), 'beckon-chaos-seed-'));
  const store = await Store.open({ databaseUrl: url, pgPoolSize: 2 });
  try {
    await store.migrate();
    const demo = await seedDemo(store, {
      publicUrl: 'http://127.0.0.1',
      dataDir,
      adminPassword: 'demo-admin-pw',
      agentPassword: 'demo-agent-pw',
    });
    await store.db.updateTable('sites').set({ allowed_origins: '[]' }).execute();
    await store.db.updateTable('users').set({ capacity: 200 }).execute();
    const emails = ['admin@demo.beckon.local', 'sales@demo.beckon.local', 'support@demo.beckon.local'];
    for (let i = 1; i <= EXTRA_AGENTS; i++) {
      const email = `agent${i}@chaos.beckon.local`;
      emails.push(email);
      // Signed in through sessions made here: the password is never used.
      await store.users.create(demo.accountId, {
        email,
        name: `Chaos Agent ${i}`,
        role: 'agent',
        passwordHash: 'unusable',
        skillIds: [demo.skillIds.sales],
        capacity: 200,
      });
    }
    const cookies: string[] = [];
    for (const email of emails) {
      const found = (await store.users.findForLogin(email))!;
      const s = await store.authSessions.create(found.user.id, found.accountId, 3600_000);
      cookies.push(`beckon_session=${s.token}`);
    }
    return {
      accountId: demo.accountId,
      siteKey: demo.siteKey,
      salesSkillId: demo.skillIds.sales,
      agentCookies: cookies,
    };
  } finally {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function startChaosCluster(
  o: { nodes: number; env?: Record<string, string> } = { nodes: 2 },
): Promise<ChaosCluster> {
  const pgServer = await startPrivatePostgres();
  const redis = await PrivateRedis.start().catch(async (err) => {
    await pgServer.close();
    throw err;
  });
  const links: NodeLinks[] = [];
  const nodes: NodeProcess[] = [];
  const everyNode: NodeProcess[] = [];
  const close = async () => {
    await Promise.all(everyNode.map((n) => n.stop().catch(() => {})));
    for (const l of links) {
      await l.pg.close();
      await l.redis.close();
    }
    await redis.stop();
    await pgServer.close();
  };
  try {
    const account = await seedAccount(pgServer.url);
    for (let i = 0; i < o.nodes; i++)
      links.push({ pg: await startTcpProxy(pgServer.port), redis: await startTcpProxy(redis.port) });
    const start = async (slot: number) => {
      const l = links[slot]!;
      const node = await startNodeProcess({
        name: `node-${String.fromCharCode(97 + slot)}`,
        databaseUrl: `postgres://postgres@127.0.0.1:${l.pg.port}/postgres`,
        redisUrl: `redis://127.0.0.1:${l.redis.port}`,
        env: { ...NO_RATE_LIMITS, ...o.env },
      });
      everyNode.push(node);
      nodes[slot] = node;
      return node;
    };
    await Promise.all(Array.from({ length: o.nodes }, (_, i) => start(i)));
    return {
      pg: pgServer,
      redis,
      account,
      nodes,
      links,
      everyNode,
      restartNode: start,
      async storedLines(conversationId) {
        const c = new pg.Client({ connectionString: pgServer.url });
        c.on('error', () => {});
        await c.connect();
        try {
          const r = await c.query(
            'select seq, sender_kind, echo_id, body from messages where conversation_id = $1 order by seq',
            [conversationId],
          );
          return r.rows.map((x) => ({
            seq: Number(x.seq),
            senderKind: x.sender_kind,
            echoId: x.echo_id,
            body: x.body,
          }));
        } finally {
          await c.end().catch(() => {});
        }
      },
      close,
    };
  } catch (err) {
    await close().catch(() => {});
    throw err;
  }
}

/** Throws when a node exited (other than those the test killed) or printed a crash line. */
export function assertNoCrash(cluster: ChaosCluster, killed: NodeProcess[] = []): void {
  const faults: string[] = [];
  for (const n of cluster.everyNode) {
    if (!killed.includes(n) && !n.alive())
      faults.push(`${n.name} (pid ${n.pid}) exited; its last lines:\n${lastLines(n.output())}`);
    for (const line of n.crashLines()) faults.push(`${n.name}: ${line.slice(0, 400)}`);
  }
  if (faults.length > 0) throw new Error(`nodes failed:\n${faults.join('\n')}`);
}

/** The last top-level lines of a node's output (a crash dump's indented object lines left out). */
function lastLines(output: string): string {
  const lines = output.split('\n').filter((l) => l.trim() !== '' && !/^\s/.test(l));
  return lines
    .slice(-8)
    .map((l) => l.slice(0, 300))
    .join('\n');
}

/**
 * Waits until a node's `/readyz` answers `status` (failing at once if a node crashed); returns
 * the JSON body. A timeout names the last answer.
 */
export function untilReadyz(
  cluster: ChaosCluster,
  node: NodeProcess,
  status: number,
  withinMs: number,
  what: string,
): Promise<Record<string, unknown> | null> {
  return eventually(
    async () => {
      assertNoCrash(cluster);
      const x = await node.readyz();
      if (x.status !== status) throw new Error(`answered ${x.status} ${JSON.stringify(x.body)}`);
      return { body: x.body };
    },
    withinMs,
    `${node.name}'s /readyz to answer ${status} ${what}`,
  ).then((x) => x.body);
}
