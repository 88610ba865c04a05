import { envInteger } from '../config-integer.ts';
import { loadBulkTurnOptions } from '../ops/socket-turns.ts';
import type { BroadcastSenderOptions } from './broadcast-sender.ts';

/** How the broadcast sender runs (`BECKON_BROADCAST_*`, see docs/broadcasts.md). */
export interface BroadcastConfig extends BroadcastSenderOptions {
  /** Run the sender on this node (`BECKON_BROADCASTS=0` turns it off, e.g. on nodes that only serve). */
  enabled: boolean;
}

/** The broadcast settings from the environment; a bad value stops the start with its name. */
export function loadBroadcastConfig(env: NodeJS.ProcessEnv): BroadcastConfig {
  const read = (name: string, fallback: number, min: number, max: number) =>
    envInteger(env, name, fallback, min, max);
  return {
    enabled: env.BECKON_BROADCASTS !== '0',
    pollMs: read('BECKON_BROADCAST_POLL_MS', 5_000, 20, 3_600_000),
    leaseMs: read('BECKON_BROADCAST_LEASE_MS', 60_000, 200, 3_600_000),
    pageSize: read('BECKON_BROADCAST_PAGE', 200, 1, 5_000),
    leadMs: read('BECKON_BROADCAST_LEAD_MS', 10_000, 0, 86_400_000),
    ...loadBulkTurnOptions(env),
  };
}
