import pino from 'pino';
import { loadConfig } from '../../src/config.ts';
import { type BeckonNode, createNode } from '../../src/node.ts';
import { OUTBOX_TEST_ENV } from '../channel-contract.ts';
import { TEST_PG_URL } from './postgres.ts';
import { freshPgStore, type PgTestStore } from './schema-template.ts';

/**
 * A node on the SQLite file in `dataDir`, or on the PostgreSQL store `pg` (freshPgStore): start one
 * again on the same store to stop a node mid-work and let another go on (several at once on PostgreSQL).
 */
export async function startNodeOn(
  kind: 'sqlite' | 'postgres',
  dataDir: string,
  pg: PgTestStore | undefined,
  env: Record<string, string>,
): Promise<BeckonNode> {
  const config = loadConfig(
    { port: 0, host: '127.0.0.1', dataDir, databaseUrl: '', logLevel: 'silent' },
    { BECKON_AGENT_PRESENCE_GRACE_MS: '0', BECKON_EGRESS_ALLOW_PRIVATE: '1', ...env },
  );
  config.databaseUrl = kind === 'postgres' ? pg?.url : undefined;
  config.prettyLogs = false;
  const node = await createNode(config, { logger: pino({ level: 'silent' }), pgSchema: pg?.schema });
  await node.listen();
  return node;
}

/** A fresh migrated store for startNodeOn: on PostgreSQL, one of the test's own; none on SQLite (the data dir's file). */
export const pgStoreFor = (kind: 'sqlite' | 'postgres'): Promise<PgTestStore | undefined> =>
  kind === 'postgres' ? freshPgStore(TEST_PG_URL) : Promise.resolve(undefined);

/** A broadcast test's settings: a quick outbox, mail to `smtpUrl`, pages of 5 contacts polled often. */
export const broadcastTestEnv = (smtpUrl: string): Record<string, string> => ({
  ...OUTBOX_TEST_ENV,
  BECKON_EMAIL_DOMAIN: 'demo.beckon.local',
  BECKON_EMAIL_FROM: 'Demo Store <support@demo.beckon.local>',
  BECKON_SMTP_URL: smtpUrl,
  BECKON_BROADCAST_POLL_MS: '50',
  BECKON_BROADCAST_LEASE_MS: '1500',
  BECKON_BROADCAST_PAGE: '5',
  // The stand-ins answer at once; on a loaded machine the default 15 s could pass and leave a
  // message in doubt (sent at most once), which these tests would read as lost.
  BECKON_PROVIDER_TIMEOUT_MS: '60000',
});
