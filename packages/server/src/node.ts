import './regexp-engine.ts';
import { AuditLog } from './audit/audit-log.ts';
import { LoginLimiter } from './auth/login-limiter.ts';
import type { Bus } from './bus/bus.ts';
import { MemoryBus } from './bus/memory-bus.ts';
import type { Config } from './config.ts';
import type { AppContext } from './context.ts';
import { Egress, type EgressDeps } from './egress/egress.ts';
import { buildApp } from './http/app.ts';
import { createLogger, type Logger } from './logger.ts';
import { registerBusMetrics } from './ops/bus-metrics.ts';
import { tuneGarbageCollection } from './ops/gc-tuning.ts';
import { createMetrics } from './ops/metrics.ts';
import { registerStoreMetrics } from './ops/store-metrics.ts';
import { WsRouter } from './realtime/ws-router.ts';
import { prepareDataDir, sqliteFile } from './store/data-dir.ts';
import { useSecretKey } from './store/secret-key.ts';
import { Store } from './store/store.ts';
import { describeStoreError, isStoreUnavailable } from './store/store-availability.ts';
import type { App, RoutesPlugin } from './web/types.ts';

export interface NodeOptions {
  logger?: Logger;
  /** PostgreSQL schema (tests isolate each server in its own). */
  pgSchema?: string;
  /** Feature route plugins added after the core routes. */
  routes?: RoutesPlugin[];
  /** Names, a connector and addresses the egress uses instead of the real ones (tests). */
  egress?: EgressDeps;
}

/** One running Beckon node: HTTP + WebSocket server over a store and a bus. */
export interface BeckonNode {
  app: App;
  ctx: AppContext;
  /** The URL it listens on (after `listen`). */
  url: string;
  listen(): Promise<string>;
  /** Graceful stop: refuse new work, finish in-flight requests, flush, close store and bus. */
  close(): Promise<void>;
}

/** How long a starting node waits for an unreachable store before it gives up (ms). */
const STORE_STARTUP_WAIT_MS = 120_000;

/**
 * Opens and migrates the store. A store that cannot be reached yet (a database starting beside
 * the node, a failover under way) is tried again with a growing pause, so nodes and their
 * database can start in any order; any other failure ends the start at once.
 */
async function openStore(config: Config, logger: Logger, pgSchema: string | undefined): Promise<Store> {
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    let store: Store | undefined;
    try {
      store = await Store.open({
        databaseUrl: config.databaseUrl,
        sqlitePath: sqliteFile(config.dataDir),
        pgSchema,
        ...config.store,
        onConnectionError: (err) =>
          logger.warn(
            { component: 'store', err: err.message },
            'store connection lost; reconnecting on next use',
          ),
      });
      const applied = await store.migrate();
      if (applied.length > 0) logger.info({ component: 'store', applied }, 'migrations applied');
      return store;
    } catch (err) {
      await store?.close().catch(() => {});
      const waitMs = Math.min(5_000, 250 * 2 ** attempt);
      if (!isStoreUnavailable(err) || Date.now() - started + waitMs > STORE_STARTUP_WAIT_MS) throw err;
      logger.warn(
        { component: 'store', reason: describeStoreError(err), retryInMs: waitMs },
        'store unreachable at start; trying again',
      );
      await new Promise((r) => setTimeout(r, waitMs));
    }
  }
}

/**
 * Gives the store the key it seals secrets with (secret-key.ts), and seals again what is plain or
 * under a previous key. A key file is the node's own: fine on one machine, but every node of a
 * PostgreSQL deployment must have the same key, so the log says so.
 */
async function openSecrets(store: Store, config: Config, logger: Logger): Promise<void> {
  const { box, source, resealed } = await useSecretKey(store, config.secretKeys, config.dataDir);
  if (source === 'file' && config.databaseUrl)
    logger.info(
      { component: 'store', keyId: box.keyId },
      'secrets are sealed with the key file in the data dir; with several nodes, set BECKON_SECRET_KEY to the same value on every node',
    );
  if (resealed > 0)
    logger.info(
      { component: 'store', resealed, keyId: box.keyId },
      'stored secrets sealed with the current key',
    );
}

/** Composition root: opens the store (migrating it), the bus, and builds the app. */
export async function createNode(config: Config, opts: NodeOptions = {}): Promise<BeckonNode> {
  const logger = opts.logger ?? createLogger(config.logLevel, config.prettyLogs);
  const v8Flags = tuneGarbageCollection();
  if (v8Flags.length > 0) logger.debug({ component: 'node', v8Flags }, 'garbage collection tuned');
  const tightened = prepareDataDir(config.dataDir, { sqlite: !config.databaseUrl });
  if (tightened > 0)
    logger.warn({ component: 'store', dataDir: config.dataDir, tightened }, 'data dir modes made private');
  const store = await openStore(config, logger, opts.pgSchema);
  try {
    await openSecrets(store, config, logger);
  } catch (err) {
    // A node that cannot open its secrets does not start: it lets go of the store it opened.
    await store.close().catch(() => {});
    throw err;
  }
  // ioredis loads only where a Redis URL is set: a node on its own starts without it.
  const bus: Bus = config.redisUrl
    ? new (await import('./bus/redis-bus.ts')).RedisBus(config.redisUrl, undefined, logger)
    : new MemoryBus();
  const metrics = createMetrics();
  registerStoreMetrics(metrics.registry, store.walCheckpoints);
  registerBusMetrics(metrics.registry, bus);
  const shutdownHooks: Array<() => Promise<void> | void> = [];
  const ctx: AppContext = {
    config,
    store,
    bus,
    metrics,
    logger,
    loginLimiter: new LoginLimiter(),
    egress: new Egress(config.egress, opts.egress),
    ws: new WsRouter(metrics, logger.child({ component: 'ws' })),
    audit: new AuditLog(store, logger.child({ component: 'audit' })),
    onShutdown: (fn) => shutdownHooks.push(fn),
  };
  const { routes: featureRoutes } = await import('./features.ts');
  const app = await buildApp(ctx, [...featureRoutes, ...(opts.routes ?? [])]);
  let closing: Promise<void> | undefined;
  const node: BeckonNode = {
    app,
    ctx,
    url: '',
    async listen() {
      await app.listen({ port: config.port, host: config.host });
      const addr = app.server.address();
      const port = typeof addr === 'object' && addr ? addr.port : config.port;
      const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
      node.url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
      // An ephemeral port (tests) is only known now; links and snippets must use it.
      if (config.port === 0) config.publicUrl = node.url;
      return node.url;
    },
    close() {
      closing ??= (async () => {
        // Sockets first: what their endpoints do on close still needs the bus and the store.
        await ctx.ws.closeAll();
        await app.close();
        for (const fn of shutdownHooks.reverse()) {
          try {
            await fn();
          } catch (err) {
            logger.error({ err }, 'shutdown step failed');
          }
        }
        ctx.egress.close();
        await ctx.audit.close();
        await bus.close();
        await store.close();
      })();
      return closing;
    },
  };
  return node;
}
