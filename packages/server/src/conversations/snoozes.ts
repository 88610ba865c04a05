import type { Logger } from '../logger.ts';
import type { Store } from '../store/store.ts';
import type { ChatAnnouncer } from './chat-announcer.ts';

/**
 * Wakes snoozed conversations when their time comes: each becomes open again and its agent and the
 * account's consoles are told. Every node looks; the store's conditional update lets one node wake
 * each conversation, so it is announced once.
 */
export class SnoozeWaker {
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly store: Store,
    private readonly announcer: ChatAnnouncer,
    private readonly log: Logger,
    private readonly everyMs = 5_000,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.sweep(), this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Wakes what is due now; returns how many conversations this node woke. */
  async sweep(now = Date.now()): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    try {
      const woken = await this.store.assignment.wakeSnoozed(now);
      for (const w of woken) await this.announcer.updated(w.accountId, w.conversation);
      return woken.length;
    } catch (err) {
      this.log.warn({ err }, 'waking snoozed conversations failed');
      return 0;
    } finally {
      this.running = false;
    }
  }
}
