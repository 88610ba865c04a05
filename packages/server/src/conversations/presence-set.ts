import { randomUUID } from 'node:crypto';
import type { Bus } from '../bus/bus.ts';
import type { Logger } from '../logger.ts';

export interface PresenceOptions {
  /** The bus set of an account. */
  setOf: (accountId: string) => string;
  /** How long a mark lasts unless refreshed (ms): a dead node's members fade out after it. */
  ttlMs: number;
  /**
   * How long a member's mark outlives this node's last hold of it (ms), so a reconnect within it
   * never looks like an absence. Unset: the mark runs out with its TTL.
   */
  lingerMs?: number;
}

/** What the set last read from the bus for one account, trusted while the bus is down. */
interface LastRead {
  members: Set<string>;
  /** No mark read then lasts longer than this. */
  until: number;
}

/**
 * Who is present, across nodes: each node marks on the bus the members it holds (a socket per
 * hold), with a TTL it refreshes while it holds them. Marks are per node (`member@node`), so one
 * node's late release never takes away a mark another node holds now; a member nobody holds any
 * more expires after `lingerMs` (or the TTL), or at once when released as gone.
 *
 * When the bus comes back (Redis restarted empty), every mark this node holds is set again at
 * once. While the bus is down, `members` answers from the last read and this node's own holds.
 */
export class PresenceSet {
  /** This node's marks are `member@node`: the node part tells them apart from other nodes' marks. */
  private readonly node = randomUUID();
  private readonly local = new Map<string, { accountId: string; holds: number }>();
  /** Members this node released or touched lately, with when their mark runs out. */
  private readonly recent = new Map<string, { accountId: string; until: number }>();
  private readonly lastRead = new Map<string, LastRead>();
  private readonly timer: NodeJS.Timeout;
  private readonly stopReconnect: () => void;

  constructor(
    private readonly bus: Bus,
    private readonly log: Logger,
    private readonly opts: PresenceOptions,
  ) {
    this.timer = setInterval(() => void this.refresh(), Math.max(50, Math.floor(opts.ttlMs / 3)));
    this.timer.unref();
    this.stopReconnect = bus.onReconnect(() => void this.refresh(true));
  }

  private mark(member: string): string {
    return `${member}@${this.node}`;
  }

  /**
   * Renews every mark this node holds, all at once (one round trip on Redis, not one per member).
   * After the bus was down (`again`), the marks still lingering are set again too, for what is left
   * of them: a Redis that restarted empty has none.
   */
  private async refresh(again = false): Promise<void> {
    const now = Date.now();
    const marks = [...this.local].map(([member, { accountId }]) =>
      this.setMark(accountId, member, this.opts.ttlMs),
    );
    for (const [member, { accountId, until }] of this.recent) {
      if (until <= now) this.recent.delete(member);
      else if (again && !this.local.has(member)) marks.push(this.setMark(accountId, member, until - now));
    }
    const failed = (await Promise.allSettled(marks)).filter((r) => r.status === 'rejected');
    if (failed.length === 0) {
      if (again) this.log.info({ marks: marks.length }, 'presence marked again after the bus came back');
      return;
    }
    this.unmarked(failed[0]!.reason, failed.length);
  }

  /** A mark the bus did not take: it is set again at the next refresh, or when the bus is back. */
  private unmarked(err: unknown, failed = 1): void {
    // An outage is logged by the bus itself; a failure while it looks up is worth a warning.
    const level = this.bus.health().ok ? 'warn' : 'debug';
    this.log[level]({ err, failed }, 'presence not marked on the bus');
  }

  private setMark(accountId: string, member: string, ttlMs: number): Promise<void> {
    return this.bus.setPresence(this.opts.setOf(accountId), this.mark(member), ttlMs);
  }

  /** Marks `member` present for one TTL without holding it (a request rather than a socket); never rejects. */
  touch(accountId: string, member: string): Promise<void> {
    if (!this.local.has(member)) this.recent.set(member, { accountId, until: Date.now() + this.opts.ttlMs });
    return this.setMark(accountId, member, this.opts.ttlMs).catch((err) => this.unmarked(err));
  }

  /** One more hold of `member` on this node (marked at once, refreshed while held); never rejects. */
  async hold(accountId: string, member: string): Promise<void> {
    const entry = this.local.get(member) ?? { accountId, holds: 0 };
    entry.holds += 1;
    this.local.set(member, entry);
    this.recent.delete(member);
    await this.setMark(accountId, member, this.opts.ttlMs).catch((err) => this.unmarked(err));
  }

  /**
   * One hold fewer. With the node's last one, this node's mark lingers (`lingerMs`, else until its
   * TTL runs out), or is dropped at once when the member is `gone` (it stopped answering).
   */
  async release(accountId: string, member: string, gone = false): Promise<void> {
    const entry = this.local.get(member);
    if (!entry) return;
    entry.holds -= 1;
    if (entry.holds > 0) return;
    this.local.delete(member);
    const set = this.opts.setOf(accountId);
    if (gone) {
      await this.bus.removePresence(set, this.mark(member)).catch(() => {});
      return;
    }
    const linger = this.opts.lingerMs ?? this.opts.ttlMs;
    this.recent.set(member, { accountId, until: Date.now() + linger });
    if (this.opts.lingerMs === undefined) return;
    if (linger <= 0) await this.bus.removePresence(set, this.mark(member)).catch(() => {});
    else await this.bus.setPresence(set, this.mark(member), linger).catch(() => {});
  }

  /**
   * Members of the account present on any node. While the bus is down: the members last read
   * from it (for at most a TTL) and this node's own, so routing goes on rather than sending
   * chats to the offline flow.
   */
  async members(accountId: string): Promise<Set<string>> {
    const set = this.opts.setOf(accountId);
    const now = Date.now();
    let found: Set<string>;
    try {
      found = new Set();
      for (const mark of await this.bus.members(set)) found.add(memberOf(mark));
      this.lastRead.set(set, { members: new Set(found), until: now + this.opts.ttlMs });
    } catch (err) {
      const last = this.lastRead.get(set);
      found = last && last.until > now ? new Set(last.members) : new Set();
      for (const [member, e] of this.recent)
        if (e.accountId === accountId && e.until > now) found.add(member);
      this.log.debug({ err, set, members: found.size }, 'presence read from the last members seen: bus down');
    }
    // What this node holds is present whatever the bus says (a Redis that restarted empty).
    for (const [member, e] of this.local) if (e.accountId === accountId) found.add(member);
    return found;
  }

  /**
   * Whether `member` is present on any node. A member this node holds is answered at once: reading
   * the account's whole set for it cost W8 about a twentieth of the socket thread (bench/notes.md).
   */
  async has(accountId: string, member: string): Promise<boolean> {
    if (this.local.get(member)?.accountId === accountId) return true;
    return (await this.members(accountId)).has(member);
  }

  /** Whether `members` sees every node's marks now; false while the bus is down (it sees this node's and old reads). */
  get complete(): boolean {
    return this.bus.health().ok;
  }

  stop(): void {
    clearInterval(this.timer);
    this.stopReconnect();
  }
}

/** The member of a mark (`member@node`); a mark without a node part is the member itself. */
function memberOf(mark: string): string {
  const at = mark.lastIndexOf('@');
  return at < 0 ? mark : mark.slice(0, at);
}
