import type { Logger } from '../logger.ts';
import type { Store } from '../store/store.ts';
import { slackWaitingBody } from './slack-message.ts';

/** How often waiting conversations are looked at for Slack notices (ms). */
const CHECK_MS = 30_000;

/**
 * Posts to each Slack endpoint that asks for it when a conversation has waited for an agent
 * longer than its limit — once per conversation and endpoint: the notice's webhook id is
 * `wait_<conversation>`, and the queue takes one row per endpoint and id. Any node may run it.
 */
export class SlackWaitingNotices {
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.check(), CHECK_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One pass over every Slack endpoint with a waiting limit; returns how many notices it queued. */
  async check(now = Date.now()): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    let queued = 0;
    try {
      const endpoints = (await this.store.webhooks.slackEndpoints()).filter((e) => e.slack.waitingMinutes);
      const byAccount = new Map<string, typeof endpoints>();
      for (const e of endpoints) byAccount.set(e.accountId, [...(byAccount.get(e.accountId) ?? []), e]);
      for (const [accountId, list] of byAccount) {
        const waiting = await this.store.conversations.waiting(accountId);
        for (const e of list) {
          const limitMs = e.slack.waitingMinutes! * 60_000;
          for (const c of waiting) {
            const since = Date.parse(c.enqueuedAt);
            if (now - since < limitMs) continue;
            const minutes = Math.floor((now - since) / 60_000);
            const body = slackWaitingBody(c.id, minutes, c.visitorName);
            const id = `wait_${c.id}`;
            if (await this.store.webhooks.queueOnce(accountId, e.id, id, 'conversation.waiting', body))
              queued++;
          }
        }
      }
    } catch (err) {
      this.log.warn({ err }, 'waiting-conversation notices skipped');
    } finally {
      this.running = false;
    }
    return queued;
  }
}
