import type { Logger } from '../logger.ts';
import type { Store } from '../store/store.ts';

/** How often open conversations are looked at for idle rules (ms). */
const CHECK_MS = 30_000;

/**
 * Fires "conversation idle for N minutes" rules: finds the open conversations nobody wrote in for
 * a rule's minutes, and queues an idle event for the rule once per quiet spell. The spell's key is
 * the rule, the conversation and the time of its last message, claimed by an insert that only one
 * pass on one node wins; a new message starts a new spell. Any node may run it.
 */
export class IdleSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private passes = 0;

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
    /** The clock (tests move it). */
    readonly now: () => number = Date.now,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.sweep(), CHECK_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One pass; answers how many idle events it queued. */
  async sweep(now = this.now()): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    let queued = 0;
    try {
      for (const rule of await this.store.automation.idleRules()) {
        if (rule.trigger.type !== 'conversation.idle') continue;
        const idle = await this.store.automationEvents.idle(rule.accountId, rule.trigger.minutes, now);
        for (const { conversation, since } of idle) {
          if (!(await this.store.automationEvents.markIdle(rule.id, conversation.id, since, now))) continue;
          await this.store.automationEvents.queueIdle(rule, conversation, now);
          queued++;
        }
      }
      // Now and then, the spells of conversations since resolved are forgotten.
      if (++this.passes % 120 === 0) await this.store.automationEvents.forgetIdle();
    } catch (err) {
      this.log.warn({ err }, 'idle automation pass skipped');
    } finally {
      this.running = false;
    }
    return queued;
  }
}
