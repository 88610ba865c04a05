import { type RateLimit, rate } from '../../engagement/engagement-config.ts';
import { DEFAULT_GRAPH_API_VERSION } from './graph-api.ts';

/** Provider connections: webhook limits and how long a provider may take (see docs/configuration.md). */
export interface ConnectionsConfig {
  /** Webhook deliveries per source address (`BECKON_RATE_CHANNEL_HOOK`, RATE/BURST; 0 is off). */
  hooksPerAddress: RateLimit;
  /** How long one call to a provider's API may take before it counts as failed (`BECKON_PROVIDER_TIMEOUT_MS`). */
  providerTimeoutMs: number;
  /** The Graph API version WhatsApp, Messenger and Instagram are called with (`BECKON_GRAPH_API_VERSION`). */
  graphApiVersion: string;
}

/** The connection settings from the environment; a bad value stops the start with its name. */
export function loadConnectionsConfig(env: NodeJS.ProcessEnv): ConnectionsConfig {
  const raw = env.BECKON_PROVIDER_TIMEOUT_MS;
  const timeout = raw === undefined || raw === '' ? 15_000 : Number(raw);
  if (!Number.isInteger(timeout) || timeout < 100 || timeout > 300_000)
    throw new Error(`invalid BECKON_PROVIDER_TIMEOUT_MS: ${raw}`);
  const graphApiVersion = env.BECKON_GRAPH_API_VERSION || DEFAULT_GRAPH_API_VERSION;
  if (!/^v\d{1,3}\.\d{1,3}$/.test(graphApiVersion))
    throw new Error(`invalid BECKON_GRAPH_API_VERSION: ${graphApiVersion} (like v21.0)`);
  return {
    // Meta sends bursts of statuses for a busy number; one flooding address must not starve the rest.
    hooksPerAddress: rate(env, 'BECKON_RATE_CHANNEL_HOOK', { rate: 100, burst: 500 }),
    providerTimeoutMs: timeout,
    graphApiVersion,
  };
}
