import type { AgentStatus, Role, User } from '@beckon/protocol/api';
import type { CloseInput, Conversation, StateInput, TransferInput } from '@beckon/protocol/chat-api';
import { AppError, badRequest, forbidden, notFound } from '../errors.ts';
import type { Actor } from '../store/assignment-repo.ts';
import type { Store } from '../store/store.ts';
import type { ChatAnnouncer } from './chat-announcer.ts';
import { SupervisorTimeline } from './supervisor-timeline.ts';
import { cleanText } from './visitor-chat-service.ts';

/** Who acts from the console or the API: a signed-in user, or an API key (a supervisor without a user). */
export interface StaffCaller {
  accountId: string;
  role: Role;
  userId?: string;
}

/** Why the router changed an agent's status: they missed this many offers in a row. */
/** The state log's reason for an agent routing set away after unanswered offers. */
export const MISSED_OFFERS_REASON = 'Missed offers';

export interface StatusCause {
  reason: 'missed_offers';
  missedOffers: number;
}

/** Owners and admins supervise: they see and may reassign every conversation of their account. */
export const isSupervisor = (c: { role: Role | string }) => c.role === 'owner' || c.role === 'admin';

const ACCEPT_ERRORS = {
  not_found: () => notFound('conversation'),
  taken: () => new AppError(409, 'taken', 'another agent has this conversation'),
  closed: () => new AppError(409, 'conversation_closed', 'the conversation is closed'),
  capacity: () => new AppError(409, 'capacity', 'you have no free chat slot'),
  not_skilled: () => forbidden('this conversation waits in a skill you do not have'),
} as const;

/** Why a supervisor could not join a chat, as it stands now. */
function joinRefused(c: Conversation, agentId: string, joinedName: string | null): AppError {
  if (c.status === 'closed') return new AppError(409, 'conversation_closed', 'the conversation is closed');
  if (c.status !== 'active') return new AppError(409, 'not_live', 'nobody is chatting here yet');
  if (c.assignedAgentId === agentId) return new AppError(409, 'conflict', 'you already hold this chat');
  return new AppError(409, 'joined', `${joinedName ?? 'another supervisor'} has joined this chat already`);
}

/** Conversations from the agents' side: visibility, accept/decline, transfer, close and agent status. */
export class AgentChatService {
  /** Told after a staff member resolves a conversation (a channel's satisfaction survey). */
  private readonly resolvedListeners = new Set<(accountId: string, conversation: Conversation) => void>();

  /** Supervisors' monitoring and take-overs, in the conversation's timeline. */
  readonly timeline: SupervisorTimeline;

  constructor(
    private readonly store: Store,
    private readonly announcer: ChatAnnouncer,
    private readonly route: (accountId: string) => void,
  ) {
    this.timeline = new SupervisorTimeline(store, announcer);
  }

  /** Told after a staff member transfers a conversation (assist writes its summary for the next agent). */
  private readonly transferredListeners = new Set<(accountId: string, conversation: Conversation) => void>();

  /** Calls `fn` after each transfer; returns the unsubscribe. */
  onTransferred(fn: (accountId: string, conversation: Conversation) => void): () => void {
    this.transferredListeners.add(fn);
    return () => this.transferredListeners.delete(fn);
  }

  /** Told after an agent takes a conversation (a callback's task is dialled through the trunk). */
  private readonly acceptedListeners = new Set<(caller: StaffCaller, conversation: Conversation) => void>();

  /** Calls `fn` after each conversation an agent accepts; returns the unsubscribe. */
  onAccepted(fn: (caller: StaffCaller, conversation: Conversation) => void): () => void {
    this.acceptedListeners.add(fn);
    return () => this.acceptedListeners.delete(fn);
  }

  /** Calls `fn` after each conversation a staff member resolves; returns the unsubscribe. */
  onResolved(fn: (accountId: string, conversation: Conversation) => void): () => void {
    this.resolvedListeners.add(fn);
    return () => this.resolvedListeners.delete(fn);
  }

  /** The caller's user record (skills, name); API keys cannot act as an agent. */
  async profile(caller: StaffCaller): Promise<User> {
    if (!caller.userId) throw forbidden('this needs a signed-in agent, not an API key');
    return this.store.users.get(caller.accountId, caller.userId);
  }

  /** Whether a console user may see a conversation: supervisors all; agents theirs and the queues of their skills. */
  canSee(caller: StaffCaller, skillIds: readonly string[], c: Conversation): boolean {
    if (isSupervisor(caller)) return true;
    if (caller.role !== 'agent') return false;
    if (c.assignedAgentId === caller.userId || c.offeredTo === caller.userId) return true;
    const waiting = c.status === 'queued' || c.status === 'offered' || c.status === 'offline';
    return waiting && c.skillId !== null && skillIds.includes(c.skillId);
  }

  /**
   * A conversation the caller may see, else 404 (never telling whether it exists elsewhere): what
   * `canSee` allows, and chats the agent wrote in before a transfer moved them on (to read).
   */
  async visible(caller: StaffCaller, id: string): Promise<Conversation> {
    const c = await this.store.conversations.get(caller.accountId, id);
    const skills = isSupervisor(caller) ? [] : (await this.profile(caller)).skillIds;
    if (this.canSee(caller, skills, c)) return c;
    if (caller.role === 'agent' && caller.userId) {
      if (await this.store.messages.hasSender(caller.accountId, id, caller.userId)) return c;
    }
    throw notFound('conversation');
  }

  /**
   * A conversation the caller may read, else 404: what `visible` allows, and, while a warm
   * transfer of its phone call rings them or they talk to the agent handing it over, the thread
   * of the agent they are consulted on. Reading only: writing stays with who holds the chat.
   */
  async readable(caller: StaffCaller, id: string): Promise<Conversation> {
    try {
      return await this.visible(caller, id);
    } catch (err) {
      if (caller.role !== 'agent' || !caller.userId) throw err;
      if (!(await this.store.calls.consulting(caller.accountId, id, caller.userId))) throw err;
      return this.store.conversations.get(caller.accountId, id);
    }
  }

  private actor(caller: StaffCaller): Actor {
    return { agentId: caller.userId ?? 'api', supervisor: isSupervisor(caller) };
  }

  /** Takes a conversation offered to the caller, or one waiting in a skill they have. */
  async accept(caller: StaffCaller, id: string): Promise<Conversation> {
    const user = await this.profile(caller);
    const r = await this.store.assignment.accept(caller.accountId, id, {
      agentId: user.id,
      supervisor: isSupervisor(caller),
      skillIds: user.skillIds,
    });
    if (!r.ok) throw ACCEPT_ERRORS[r.reason]();
    if (r.previousAgentId === user.id) return r.conversation;
    const { events } = this.announcer;
    events.toAgent(user.id, { t: 'conversation.assigned', conversation: r.conversation });
    if (r.previousOfferedTo && r.previousOfferedTo !== user.id) {
      events.toAgent(r.previousOfferedTo, { t: 'offer.revoked', conversationId: id, reason: 'taken' });
    }
    await this.announcer.visitorLine(caller.accountId, id, 'joined', { name: user.name });
    await this.announcer.updated(caller.accountId, r.conversation, { queue: true });
    for (const listen of this.acceptedListeners) listen({ ...caller, userId: user.id }, r.conversation);
    return r.conversation;
  }

  /**
   * Declines an offer: the conversation goes to the next agent. It comes back to this one only after
   * the decline cool-down, and then only when nobody else can take it.
   */
  async decline(caller: StaffCaller, id: string): Promise<void> {
    const user = await this.profile(caller);
    const c = await this.store.assignment.revokeOffer(caller.accountId, id, user.id, 'declined');
    if (!c) throw new AppError(409, 'no_offer', 'there is no pending offer of this conversation to you');
    this.announcer.events.toAgent(user.id, { t: 'offer.revoked', conversationId: id, reason: 'declined' });
    await this.announcer.updated(caller.accountId, c, { queue: true });
    this.route(caller.accountId);
  }

  /**
   * Barges in: a supervisor joins a live chat as a second agent. The visitor reads that they joined,
   * then their lines under their name; the assigned agent keeps the chat. Stored, so it holds across
   * reconnects and nodes. Owners and admins only; joining again changes nothing.
   */
  async join(caller: StaffCaller, id: string): Promise<Conversation> {
    if (!isSupervisor(caller)) throw forbidden('only owners and admins may join a chat');
    const before = await this.store.conversations.get(caller.accountId, id);
    const user = await this.profile(caller);
    if (before.status === 'active' && before.joinedAgentId === user.id) return before;
    const c = await this.store.participants.join(caller.accountId, id, user.id);
    if (!c) {
      const now = await this.store.conversations.get(caller.accountId, id);
      const joined =
        now.joinedAgentId && (await this.announcer.agentName(caller.accountId, now.joinedAgentId));
      throw joinRefused(now, user.id, joined || null);
    }
    await this.announcer.visitorLine(caller.accountId, id, 'joined', { name: user.name });
    await this.announcer.updated(caller.accountId, c);
    return c;
  }

  /** The supervisor who joined leaves; the visitor reads it, and the assigned agent carries on. */
  async leave(caller: StaffCaller, id: string): Promise<Conversation> {
    await this.store.conversations.get(caller.accountId, id);
    const user = await this.profile(caller);
    const c = await this.store.participants.leave(caller.accountId, id, user.id);
    if (!c) throw new AppError(409, 'not_joined', 'you have not joined this chat');
    await this.announcer.visitorLine(caller.accountId, id, 'left', { name: user.name });
    await this.announcer.updated(caller.accountId, c);
    return c;
  }

  /** Transfers to an agent or back into a skill's queue, with an optional note of context for the next agent. */
  async transfer(caller: StaffCaller, id: string, input: TransferInput): Promise<Conversation> {
    if (Boolean(input.agentId) === Boolean(input.skillId)) throw badRequest('give either agentId or skillId');
    const actor = this.actor(caller);
    const actorName = caller.userId ? (await this.profile(caller)).name : 'API';
    const target = input.agentId ? { agentId: input.agentId } : { skillId: input.skillId! };
    const changed = await this.store.assignment.transfer(caller.accountId, id, actor, target);
    const { events } = this.announcer;
    const c = changed.conversation;
    if (changed.previousAgentId && changed.previousAgentId !== c.assignedAgentId) {
      const reason = changed.previousAgentId === actor.agentId ? 'transferred' : 'reassigned';
      events.toAgent(changed.previousAgentId, { t: 'conversation.unassigned', conversationId: id, reason });
    }
    if (changed.previousOfferedTo) {
      events.toAgent(changed.previousOfferedTo, { t: 'offer.revoked', conversationId: id, reason: 'taken' });
    }
    if (input.note?.trim()) {
      await this.announcer.line(caller.accountId, id, cleanText(input.note), {
        kind: 'note',
        agentId: actor.agentId,
        name: actorName,
        supervisor: true,
      });
    }
    if (c.assignedAgentId && c.assignedAgentId === caller.userId && isSupervisor(caller)) {
      const from = await this.announcer.agentName(caller.accountId, changed.previousAgentId);
      const who = { accountId: caller.accountId, id: caller.userId, name: actorName };
      if (changed.previousAgentId !== caller.userId) await this.timeline.tookOver(who, id, from);
    }
    if (c.assignedAgentId) {
      events.toAgent(c.assignedAgentId, { t: 'conversation.assigned', conversation: c });
      const name = await this.announcer.agentName(caller.accountId, c.assignedAgentId);
      await this.announcer.line(
        caller.accountId,
        id,
        `You are now chatting with ${name ?? 'another agent'}.`,
      );
    } else {
      await this.announcer.visitorLine(caller.accountId, id, 'transferring');
    }
    const fresh = await this.store.conversations.get(caller.accountId, id);
    await this.announcer.updated(caller.accountId, fresh, { queue: true });
    this.route(caller.accountId);
    for (const fn of this.transferredListeners) fn(caller.accountId, fresh);
    return fresh;
  }

  /** Ends a conversation with a disposition and tags (its agent or a supervisor); on an ended one, records the wrap-up. */
  async close(caller: StaffCaller, id: string, input: CloseInput = {}): Promise<Conversation> {
    const changed = await this.store.assignment.close(caller.accountId, id, this.actor(caller), {
      disposition: input.disposition ? cleanText(input.disposition) : undefined,
      tags: input.tags?.map(cleanText),
    });
    if (changed.alreadyClosed) {
      // A wrap-up after the chat had ended (the visitor left first): consoles see the disposition and tags.
      if (changed.wrappedUp) await this.announcer.updated(caller.accountId, changed.conversation);
      return changed.conversation;
    }
    if (changed.previousOfferedTo) {
      this.announcer.events.toAgent(changed.previousOfferedTo, {
        t: 'offer.revoked',
        conversationId: id,
        reason: 'taken',
      });
    }
    await this.announcer.visitorLine(caller.accountId, id, 'ended');
    const fresh = await this.store.conversations.get(caller.accountId, id);
    await this.announcer.updated(caller.accountId, fresh, { queue: true });
    this.route(caller.accountId);
    for (const fn of this.resolvedListeners) fn(caller.accountId, fresh);
    return fresh;
  }

  /**
   * Where the conversation stands: pending, snoozed until a time, or open again (a resolved one
   * goes back to its queue, offered first to its last agent). Its agent or a supervisor.
   */
  async setState(
    caller: StaffCaller,
    id: string,
    input: StateInput,
    now = Date.now(),
  ): Promise<Conversation> {
    const { accountId } = caller;
    let fresh: Conversation;
    if (input.state === 'snoozed') {
      const until = input.until ? Date.parse(input.until) : Number.NaN;
      if (!(until >= now + 60_000 && until <= now + 366 * 86_400_000)) {
        throw badRequest('snooze until a time between a minute and a year from now', 'invalid_snooze');
      }
      fresh = await this.store.assignment.setWaiting(
        accountId,
        id,
        this.actor(caller),
        { snoozedUntil: until },
        now,
      );
    } else if (input.state === 'pending') {
      fresh = await this.store.assignment.setWaiting(
        accountId,
        id,
        this.actor(caller),
        { pending: true, snoozedUntil: null },
        now,
      );
    } else {
      const current = await this.visible(caller, id);
      if (current.state === 'resolved') {
        if (!isSupervisor(caller) && current.assignedAgentId !== caller.userId) {
          throw new AppError(403, 'not_assigned', 'this conversation is not assigned to you');
        }
        const reopened = await this.store.assignment.reopen(accountId, id, now);
        if (!reopened) return this.store.conversations.get(accountId, id);
        await this.announcer.visitorLine(accountId, id, 'reopened');
        fresh = await this.store.conversations.get(accountId, id);
        await this.announcer.updated(accountId, fresh, { queue: true });
        this.route(accountId);
        return fresh;
      }
      fresh = await this.store.assignment.setWaiting(
        accountId,
        id,
        this.actor(caller),
        { pending: false, snoozedUntil: null },
        now,
      );
    }
    await this.announcer.updated(accountId, fresh);
    return fresh;
  }

  /**
   * An agent's console connection ended: if they have no other connection on any node, their
   * pending offers go back to the queue now rather than after the offer timeout. A reload or a
   * network blip is no decline: no pass and no miss, so the chat may come back to them when they
   * reconnect.
   */
  async disconnected(accountId: string, userId: string, stillConnected: boolean): Promise<void> {
    if (stillConnected) return;
    await this.store.agentStates.record(accountId, userId, 'offline', null);
    let revoked = false;
    for (const c of await this.store.conversations.inboxOf(accountId, userId)) {
      if (
        c.status === 'offered' &&
        (await this.store.assignment.revokeOffer(accountId, c.id, userId, 'disconnected'))
      )
        revoked = true;
    }
    if (!revoked) return;
    this.announcer.events.toAccount(accountId, { t: 'queue.changed' });
    this.route(accountId);
  }

  /**
   * Sets an agent's status; going away hands their pending offers to the next agent, withdrawn
   * rather than declined: no pass, so no missed offer in the reports. A status the
   * agent (or a supervisor) chose starts their missed offers from zero; the router's `cause` keeps
   * them, as the reason their console shows.
   */
  async setStatus(
    accountId: string,
    userId: string,
    status: AgentStatus,
    cause?: StatusCause,
    awayReason?: string,
  ): Promise<void> {
    const reason = status === 'away' ? awayReason : undefined;
    if (reason !== undefined && !(await this.store.agentStates.awayReasons(accountId)).includes(reason))
      throw badRequest(`"${reason}" is not one of the account's away reasons`, 'unknown_away_reason');
    await this.store.users.update(accountId, userId, { status, ...(reason ? { awayReason: reason } : {}) });
    await this.store.agentStates.record(
      accountId,
      userId,
      status,
      reason ?? (cause?.reason === 'missed_offers' ? MISSED_OFFERS_REASON : null),
    );
    if (!cause) await this.store.assignment.clearMisses(accountId, userId);
    this.announcer.events.toAgent(userId, {
      t: 'agent.status_changed',
      status,
      ...cause,
      ...(reason ? { awayReason: reason } : {}),
    });
    if (status !== 'online') {
      for (const c of await this.store.conversations.inboxOf(accountId, userId)) {
        if (c.status !== 'offered') continue;
        if (await this.store.assignment.revokeOffer(accountId, c.id, userId, 'away')) {
          this.announcer.events.toAgent(userId, {
            t: 'offer.revoked',
            conversationId: c.id,
            reason: 'declined',
          });
        }
      }
      this.announcer.events.toAccount(accountId, { t: 'queue.changed' });
    }
    this.route(accountId);
  }
}
