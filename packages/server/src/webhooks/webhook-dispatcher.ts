import type { Egress } from '../egress/egress.ts';
import type { Logger } from '../logger.ts';
import { backoffMs, LeaseWorker } from '../ops/lease-worker.ts';
import type { Store } from '../store/store.ts';
import type { ClaimedDelivery } from '../store/webhooks-repo.ts';
import type { WebhookOptions } from './webhook-config.ts';
import { WebhookSender } from './webhook-sender.ts';
import { signedHeaders } from './webhook-signature.ts';

/**
 * Works the webhook delivery queue: claims due deliveries with a lease (any node may run one;
 * a delivery goes to one of them at a time), signs each attempt (Standard Webhooks: the same
 * `webhook-id` on every attempt, a fresh timestamp, one signature per live secret), posts it, and
 * settles it — delivered on a 2xx; otherwise due again after a jittered exponential backoff, and
 * failed for good once the tries are spent. An endpoint that fails without a success for
 * `disableAfterMs`, or whose delivery fails for good, is disabled and the console says so.
 * At least once: a delivery whose lease lapsed (its node died mid-send) is sent again, same id.
 */
export class WebhookDispatcher {
  private readonly worker: LeaseWorker<ClaimedDelivery & { id: string }>;
  private readonly sender: WebhookSender;
  private offQueued: (() => void) | undefined;
  /** Told when an endpoint was disabled for failing (the console's notice is read from the store). */
  onDisabled: ((accountId: string, endpointId: string) => void) | undefined;

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
    private readonly opts: WebhookOptions,
    egress: Egress,
  ) {
    this.sender = new WebhookSender(egress, opts);
    this.worker = new LeaseWorker(
      'webhook',
      async (room) =>
        (await store.webhooks.claim(Date.now(), room, opts.leaseMs)).map((c) => ({ ...c, id: c.row.id })),
      (c) => this.deliver(c),
      log,
      { ...opts, minClaim: Math.ceil(opts.concurrency / 4) },
    );
  }

  start(): void {
    this.offQueued ??= this.store.webhooks.onQueued(() => this.worker.wake());
    this.worker.start();
  }

  /** Stops claiming and waits for the attempts in flight. */
  async stop(): Promise<void> {
    this.offQueued?.();
    this.offQueued = undefined;
    await this.worker.stop();
  }

  wake(): void {
    this.worker.wake();
  }

  private async deliver({ row, target }: ClaimedDelivery): Promise<void> {
    const webhooks = this.store.webhooks;
    if (!target) return; // the endpoint was deleted: its deliveries went with it
    if (!target.enabled) {
      const r = { status: null, excerpt: null, durationMs: 0, error: 'the endpoint is disabled' };
      await webhooks.failed(row, r, null, Date.now());
      return;
    }
    const headers =
      target.kind === 'webhook'
        ? signedHeaders(target.secrets, row.webhook_id, Math.floor(Date.now() / 1000), row.payload)
        : {};
    const result = await this.sender.post(target.url, headers, row.payload);
    const now = Date.now();
    if (result.ok) {
      await webhooks.delivered(row, result, now);
      if (target.failingSince !== null) await webhooks.recovered(target.id, now);
      return;
    }
    const attempts = Number(row.attempts);
    const again = attempts < this.opts.maxAttempts;
    const retryAt = again ? now + backoffMs(attempts, this.opts) : null;
    if (!again) result.error = `${result.error} (gave up after ${attempts} tries)`;
    if (!(await webhooks.failed(row, result, retryAt, now))) return;
    const disableAfter = again ? this.opts.disableAfterMs : 0;
    if (await webhooks.failing(target.id, now, disableAfter)) {
      this.log.warn(
        { endpoint: target.id, url: target.url, reason: result.error },
        'webhook endpoint disabled',
      );
      this.onDisabled?.(row.account_id, target.id);
    } else {
      this.log.info({ id: row.id, attempts, reason: result.error }, 'webhook delivery will be retried');
    }
  }
}
