import { type CallEndReason, CallErrorCode, type CallView } from '@beckon/protocol/call-protocol';
import type { Conversation } from '@beckon/protocol/chat-api';
import type { AgentChatService, StaffCaller } from '../conversations/agent-chat-service.ts';
import type { AgentPresence } from '../conversations/agent-presence.ts';
import type { ChatAnnouncer } from '../conversations/chat-announcer.ts';
import type { CallEvent } from '../conversations/chat-events.ts';
import { KeyedLimiter } from '../conversations/chat-limits.ts';
import { type VisitorLine, visitorLine } from '../conversations/visitor-lines.ts';
import { AppError, badRequest } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { untilSettled } from '../store/assignment-repo.ts';
import type { CallRow, NewCall } from '../store/calls-repo.ts';
import type { Store } from '../store/store.ts';
import type { CallState } from '../store/voice-schema.ts';
import { nextAgent } from './call-ringer.ts';
import { writeCallLine } from './call-transfer-lines.ts';
import { callView, spokenIn } from './call-view.ts';
import type { VoiceConfig } from './voice-config.ts';

export type Side = 'visitor' | 'agent';
type Signal = Omit<Extract<CallEvent, { t: 'call.signal' }>, 't' | 'from'>;

/** Signalling of a phone call between the console and the gateway. */
export type PhoneSignal = Signal;

/**
 * The phone gateway's side of phone calls (`phone/phone-lines.ts`): told when an agent answers
 * (it hands over the gateway's offer), of the console's signalling, and when a call ends.
 */
export interface PhoneBridge {
  answered(call: CallRow): void;
  signal(call: CallRow, signal: PhoneSignal): void;
  ended(call: CallRow): void;
  /** The call left its agent: the caller hears music (a warm transfer keeps the agent's leg). */
  transferred(call: CallRow): void;
  /** A warm transfer ended: the caller goes to the new agent (`completed`) or back to the first. */
  warmEnded(call: CallRow, completed: boolean): void;
  /** The agent put the caller on hold (music) or took them back. */
  held(call: CallRow, held: boolean): void;
}

/** How a phone call's transfer went, for `beckon_phone_transfers_total{kind,outcome}`. */
export type TransferOutcome =
  | 'answered'
  | 'recalled'
  | 'completed'
  | 'cancelled'
  | 'returned'
  | 'unanswered'
  | 'hangup';

const gone = () => new AppError(409, CallErrorCode.CallGone, 'this call is over or rings someone else now');

/**
 * Calls in conversations. A visitor's call rings agents who take calls one at a time (each for
 * `ringMs`, then the next); an agent's call invites the visitor, who must accept. Every change is
 * a compare-and-set in the store, then published to the conversation (the visitor's socket) and
 * to the agents concerned, and written as a line of the conversation's timeline. Ring deadlines
 * are timers of the node that rang; the sweeper (`call-sweeper.ts`) takes over those of a node
 * that died, and ends calls whose side is gone for longer than `reconnectMs`.
 */
export class CallService {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly starts: KeyedLimiter;
  private stopped = false;
  /** Phone calls' other side, when the node has a gateway. */
  phone: PhoneBridge | null = null;
  /** Counts a phone call's transfer by kind and outcome. */
  countTransfer: (kind: 'cold' | 'warm', outcome: TransferOutcome) => void = () => {};

  constructor(
    private readonly store: Store,
    private readonly announcer: ChatAnnouncer,
    private readonly presence: AgentPresence,
    private readonly agents: AgentChatService,
    /** Asks the chat router for a pass: an agent off a call can take chats again. */
    private readonly route: (accountId: string) => void,
    readonly config: VoiceConfig,
    private readonly log: Logger,
  ) {
    this.starts = new KeyedLimiter({ rate: config.startsPerMinute / 60, burst: config.startsPerMinute });
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  /** A call by id in the caller's account, or undefined (someone else's, or no such call). */
  async find(accountId: string, callId: string): Promise<CallRow | undefined> {
    return this.store.calls.get(accountId, callId);
  }

  /** The calls to show an agent's console again when it (re)connects. */
  async openFor(accountId: string, agentId: string): Promise<CallView[]> {
    const rows = await this.store.calls.openFor(accountId, agentId);
    return Promise.all(rows.map((r) => this.view(r)));
  }

  /** The visitor asks for a call: it rings the conversation's agent first, then others who take calls. */
  async visitorStart(
    accountId: string,
    conversation: Conversation,
    phone?: NewCall['phone'],
  ): Promise<CallView> {
    if (conversation.status === 'closed')
      throw new AppError(409, 'conversation_closed', 'the conversation is closed');
    if (!phone && !this.starts.take(conversation.id))
      throw new AppError(429, CallErrorCode.RateLimited, 'too many calls asked for; wait a minute');
    const { call, busy } = await this.store.calls.create(accountId, {
      conversationId: conversation.id,
      skillId: conversation.skillId,
      startedBy: 'visitor',
      state: 'ringing',
      ...(phone ? { phone } : {}),
    });
    if (busy)
      throw new AppError(409, CallErrorCode.CallBusy, 'a call is already running in this conversation');
    // A phone call's line names the caller and the number they dialled instead (phone-lines.ts).
    if (!phone) await this.line(accountId, call, 'callAsked');
    return this.view(await this.ringNext(call, conversation.assignedAgentId));
  }

  /** The conversation's agent asks to switch to a call: the visitor is invited and must accept. */
  async agentStart(caller: StaffCaller & { userId: string }, conversationId: string): Promise<CallView> {
    const conversation = await this.store.conversations.get(caller.accountId, conversationId);
    if (conversation.status !== 'active' || conversation.assignedAgentId !== caller.userId)
      throw new AppError(403, 'not_assigned', 'this conversation is not assigned to you');
    if (!this.starts.take(conversationId))
      throw new AppError(429, CallErrorCode.RateLimited, 'too many calls asked for; wait a minute');
    const { call, busy } = await this.store.calls.create(caller.accountId, {
      conversationId,
      skillId: conversation.skillId,
      startedBy: 'agent',
      state: 'inviting',
      agentId: caller.userId,
    });
    if (busy)
      throw new AppError(409, CallErrorCode.CallBusy, 'a call is already running in this conversation');
    const name = await this.announcer.agentName(caller.accountId, caller.userId);
    await this.line(caller.accountId, call, 'callInvited', (l) => ({
      name: name ?? visitorLine(l, 'theAgent'),
    }));
    await this.publish(call, [caller.userId]);
    return this.view(call);
  }

  /**
   * The agent dials a phone: they hold the conversation, and the call waits (`inviting`) for the
   * console's offer, which the gateway sends on as an INVITE.
   */
  async phoneDial(
    caller: StaffCaller & { userId: string },
    conversationId: string,
    number: string,
  ): Promise<CallRow> {
    await this.takeConversation(caller.accountId, conversationId, caller.userId);
    const conversation = await this.store.conversations.get(caller.accountId, conversationId);
    const { call, busy } = await this.store.calls.create(caller.accountId, {
      conversationId,
      skillId: conversation.skillId,
      startedBy: 'agent',
      state: 'inviting',
      agentId: caller.userId,
      phone: { number, direction: 'outbound' },
    });
    if (busy)
      throw new AppError(409, CallErrorCode.CallBusy, 'a call is already running in this conversation');
    await this.store.calls.legStarted(call, caller.userId, Date.now(), true);
    await this.announcer.line(caller.accountId, conversationId, `Calling ${number}.`);
    await this.publish(call, [caller.userId]);
    return call;
  }

  /** Rings the next free agent, or ends the call when nobody is left. */
  private async ringNext(call: CallRow, preferred: string | null, only?: string): Promise<CallRow> {
    const now = Date.now();
    const agentId =
      (await nextAgent(this.store, this.presence, call, preferred, only)) ?? (await this.recallAgent(call));
    const before = [call.ringing_agent_id, call.agent_id];
    // A warm transfer that finds nobody goes back to the agent who still holds the caller.
    if (!agentId && call.warm_from) return this.warmBack(call, 'returned');
    if (!agentId) {
      const tried = (JSON.parse(call.tried) as string[]).length > 0;
      if (call.direction && Number(call.transfers) > 0) this.countTransfer('cold', 'unanswered');
      return (
        (await this.end(call, 'system', tried ? 'unanswered' : 'no_agent', ['ringing'])) ??
        (await this.current(call))
      );
    }
    const tried = [...new Set([...(JSON.parse(call.tried) as string[]), agentId])];
    // Only the pass that saw the last ring moves it on: a sweeper and the ringing node may both try.
    const rung = await this.store.calls.change(
      call.account_id,
      call.id,
      ['ringing'],
      {
        ringing_agent_id: agentId,
        ring_deadline: now + this.config.ringMs,
        ringing_at: call.ringing_at ?? now,
        tried: JSON.stringify(tried),
        updated_at: now,
      },
      call.ringing_agent_id ? { ringing: call.ringing_agent_id } : {},
    );
    if (!rung) return this.current(call);
    await this.store.calls.legStarted(rung, agentId, now);
    this.armRing(rung);
    await this.publish(rung, [...before, agentId]);
    return rung;
  }

  /**
   * A cold transfer nobody took (the chosen agent declined or did not answer, the skill's agents
   * likewise): it rings the agent who transferred it, once, before the call ends unanswered.
   */
  private async recallAgent(call: CallRow): Promise<string | undefined> {
    if (Number(call.transfers) === 0 || call.warm_from) return undefined;
    const tried = JSON.parse(call.tried) as string[];
    const first = tried[0];
    if (!first || call.ringing_agent_id === first) return undefined;
    const others = { ...call, tried: JSON.stringify(tried.slice(1)) };
    return nextAgent(this.store, this.presence, others, first, first);
  }

  private armRing(call: CallRow): void {
    clearTimeout(this.timers.get(call.id));
    if (this.stopped) return;
    const timer = setTimeout(
      () => {
        this.timers.delete(call.id);
        void this.ringTimedOut(call.account_id, call.id, call.ringing_agent_id!).catch((err) =>
          this.log.warn({ err, callId: call.id }, 'ring timeout failed'),
        );
      },
      Math.max(0, Number(call.ring_deadline) - Date.now()),
    );
    timer.unref();
    this.timers.set(call.id, timer);
  }

  /** The ring of `agentId` passed its deadline (here, or seen by the sweeper): the next agent. */
  async ringTimedOut(accountId: string, callId: string, agentId: string): Promise<void> {
    const call = await this.store.calls.get(accountId, callId);
    if (call?.state !== 'ringing' || call.ringing_agent_id !== agentId) return;
    await this.ringOn(call);
  }

  /**
   * The ringing agent declined or did not answer: the next agent rings. A warm transfer to one
   * agent goes back to the agent handing it over at once; one to a skill rings the skill's next
   * agent first, as the queue does, and goes back only when nobody is left.
   */
  private async ringOn(call: CallRow): Promise<void> {
    if (call.warm_from && !Number(call.warm_skill)) {
      await this.warmBack(call, 'returned');
      return;
    }
    if (call.warm_from) {
      this.consultOver(call);
      await this.ringNext(call, null);
      return;
    }
    const conversation = await this.store.conversations.get(call.account_id, call.conversation_id);
    await this.ringNext(call, conversation.assignedAgentId);
  }

  /** The agents a warm transfer consulted (ringing or talking) lose the chat they could read. */
  private consultOver(call: CallRow): void {
    if (!call.warm_from) return;
    for (const agentId of new Set([call.agent_id, call.ringing_agent_id]))
      if (agentId && agentId !== call.warm_from)
        this.announcer.events.toAgent(agentId, {
          t: 'conversation.unassigned',
          conversationId: call.conversation_id,
          reason: 'consult_ended',
        });
  }

  /** The agent answers a ringing call, or the visitor accepts an agent's invitation. */
  async accept(side: Side, accountId: string, callId: string, agentId?: string): Promise<CallView> {
    const call = await this.store.calls.get(accountId, callId);
    if (!call) throw gone();
    const now = Date.now();
    if (side === 'agent') {
      if (call.state !== 'ringing' || call.ringing_agent_id !== agentId) throw gone();
      const answered = await this.store.calls.change(
        accountId,
        callId,
        ['ringing'],
        {
          state: 'active',
          agent_id: agentId,
          ringing_agent_id: null,
          ring_deadline: null,
          answered_at: call.answered_at ?? now,
          wait_ms: call.wait_ms ?? now - Number(call.requested_at),
          leg: Number(call.leg) + 1,
          updated_at: now,
        },
        { ringing: agentId },
      );
      if (!answered) throw gone();
      await this.store.calls.legAnswered(callId, agentId!, now);
      clearTimeout(this.timers.get(callId));
      this.timers.delete(callId);
      // A warm transfer's chat moves when the first agent completes it.
      if (!answered.warm_from) await this.takeConversation(accountId, answered.conversation_id, agentId!);
      if (answered.direction && Number(answered.transfers) > 0 && !answered.warm_from)
        this.countTransfer(
          'cold',
          (JSON.parse(answered.tried) as string[])[0] === agentId ? 'recalled' : 'answered',
        );
      const name = await this.announcer.agentName(accountId, agentId!);
      await this.line(accountId, answered, 'callAnswered', (l) => ({
        name: name ?? visitorLine(l, 'anAgent'),
      }));
      await this.publish(answered, [agentId]);
      if (answered.direction) this.phone?.answered(answered);
      return this.view(answered);
    }
    if (call.state !== 'inviting') throw gone();
    const accepted = await this.store.calls.change(accountId, callId, ['inviting'], {
      state: 'active',
      answered_at: now,
      wait_ms: now - Number(call.requested_at),
      // A dialled phone call keeps the leg the console offered on.
      leg: Number(call.leg) + (call.direction ? 0 : 1),
      updated_at: now,
    });
    if (!accepted) throw gone();
    if (accepted.agent_id && !call.direction)
      await this.store.calls.legStarted(accepted, accepted.agent_id, now, true);
    // A dialled phone has no widget language: its line names the number that answered.
    if (accepted.direction === 'outbound')
      await this.announcer.line(accountId, accepted.conversation_id, `${accepted.phone_number} answered.`);
    else await this.line(accountId, accepted, 'callAccepted');
    await this.publish(accepted, [accepted.agent_id]);
    return this.view(accepted);
  }

  /** The agent who answers holds the conversation too (a call from the queue, or a transferred one). */
  private async takeConversation(accountId: string, conversationId: string, agentId: string): Promise<void> {
    // The router may offer the chat while the call is answered: the answer still takes it.
    await untilSettled(async () => {
      const c = await this.store.conversations.get(accountId, conversationId);
      if (c.status === 'closed' || (c.status === 'active' && c.assignedAgentId === agentId)) return;
      // Calls have their own capacity: the answer moves the chat to this agent even when their chat slots are full.
      await this.agents.transfer({ accountId, role: 'admin', userId: agentId }, conversationId, { agentId });
    });
  }

  /** A ringing agent declines (the next one rings), or the visitor declines an invitation (the call ends). */
  async decline(side: Side, accountId: string, callId: string, agentId?: string): Promise<void> {
    const call = await this.store.calls.get(accountId, callId);
    if (!call) throw gone();
    if (side === 'agent') {
      if (call.state !== 'ringing' || call.ringing_agent_id !== agentId) throw gone();
      await this.ringOn(call);
      return;
    }
    if (call.state !== 'inviting') throw gone();
    await this.end(call, 'visitor', 'declined', ['inviting']);
  }

  /** Either side hangs up (a visitor may also cancel their ringing call). */
  async hangup(
    side: Side,
    accountId: string,
    callId: string,
    reason: CallEndReason = 'hangup',
  ): Promise<void> {
    const call = await this.store.calls.get(accountId, callId);
    if (!call || call.state === 'ended') return;
    // The agent asked for a warm transfer hangs up: the caller goes back to the first agent.
    if (side === 'agent' && call.warm_from && reason === 'hangup') {
      await this.warmBack(call, 'returned');
      return;
    }
    await this.end(call, side, reason, ['ringing', 'inviting', 'active', 'held']);
  }

  /** The agent puts the call on hold, or resumes it. */
  async hold(accountId: string, callId: string, agentId: string, held: boolean): Promise<CallView> {
    const call = await this.store.calls.get(accountId, callId);
    if (!call || call.agent_id !== agentId || call.warm_from) throw gone();
    const now = Date.now();
    const changed = held
      ? await this.store.calls.change(accountId, callId, ['active'], { state: 'held', held_since: now })
      : await this.store.calls.change(accountId, callId, ['held'], {
          state: 'active',
          held_since: null,
          held_ms: Number(call.held_ms) + (now - Number(call.held_since ?? now)),
        });
    if (!changed) return this.view(call);
    if (changed.direction) this.phone?.held(changed, held);
    await this.line(accountId, changed, held ? 'callHeld' : 'callResumed');
    await this.publish(changed, [agentId]);
    return this.view(changed);
  }

  /** The agent passes the call to another agent or skill: it rings there, and the new agent's console sets up media anew. */
  async transfer(
    caller: StaffCaller & { userId: string },
    callId: string,
    target: { agentId?: string; skillId?: string; warm?: boolean },
  ): Promise<CallView> {
    if (Boolean(target.agentId) === Boolean(target.skillId))
      throw badRequest('give either agentId or skillId');
    const { accountId, userId } = caller;
    const call = await this.store.calls.get(accountId, callId);
    if (!call || call.agent_id !== userId || (call.state !== 'active' && call.state !== 'held')) throw gone();
    if (target.warm && !call.direction)
      throw badRequest('only a phone call can be transferred warm', 'warm_phone_only');
    // A call handed over warm is moved on by the agent who started it: complete or cancel first.
    if (call.warm_from) throw gone();
    if (target.skillId && !(await this.store.skills.list(accountId)).some((s) => s.id === target.skillId))
      throw badRequest('unknown skill id', 'unknown_skill');
    const now = Date.now();
    const moved = await this.store.calls.change(
      accountId,
      callId,
      ['active', 'held'],
      {
        state: 'ringing',
        agent_id: null,
        // A warm transfer's caller waits on hold, with music, until it completes.
        held_since: target.warm ? now : null,
        held_ms: Number(call.held_ms) + (call.held_since ? now - Number(call.held_since) : 0),
        tried: JSON.stringify([userId]),
        transfers: Number(call.transfers) + 1,
        warm_from: target.warm ? userId : null,
        warm_skill: target.warm && target.skillId ? 1 : 0,
        ...(target.skillId ? { skill_id: target.skillId } : {}),
        updated_at: now,
      },
      { agent: userId },
    );
    if (!moved) throw gone();
    await this.store.calls.legsClosed(callId, now, 'transferred');
    if (moved.direction)
      // A phone call's line says cold or warm, worded by each console (`readCallLine`).
      await writeCallLine(this.announcer, this.store, accountId, moved.conversation_id, {
        kind: target.warm ? 'consulting' : 'transferred',
        from: userId,
        ...(target.agentId ? { agentId: target.agentId } : { skillId: target.skillId! }),
      });
    else {
      const name = await this.announcer.agentName(accountId, userId);
      const to = target.agentId ? await this.announcer.agentName(accountId, target.agentId) : null;
      await this.line(accountId, moved, 'callTransferred', (l) => ({
        name: name ?? visitorLine(l, 'theAgent'),
        to: to ?? visitorLine(l, target.agentId ? 'anotherAgent' : 'anotherTeam'),
      }));
    }
    if (moved.direction) this.phone?.transferred(moved);
    await this.publish(moved, [userId]);
    return this.view(await this.ringNext(moved, null, target.agentId));
  }

  /**
   * The agent who started a warm transfer completes it (the caller goes to the new agent, or, if
   * nobody answered yet, waits for them as in a cold transfer) or cancels it (back to them).
   */
  async warm(caller: StaffCaller & { userId: string }, callId: string, action: 'complete' | 'cancel') {
    const { accountId, userId } = caller;
    const call = await this.store.calls.get(accountId, callId);
    if (!call || call.warm_from !== userId || (call.state !== 'ringing' && call.state !== 'active'))
      throw gone();
    if (action === 'cancel') return this.view(await this.warmBack(call, 'cancelled'));
    const now = Date.now();
    const done = await this.store.calls.change(
      accountId,
      callId,
      [call.state],
      {
        warm_from: null,
        warm_skill: 0,
        held_since: call.state === 'active' ? null : call.held_since,
        held_ms:
          Number(call.held_ms) +
          (call.state === 'active' && call.held_since ? now - Number(call.held_since) : 0),
        updated_at: now,
      },
      { warm: userId },
    );
    if (!done) throw gone();
    if (done.state === 'active' && done.agent_id)
      await this.takeConversation(accountId, done.conversation_id, done.agent_id);
    // Completed before anyone answered: the ringing agent was consulted on nothing; it rings on cold.
    else this.consultOver(call);
    await writeCallLine(
      this.announcer,
      this.store,
      accountId,
      done.conversation_id,
      done.agent_id
        ? { kind: 'handed', from: userId, agentId: done.agent_id }
        : { kind: 'ringing_on', from: userId },
    );
    this.countTransfer('warm', 'completed');
    this.phone?.warmEnded(done, true);
    await this.publish(done, [userId]);
    return this.view(done);
  }

  /**
   * A warm transfer goes back to the agent who started it: they cancelled, or the next agent
   * declined, did not answer, or hung up. The caller is theirs again; the ring or the new agent's
   * leg closes.
   */
  private async warmBack(call: CallRow, outcome: 'cancelled' | 'returned'): Promise<CallRow> {
    const first = call.warm_from;
    if (!first) return call;
    const now = Date.now();
    const back = await this.store.calls.change(
      call.account_id,
      call.id,
      ['ringing', 'active'],
      {
        state: 'active',
        agent_id: first,
        ringing_agent_id: null,
        ring_deadline: null,
        warm_from: null,
        warm_skill: 0,
        held_since: null,
        held_ms: Number(call.held_ms) + (call.held_since ? now - Number(call.held_since) : 0),
        transfers: Math.max(0, Number(call.transfers) - 1),
        updated_at: now,
      },
      { warm: first },
    );
    if (!back) return this.current(call);
    clearTimeout(this.timers.get(call.id));
    this.timers.delete(call.id);
    await this.store.calls.legsClosed(call.id, now, 'transferred');
    await this.store.calls.legStarted(back, first, now, true);
    this.consultOver(call);
    await writeCallLine(this.announcer, this.store, call.account_id, call.conversation_id, {
      kind: 'back',
      agentId: first,
    });
    this.countTransfer('warm', outcome);
    this.phone?.warmEnded(back, false);
    await this.publish(back, [call.agent_id, call.ringing_agent_id, first]);
    return back;
  }

  /** Relays signalling to the other side; the connection checked the sender's part in the call. */
  signal(call: CallRow, from: Side, signal: Signal): void {
    if (call.direction && from === 'agent') {
      this.phone?.signal(call, signal);
      return;
    }
    const event: CallEvent = { t: 'call.signal', from, ...signal };
    if (from === 'visitor') {
      if (call.agent_id) this.announcer.events.toAgent(call.agent_id, event);
    } else this.announcer.events.toConversation(call.conversation_id, event);
  }

  /** The phone gateway's offer or answer, for the agent's console (as from the other side). */
  relayToAgent(call: CallRow, signal: Signal): void {
    if (call.agent_id)
      this.announcer.events.toAgent(call.agent_id, { t: 'call.signal', from: 'visitor', ...signal });
  }

  /** Tells the other side that one side muted or unmuted. */
  mute(call: CallRow, from: Side, muted: boolean): void {
    const event: CallEvent = { t: 'call.media', callId: call.id, from, muted };
    if (from === 'visitor') {
      if (call.agent_id) this.announcer.events.toAgent(call.agent_id, event);
    } else this.announcer.events.toConversation(call.conversation_id, event);
  }

  /** Ends a call still in one of `from`: its times and outcome are stored, both sides and the timeline told. */
  async end(
    call: CallRow,
    by: Side | 'system',
    reason: CallEndReason,
    from: readonly CallState[] = ['ringing', 'inviting', 'active', 'held'],
  ): Promise<CallRow | undefined> {
    const now = Date.now();
    const answered = call.answered_at === null ? null : Number(call.answered_at);
    const ended = await this.store.calls.change(call.account_id, call.id, from, {
      state: 'ended',
      ringing_agent_id: null,
      ring_deadline: null,
      ended_at: now,
      ended_by: by,
      end_reason: reason,
      talk_ms: answered === null ? null : now - answered,
      wait_ms: call.wait_ms ?? now - Number(call.requested_at),
      held_ms: Number(call.held_ms) + (call.held_since ? now - Number(call.held_since) : 0),
      held_since: null,
      updated_at: now,
    });
    if (!ended) return undefined;
    if (
      ended.direction &&
      by === 'visitor' &&
      (call.warm_from || (call.state === 'ringing' && Number(call.transfers) > 0))
    )
      this.countTransfer(call.warm_from ? 'warm' : 'cold', 'hangup');
    await this.store.calls.legsClosed(call.id, now, 'ended');
    this.consultOver(call);
    if (ended.direction) this.phone?.ended(ended);
    clearTimeout(this.timers.get(call.id));
    this.timers.delete(call.id);
    await this.line(call.account_id, ended, ...endLine(ended));
    await this.publish(ended, [call.agent_id, call.ringing_agent_id, call.warm_from]);
    // The agent is free for chats again.
    this.route(call.account_id);
    return ended;
  }

  private async current(call: CallRow): Promise<CallRow> {
    return (await this.store.calls.get(call.account_id, call.id)) ?? call;
  }

  async view(row: CallRow): Promise<CallView> {
    const [name, warmName] = await Promise.all([
      this.announcer.agentName(row.account_id, row.agent_id),
      row.warm_from ? this.announcer.agentName(row.account_id, row.warm_from) : null,
    ]);
    return callView(row, name, warmName);
  }

  /** Publishes a call's new state to the conversation and to every agent concerned (before and after). */
  private async publish(row: CallRow, agents: (string | null | undefined)[]): Promise<void> {
    const call = await this.view(row);
    const { events } = this.announcer;
    events.toConversation(row.conversation_id, { t: 'call.updated', call });
    const ringing = row.state === 'ringing' && row.ringing_agent_id;
    const conversation = ringing
      ? await this.store.conversations.get(row.account_id, row.conversation_id).catch(() => undefined)
      : undefined;
    const to = new Set(
      [...agents, row.agent_id, row.ringing_agent_id, row.warm_from].filter((a): a is string => !!a),
    );
    for (const agentId of to)
      events.toAgent(agentId, {
        t: 'call.updated',
        call,
        ...(conversation && agentId === row.ringing_agent_id ? { conversation } : {}),
      });
  }

  /** A line about the call, in the language the visitor chats in (`vars` may depend on it). */
  private async line(
    accountId: string,
    call: CallRow,
    line: VisitorLine,
    vars: (language: string | null) => Record<string, string> = () => ({}),
  ): Promise<void> {
    await this.announcer.visitorLine(accountId, call.conversation_id, line, vars);
  }
}

/** The timeline's line for an ended call: its key and, per language, its values. */
function endLine(call: CallRow): [VisitorLine, (language: string | null) => Record<string, string>] {
  const reason = call.end_reason;
  if (call.answered_at === null) {
    if (reason === 'no_agent') return ['callMissedBusy', () => ({})];
    if (reason === 'unanswered') return ['callMissed', () => ({})];
    if (reason === 'declined') return ['callDeclined', () => ({})];
    if (reason === 'microphone_denied') return ['callNoMicrophone', () => ({})];
    if (reason === 'busy') return ['callBusy', () => ({})];
    if (reason === 'no_answer') return ['callNoAnswer', () => ({})];
    return ['callCancelled', () => ({})];
  }
  const why: VisitorLine =
    reason === 'network_lost'
      ? 'endNetwork'
      : reason === 'microphone_denied'
        ? 'endMicrophone'
        : reason === 'conversation_closed'
          ? 'endClosed'
          : call.ended_by === 'agent'
            ? 'endByAgent'
            : 'endByVisitor';
  return [
    'callEnded',
    (language) => ({
      why: visitorLine(language, why),
      talk: spokenIn(language, Number(call.talk_ms ?? 0)),
      wait: spokenIn(language, Number(call.wait_ms ?? 0)),
    }),
  ];
}
