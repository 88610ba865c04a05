import type { Logger } from '../logger.ts';
import type { Store } from '../store/store.ts';
import type { ChatEvents } from './chat-events.ts';

interface Pending {
  want: number;
  origin?: string;
}

/**
 * Read receipts, persisted: each side's read position is stored on the conversation (so unread
 * counts and "Seen" survive a reload) and then relayed live. Receipts for one conversation and side
 * are coalesced — one store write in flight, the latest position written next — so a client that
 * reports every message it shows costs at most one write at a time.
 */
export class ReadPositions {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly store: Store,
    private readonly events: ChatEvents,
    private readonly log: Logger,
  ) {}

  /** A side read up to `seq`; `origin` is the socket that said so (it is not told again). */
  mark(
    accountId: string,
    conversationId: string,
    side: 'visitor' | 'agent',
    seq: number,
    origin?: string,
  ): void {
    const key = `${conversationId}\u0000${side}`;
    const p = this.pending.get(key);
    if (p) {
      if (seq > p.want) Object.assign(p, { want: seq, origin });
      return;
    }
    const fresh: Pending = { want: seq, origin };
    this.pending.set(key, fresh);
    void this.write(key, fresh, accountId, conversationId, side);
  }

  private async write(
    key: string,
    p: Pending,
    accountId: string,
    conversationId: string,
    side: 'visitor' | 'agent',
  ): Promise<void> {
    let written = -1;
    try {
      while (p.want > written) {
        written = p.want;
        const origin = p.origin;
        const moved = await this.store.conversations.markRead(accountId, conversationId, side, written);
        if (moved !== undefined) {
          this.events.toConversation(conversationId, { t: 'read', by: side, seq: moved, origin });
        }
      }
    } catch (err) {
      this.log.warn({ err, conversationId }, 'read position not stored');
    } finally {
      this.pending.delete(key);
    }
  }

  /** Waits until every receipt taken so far is stored (tests, shutdown). */
  async drained(): Promise<void> {
    while (this.pending.size > 0) await new Promise((r) => setTimeout(r, 5));
  }
}
