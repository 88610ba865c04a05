import type { Conversation } from '@beckon/protocol/chat-api';
import type { WebhookEvent } from '@beckon/protocol/webhooks-api';
import { type ExpressionBuilder, type Kysely, sql, type Transaction } from 'kysely';
import { AppError, badRequest, notFound } from '../errors.ts';
import { beginHold, endHold, firstAssignedAt } from './assignment-history.ts';
import { ChannelSettingsRepo, WEIGHT_UNIT } from './channel-settings-repo.ts';
import { type ConversationRow, messageTotals, toConversation } from './conversation-rows.ts';
import type { Database } from './schema.ts';
import type { StoreCapabilities } from './store-capabilities.ts';
import type { SummariesRepo } from './summaries-repo.ts';
import type { WebhooksRepo } from './webhooks-repo.ts';

/** Who changes a conversation: an agent (possibly a supervisor, who may act on any conversation). */
export interface Actor {
  agentId: string;
  supervisor: boolean;
}

/**
 * Why an offer ends unanswered: a decline or an expiry is a pass; a dropped console is not, nor an
 * offer withdrawn because its agent went away — they did not answer "no", they stopped taking chats.
 */
export type OfferEnd = 'declined' | 'timeout' | 'disconnected' | 'away';

export type AcceptFailure = 'not_found' | 'taken' | 'closed' | 'capacity' | 'not_skilled';

/** A conversation after a change, with who held it before (to tell them). */
export interface Changed {
  conversation: Conversation;
  previousAgentId: string | null;
  previousOfferedTo: string | null;
}

type Row = ConversationRow;
type Eb = ExpressionBuilder<Database, 'conversations'>;

/** `column = value`, or `column IS NULL` for null. */
const same = (eb: Eb, column: 'assigned_agent_id' | 'offered_to', value: string | null) =>
  value === null ? eb(column, 'is', null) : eb(column, '=', value);

/**
 * The conversation changed between the read and the conditional write (another node or the router
 * got there first): the same 409 as any conflict, told apart so that `untilSettled` may retry.
 */
export class StaleConversation extends AppError {
  constructor() {
    super(409, 'conflict', 'the conversation changed meanwhile; try again');
  }
}

const stale = () => new StaleConversation();

/** How often `untilSettled` runs a change that lost a race before it gives the conflict up. */
const STALE_TRIES = 4;

/**
 * Runs a change whose intent no race changes (a rule's action, a call's answer, a visitor ending
 * the chat); when it lost one (the router offered the chat, or an offer ended, between its read and
 * its write), runs it again: `change` reads what it needs afresh and checks again who may.
 */
export async function untilSettled<T>(change: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await change();
    } catch (err) {
      if (!(err instanceof StaleConversation) || attempt >= STALE_TRIES) throw err;
    }
  }
}

/**
 * Every change of who holds a conversation, each in one transaction that re-checks the state it
 * read. An agent's load only grows under a lock on that agent's row (PostgreSQL `FOR UPDATE`;
 * SQLite runs one writer transaction at a time), so capacity holds across nodes; the conditional
 * UPDATE on the conversation means at most one agent ever wins it.
 */
export class AssignmentRepo {
  private readonly settings: ChannelSettingsRepo;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly caps: StoreCapabilities,
    private readonly webhooks: WebhooksRepo,
    private readonly summaries: SummariesRepo,
  ) {
    this.settings = new ChannelSettingsRepo(db);
  }

  /**
   * Runs `fn` in a transaction whose webhook events (`hook`) are queued with its changes, and
   * wakes the dispatchers after the commit.
   */
  private async withHooks<T>(
    accountId: string,
    now: number,
    fn: (
      trx: Transaction<Database>,
      hook: (event: Omit<WebhookEvent, 'timestamp'>, holdMs?: number) => void,
    ) => Promise<T>,
  ): Promise<T> {
    let queued = 0;
    const out = await this.db.transaction().execute(async (trx) => {
      const events: { e: WebhookEvent; holdMs: number }[] = [];
      const timestamp = new Date(now).toISOString();
      const result = await fn(trx, (e, holdMs = 0) =>
        events.push({ e: { ...e, timestamp } as WebhookEvent, holdMs }),
      );
      for (const holdMs of new Set(events.map((x) => x.holdMs))) {
        const batch = events.filter((x) => x.holdMs === holdMs).map((x) => x.e);
        queued += await this.webhooks.queueIn(trx, accountId, batch, now, now + holdMs);
      }
      return result;
    });
    this.webhooks.committed(queued);
    return out;
  }

  private async lockAgent(trx: Transaction<Database>, accountId: string, agentId: string) {
    let q = trx
      .selectFrom('users')
      .select(['id', 'capacity', 'status', 'role'])
      .where('id', '=', agentId)
      .where('account_id', '=', accountId);
    if (this.caps.rowLocks) q = q.forNoKeyUpdate();
    return q.executeTakeFirst();
  }

  /** Whether an agent has a free chat slot now: checked before a change that would end by transferring to them. */
  async hasRoom(accountId: string, agentId: string, capacity: number): Promise<boolean> {
    return this.db
      .transaction()
      .execute(async (trx) => (await this.loadOf(trx, accountId, agentId)) < capacity);
  }

  /**
   * Active chats plus pending offers of an agent, each weighed by its channel, in live chats: an
   * agent under capacity by any amount can take one more.
   */
  private async loadOf(
    trx: Transaction<Database>,
    accountId: string,
    agentId: string,
    except?: string,
  ): Promise<number> {
    let q = trx
      .selectFrom('conversations')
      .select((eb) => ['channel', eb.fn.countAll<number>().as('n')])
      .where((eb) =>
        eb.or([
          eb.and([eb('assigned_agent_id', '=', agentId), eb('status', '=', 'active')]),
          eb.and([eb('offered_to', '=', agentId), eb('status', '=', 'offered')]),
        ]),
      )
      .groupBy('channel');
    if (except) q = q.where('id', '!=', except);
    const rows = await q.execute();
    if (rows.length === 0) return 0;
    const weights = await this.settings.weights(accountId, trx);
    // Summed in thousandths, then scaled once: compared exactly with an integer capacity.
    return rows.reduce((sum, r) => sum + Number(r.n) * weights(r.channel), 0) / WEIGHT_UNIT;
  }

  private read(trx: Transaction<Database>, accountId: string, id: string): Promise<Row | undefined> {
    return trx
      .selectFrom('conversations')
      .selectAll()
      .select(messageTotals)
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /** Offers a queued conversation to an agent who is online and under capacity; undefined if either changed. */
  async offer(
    accountId: string,
    id: string,
    agentId: string,
    now = Date.now(),
  ): Promise<Conversation | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const agent = await this.lockAgent(trx, accountId, agentId);
      if (agent?.status !== 'online') return undefined;
      if ((await this.loadOf(trx, accountId, agentId)) >= agent.capacity) return undefined;
      const row = await trx
        .updateTable('conversations')
        .set({ status: 'offered', offered_to: agentId, offered_at: now, updated_at: now })
        .where('account_id', '=', accountId)
        .where('id', '=', id)
        .where('status', '=', 'queued')
        .returningAll()
        .returning(messageTotals)
        .executeTakeFirst();
      return row && toConversation(row);
    });
  }

  /**
   * An agent takes a conversation: one offered to them, or one waiting (queued or offline) in a
   * skill they have — the "take from the queue" race where only the first agent wins.
   */
  async accept(
    accountId: string,
    id: string,
    actor: Actor & { skillIds: readonly string[] },
    now = Date.now(),
  ): Promise<({ ok: true } & Changed) | { ok: false; reason: AcceptFailure }> {
    return this.withHooks(accountId, now, async (trx, hook) => {
      const agent = await this.lockAgent(trx, accountId, actor.agentId);
      const conv = agent && (await this.read(trx, accountId, id));
      if (!agent || !conv) return { ok: false, reason: 'not_found' } as const;
      const changed = (row: Row): { ok: true } & Changed => ({
        ok: true,
        conversation: toConversation(row),
        previousAgentId: conv.assigned_agent_id,
        previousOfferedTo: conv.status === 'offered' ? conv.offered_to : null,
      });
      if (conv.status === 'active' && conv.assigned_agent_id === actor.agentId) return changed(conv);
      if (conv.status === 'closed') return { ok: false, reason: 'closed' } as const;
      if (conv.status === 'active') return { ok: false, reason: 'taken' } as const;
      if (conv.status === 'offered' && conv.offered_to !== actor.agentId)
        return { ok: false, reason: 'taken' } as const;
      if (conv.status !== 'offered' && !actor.supervisor && !actor.skillIds.includes(conv.skill_id ?? '')) {
        return { ok: false, reason: 'not_skilled' } as const;
      }
      if ((await this.loadOf(trx, accountId, actor.agentId, id)) >= agent.capacity)
        return { ok: false, reason: 'capacity' } as const;
      const row = await trx
        .updateTable('conversations')
        .set({
          status: 'active',
          assigned_agent_id: actor.agentId,
          assigned_at: firstAssignedAt(now),
          offered_to: null,
          offered_at: null,
          updated_at: now,
        })
        .where('account_id', '=', accountId)
        .where('id', '=', id)
        .where('status', '=', conv.status)
        .where((eb) => same(eb, 'offered_to', conv.offered_to))
        .returningAll()
        .returning(messageTotals)
        .executeTakeFirst();
      if (!row) return { ok: false, reason: 'taken' } as const;
      await beginHold(trx, accountId, id, actor.agentId, now);
      await this.touchAgent(trx, accountId, actor.agentId, now);
      const out = changed(row);
      hook({
        type: 'conversation.assigned',
        data: { conversation: out.conversation, agentId: actor.agentId },
      });
      return out;
    });
  }

  private async touchAgent(trx: Transaction<Database>, accountId: string, agentId: string, now: number) {
    await trx
      .insertInto('agent_states')
      .values({ user_id: agentId, account_id: accountId, missed_offers: 0, last_assigned_at: now })
      .onConflict((oc) => oc.column('user_id').doUpdateSet({ missed_offers: 0, last_assigned_at: now }))
      .execute();
  }

  /**
   * Takes back an offer; the conversation waits again. An offer the agent declined or let expire
   * records their pass — one row per agent holding their latest pass, its reason and time (so
   * agents who all passed take turns, and a decline's cool-down counts from it); one withdrawn
   * because their console disconnected or they went away records nothing: that is no answer.
   */
  async revokeOffer(
    accountId: string,
    id: string,
    agentId: string,
    reason: OfferEnd,
    now = Date.now(),
  ): Promise<Conversation | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('conversations')
        .set({ status: 'queued', offered_to: null, offered_at: null, updated_at: now })
        .where('account_id', '=', accountId)
        .where('id', '=', id)
        .where('status', '=', 'offered')
        .where('offered_to', '=', agentId)
        .returningAll()
        .returning(messageTotals)
        .executeTakeFirst();
      if (!row) return undefined;
      if (reason === 'declined' || reason === 'timeout') {
        await trx
          .insertInto('conversation_passes')
          .values({ conversation_id: id, agent_id: agentId, account_id: accountId, reason, created_at: now })
          .onConflict((oc) =>
            oc.columns(['conversation_id', 'agent_id']).doUpdateSet({ reason, created_at: now }),
          )
          .execute();
      }
      return toConversation(row);
    });
  }

  /** Counts one more consecutive missed offer for an agent; returns the new count. */
  async recordMiss(accountId: string, agentId: string): Promise<number> {
    const row = await this.db
      .insertInto('agent_states')
      .values({ user_id: agentId, account_id: accountId, missed_offers: 1, last_assigned_at: null })
      .onConflict((oc) =>
        oc.column('user_id').doUpdateSet({ missed_offers: sql<number>`agent_states.missed_offers + 1` }),
      )
      .returning('missed_offers')
      .executeTakeFirstOrThrow();
    return Number(row.missed_offers);
  }

  /** An agent's consecutive missed offers (why the router set them away, while they still are). */
  async missedOffers(accountId: string, agentId: string): Promise<number> {
    const row = await this.db
      .selectFrom('agent_states')
      .select('missed_offers')
      .where('account_id', '=', accountId)
      .where('user_id', '=', agentId)
      .executeTakeFirst();
    return Number(row?.missed_offers ?? 0);
  }

  /** Starts an agent's missed offers from zero (they chose a status themselves). */
  async clearMisses(accountId: string, agentId: string): Promise<void> {
    await this.db
      .updateTable('agent_states')
      .set({ missed_offers: 0 })
      .where('account_id', '=', accountId)
      .where('user_id', '=', agentId)
      .where('missed_offers', '>', 0)
      .execute();
  }

  /**
   * Transfers to another agent (who must be online with room, unless a supervisor reassigns) or
   * back into a skill's queue. An agent may only transfer what they hold; a supervisor anything open.
   */
  async transfer(
    accountId: string,
    id: string,
    actor: Actor,
    target: { agentId: string } | { skillId: string },
    now = Date.now(),
  ): Promise<Changed> {
    return this.withHooks(accountId, now, async (trx, hook) => {
      const toAgent = 'agentId' in target ? await this.lockAgent(trx, accountId, target.agentId) : undefined;
      if ('agentId' in target && (!toAgent || toAgent.role === 'analyst'))
        throw badRequest('unknown agent', 'unknown_agent');
      const conv = await this.read(trx, accountId, id);
      if (!conv) throw notFound('conversation');
      if (conv.status === 'closed')
        throw new AppError(409, 'conversation_closed', 'the conversation is closed');
      const holds = conv.status === 'active' && conv.assigned_agent_id === actor.agentId;
      if (!actor.supervisor && !holds)
        throw new AppError(403, 'not_assigned', 'this conversation is not assigned to you');
      let update = trx
        .updateTable('conversations')
        .where('account_id', '=', accountId)
        .where('id', '=', id)
        .where('status', '=', conv.status)
        .where((eb) => same(eb, 'assigned_agent_id', conv.assigned_agent_id));
      if (toAgent) {
        if (toAgent.id === conv.assigned_agent_id)
          throw new AppError(409, 'conflict', 'the agent already holds it');
        if (!actor.supervisor) {
          if (toAgent.status !== 'online')
            throw new AppError(409, 'agent_unavailable', 'that agent is not online');
          if ((await this.loadOf(trx, accountId, toAgent.id, id)) >= toAgent.capacity)
            throw new AppError(409, 'capacity', 'that agent has no free chat slot');
        }
        update = update.set({
          status: 'active',
          assigned_agent_id: toAgent.id,
          // A supervisor who barged in and takes over now holds it: no longer a second agent.
          ...(conv.joined_agent_id === toAgent.id ? { joined_agent_id: null } : {}),
          // A transfer keeps when the chat was first answered: wait and duration count from it.
          assigned_at: firstAssignedAt(now),
          offered_to: null,
          offered_at: null,
          updated_at: now,
        });
      } else {
        const skillId = (target as { skillId: string }).skillId;
        const skill = await trx
          .selectFrom('skills')
          .select('id')
          .where('account_id', '=', accountId)
          .where('id', '=', skillId)
          .executeTakeFirst();
        if (!skill) throw badRequest('unknown skill id', 'unknown_skill');
        update = update.set({
          status: 'queued',
          skill_id: skillId,
          assigned_agent_id: null,
          // Sent to a skill: no agent is preferred any more, the inviter included.
          preferred_agent_id: null,
          offered_to: null,
          offered_at: null,
          skill_entered_at: now,
          overflow_count: 0,
          updated_at: now,
        });
      }
      const row = await update.returningAll().returning(messageTotals).executeTakeFirst();
      if (!row) throw stale();
      await endHold(trx, id, 'transferred', now);
      if (toAgent) {
        await beginHold(trx, accountId, id, toAgent.id, now);
        await this.touchAgent(trx, accountId, toAgent.id, now);
      } else {
        await trx.deleteFrom('conversation_passes').where('conversation_id', '=', id).execute();
        if (conv.assigned_agent_id) {
          await trx
            .insertInto('conversation_passes')
            .values({
              conversation_id: id,
              agent_id: conv.assigned_agent_id,
              account_id: accountId,
              reason: 'transferred',
              created_at: now,
            })
            .execute();
        }
      }
      const conversation = toConversation(row);
      hook({
        type: 'conversation.transferred',
        data: {
          conversation,
          fromAgentId: conv.assigned_agent_id,
          toAgentId: toAgent?.id ?? null,
          toSkillId: toAgent ? null : conversation.skillId,
        },
      });
      return {
        conversation,
        previousAgentId: conv.assigned_agent_id,
        previousOfferedTo: conv.status === 'offered' ? conv.offered_to : null,
      };
    });
  }

  /**
   * Ends a conversation (its agent, a supervisor, or the visitor). Closing again changes nothing,
   * except that its agent or a supervisor may still record the wrap-up (disposition, tags) — e.g.
   * after the visitor ended the chat first.
   */
  async close(
    accountId: string,
    id: string,
    by: Actor | 'visitor',
    input: { disposition?: string; tags?: string[] } = {},
    now = Date.now(),
  ): Promise<Changed & { alreadyClosed: boolean; wrappedUp?: boolean }> {
    return this.withHooks(accountId, now, async (trx, hook) => {
      const conv = await this.read(trx, accountId, id);
      if (!conv) throw notFound('conversation');
      const result = (row: Row, alreadyClosed: boolean) => ({
        conversation: toConversation(row),
        previousAgentId: conv.assigned_agent_id,
        previousOfferedTo: conv.status === 'offered' ? conv.offered_to : null,
        alreadyClosed,
      });
      const mayWrapUp = by !== 'visitor' && (by.supervisor || conv.assigned_agent_id === by.agentId);
      if (conv.status === 'closed') {
        const wrapUp = by !== 'visitor' && (input.disposition !== undefined || input.tags !== undefined);
        if (!wrapUp) return result(conv, true);
        if (!mayWrapUp) throw new AppError(403, 'not_assigned', 'this conversation is not assigned to you');
        const row = await trx
          .updateTable('conversations')
          .set({
            ...(input.disposition !== undefined ? { disposition: input.disposition } : {}),
            ...(input.tags !== undefined ? { tags: JSON.stringify([...new Set(input.tags)]) } : {}),
            updated_at: now,
          })
          .where('account_id', '=', accountId)
          .where('id', '=', id)
          .where('status', '=', 'closed')
          .returningAll()
          .returning(messageTotals)
          .executeTakeFirstOrThrow();
        return { ...result(row, true), wrappedUp: true };
      }
      if (by !== 'visitor' && !mayWrapUp) {
        throw new AppError(403, 'not_assigned', 'this conversation is not assigned to you');
      }
      const row = await trx
        .updateTable('conversations')
        .set({
          status: 'closed',
          closed_at: now,
          closed_by: by === 'visitor' ? 'visitor' : by.agentId,
          // Closing ends the chat for a supervisor who barged in too.
          joined_agent_id: null,
          disposition: input.disposition ?? null,
          tags: JSON.stringify([...new Set(input.tags ?? [])]),
          offered_to: null,
          offered_at: null,
          updated_at: now,
        })
        .where('account_id', '=', accountId)
        .where('id', '=', id)
        .where('status', '=', conv.status)
        .returningAll()
        .returning(messageTotals)
        .executeTakeFirst();
      if (!row) throw stale();
      await endHold(trx, id, 'closed', now);
      const out = result(row, false);
      // With assist on, the webhook waits (briefly) for the summary the close writes.
      const { summary, holdMs } = await this.summaries.atClose(trx, accountId, id);
      hook({ type: 'conversation.resolved', data: { conversation: out.conversation, summary } }, holdMs);
      return out;
    });
  }

  /**
   * Marks a conversation as waiting on the customer (pending) or snoozed until a time, or clears
   * both (`{ pending: false, snoozedUntil: null }`): its agent or a supervisor, never on a resolved
   * one. Routing is not touched: the agent keeps the conversation.
   */
  async setWaiting(
    accountId: string,
    id: string,
    by: Actor | 'system',
    change: { pending?: boolean; snoozedUntil?: number | null },
    now = Date.now(),
  ): Promise<Conversation> {
    return this.db.transaction().execute(async (trx) => {
      const conv = await this.read(trx, accountId, id);
      if (!conv) throw notFound('conversation');
      if (conv.status === 'closed') {
        throw new AppError(409, 'conversation_resolved', 'the conversation is resolved; reopen it first');
      }
      if (by !== 'system' && !by.supervisor && conv.assigned_agent_id !== by.agentId) {
        throw new AppError(403, 'not_assigned', 'this conversation is not assigned to you');
      }
      const row = await trx
        .updateTable('conversations')
        .set({
          ...(change.pending !== undefined ? { waiting_on: change.pending ? 'customer' : null } : {}),
          ...(change.snoozedUntil !== undefined ? { snoozed_until: change.snoozedUntil } : {}),
          updated_at: now,
        })
        .where('account_id', '=', accountId)
        .where('id', '=', id)
        .where('status', '=', conv.status)
        .returningAll()
        .returning(messageTotals)
        .executeTakeFirst();
      if (!row) throw stale();
      return toConversation(row);
    });
  }

  /** The customer is back (wrote, or opened the chat): a pending or snoozed conversation is open again. */
  async customerBack(accountId: string, id: string, now = Date.now()): Promise<Conversation | undefined> {
    const row = await this.db
      .updateTable('conversations')
      .set({ waiting_on: null, snoozed_until: null, updated_at: now })
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .where((eb) => eb.or([eb('waiting_on', 'is not', null), eb('snoozed_until', 'is not', null)]))
      .returningAll()
      .returning(messageTotals)
      .executeTakeFirst();
    return row && toConversation(row);
  }

  /** Snoozed conversations whose time came, of every account, woken (open again); each is woken by one caller. */
  async wakeSnoozed(now = Date.now()): Promise<{ accountId: string; conversation: Conversation }[]> {
    const due = await this.db
      .selectFrom('conversations')
      .select(['id', 'account_id', 'snoozed_until'])
      .where('snoozed_until', '<=', now)
      .limit(500)
      .execute();
    const woken: { accountId: string; conversation: Conversation }[] = [];
    for (const d of due) {
      const row = await this.db
        .updateTable('conversations')
        .set({ snoozed_until: null, updated_at: now })
        .where('id', '=', d.id)
        .where('snoozed_until', '=', d.snoozed_until)
        .returningAll()
        .returning(messageTotals)
        .executeTakeFirst();
      if (row) woken.push({ accountId: d.account_id, conversation: toConversation(row) });
    }
    return woken;
  }

  /**
   * A customer wrote again: a resolved (closed) or offline conversation goes back to its skill's
   * queue, offered first to the agent who last held it. Anything else is left as it is. Returns the
   * conversation when it moved.
   */
  async reopen(accountId: string, id: string, now = Date.now()): Promise<Conversation | undefined> {
    const row = await this.db
      .updateTable('conversations')
      .set((eb) => ({
        status: 'queued',
        preferred_agent_id: eb.ref('assigned_agent_id'),
        assigned_agent_id: null,
        offered_to: null,
        offered_at: null,
        closed_at: null,
        closed_by: null,
        waiting_on: null,
        snoozed_until: null,
        enqueued_at: now,
        skill_entered_at: now,
        updated_at: now,
      }))
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .where('status', 'in', ['closed', 'offline'])
      .returningAll()
      .returning(messageTotals)
      .executeTakeFirst();
    return row && toConversation(row);
  }

  /** Past the maximum wait: moves a still-queued conversation to another skill, or to the offline flow. */
  async overflow(
    accountId: string,
    id: string,
    fromSkillId: string,
    to: { skillId: string } | 'offline',
    now = Date.now(),
  ): Promise<Conversation | undefined> {
    const q = this.db
      .updateTable('conversations')
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .where('status', '=', 'queued')
      .where('skill_id', '=', fromSkillId);
    const row = await (to === 'offline'
      ? q.set({ status: 'offline', updated_at: now })
      : q.set({
          skill_id: to.skillId,
          preferred_agent_id: null,
          skill_entered_at: now,
          overflow_count: sql<number>`overflow_count + 1`,
          updated_at: now,
        })
    )
      .returningAll()
      .returning(messageTotals)
      .executeTakeFirst();
    return row && toConversation(row);
  }
}
