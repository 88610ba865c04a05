import type { Logger } from '../logger.ts';
import { describeStoreError } from '../store/store-availability.ts';

/**
 * The delay before try `attempts + 1`: base × 2^(attempts − 1), capped, with equal jitter (half
 * fixed, half random) so many rows failing together do not retry together.
 */
export function backoffMs(attempts: number, opts: { retryBaseMs: number; retryMaxMs: number }): number {
  const capped = Math.min(opts.retryMaxMs, opts.retryBaseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(capped / 2 + (Math.random() * capped) / 2);
}

export interface LeaseWorkerOptions {
  /** How often due rows are looked for when nothing woke the worker (ms). */
  pollMs: number;
  /** Rows worked at once on this node. */
  concurrency: number;
  /**
   * The fewest free slots worth a claim while rows are in flight (default 1): a claim is a
   * commit, so a fast queue claims in batches rather than one row per settled row.
   */
  minClaim?: number;
  /**
   * How long the claim a settled row asks for waits to be joined by others (ms; default 0: at
   * once), while the last claim found fewer due rows than it had room for. Every due row is then in
   * hand, and a claim per settled row finds nothing new: at a broadcast's pace that was one empty
   * write transaction a message on the thread that serves sockets (bench/notes.md, W12). A claim
   * that filled its room, a commit that queued rows and the poll still claim at once.
   */
  settleWakeMs?: number;
}

/**
 * Works a leased queue (the outbox, webhook deliveries): claims due rows up to its concurrency,
 * works each, and claims again as soon as one settles. Woken after a commit that queued rows,
 * and polled for rows other nodes queued, retries coming due and lapsed leases. A failed claim
 * (the store is away) waits for the next poll; the rows stay due meanwhile.
 */
export class LeaseWorker<R extends { id: string }> {
  private timer: NodeJS.Timeout | undefined;
  private claiming = false;
  private again = false;
  private stopped = true;
  private readonly inFlight = new Set<Promise<void>>();
  /** The last claim found fewer due rows than it had room for: none were left behind. */
  private drained = false;
  /** The claim settled rows asked for, waiting `settleWakeMs`. */
  private settleWake: NodeJS.Timeout | undefined;

  constructor(
    private readonly name: string,
    private readonly claim: (room: number) => Promise<R[]>,
    private readonly work: (row: R) => Promise<void>,
    private readonly log: Logger,
    private readonly opts: LeaseWorkerOptions,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.timer = setInterval(() => this.wake(), this.opts.pollMs);
    this.timer.unref();
    this.wake();
  }

  /** Stops claiming; waits for the rows in flight to settle. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.settleWake);
    this.settleWake = undefined;
    while (this.claiming || this.inFlight.size > 0) {
      await Promise.race([...this.inFlight, new Promise((r) => setTimeout(r, 10))]);
    }
  }

  /** Looks for due rows now (after a commit that queued some, or a manual retry). */
  wake(): void {
    if (this.stopped) return;
    if (this.claiming) {
      this.again = true;
      return;
    }
    void this.pump();
  }

  /** A row settled: claim again, at once while rows may have been left behind, else a little later. */
  private settled(): void {
    const wait = this.opts.settleWakeMs ?? 0;
    if (wait <= 0 || !this.drained) {
      this.wake();
      return;
    }
    if (this.settleWake || this.stopped) return;
    this.settleWake = setTimeout(() => {
      this.settleWake = undefined;
      this.wake();
    }, wait);
    this.settleWake.unref();
  }

  private async pump(): Promise<void> {
    this.claiming = true;
    try {
      do {
        this.again = false;
        const least = Math.min(this.opts.minClaim ?? 1, this.opts.concurrency);
        while (!this.stopped && this.inFlight.size < this.opts.concurrency) {
          const room = this.opts.concurrency - this.inFlight.size;
          if (this.inFlight.size > 0 && room < least) break;
          const rows = await this.claim(room);
          this.drained = rows.length < room;
          for (const row of rows) {
            const p: Promise<void> = this.work(row)
              .catch((err) => this.log.error({ err, id: row.id }, `${this.name} row not settled`))
              .finally(() => {
                this.inFlight.delete(p);
                this.settled();
              });
            this.inFlight.add(p);
          }
          if (rows.length < room) break;
        }
      } while (this.again && !this.stopped);
    } catch (err) {
      this.log.warn({ err: describeStoreError(err) }, `${this.name} claim failed`);
    } finally {
      this.claiming = false;
    }
  }
}
