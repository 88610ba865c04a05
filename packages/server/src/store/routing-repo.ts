import type {
  AgentSnapshot,
  Decline,
  PendingOffer,
  QueuedConversation,
  SkillRules,
} from '@beckon/core/routing/index';
import type { Kysely } from 'kysely';
import { CallsRepo } from './calls-repo.ts';
import { ChannelSettingsRepo, WEIGHT_UNIT } from './channel-settings-repo.ts';
import { jsonArray } from './rows.ts';
import type { Database } from './schema.ts';
import { hoursOf } from './skills-repo.ts';

/** An agent as the router sees them, before presence (`connected`) is known. */
export type StoredAgent = Omit<AgentSnapshot, 'connected'> & {
  name: string;
  role: string;
  missedOffers: number;
};

/** Everything one routing pass over an account needs, read from the store. */
/** A waiting conversation with the channel its customer writes from. */
export type QueuedOnChannel = QueuedConversation & { channel: string };

export interface RoutingSnapshot {
  skills: Map<string, SkillRules>;
  queue: QueuedOnChannel[];
  offers: PendingOffer[];
  agents: StoredAgent[];
}

/** Reads for the router: which accounts have waiting work, and one account's queues, offers and agent loads. */
export class RoutingRepo {
  private readonly settings: ChannelSettingsRepo;
  private readonly calls: CallsRepo;

  constructor(private readonly db: Kysely<Database>) {
    this.settings = new ChannelSettingsRepo(db);
    this.calls = new CallsRepo(db);
  }

  /** Accounts with at least one queued or offered conversation. */
  async accountsWithWork(): Promise<string[]> {
    const rows = await this.db
      .selectFrom('conversations')
      .select('account_id')
      .distinct()
      .where('status', 'in', ['queued', 'offered'])
      .execute();
    return rows.map((r) => r.account_id);
  }

  /**
   * Every web chat in progress (assigned and accepted) not already waiting on its customer, of every
   * account: the ones a closed tab can end or leave pending.
   */
  async activeConversations(): Promise<{ id: string; accountId: string }[]> {
    const rows = await this.db
      .selectFrom('conversations')
      .select(['id', 'account_id'])
      .where('status', '=', 'active')
      .where('channel', '=', 'web')
      .where('waiting_on', 'is', null)
      .execute();
    return rows.map((r) => ({ id: r.id, accountId: r.account_id }));
  }

  /** Agents of an account whose status is online and who have the skill (before presence). */
  async onlineWithSkill(accountId: string, skillId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('users')
      .innerJoin('user_skills', 'user_skills.user_id', 'users.id')
      .select('users.id')
      .where('users.account_id', '=', accountId)
      .where('users.status', '=', 'online')
      .where('users.role', '!=', 'analyst')
      .where('user_skills.skill_id', '=', skillId)
      .execute();
    return rows.map((r) => r.id);
  }

  /**
   * Agents (with skills, load and routing state) of an account; load = active chats + pending
   * offers, each weighed by its channel (an e-mail thread counts a quarter of a live chat by default).
   */
  async agents(accountId: string): Promise<StoredAgent[]> {
    const [users, skills, active, offered, states, weights, { onCall }, voice] = await Promise.all([
      this.db
        .selectFrom('users')
        .select(['id', 'name', 'role', 'status', 'capacity'])
        .where('account_id', '=', accountId)
        .where('role', '!=', 'analyst')
        .execute(),
      this.db
        .selectFrom('user_skills')
        .select(['user_id', 'skill_id'])
        .where('account_id', '=', accountId)
        .execute(),
      this.db
        .selectFrom('conversations')
        .select((eb) => ['assigned_agent_id as agent', 'channel', eb.fn.countAll<number>().as('n')])
        .where('account_id', '=', accountId)
        .where('status', '=', 'active')
        .groupBy(['assigned_agent_id', 'channel'])
        .execute(),
      this.db
        .selectFrom('conversations')
        .select((eb) => ['offered_to as agent', 'channel', eb.fn.countAll<number>().as('n')])
        .where('account_id', '=', accountId)
        .where('status', '=', 'offered')
        .groupBy(['offered_to', 'channel'])
        .execute(),
      this.db.selectFrom('agent_states').selectAll().where('account_id', '=', accountId).execute(),
      this.settings.weights(accountId),
      this.calls.busyAgents(accountId),
      this.calls.settings(accountId),
    ]);
    // Summed in thousandths, then scaled once: a load compares exactly with an integer capacity.
    const milli = new Map<string, number>();
    for (const r of [...active, ...offered])
      if (r.agent) milli.set(r.agent, (milli.get(r.agent) ?? 0) + Number(r.n) * weights(r.channel));
    const load = new Map([...milli].map(([id, m]) => [id, m / WEIGHT_UNIT]));
    // An agent on a call is full for chats, unless their voice settings say otherwise.
    for (const u of users)
      if (onCall.has(u.id) && !voice.get(u.id)?.chatsDuringCalls)
        load.set(u.id, Math.max(load.get(u.id) ?? 0, Number(u.capacity)));
    const skillsOf = new Map<string, string[]>();
    for (const s of skills) skillsOf.set(s.user_id, [...(skillsOf.get(s.user_id) ?? []), s.skill_id]);
    const stateOf = new Map(states.map((s) => [s.user_id, s]));
    return users.map((u) => ({
      id: u.id,
      name: u.name,
      role: u.role,
      status: u.status,
      skillIds: skillsOf.get(u.id) ?? [],
      capacity: Number(u.capacity),
      load: load.get(u.id) ?? 0,
      lastAssignedAt: stateOf.get(u.id)?.last_assigned_at ?? null,
      missedOffers: Number(stateOf.get(u.id)?.missed_offers ?? 0),
    }));
  }

  /**
   * Average handle time (assignment to close) per skill of the account's conversations closed
   * since `since` (epoch ms): how fast a skill's slots free up, for its expected wait.
   */
  async handleTimes(accountId: string, since: number): Promise<Map<string, number>> {
    const rows = await this.db
      .selectFrom('conversations')
      .select((eb) => [
        'skill_id',
        eb.fn.avg<number>(eb(eb.ref('closed_at'), '-', eb.ref('assigned_at'))).as('ms'),
      ])
      .where('account_id', '=', accountId)
      .where('status', '=', 'closed')
      .where('closed_at', '>=', since)
      .where('assigned_at', 'is not', null)
      .where('skill_id', 'is not', null)
      .groupBy('skill_id')
      .execute();
    const out = new Map<string, number>();
    for (const r of rows) if (r.skill_id && r.ms !== null) out.set(r.skill_id, Number(r.ms));
    return out;
  }

  /**
   * One account's skills, queue (with the agents who passed on each conversation, oldest pass
   * first, and whose latest pass was an explicit decline, when), pending offers and agents.
   */
  async snapshot(accountId: string): Promise<RoutingSnapshot> {
    const [skills, waiting, passes, agents, weights] = await Promise.all([
      this.db.selectFrom('skills').selectAll().where('account_id', '=', accountId).execute(),
      this.db
        .selectFrom('conversations')
        .select([
          'id',
          'channel',
          'skill_id',
          'status',
          'priority',
          'value',
          'score',
          'preferred_agent_id',
          'enqueued_at',
          'skill_entered_at',
          'overflow_count',
          'offered_to',
          'offered_at',
        ])
        .where('account_id', '=', accountId)
        .where('status', 'in', ['queued', 'offered'])
        // A bot holds these: they reach the queue when it hands them over.
        .where('bot_id', 'is', null)
        .execute(),
      this.db
        .selectFrom('conversation_passes')
        .innerJoin('conversations', 'conversations.id', 'conversation_passes.conversation_id')
        .select([
          'conversation_passes.conversation_id',
          'conversation_passes.agent_id',
          'conversation_passes.reason',
          'conversation_passes.created_at',
        ])
        .where('conversation_passes.account_id', '=', accountId)
        .where('conversations.status', '=', 'queued')
        .orderBy('conversation_passes.created_at')
        .orderBy('conversation_passes.agent_id')
        .execute(),
      this.agents(accountId),
      this.settings.weights(accountId),
      this.calls.busyAgents(accountId),
      this.calls.settings(accountId),
    ]);
    const passed = new Map<string, string[]>();
    const declines = new Map<string, Decline[]>();
    for (const p of passes) {
      passed.set(p.conversation_id, [...(passed.get(p.conversation_id) ?? []), p.agent_id]);
      if (p.reason !== 'declined') continue;
      const decline = { agentId: p.agent_id, at: Number(p.created_at) };
      declines.set(p.conversation_id, [...(declines.get(p.conversation_id) ?? []), decline]);
    }
    const queue: QueuedOnChannel[] = [];
    const offers: PendingOffer[] = [];
    for (const c of waiting) {
      if (!c.skill_id) continue;
      if (c.status === 'offered' && c.offered_to && c.offered_at !== null) {
        offers.push({
          conversationId: c.id,
          skillId: c.skill_id,
          agentId: c.offered_to,
          offeredAt: Number(c.offered_at),
        });
      } else if (c.status === 'queued') {
        queue.push({
          id: c.id,
          channel: c.channel,
          weight: weights(c.channel) / WEIGHT_UNIT,
          skillId: c.skill_id,
          priority: Number(c.priority),
          value: Number(c.value),
          score: c.score === null ? null : Number(c.score),
          preferredAgentId: c.preferred_agent_id,
          enqueuedAt: Number(c.enqueued_at),
          skillEnteredAt: Number(c.skill_entered_at),
          overflowCount: Number(c.overflow_count),
          passedAgentIds: passed.get(c.id) ?? [],
          declines: declines.get(c.id) ?? [],
        });
      }
    }
    return {
      skills: new Map(
        skills.map((s) => [
          s.id,
          {
            id: s.id,
            maxWaitSeconds: Number(s.max_wait_seconds),
            offerTimeoutSeconds: Number(s.offer_timeout_seconds),
            transferSkillIds: jsonArray(s.transfer_skill_ids),
            hours: hoursOf(s.business_hours),
          },
        ]),
      ),
      queue,
      offers,
      agents,
    };
  }
}
