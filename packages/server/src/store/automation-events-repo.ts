import type { AutomationTriggerType } from '@beckon/protocol/automation-api';
import type { Conversation } from '@beckon/protocol/chat-api';
import type { Classification } from '@beckon/protocol/intent-api';
import type { WebhookEvent, WebhookEventType } from '@beckon/protocol/webhooks-api';
import type { Kysely, Selectable } from 'kysely';
import { newTimeId } from '../ids.ts';
import { causeOf } from './automation-chain.ts';
import type { AutomationRepo, StoredRule } from './automation-repo.ts';
import type { AutomationEventsTable } from './automation-schema.ts';
import { messageTotals, toConversation } from './conversation-rows.ts';
import { claimDue, settleClaim } from './lease-claim.ts';
import type { Database } from './schema.ts';
import type { StoreCapabilities } from './store-capabilities.ts';

export type AutomationEventRow = Selectable<AutomationEventsTable>;

/** The trigger each domain event starts; events no trigger listens to are not queued. */
export const TRIGGER_OF: Partial<Record<WebhookEventType, AutomationTriggerType>> = {
  'conversation.created': 'conversation.created',
  'message.created': 'message.received',
  'conversation.resolved': 'conversation.resolved',
  'csat.submitted': 'csat.received',
  'contact.created': 'contact.identified',
};

/** Assist set or changed a conversation's intent or sentiment (no webhook: automation only). */
export interface ClassifiedEvent {
  type: 'conversation.classified';
  timestamp: string;
  data: { conversationId: string; classification: Classification };
}

/** Whether a rule listens to this event: its trigger, and for a message whose sender. */
export function listensTo(rule: StoredRule, e: WebhookEvent | ClassifiedEvent): boolean {
  if (e.type === 'conversation.classified') return rule.trigger.type === 'conversation.classified';
  if (TRIGGER_OF[e.type] !== rule.trigger.type) return false;
  if (e.type !== 'message.created') return true;
  const kind = (e.data as WebhookEvent<'message.created'>['data']).message.senderKind;
  if (kind === 'visitor') return true;
  // System lines, notes and invitations never start a rule: a rule's own steps write system lines.
  return kind === 'agent' && rule.trigger.type === 'message.received' && rule.trigger.from === 'anyone';
}

/**
 * The queue of domain events automation rules are evaluated on. The store's repositories hand
 * every event they emit to `queueIn`, inside the transaction of the change (see
 * `WebhooksRepo.queueIn`): an event some enabled rule listens to becomes a row, stamped with the
 * rules that caused it; the worker claims rows with a lease once they are committed.
 */
export class AutomationEventsRepo {
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly caps: StoreCapabilities,
    private readonly rules: AutomationRepo,
  ) {}

  /** Whether some enabled rule of the account listens to events of this type. */
  async wants(
    db: Kysely<Database>,
    accountId: string,
    type: WebhookEventType,
    now: number,
  ): Promise<boolean> {
    const trigger = TRIGGER_OF[type];
    if (!trigger) return false;
    return (await this.rules.enabled(accountId, now, db)).some((r) => r.trigger.type === trigger);
  }

  /** Queues the events some enabled rule listens to, on `db` (the change's transaction); answers how many. */
  async queueIn(
    db: Kysely<Database>,
    accountId: string,
    events: readonly WebhookEvent[],
    now: number,
  ): Promise<number> {
    if (events.length === 0) return 0;
    const rules = await this.rules.enabled(accountId, now, db);
    if (rules.length === 0) return 0;
    const rows: AutomationEventRow[] = [];
    for (const e of events) {
      if (!rules.some((r) => listensTo(r, e))) continue;
      rows.push(this.row(accountId, e.type, JSON.stringify(e), causeOf(e), null, now));
    }
    if (rows.length > 0) await db.insertInto('automation_events').values(rows).execute();
    return rows.length;
  }

  /** Queues an idle event for one rule and conversation, in a transaction of its own. */
  async queueIdle(rule: StoredRule, conversation: Conversation, now: number): Promise<void> {
    const e = { type: 'conversation.idle', timestamp: new Date(now).toISOString(), data: { conversation } };
    await this.db
      .insertInto('automation_events')
      .values(this.row(rule.accountId, 'conversation.idle', JSON.stringify(e), [], rule.id, now))
      .execute();
    this.committed(1);
  }

  /**
   * Queues a classified event when some enabled rule listens to it, in a transaction of its own;
   * `chain` names the rules whose actions led to it (a transfer a rule made).
   */
  async queueClassified(
    accountId: string,
    conversationId: string,
    classification: Classification,
    chain: readonly string[],
    now: number,
  ): Promise<boolean> {
    const rules = await this.rules.enabled(accountId, now);
    if (!rules.some((r) => r.trigger.type === 'conversation.classified')) return false;
    const e: ClassifiedEvent = {
      type: 'conversation.classified',
      timestamp: new Date(now).toISOString(),
      data: { conversationId, classification },
    };
    await this.db
      .insertInto('automation_events')
      .values(this.row(accountId, e.type, JSON.stringify(e), chain, null, now))
      .execute();
    this.committed(1);
    return true;
  }

  private row(
    accountId: string,
    type: string,
    payload: string,
    chain: readonly string[],
    ruleId: string | null,
    now: number,
  ): AutomationEventRow {
    return {
      id: newTimeId('aev', now),
      account_id: accountId,
      event_type: type,
      payload,
      chain: JSON.stringify(chain),
      rule_id: ruleId,
      status: 'queued',
      attempts: 0,
      next_attempt_at: now,
      lease_until: null,
      claim_token: null,
      created_at: now,
      updated_at: now,
    };
  }

  /** Tells the workers that a commit queued `n` events. */
  committed(n: number): void {
    if (n > 0) for (const fn of this.listeners) fn();
  }

  /** Calls `fn` after each commit that queued events; returns the unsubscribe. */
  onQueued(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Claims due events with a lease (see `claimDue`). */
  claim(now: number, limit: number, leaseMs: number): Promise<AutomationEventRow[]> {
    return claimDue(this.db, this.caps, 'automation_events', now, limit, leaseMs);
  }

  /** The event was worked (its runs are in the log): it leaves the queue. */
  async done(row: AutomationEventRow): Promise<void> {
    await this.db
      .deleteFrom('automation_events')
      .where('id', '=', row.id)
      .where('claim_token', '=', row.claim_token)
      .execute();
  }

  /** The event could not be worked (the store was away): due again at `retryAt`, or dropped. */
  async failed(row: AutomationEventRow, retryAt: number | null, now: number): Promise<void> {
    if (retryAt === null) return this.done(row);
    await settleClaim(this.db, 'automation_events', row, {
      status: 'queued',
      next_attempt_at: retryAt,
      updated_at: now,
    });
  }

  /**
   * The account's open conversations nobody wrote in for `minutes` (snoozed and resolved ones are
   * not idle), each with the time of its last message (or its start): the quiet spell's key.
   */
  async idle(
    accountId: string,
    minutes: number,
    now: number,
  ): Promise<{ conversation: Conversation; since: number }[]> {
    const rows = await this.db
      .selectFrom('conversations')
      .selectAll()
      .select(messageTotals)
      .where('account_id', '=', accountId)
      .where('status', 'in', ['queued', 'offered', 'active'])
      .where('snoozed_until', 'is', null)
      .where('created_at', '<=', now - minutes * 60_000)
      .limit(5000)
      .execute();
    const out: { conversation: Conversation; since: number }[] = [];
    for (const r of rows) {
      const since = Number(r.last_message_at ?? r.created_at);
      if (since <= now - minutes * 60_000) out.push({ conversation: toConversation(r), since });
    }
    return out;
  }

  /** Marks a quiet spell as fired for a rule; false when it already was (another pass or node). */
  async markIdle(ruleId: string, conversationId: string, since: number, now: number): Promise<boolean> {
    const r = await this.db
      .insertInto('automation_idle')
      .values({ rule_id: ruleId, conversation_id: conversationId, since, created_at: now })
      .onConflict((oc) => oc.columns(['rule_id', 'conversation_id', 'since']).doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  /** Forgets the quiet spells of conversations that are no longer open (resolved, or gone). */
  async forgetIdle(): Promise<void> {
    await this.db
      .deleteFrom('automation_idle')
      .where((eb) =>
        eb(
          'conversation_id',
          'not in',
          eb.selectFrom('conversations').select('id').where('status', 'in', ['queued', 'offered', 'active']),
        ),
      )
      .execute();
  }
}
