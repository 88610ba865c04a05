import type { Kysely, Selectable } from 'kysely';
import { newId } from '../ids.ts';
import type { Database } from './schema.ts';
import type { CallState, CallsTable } from './voice-schema.ts';

export type CallRow = Selectable<CallsTable>;
/** States in which a call is not over. */
export const OPEN_CALL_STATES: readonly CallState[] = ['ringing', 'inviting', 'active', 'held'];
/** States in which an agent is on the call (talking, holding, or waiting for the visitor to accept). */
const ON_CALL: readonly CallState[] = ['inviting', 'active', 'held'];

export interface NewCall {
  conversationId: string;
  skillId: string | null;
  startedBy: 'visitor' | 'agent';
  state: 'ringing' | 'inviting';
  agentId?: string;
  /**
   * A call on the telephone network: the other party's number, which way the call goes, and
   * whether its number records calls (a phone call has no site; the caller was told).
   */
  phone?: { number: string; direction: 'inbound' | 'outbound'; recorded?: boolean };
}

/** An agent's voice settings, with the defaults of an agent who never changed them. */
export interface VoiceSettings {
  takesCalls: boolean;
  chatsDuringCalls: boolean;
}
export const DEFAULT_VOICE_SETTINGS: VoiceSettings = { takesCalls: true, chatsDuringCalls: false };

/** Calls and agents' voice settings. Every change of a call is a compare-and-set on its state. */
export class CallsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  /** Starts a call unless the conversation has one that is not over (then returns that one, `busy`). */
  async create(
    accountId: string,
    input: NewCall,
    now = Date.now(),
  ): Promise<{ call: CallRow; busy: boolean }> {
    return this.db.transaction().execute(async (trx) => {
      const open = await trx
        .selectFrom('calls')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('conversation_id', '=', input.conversationId)
        .where('state', 'in', OPEN_CALL_STATES)
        .executeTakeFirst();
      if (open) return { call: open, busy: true };
      // The site's (or the phone number's) recording choice is fixed as the call begins: both
      // sides are told from the start.
      const site = await trx
        .selectFrom('conversations')
        .innerJoin('sites', 'sites.id', 'conversations.site_id')
        .select('sites.record_calls')
        .where('conversations.id', '=', input.conversationId)
        .where('conversations.account_id', '=', accountId)
        .executeTakeFirst();
      const row: CallRow = {
        id: newId('call'),
        account_id: accountId,
        conversation_id: input.conversationId,
        skill_id: input.skillId,
        started_by: input.startedBy,
        state: input.state,
        agent_id: input.agentId ?? null,
        ringing_agent_id: null,
        ring_deadline: null,
        tried: '[]',
        leg: 0,
        requested_at: now,
        ringing_at: null,
        answered_at: null,
        ended_at: null,
        ended_by: null,
        end_reason: null,
        talk_ms: null,
        wait_ms: null,
        held_ms: 0,
        held_since: null,
        transfers: 0,
        updated_at: now,
        recorded: (input.phone ? input.phone.recorded : Number(site?.record_calls ?? 0) === 1) ? 1 : 0,
        phone_number: input.phone?.number ?? null,
        direction: input.phone?.direction ?? null,
        warm_from: null,
        warm_skill: 0,
      };
      await trx.insertInto('calls').values(row).execute();
      return { call: row, busy: false };
    });
  }

  async get(accountId: string, id: string): Promise<CallRow | undefined> {
    return this.db
      .selectFrom('calls')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /** A call by id alone (ids are unguessable); the caller checks the account. */
  async byId(id: string): Promise<CallRow | undefined> {
    return this.db.selectFrom('calls').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /**
   * Changes a call if it is still in one of `from` (and, with `ringing`, still rings that agent):
   * the change that loses a race gets undefined and does nothing.
   */
  async change(
    accountId: string,
    id: string,
    from: readonly CallState[],
    patch: Partial<Omit<CallRow, 'id' | 'account_id'>>,
    opts: { ringing?: string; agent?: string; warm?: string } = {},
  ): Promise<CallRow | undefined> {
    let q = this.db
      .updateTable('calls')
      .set({ ...patch, updated_at: patch.updated_at ?? Date.now() })
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .where('state', 'in', from);
    if (opts.ringing) q = q.where('ringing_agent_id', '=', opts.ringing);
    if (opts.agent) q = q.where('agent_id', '=', opts.agent);
    if (opts.warm) q = q.where('warm_from', '=', opts.warm);
    return q.returningAll().executeTakeFirst();
  }

  /** The conversation's call that is not over, if any. */
  async openIn(accountId: string, conversationId: string): Promise<CallRow | undefined> {
    return this.db
      .selectFrom('calls')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('conversation_id', '=', conversationId)
      .where('state', 'in', OPEN_CALL_STATES)
      .executeTakeFirst();
  }

  /**
   * Whether `agentId` is being consulted on the conversation's phone call now: a warm transfer
   * rings them or they talk to the agent handing it over. Only then may they read its thread.
   */
  async consulting(accountId: string, conversationId: string, agentId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('calls')
      .select('id')
      .where('account_id', '=', accountId)
      .where('conversation_id', '=', conversationId)
      .where('warm_from', 'is not', null)
      .where('warm_from', '!=', agentId)
      .where((eb) =>
        eb.or([
          eb.and([eb('state', '=', 'active'), eb('agent_id', '=', agentId)]),
          eb.and([eb('state', '=', 'ringing'), eb('ringing_agent_id', '=', agentId)]),
        ]),
      )
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Calls of an agent that are not over (ringing them, or with them): their console shows them again on reconnect. */
  async openFor(accountId: string, agentId: string): Promise<CallRow[]> {
    return this.db
      .selectFrom('calls')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('state', 'in', OPEN_CALL_STATES)
      .where((eb) =>
        eb.or([
          eb('agent_id', '=', agentId),
          eb('ringing_agent_id', '=', agentId),
          eb('warm_from', '=', agentId),
        ]),
      )
      .execute();
  }

  /** Every call not over, of every account, with whether its conversation is closed (the sweeper's list). */
  async open(limit = 1000): Promise<(CallRow & { conversation_status: string | null })[]> {
    return this.db
      .selectFrom('calls')
      .leftJoin('conversations', (j) =>
        j
          .onRef('conversations.id', '=', 'calls.conversation_id')
          .onRef('conversations.account_id', '=', 'calls.account_id'),
      )
      .selectAll('calls')
      .select('conversations.status as conversation_status')
      .where('calls.state', 'in', OPEN_CALL_STATES)
      .limit(limit)
      .execute();
  }

  /** Agents of an account who are on a call or whose console rings for one: they get no other call. */
  async busyAgents(accountId: string): Promise<{ onCall: Set<string>; ringing: Set<string> }> {
    const rows = await this.db
      .selectFrom('calls')
      .select(['state', 'agent_id', 'ringing_agent_id', 'warm_from'])
      .where('account_id', '=', accountId)
      .where('state', 'in', OPEN_CALL_STATES)
      .execute();
    const onCall = new Set<string>();
    const ringing = new Set<string>();
    for (const r of rows) {
      if (r.agent_id && ON_CALL.includes(r.state)) onCall.add(r.agent_id);
      // The agent handing a call over warm still holds the caller.
      if (r.warm_from) onCall.add(r.warm_from);
      if (r.ringing_agent_id && r.state === 'ringing') ringing.add(r.ringing_agent_id);
    }
    return { onCall, ringing };
  }

  /** Voice settings of the account's agents who changed them (the others have the defaults). */
  async settings(accountId: string): Promise<Map<string, VoiceSettings>> {
    const rows = await this.db
      .selectFrom('agent_voice_settings')
      .selectAll()
      .where('account_id', '=', accountId)
      .execute();
    return new Map(
      rows.map((r) => [
        r.user_id,
        { takesCalls: Number(r.takes_calls) === 1, chatsDuringCalls: Number(r.chats_during_calls) === 1 },
      ]),
    );
  }

  async settingsOf(accountId: string, userId: string): Promise<VoiceSettings> {
    return (await this.settings(accountId)).get(userId) ?? DEFAULT_VOICE_SETTINGS;
  }

  async setSettings(accountId: string, userId: string, s: VoiceSettings, now = Date.now()): Promise<void> {
    const values = {
      takes_calls: s.takesCalls ? 1 : 0,
      chats_during_calls: s.chatsDuringCalls ? 1 : 0,
      updated_at: now,
    };
    await this.db
      .insertInto('agent_voice_settings')
      .values({ account_id: accountId, user_id: userId, ...values })
      .onConflict((oc) => oc.columns(['account_id', 'user_id']).doUpdateSet(values))
      .execute();
  }

  /**
   * The ring moved to `agentId` (or a visitor accepted an agent's invitation, `answered`): the
   * unanswered ring before it is closed as missed, and the agent's leg starts.
   */
  async legStarted(
    call: Pick<CallRow, 'id' | 'account_id'>,
    agentId: string,
    at: number,
    answered = false,
  ): Promise<void> {
    await this.db
      .updateTable('call_legs')
      .set({ ended_at: at, end: 'missed' })
      .where('call_id', '=', call.id)
      .where('answered_at', 'is', null)
      .where('ended_at', 'is', null)
      .execute();
    await this.db
      .insertInto('call_legs')
      .values({
        id: newId('leg'),
        account_id: call.account_id,
        call_id: call.id,
        agent_id: agentId,
        rang_at: at,
        answered_at: answered ? at : null,
        ended_at: null,
        end: null,
      })
      .execute();
  }

  /** The ringing agent answered: their leg is answered. */
  async legAnswered(callId: string, agentId: string, at: number): Promise<void> {
    await this.db
      .updateTable('call_legs')
      .set({ answered_at: at })
      .where('call_id', '=', callId)
      .where('agent_id', '=', agentId)
      .where('answered_at', 'is', null)
      .where('ended_at', 'is', null)
      .execute();
  }

  /**
   * The call left its agent (`transferred`) or ended (`ended`): the answered leg closes with that,
   * a ring still going closes as `missed` (a transfer) or `abandoned` (the call ended).
   */
  async legsClosed(callId: string, at: number, how: 'transferred' | 'ended'): Promise<void> {
    await this.db
      .updateTable('call_legs')
      .set((eb) => ({
        ended_at: at,
        end: eb
          .case()
          .when('answered_at', 'is not', null)
          .then(how)
          .else(how === 'ended' ? 'abandoned' : 'missed')
          .end(),
      }))
      .where('call_id', '=', callId)
      .where('ended_at', 'is', null)
      .execute();
  }

  /** Calls of a conversation, oldest first (its timeline in the console). */
  async ofConversation(accountId: string, conversationId: string): Promise<CallRow[]> {
    return this.db
      .selectFrom('calls')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('conversation_id', '=', conversationId)
      .orderBy('requested_at')
      .execute();
  }
}
