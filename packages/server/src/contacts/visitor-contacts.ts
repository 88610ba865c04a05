import { ErrorCode, type VisitorEvent } from '@beckon/protocol';
import type { LiveVisitor, VisitorChannel } from '../engagement/live-visitor.ts';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { Store } from '../store/store.ts';
import { identify } from './contact-identity.ts';

/** What a visitor's tag said about who they are, waiting to be turned into a contact. */
interface Pending {
  accountId: string;
  siteId: string;
  visitorId: string;
  /** The socket to answer a refused identify on (null for a beacon). */
  channel: VisitorChannel | null;
  personal?: { name?: string; email?: string };
  identify?: { traits: Record<string, string | number | boolean>; userHash?: string };
  customer?: Record<string, unknown>;
  /** Its place in the order claims were first noted: the worker takes them in that order. */
  ticket: number;
}

/** Visitors waiting at most; beyond that new claims are dropped (the tag repeats them on the next page). */
const MAX_PENDING = 10_000;

const text = (v: unknown): string | null =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null;

/**
 * Turns the tag's `identify` and its `personal` and `customer` attributes into contacts, off the
 * event path: the tracker only notes the latest claim per visitor here (no I/O), and one worker
 * resolves them in the background. Several claims of a visitor before the worker comes round
 * count as the last one. A refused identify is answered on the visitor's socket with an error
 * frame; the batch it came in was applied and acknowledged already.
 */
export class VisitorContacts {
  private readonly pending = new Map<string, Pending>();
  /** Hears that a visitor is known as a contact (the tracker: message campaigns target contacts). */
  onLinked?: (siteId: string, visitorId: string, contactId: string) => void;
  private running: Promise<void> | null = null;
  /** The last ticket given, and the last one whose claim was handled. */
  private tickets = 0;
  private handled = 0;
  private readonly waiters: Array<{ ticket: number; resolve: () => void }> = [];

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
  ) {}

  /** Notes an event that may name the visitor (the tracker calls this for identify and attr events). */
  notice(live: LiveVisitor, ev: VisitorEvent, channel: VisitorChannel | null): void {
    let p = this.pending.get(live.key);
    if (!p) {
      if (this.pending.size >= MAX_PENDING) return;
      p = {
        accountId: live.site.accountId,
        siteId: live.site.id,
        visitorId: live.visitorId,
        channel,
        ticket: ++this.tickets,
      };
      this.pending.set(live.key, p);
    }
    if (channel) p.channel = channel;
    if (ev.type === 'identify') {
      p.identify = ev.userHash ? { traits: ev.traits, userHash: ev.userHash } : { traits: ev.traits };
    } else if (ev.type === 'attr' && ev.attrType === 'personal') {
      p.personal = ev.value;
    } else if (ev.type === 'attr' && ev.attrType === 'customer') {
      p.customer = ev.value;
    }
    this.running ??= this.drain();
  }

  /** Resolves when every claim noted so far is handled (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /**
   * Resolves when every claim noted before the call is handled, while later claims may still be
   * waiting: a privacy request reads who a visitor is only once what their tag said is stored.
   */
  settled(): Promise<void> {
    const ticket = this.tickets;
    if (!this.running || this.handled >= ticket) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ ticket, resolve }));
  }

  private done(ticket: number): void {
    this.handled = ticket;
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const w = this.waiters[i]!;
      if (w.ticket > ticket) continue;
      this.waiters.splice(i, 1);
      w.resolve();
    }
  }

  private async drain(): Promise<void> {
    // Let the batch that noted the claim finish first: the worker never runs inside the event path.
    await new Promise<void>((resolve) => setImmediate(resolve));
    try {
      for (;;) {
        const next = this.pending.entries().next();
        if (next.done) break;
        const [key, p] = next.value;
        this.pending.delete(key);
        await this.handle(p).catch((err) =>
          this.log.error({ err, siteId: p.siteId }, 'contact update failed'),
        );
        this.done(p.ticket);
      }
    } finally {
      this.running = null;
      // Nothing is left to wait for (the map is empty, or a failure ended the loop).
      this.done(this.tickets);
    }
  }

  private async handle(p: Pending): Promise<void> {
    const base = { accountId: p.accountId, siteId: p.siteId, visitorId: p.visitorId };
    if (p.personal?.email) {
      await identify(this.store, { ...base, email: p.personal.email, name: p.personal.name ?? null });
    }
    if (p.identify) {
      const t = p.identify.traits;
      try {
        await identify(this.store, {
          ...base,
          userId: text(t.userId),
          userHash: p.identify.userHash ?? null,
          email: text(t.email),
          name: text(t.name),
          phone: text(t.phone),
        });
      } catch (err) {
        if (!(err instanceof AppError) || !refusals.has(err.code)) throw err;
        if (p.channel?.open)
          p.channel.send(JSON.stringify({ type: 'error', code: err.code, message: err.message }));
      }
    }
    const contact = await this.store.contacts.ofVisitor(p.accountId, p.siteId, p.visitorId);
    if (!contact) return;
    if (p.customer)
      await this.store.contacts.addAttributes(p.accountId, contact.id, { customer: p.customer });
    this.onLinked?.(p.siteId, p.visitorId, contact.id);
  }
}

const refusals = new Set<string>([ErrorCode.IdentityUnverified, ErrorCode.IdentityConflict]);
