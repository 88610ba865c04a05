import type { Logger } from '../logger.ts';
import type { Store } from '../store/store.ts';

/**
 * Customers' lines cancel the scheduled messages that asked for it ("cancel if the customer
 * replies"). The lines of one turn (a commit of the message writer announces its batch together)
 * are looked up in one read per account, on the next turn, rather than a read each.
 *
 * The consoles that follow a conversation are told once its messages are cancelled
 * (`onCancelled`, see `scheduledChanged`): the customer's line reached them before the cancel.
 */
export class ReplyCancels {
  /** Conversations with a new customer line, by account, until the next turn looks them up. */
  private pending = new Map<string, Set<string>>();
  private scheduled = false;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
    private readonly onCancelled: (conversationId: string) => void = () => {},
  ) {}

  /** A customer wrote in `conversationId`. */
  replied(accountId: string, conversationId: string): void {
    let ids = this.pending.get(accountId);
    if (!ids) {
      ids = new Set();
      this.pending.set(accountId, ids);
    }
    ids.add(conversationId);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const batch = this.pending;
      this.pending = new Map();
      this.running = this.running.then(() => this.cancel(batch));
    });
  }

  /** Resolves once every line noted so far has been looked up (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.scheduled) await new Promise((r) => setImmediate(r));
    await this.running;
  }

  private async cancel(batch: Map<string, Set<string>>): Promise<void> {
    for (const [accountId, ids] of batch)
      try {
        const cancelled = await this.store.scheduledMessages.cancelOnReply(accountId, [...ids]);
        for (const conversationId of new Set(cancelled.map((m) => m.conversationId)))
          this.onCancelled(conversationId);
      } catch (err) {
        this.log.warn({ err }, 'cancelling scheduled messages on a reply failed');
      }
  }
}
