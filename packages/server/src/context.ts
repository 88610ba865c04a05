import type { AuditLog } from './audit/audit-log.ts';
import type { LoginLimiter } from './auth/login-limiter.ts';
import type { Bus } from './bus/bus.ts';
import type { Config } from './config.ts';
import type { Egress } from './egress/egress.ts';
import type { Logger } from './logger.ts';
import type { Metrics } from './ops/metrics.ts';
import type { WsRouter } from './realtime/ws-router.ts';
import type { Store } from './store/store.ts';

/** What every route and service of one node shares; built once at the composition root. */
export interface AppContext {
  config: Config;
  store: Store;
  bus: Bus;
  metrics: Metrics;
  logger: Logger;
  loginLimiter: LoginLimiter;
  ws: WsRouter;
  /** The one way to reach a URL someone configured (address checks, redirect, time and size caps). */
  egress: Egress;
  /** Who did what: every successful change through the API, and sign-ins. */
  audit: AuditLog;
  /** Work to finish on shutdown after HTTP stops (flush writers, close timers), run in reverse order. */
  onShutdown(fn: () => Promise<void> | void): void;
}
