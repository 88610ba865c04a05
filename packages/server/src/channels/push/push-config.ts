/** Where the push providers are reached, from the environment; tests and proxies point them elsewhere. */
export interface PushConfig {
  /** FCM HTTP v1's base URL (`BECKON_FCM_BASE_URL`, default `https://fcm.googleapis.com`). */
  fcmBaseUrl: string;
  /**
   * APNs' base URL for every site (`BECKON_APNS_BASE_URL`); unset: Apple's production or sandbox
   * host, as each site's APNs setting says.
   */
  apnsBaseUrl: string | null;
  /** How long one provider request may take (`BECKON_PUSH_TIMEOUT_MS`, default 10 s). */
  timeoutMs: number;
}

const APNS_HOSTS = {
  production: 'https://api.push.apple.com',
  sandbox: 'https://api.sandbox.push.apple.com',
} as const;

export function loadPushConfig(env: NodeJS.ProcessEnv): PushConfig {
  const timeoutMs = Number(env.BECKON_PUSH_TIMEOUT_MS ?? 10_000);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 100)
    throw new Error(`invalid BECKON_PUSH_TIMEOUT_MS: ${env.BECKON_PUSH_TIMEOUT_MS}`);
  for (const name of ['BECKON_FCM_BASE_URL', 'BECKON_APNS_BASE_URL'] as const) {
    if (env[name] && !/^https?:\/\/[^/]+/.test(env[name])) throw new Error(`invalid ${name}: ${env[name]}`);
  }
  return {
    fcmBaseUrl: env.BECKON_FCM_BASE_URL ?? 'https://fcm.googleapis.com',
    apnsBaseUrl: env.BECKON_APNS_BASE_URL || null,
    timeoutMs,
  };
}

/** The APNs host a site's credentials talk to. */
export const apnsBaseUrl = (config: PushConfig, environment: 'production' | 'sandbox'): string =>
  config.apnsBaseUrl ?? APNS_HOSTS[environment];
