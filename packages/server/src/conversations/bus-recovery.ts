import { randomUUID } from 'node:crypto';
import type { Bus } from '../bus/bus.ts';
import type { Logger } from '../logger.ts';

/** Something on this node that catches up from the store when the bus is back (a socket, the queue feed). */
export interface Recoverable {
  recover(): Promise<void>;
}

/** Catch-ups run at a time: the store goes on serving the rest of the node meanwhile. */
const AT_ONCE = 32;

/** Where a node whose bus came back tells the others: what it published meanwhile reached no one. */
const RECOVERED_TOPIC = 'chat.bus-recovered';

/**
 * Catch-up after a bus outage. Messages and state changes are stored before they are published,
 * so what was published while the bus was down is in the store: when the bus comes back, each
 * socket of this node re-reads what it follows — from the last message it delivered — without its
 * client reconnecting. Nodes do not lose the bus at the same moment: one still reconnecting may
 * store an offer for an agent on a node that is back already, and its publish goes nowhere. So a
 * node whose bus came back also tells the others, and they catch their sockets up too.
 */
export class BusRecovery {
  private readonly members = new Set<Recoverable>();
  private readonly stopListening: () => void;
  private readonly unsubscribe: Promise<(() => Promise<void>) | null>;
  private readonly nodeId = randomUUID();
  private running: Promise<void> | null = null;
  private again = false;

  constructor(
    bus: Bus,
    private readonly log: Logger,
  ) {
    this.stopListening = bus.onReconnect(() => {
      void this.recoverSoon();
      bus
        .publish(RECOVERED_TOPIC, { node: this.nodeId })
        .catch((err) => log.debug({ err }, 'bus recovery not announced'));
    });
    this.unsubscribe = bus
      .subscribe(RECOVERED_TOPIC, (m) => {
        if ((m as { node?: unknown })?.node !== this.nodeId) void this.recoverSoon();
      })
      .catch((err) => {
        log.warn({ err }, 'bus recovery announcements unavailable');
        return null;
      });
  }

  /** Runs a catch-up now, or once more after the one running (announcements may come in a burst). */
  private recoverSoon(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.recoverAll().finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        void this.recoverSoon();
      }
    });
    return this.running;
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
    void this.unsubscribe.then((off) => off?.()).catch(() => {});
  }
}
