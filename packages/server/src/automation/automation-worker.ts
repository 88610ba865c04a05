import { conditionsHold } from '@beckon/core/automation/automation-conditions';
import { isOpen } from '@beckon/core/hours/business-hours';
import type { Conversation } from '@beckon/protocol/chat-api';
import type { WebhookEvent, WebhookEventDataOf, WebhookEventType } from '@beckon/protocol/webhooks-api';
import type { Logger } from '../logger.ts';
import { backoffMs, LeaseWorker } from '../ops/lease-worker.ts';
import { withCause } from '../store/automation-chain.ts';
import { type AutomationEventRow, type ClassifiedEvent, listensTo } from '../store/automation-events-repo.ts';
import type { StoredRule } from '../store/automation-repo.ts';
import { toCoreHours } from '../store/skills-repo.ts';
import type { Store } from '../store/store.ts';
import type { AutomationActions } from './automation-actions.ts';

/** The longest chain of rules one customer action may set off (rule A's action starts B, …). */
export const MAX_CHAIN = 4;
const LEASE_MS = 60_000;
const RETRY = { retryBaseMs: 1_000, retryMaxMs: 60_000 };
const MAX_ATTEMPTS = 5;

type Event =
  | WebhookEvent
  | ClassifiedEvent
  | { type: 'conversation.idle'; timestamp: string; data: { conversation: Conversation } };

/**
 * Works the automation event queue: claims events with a lease (any node may run one), finds the
 * account's enabled rules that listen to each, gathers the facts the conditions ask about, and
 * runs the actions of each rule whose conditions hold, writing a run to its log.
 *
 * Loops are prevented twice over: an event carries the rules whose actions caused it, and none of
 * them runs on it again (a rule's own actions never retrigger it); and a chain of rules stops at
 * `MAX_CHAIN` links.
 */
export class AutomationWorker {
  private readonly worker: LeaseWorker<AutomationEventRow>;
  private offQueued: (() => void) | undefined;
  /** The clock (tests move it). */
  now: () => number = Date.now;

  constructor(
    private readonly store: Store,
    private readonly actions: AutomationActions,
    private readonly log: Logger,
  ) {
    this.worker = new LeaseWorker(
      'automation',
      (room) => store.automationEvents.claim(this.now(), room, LEASE_MS),
      (row) => this.work(row),
      log,
      { pollMs: 1_000, concurrency: 8 },
    );
  }

  start(): void {
    this.offQueued ??= this.store.automationEvents.onQueued(() => this.worker.wake());
    this.worker.start();
  }

  async stop(): Promise<void> {
    this.offQueued?.();
    this.offQueued = undefined;
    await this.worker.stop();
  }

  /** Works every due event now, on this node (tests, with the clock where they set it). */
  async drain(): Promise<number> {
    let n = 0;
    for (;;) {
      const rows = await this.store.automationEvents.claim(this.now(), 50, LEASE_MS);
      if (rows.length === 0) return n;
      for (const row of rows) await this.work(row);
      n += rows.length;
    }
  }

  private async work(row: AutomationEventRow): Promise<void> {
    try {
      await this.evaluate(row);
      await this.store.automationEvents.done(row);
    } catch (err) {
      const attempts = Number(row.attempts);
      const retryAt = attempts < MAX_ATTEMPTS ? this.now() + backoffMs(attempts, RETRY) : null;
      this.log.warn({ err, id: row.id, attempts }, 'automation event not worked');
      await this.store.automationEvents.failed(row, retryAt, this.now()).catch(() => {});
    }
  }

  private async evaluate(row: AutomationEventRow): Promise<void> {
    const e = JSON.parse(row.payload) as Event;
    const chain = JSON.parse(row.chain) as string[];
    const accountId = row.account_id;
    const now = this.now();
    let rules = await this.store.automation.enabled(accountId, now);
    if (row.rule_id) rules = rules.filter((r) => r.id === row.rule_id);
    else rules = rules.filter((r) => listensTo(r, e as WebhookEvent | ClassifiedEvent));
    rules = rules.filter((r) => !chain.includes(r.id));
    if (rules.length === 0) return;
    if (chain.length >= MAX_CHAIN) {
      this.log.info({ chain, event: row.event_type }, 'automation chain too long: no further rules run');
      return;
    }
    const classified = rules.some((r) =>
      r.conditions.some((c) => c.type === 'intent' || c.type === 'sentiment'),
    );
    const facts = await this.factsOf(accountId, e, now, classified);
    for (const rule of rules) {
      if (!conditionsHold(rule.conditions, facts)) continue;
      await this.fire(rule, chain, facts.conversation, row, now);
    }
  }

  private async fire(
    rule: StoredRule,
    cause: readonly string[],
    conversation: Conversation | undefined,
    row: AutomationEventRow,
    now: number,
  ): Promise<void> {
    const chain = [...cause, rule.id];
    const firing = { rule, chain, conversation, trigger: rule.trigger.type, eventId: row.id, now };
    const runId = await this.store.automation.startRun(rule, row.id, conversation?.id ?? null, now);
    if (!runId) return;
    const steps = await withCause(chain, () => this.actions.run(firing));
    await this.store.automation.finishRun(runId, steps);
  }

  /** What the conditions may ask about the event's conversation, read fresh from the store. */
  private async factsOf(accountId: string, e: Event, now: number, classified: boolean) {
    const { store } = this;
    let conversationId: string | null = null;
    let text: string | null = null;
    let contactId: string | null = null;
    type Data<T extends WebhookEventType> = WebhookEventDataOf<T>;
    switch (e.type) {
      case 'message.created': {
        const { message } = e.data as Data<'message.created'>;
        conversationId = message.conversationId;
        text = message.text;
        break;
      }
      case 'csat.submitted': {
        const d = e.data as Data<'csat.submitted'>;
        conversationId = d.conversationId;
        text = d.comment;
        break;
      }
      case 'contact.created':
      case 'contact.updated':
        contactId = (e.data as Data<'contact.created'>).contact.id;
        break;
      case 'conversation.created':
      case 'conversation.resolved':
      case 'conversation.idle':
        conversationId = (e.data as { conversation: Conversation }).conversation.id;
        break;
      case 'conversation.classified':
        conversationId = (e as ClassifiedEvent).data.conversationId;
        break;
    }
    const conversation = conversationId
      ? await store.conversations.get(accountId, conversationId).catch(() => undefined)
      : contactId
        ? await store.conversations.openOfContact(accountId, contactId)
        : undefined;
    contactId ??= conversation?.contactId ?? null;
    const contact = contactId ? await store.contacts.find(accountId, contactId) : undefined;
    let open = true;
    if (conversation?.skillId) {
      const skill = await store.skills.get(accountId, conversation.skillId).catch(() => undefined);
      const hours = toCoreHours(skill?.hours ?? null);
      open = hours ? isOpen(hours, now) : true;
    }
    // Read fresh: a message's rule sees the classification stored by the time it runs.
    const c =
      classified && conversation ? await store.classifications.get(accountId, conversation.id) : undefined;
    return {
      conversation,
      intent: c?.intent ?? null,
      sentiment: c?.sentiment ?? null,
      channel: conversation?.channel ?? null,
      skillId: conversation?.skillId ?? null,
      siteId: conversation?.siteId ?? null,
      contactAttributes: contact?.attributes ?? null,
      text,
      open,
      score: conversation ? await store.conversations.scoreOf(accountId, conversation.id) : null,
    };
  }
}
