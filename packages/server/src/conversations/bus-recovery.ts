import type { Bus } from '../bus/bus.ts';
import type { Logger } from '../logger.ts';

/** Something on this node that catches up from the store when the bus is back (a socket, the queue feed). */
export interface Recoverable {
  recover(): Promise<void>;
}

/** Catch-ups run at a time: the store goes on serving the rest of the node meanwhile. */
const AT_ONCE = 32;

/**
 * Catch-up after a bus outage. Messages and state changes are stored before they are published,
 * so what was published while the bus was down is in the store: when the bus comes back, each
 * socket of this node re-reads what it follows — from the last message it delivered — without its
 * client reconnecting.
 */
export class BusRecovery {
  private readonly members = new Set<Recoverable>();
  private readonly stopListening: () => void;

  constructor(
    bus: Bus,
    private readonly log: Logger,
  ) {
    this.stopListening = bus.onReconnect(() => void this.recoverAll());
  }

  add(r: Recoverable): void {
    this.members.add(r);
  }

  delete(r: Recoverable): void {
    this.members.delete(r);
  }

  /** Catches every member up, a few at a time; resolves when all are done (tests wait for it). */
  async recoverAll(): Promise<void> {
    const started = Date.now();
    const all = [...this.members];
    let failed = 0;
    for (let i = 0; i < all.length; i += AT_ONCE) {
      const batch = all.slice(i, i + AT_ONCE).filter((r) => this.members.has(r));
      for (const r of await Promise.allSettled(batch.map((m) => m.recover()))) {
        if (r.status === 'fulfilled') continue;
        if (failed++ === 0) this.log.warn({ err: r.reason }, 'catch-up after the bus came back failed');
      }
    }
    this.log.info(
      { caughtUp: all.length, failed, ms: Date.now() - started },
      'caught up from the store after the bus came back',
    );
  }

  stop(): void {
    this.stopListening();
    this.members.clear();
  }
}
