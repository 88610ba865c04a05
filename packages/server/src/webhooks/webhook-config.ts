/** How webhooks are delivered (`BECKON_WEBHOOKS_*`, see docs/configuration.md). */
export interface WebhookOptions {
  /** Longest wait for the TCP (and TLS) connection (ms). */
  connectTimeoutMs: number;
  /** Longest whole attempt, the answer's body included (ms). */
  timeoutMs: number;
  /** How often due deliveries are looked for when nothing woke the dispatcher (ms). */
  pollMs: number;
  /** How long a claim holds a delivery; longer than an attempt (ms). */
  leaseMs: number;
  /** Tries before a delivery fails for good. */
  maxAttempts: number;
  /** The first retry's delay; each next one doubles, jittered (ms). */
  retryBaseMs: number;
  /** The longest delay between two tries (ms). */
  retryMaxMs: number;
  /** An endpoint failing without a success this long is disabled (ms). */
  disableAfterMs: number;
  /** Deliveries in flight at once on this node. */
  concurrency: number;
}

const HOUR = 3_600_000;

/** 21 tries, 5 s doubling to 12 h with equal jitter: about three days from the first to the last. */
export const DEFAULT_WEBHOOK_OPTIONS: WebhookOptions = {
  connectTimeoutMs: 5000,
  timeoutMs: 15_000,
  pollMs: 1000,
  leaseMs: 60_000,
  maxAttempts: 21,
  retryBaseMs: 5000,
  retryMaxMs: 12 * HOUR,
  disableAfterMs: 72 * HOUR,
  concurrency: 256,
};

/** The webhook settings from the environment; a bad value stops the start with its name. */
export function loadWebhookOptions(env: NodeJS.ProcessEnv): WebhookOptions {
  const read = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    const v = raw === undefined || raw === '' ? fallback : Number(raw);
    if (!Number.isInteger(v) || v < min || v > max) throw new Error(`invalid ${name}: ${raw}`);
    return v;
  };
  const d = DEFAULT_WEBHOOK_OPTIONS;
  const timeoutMs = read('BECKON_WEBHOOKS_TIMEOUT_MS', d.timeoutMs, 100, 120_000);
  const retryBaseMs = read('BECKON_WEBHOOKS_RETRY_BASE_MS', d.retryBaseMs, 10, HOUR);
  return {
    connectTimeoutMs: read('BECKON_WEBHOOKS_CONNECT_TIMEOUT_MS', d.connectTimeoutMs, 50, 60_000),
    timeoutMs,
    pollMs: read('BECKON_WEBHOOKS_POLL_MS', d.pollMs, 10, 60_000),
    leaseMs: Math.max(timeoutMs * 2, d.leaseMs),
    maxAttempts: read('BECKON_WEBHOOKS_MAX_ATTEMPTS', d.maxAttempts, 1, 100),
    retryBaseMs,
    retryMaxMs: read(
      'BECKON_WEBHOOKS_RETRY_MAX_MS',
      Math.max(d.retryMaxMs, retryBaseMs),
      retryBaseMs,
      7 * 24 * HOUR,
    ),
    disableAfterMs: read('BECKON_WEBHOOKS_DISABLE_AFTER_MS', d.disableAfterMs, 0, 30 * 24 * HOUR),
    concurrency: read('BECKON_WEBHOOKS_CONCURRENCY', d.concurrency, 1, 1000),
  };
}
