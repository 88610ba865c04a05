import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentChatClient } from '@beckon/sdk/agent-client';
import pino from 'pino';
import { loadConfig } from '../../src/config.ts';
import { type DemoSeedResult, seedDemo } from '../../src/demo/seed.ts';
import { type BeckonNode, createNode } from '../../src/node.ts';
import { TEST_PG_URL } from './postgres.ts';
import { freshPgStore } from './schema-template.ts';

/** Several nodes in one process on one PostgreSQL database and one Redis, with the demo account. */
export interface NodeCluster {
  nodes: BeckonNode[];
  demo: DemoSeedResult;
  close(): Promise<void>;
}

/**
 * Starts `count` nodes sharing a fresh PostgreSQL database (a schema where the role may not create
 * databases) and the Redis at `redisUrl`, as in a scale-out deployment, and seeds the demo account
 * (any origin allowed). `env`: settings for `loadConfig`.
 */
export async function startCluster(
  count: number,
  redisUrl: string,
  env: Record<string, string> = {},
): Promise<NodeCluster> {
  const pg = await freshPgStore(TEST_PG_URL);
  const dataDir = mkdtempSync(join(tmpdir(), 'beckon-cluster-'));
  const nodes: BeckonNode[] = [];
  const close = async () => {
    for (const n of nodes) await n.close();
    await pg.drop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < count; i++) {
      // Stand-in providers listen on loopback, which the egress refuses unless allowed.
      const config = loadConfig(
        { port: 0, host: '127.0.0.1', dataDir, logLevel: 'silent' },
        { BECKON_EGRESS_ALLOW_PRIVATE: '1', ...env },
      );
      config.databaseUrl = pg.url;
      config.redisUrl = redisUrl;
      const node = await createNode(config, { logger: pino({ level: 'silent' }), pgSchema: pg.schema });
      await node.listen();
      nodes.push(node);
    }
    const demo = await seedDemo(nodes[0]!.ctx.store, {
      publicUrl: nodes[0]!.url,
      dataDir,
      adminPassword: 'demo-admin-pw',
      agentPassword: 'demo-agent-pw',
    });
    await nodes[0]!.ctx.store.db.updateTable('sites').set({ allowed_origins: '[]' }).execute();
    return { nodes, demo, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** An agent's console on `node`, signed in through a session made in the store, set online. */
export async function agentOn(node: BeckonNode, email: string): Promise<AgentChatClient> {
  const { store } = node.ctx;
  const found = await store.users.findForLogin(email);
  if (!found) throw new Error(`no user ${email}`);
  const { token } = await store.authSessions.create(found.user.id, found.accountId, 3600_000);
  const agent = await AgentChatClient.connect(node.url, { cookie: `beckon_session=${token}` });
  await agent.setStatus('online');
  return agent;
}
