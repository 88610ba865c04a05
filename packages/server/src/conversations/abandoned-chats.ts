import type { Logger } from '../logger.ts';
import type { Store } from '../store/store.ts';
import type { PresenceSet } from './presence-set.ts';

/** What a chat that ends this way says in its transcript. */
export const ABANDONED_LINE = 'The visitor left the site; the chat ended.';

/**
 * Ends chats in progress whose visitor left long ago (`abandonMs` without a socket or a request
 * over REST), as if the visitor had ended them: the agent is told, gets the wrap-up, and can take
 * the next chat. A visitor back within that time finds the chat where it was. Each node watches by
 * itself from when it first sees a visitor gone, so a node that just started (and has not seen the
 * visitors' sockets come back yet) never ends a chat early, nor does one whose bus is down; ending
 * is atomic in the store, so several nodes ending the same chat end it once.
 */
export class AbandonedChats {
  /** Active conversations whose visitor this node has seen gone, and since when (epoch ms). */
  private readonly goneSince = new Map<string, number>();
  private readonly timer?: NodeJS.Timeout;
  private sweeping = false;

  constructor(
    private readonly store: Store,
    private readonly here: PresenceSet,
    private readonly end: (accountId: string, conversationId: string) => Promise<unknown>,
    private readonly abandonMs: number,
    private readonly log: Logger,
  ) {
    if (abandonMs <= 0) return;
    const every = Math.min(30_000, Math.max(50, Math.floor(abandonMs / 4)));
    this.timer = setInterval(() => void this.sweep(), every);
    this.timer.unref();
  }

  /** One look at every chat in progress; ends those whose visitor has been gone long enough. */
  async sweep(now = Date.now()): Promise<number> {
    // While the bus is down a visitor on another node cannot be told from one who left: none is ended.
    if (this.sweeping || !this.here.complete) return 0;
    this.sweeping = true;
    let ended = 0;
    try {
      const active = await this.store.routing.activeConversations();
      const accounts = new Map<string, Set<string>>();
      for (const c of active) {
        if (!accounts.has(c.accountId)) accounts.set(c.accountId, await this.here.members(c.accountId));
      }
      const stillActive = new Set<string>();
      for (const c of active) {
        stillActive.add(c.id);
        if (accounts.get(c.accountId)!.has(c.id)) {
          this.goneSince.delete(c.id);
          continue;
        }
        const since = this.goneSince.get(c.id);
        if (since === undefined) this.goneSince.set(c.id, now);
        else if (now - since >= this.abandonMs) {
          this.goneSince.delete(c.id);
          await this.end(c.accountId, c.id);
          ended++;
        }
      }
      for (const id of this.goneSince.keys()) if (!stillActive.has(id)) this.goneSince.delete(id);
    } catch (err) {
      this.log.warn({ err }, 'abandoned chats sweep failed');
    } finally {
      this.sweeping = false;
    }
    return ended;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
