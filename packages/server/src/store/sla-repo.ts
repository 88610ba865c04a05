import type { BusinessHours } from '@beckon/core/hours/business-hours';
import { type SlaSubject, slaPriorityOf } from '@beckon/core/sla/sla-clock';
import type { SlaBreachPayload, SlaBreachView, SlaTargets } from '@beckon/protocol/sla-api';
import type { WebhookEvent } from '@beckon/protocol/webhooks-api';
import { type Kysely, sql } from 'kysely';
import type { Database } from './schema.ts';
import { hoursOf, readTargets } from './skills-repo.ts';
import type { WebhooksRepo } from './webhooks-repo.ts';

/** A skill's service-level terms: its targets and the hours they count in. */
export interface SkillTerms {
  name: string;
  targets: SlaTargets;
  hours: BusinessHours | null;
}

/** A conversation as the SLA clocks and the report read it. */
export interface SlaConversation extends SlaSubject {
  id: string;
  skillId: string;
  agentId: string | null;
  channel: string;
  visitorName: string | null;
}

type Row = {
  id: string;
  skill_id: string | null;
  assigned_agent_id: string | null;
  channel: string;
  visitor_name: string | null;
  priority: number;
  enqueued_at: number | string;
  first_response_at: number | string | null;
  closed_at: number | string | null;
};

const num = (v: number | string | null) => (v === null ? null : Number(v));
const toSubject = (r: Row): SlaConversation => ({
  id: r.id,
  skillId: r.skill_id ?? '',
  agentId: r.assigned_agent_id,
  channel: r.channel,
  visitorName: r.visitor_name,
  priority: Number(r.priority),
  startedAt: Number(r.enqueued_at),
  firstResponseAt: num(r.first_response_at),
  closedAt: num(r.closed_at),
});

const columns = [
  'id',
  'skill_id',
  'assigned_agent_id',
  'channel',
  'visitor_name',
  'priority',
  'enqueued_at',
  'first_response_at',
  'closed_at',
] as const;

/** How many open conversations one sweep reads per account. */
const SWEEP_LIMIT = 5000;

/**
 * Service levels in the store: skills' targets, open conversations whose clocks run, the breach
 * rows (one per conversation and target, so an alert fires once) and the per-account sweep queue.
 */
export class SlaRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly webhooks: WebhooksRepo,
  ) {}

  /** Gives every account without one a sweep row, due now. */
  async scheduleNewAccounts(now: number): Promise<void> {
    await sql`insert into sla_sweeps (id, status, attempts, next_attempt_at, updated_at)
      select a.id, 'queued', 0, ${now}, ${now} from accounts a
      where not exists (select 1 from sla_sweeps s where s.id = a.id)
      on conflict (id) do nothing`.execute(this.db);
  }

  /** The account's skills that have targets, by id. */
  async terms(accountId: string): Promise<Map<string, SkillTerms>> {
    const rows = await this.db
      .selectFrom('skills')
      .select(['id', 'name', 'sla_targets', 'business_hours'])
      .where('account_id', '=', accountId)
      .where('sla_targets', 'is not', null)
      .execute();
    const out = new Map<string, SkillTerms>();
    for (const r of rows) {
      const targets = readTargets(r.sla_targets ?? null);
      if (targets) out.set(r.id, { name: r.name, targets, hours: hoursOf(r.business_hours) });
    }
    return out;
  }

  /** Open conversations in these skills that have not yet breached every target, oldest first. */
  async running(accountId: string, skillIds: readonly string[]): Promise<SlaConversation[]> {
    if (skillIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('conversations as c')
      .select(columns.map((k) => `c.${k}` as const))
      .where('c.account_id', '=', accountId)
      .where('c.status', '!=', 'closed')
      .where('c.skill_id', 'in', skillIds)
      .where((eb) =>
        eb(
          eb
            .selectFrom('sla_breaches as b')
            .select(eb.fn.countAll().as('n'))
            .whereRef('b.conversation_id', '=', 'c.id'),
          '<',
          2,
        ),
      )
      .orderBy('c.enqueued_at')
      .limit(SWEEP_LIMIT)
      .execute();
    return (rows as Row[]).map(toSubject);
  }

  /** The conversations that asked within `[from, to)` in these skills, for the report. */
  async asked(
    accountId: string,
    skillIds: readonly string[],
    from: number,
    to: number,
  ): Promise<SlaConversation[]> {
    if (skillIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('conversations')
      .select([...columns])
      .where('account_id', '=', accountId)
      .where('skill_id', 'in', skillIds)
      .where('enqueued_at', '>=', from)
      .where('enqueued_at', '<', to)
      .execute();
    return (rows as Row[]).map(toSubject);
  }

  /**
   * Records a breach and queues its webhook event in one transaction. The row's key
   * (conversation, target) lets one insert win, whichever node tries: true for the winner only.
   */
  async recordBreach(accountId: string, b: SlaBreachPayload, now: number): Promise<boolean> {
    const { won, hooks } = await this.db.transaction().execute(async (trx) => {
      const r = await trx
        .insertInto('sla_breaches')
        .values({
          account_id: accountId,
          conversation_id: b.conversationId,
          target: b.target,
          skill_id: b.skillId,
          priority: b.priority,
          agent_id: b.agentId,
          channel: b.channel,
          target_seconds: b.targetSeconds,
          due_at: Date.parse(b.dueAt),
          breached_at: now,
        })
        .onConflict((oc) => oc.columns(['conversation_id', 'target']).doNothing())
        .returning('conversation_id')
        .executeTakeFirst();
      if (!r) return { won: false, hooks: 0 };
      const event: WebhookEvent = {
        type: 'conversation.sla_breached',
        timestamp: new Date(now).toISOString(),
        data: { breach: b },
      };
      return { won: true, hooks: await this.webhooks.queueIn(trx, accountId, [event], now) };
    });
    this.webhooks.committed(hooks);
    return won;
  }

  /** Breaches recorded after `since`, newest first; only those of `agentId`'s conversations when given. */
  async since(accountId: string, since: number, agentId?: string): Promise<SlaBreachView[]> {
    let q = this.db
      .selectFrom('sla_breaches as b')
      .leftJoin('conversations as c', 'c.id', 'b.conversation_id')
      .select([
        'b.conversation_id',
        'b.target',
        'b.skill_id',
        'b.priority',
        'b.agent_id',
        'b.channel',
        'b.due_at',
        'b.target_seconds',
        'b.breached_at',
        'c.visitor_name',
        'c.assigned_agent_id',
      ])
      .where('b.account_id', '=', accountId)
      .where('b.breached_at', '>', since);
    if (agentId) q = q.where('c.assigned_agent_id', '=', agentId);
    const rows = await q.orderBy('b.breached_at', 'desc').limit(50).execute();
    return rows.map((r) => ({
      conversationId: r.conversation_id,
      target: r.target as SlaBreachView['target'],
      skillId: r.skill_id,
      priority: r.priority as SlaBreachView['priority'],
      agentId: r.assigned_agent_id ?? r.agent_id,
      channel: r.channel,
      dueAt: new Date(Number(r.due_at)).toISOString(),
      targetSeconds: Number(r.target_seconds),
      visitorName: r.visitor_name ?? null,
      breachedAt: new Date(Number(r.breached_at)).toISOString(),
    }));
  }

  /** The breaches already recorded of these conversations, as `conversation:target` keys. */
  async recorded(conversationIds: readonly string[]): Promise<Set<string>> {
    const out = new Set<string>();
    for (let i = 0; i < conversationIds.length; i += 500) {
      const rows = await this.db
        .selectFrom('sla_breaches')
        .select(['conversation_id', 'target'])
        .where('conversation_id', 'in', conversationIds.slice(i, i + 500))
        .execute();
      for (const r of rows) out.add(`${r.conversation_id}:${r.target}`);
    }
    return out;
  }

  /** How many breach rows a conversation has (tests, support). */
  async breachesOf(conversationId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('sla_breaches')
      .select('target')
      .where('conversation_id', '=', conversationId)
      .orderBy('target')
      .execute();
    return rows.map((r) => r.target);
  }
}

/** The breach payload of a conversation's missed clock. */
export function breachOf(
  c: SlaConversation,
  target: SlaBreachPayload['target'],
  dueAt: number,
  seconds: number,
): SlaBreachPayload {
  return {
    conversationId: c.id,
    target,
    skillId: c.skillId,
    priority: slaPriorityOf(c.priority),
    agentId: c.agentId,
    channel: c.channel,
    dueAt: new Date(dueAt).toISOString(),
    targetSeconds: seconds,
  };
}
