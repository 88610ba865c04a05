import { type BulkTurnOptions, loadBulkTurnOptions } from '../ops/socket-turns.ts';

/** How the outbox is worked (`BECKON_OUTBOX_*`, see docs/configuration.md); with `BulkTurnOptions`, a broadcast's messages yield to live work. */
export interface OutboxOptions extends BulkTurnOptions {
  /** How often due rows are looked for when nothing woke the dispatcher (ms). */
  pollMs: number;
  /**
   * How long a claim holds a row without a heartbeat; a node that dies mid-send lets it go after
   * this (ms). A node extends the lease of the rows in hand every third of it.
   */
  leaseMs: number;
  /** How long a send may wait for its channel's answer before it is given up and retried (ms). */
  sendTimeoutMs: number;
  /** Tries before a retryable failure becomes `failed`. */
  maxAttempts: number;
  /** The first retry's delay; each next one doubles, jittered (ms). */
  retryBaseMs: number;
  /** The longest delay between two tries (ms). */
  retryMaxMs: number;
  /**
   * Sends at once per channel on this node (from a row's moment to its channel's answer). Four
   * times as many rows are in hand: a paced row mostly waits for its moment, and holds no send slot
   * meanwhile. With one count for all, waiting rows and a slow relay's mails filled it, and a
   * broadcast left at about half its channels' limits.
   */
  concurrency: number;
}

export const DEFAULT_OUTBOX_OPTIONS: Required<OutboxOptions> = {
  pollMs: 1000,
  leaseMs: 60_000,
  sendTimeoutMs: 120_000,
  maxAttempts: 8,
  retryBaseMs: 2000,
  retryMaxMs: 15 * 60_000,
  concurrency: 64,
  ...loadBulkTurnOptions({}),
};

/** The outbox settings from the environment; a bad value stops the start with its name. */
export function loadOutboxOptions(env: NodeJS.ProcessEnv): OutboxOptions {
  const read = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    const v = raw === undefined || raw === '' ? fallback : Number(raw);
    if (!Number.isInteger(v) || v < min || v > max) throw new Error(`invalid ${name}: ${raw}`);
    return v;
  };
  const d = DEFAULT_OUTBOX_OPTIONS;
  const retryBaseMs = read('BECKON_OUTBOX_RETRY_BASE_MS', d.retryBaseMs, 10, 3_600_000);
  return {
    pollMs: read('BECKON_OUTBOX_POLL_MS', d.pollMs, 10, 60_000),
    leaseMs: read('BECKON_OUTBOX_LEASE_MS', d.leaseMs, 100, 3_600_000),
    sendTimeoutMs: read('BECKON_OUTBOX_SEND_TIMEOUT_MS', d.sendTimeoutMs, 100, 3_600_000),
    maxAttempts: read('BECKON_OUTBOX_MAX_ATTEMPTS', d.maxAttempts, 1, 100),
    retryBaseMs,
    retryMaxMs: read(
      'BECKON_OUTBOX_RETRY_MAX_MS',
      Math.max(d.retryMaxMs, retryBaseMs),
      retryBaseMs,
      86_400_000,
    ),
    concurrency: read('BECKON_OUTBOX_CONCURRENCY', d.concurrency, 1, 1000),
    ...loadBulkTurnOptions(env),
  };
}
