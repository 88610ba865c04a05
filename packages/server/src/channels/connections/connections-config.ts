import { type RateLimit, rate } from '../../engagement/engagement-config.ts';

/** Provider connections: webhook limits and how long a provider may take (see docs/configuration.md). */
export interface ConnectionsConfig {
  /** Webhook deliveries per source address (`BECKON_RATE_CHANNEL_HOOK`, RATE/BURST; 0 is off). */
  hooksPerAddress: RateLimit;
  /** How long one call to a provider's API may take before it counts as failed (`BECKON_PROVIDER_TIMEOUT_MS`). */
  providerTimeoutMs: number;
}

/** The connection settings from the environment; a bad value stops the start with its name. */
export function loadConnectionsConfig(env: NodeJS.ProcessEnv): ConnectionsConfig {
  const raw = env.BECKON_PROVIDER_TIMEOUT_MS;
  const timeout = raw === undefined || raw === '' ? 15_000 : Number(raw);
  if (!Number.isInteger(timeout) || timeout < 100 || timeout > 300_000)
    throw new Error(`invalid BECKON_PROVIDER_TIMEOUT_MS: ${raw}`);
  return {
    // Meta sends bursts of statuses for a busy number; one flooding address must not starve the rest.
    hooksPerAddress: rate(env, 'BECKON_RATE_CHANNEL_HOOK', { rate: 100, burst: 500 }),
    providerTimeoutMs: timeout,
  };
}
