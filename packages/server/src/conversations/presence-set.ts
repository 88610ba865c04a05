import type { Bus } from '../bus/bus.ts';
import type { Logger } from '../logger.ts';

export interface PresenceOptions {
  /** The bus set of an account. */
  setOf: (accountId: string) => string;
  /** How long a mark lasts unless refreshed (ms): a dead node's members fade out after it. */
  ttlMs: number;
  /** When a node's last hold of a member ends: drop the mark at once, or let it run out (a grace period). */
  onLastRelease: 'remove' | 'expire';
}

/**
 * Who is present, across nodes: each node marks on the bus the members it holds (a socket per
 * hold), with a TTL it refreshes while it holds them. A member nobody holds any more is dropped at
 * once or expires after the TTL, as configured.
 */
export class PresenceSet {
  private readonly local = new Map<string, { accountId: string; holds: number }>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly bus: Bus,
    private readonly log: Logger,
    private readonly opts: PresenceOptions,
  ) {
    this.timer = setInterval(() => void this.refresh(), Math.max(50, Math.floor(opts.ttlMs / 3)));
    this.timer.unref();
  }

  /** Renews every mark this node holds, all at once (one round trip on Redis, not one per member). */
  private async refresh(): Promise<void> {
    const marks = [...this.local].map(([member, { accountId }]) => this.touch(accountId, member));
    const failed = (await Promise.allSettled(marks)).filter((r) => r.status === 'rejected');
    if (failed.length > 0)
      this.log.warn({ err: failed[0]!.reason, failed: failed.length }, 'presence refresh failed');
  }

  /** Marks `member` present for one TTL without holding it (a request rather than a socket). */
  touch(accountId: string, member: string): Promise<void> {
    return this.bus.setPresence(this.opts.setOf(accountId), member, this.opts.ttlMs);
  }

  /** One more hold of `member` on this node (marked at once, refreshed while held). */
  async hold(accountId: string, member: string): Promise<void> {
    const entry = this.local.get(member) ?? { accountId, holds: 0 };
    entry.holds += 1;
    this.local.set(member, entry);
    await this.touch(accountId, member);
  }

  /** One hold fewer; with the node's last one, the mark is dropped or left to expire. */
  async release(accountId: string, member: string): Promise<void> {
    const entry = this.local.get(member);
    if (!entry) return;
    entry.holds -= 1;
    if (entry.holds > 0) return;
    this.local.delete(member);
    if (this.opts.onLastRelease === 'remove') {
      await this.bus.removePresence(this.opts.setOf(accountId), member).catch(() => {});
    }
  }

  /** Members of the account present on any node. */
  async members(accountId: string): Promise<Set<string>> {
    return new Set(await this.bus.members(this.opts.setOf(accountId)));
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
