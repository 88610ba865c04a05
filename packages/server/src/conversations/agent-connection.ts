import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { User } from '@beckon/protocol/api';
import type { Conversation, Message, QueueEntry } from '@beckon/protocol/chat-api';
import { CHAT_HELLO_TIMEOUT_MS, ChatErrorCode, parseAgentFrame } from '@beckon/protocol/chat-protocol';
import type { SlaBreachView } from '@beckon/protocol/sla-api';
import type { WebSocket } from 'ws';
import { SESSION_COOKIE } from '../auth/auth-context.ts';
import type { Config } from '../config.ts';
import { interned } from '../ids.ts';
import type { Logger } from '../logger.ts';
import { sessionRef } from '../store/auth-sessions-repo.ts';
import type { Store } from '../store/store.ts';
import type { CallParty, CallSockets } from '../voice/call-sockets.ts';
import { clientAddress } from '../web/client-address.ts';
import { type AgentChatService, isSupervisor, type StaffCaller } from './agent-chat-service.ts';
import { runAgentCommand } from './agent-commands.ts';
import type { AgentDepartures } from './agent-departures.ts';
import type { AgentPresence } from './agent-presence.ts';
import { authenticateAgentSocket, cookieValue } from './agent-socket-auth.ts';
import type { BusRecovery } from './bus-recovery.ts';
import type { AgentEvent, ChatEvents, ConversationEvent } from './chat-events.ts';
import { CloseCode, errorFrame, sendFrame } from './chat-socket.ts';
import type { ConversationViewers } from './conversation-viewers.ts';
import { DeliveryStream, STREAM_PAGE } from './delivery-stream.ts';
import type { MentionService } from './mention-service.ts';
import type { MessageWriter } from './message-writer.ts';
import type { QueueFeed, QueueListener } from './queue-feed.ts';
import type { ReadPositions } from './read-positions.ts';
import type { ReplyTranslation } from './reply-translation.ts';
import type { SessionBound, SessionSockets } from './session-sockets.ts';
import { SocketGuard, type SocketLimits } from './socket-guard.ts';
import { TypingGate } from './typing-gate.ts';

export interface AgentSocketDeps {
  store: Store;
  config: Config;
  agents: AgentChatService;
  events: ChatEvents;
  writer: MessageWriter;
  mentions: MentionService;
  /** Replies sent in the customer's language (assist's live translation). */
  replyTranslation: ReplyTranslation;
  /** Who looks at which conversation, across nodes. */
  viewers: ConversationViewers;
  presence: AgentPresence;
  departures: AgentDepartures;
  queues: QueueFeed;
  reads: ReadPositions;
  /** Asks the router to look at an account (an agent connected). */
  route: (accountId: string) => void;
  /** The sockets that catch up from the store when the bus comes back. */
  recovery: BusRecovery;
  /** The sockets that close when their session ends. */
  sessions: SessionSockets;
  limits: SocketLimits;
  log: Logger;
  /** Calls: ringing, signalling and state. */
  voice: CallSockets;
}

interface OpenStream {
  stream: DeliveryStream;
  unsubscribe: Promise<() => Promise<void>>;
  /**
   * 'assigned': the agent holds it; 'joined': a supervisor who barged in, writing beside its agent;
   * 'watch': reading only (a supervisor, or a queued preview).
   */
  mode: 'assigned' | 'joined' | 'watch';
  /** `conversation.updated` events received so far (see `open`). */
  updates: number;
}

/** How long a closed conversation's stream stays open for its last lines. */
const CLOSED_LINGER_MS = 3000;
/** Frames that may wait while the socket authenticates (the console waits for `ready`; a script may not). */
const MAX_BACKLOG = 100;

/**
 * One console socket (`/v1/agent`), authenticated by the session cookie. It receives the
 * agent's offers and assignments, the queues of their skills (supervisors: all queues and every
 * conversation change), and the messages of the conversations it holds or watches, in order.
 * Frames are limited per socket and per agent (`SocketGuard`), typing signals per conversation.
 */
export class AgentConnection implements QueueListener, SessionBound {
  readonly id = interned(randomUUID());
  caller!: StaffCaller & { userId: string };
  user!: User;
  private readonly streams = new Map<string, OpenStream>();
  private unsubscribeAgent?: Promise<() => Promise<void>>;
  private ready = false;
  private closed = false;
  /** This socket counts in the agent's presence (added, not yet removed). */
  private present = false;
  private backlog: string[] = [];
  /** Commands in flight whose `done` the agent's events wait for (see `answerFirst`). */
  private ordering = 0;
  private held: AgentEvent[] = [];
  private readonly guard: SocketGuard;
  /** This socket's typing signals, relayed per conversation within the typing limit. */
  readonly typing: TypingGate;
  /** Conversations whose last typing signal was for an internal note. */
  readonly typingNote = new Set<string>();
  /** The conversation this console shows (at most one), marked in its viewers. */
  private viewingId: string | undefined;
  /** This console's side of its calls (after authentication). */
  call?: CallParty;
  /** The public id of the session whose cookie opened this socket. */
  private sessionRef?: string;

  constructor(
    readonly ws: WebSocket,
    req: IncomingMessage,
    readonly deps: AgentSocketDeps,
  ) {
    this.guard = new SocketGuard(ws, deps.limits, (silent) => this.cleanup(silent));
    this.typing = new TypingGate(
      deps.limits.typing,
      (conversationId, typing) => this.relayTyping(conversationId, typing),
      () => deps.limits.count('typing_rate'),
    );
    ws.on('message', (data, isBinary) => {
      const raw = this.guard.text(data, isBinary);
      if (raw !== undefined) this.onText(raw);
    });
    if (!this.guard.cap(deps.limits.sockets.perAddress, clientAddress(req), 'address')) return;
    const timer = setTimeout(
      () =>
        this.guard.refuse(
          'hello_timeout',
          CloseCode.Timeout,
          ChatErrorCode.Timeout,
          'authentication timed out',
        ),
      CHAT_HELLO_TIMEOUT_MS,
    );
    void this.init(req).finally(() => clearTimeout(timer));
  }

  get supervisor(): boolean {
    return isSupervisor(this.caller);
  }

  private async init(req: IncomingMessage): Promise<void> {
    const { store, config, events, presence, queues, log } = this.deps;
    // Listening before the session is read: one ended while this socket authenticates closes it too.
    const token = cookieValue(req.headers.cookie, SESSION_COOKIE);
    if (token) {
      this.sessionRef = sessionRef(token);
      this.deps.sessions.add(this.sessionRef, this);
    }
    try {
      const { accountId, user } = await authenticateAgentSocket(store, config, req);
      this.caller = { accountId, role: user.role, userId: user.id };
      this.user = user;
      if (this.closed) return;
      if (!this.guard.cap(this.deps.limits.sockets.perOwner, user.id, 'user')) return;
      this.guard.share(user.id, 'user_rate');
      this.unsubscribeAgent = events.onAgent(user.id, (e) => this.onAgentEvent(e));
      await this.unsubscribeAgent;
      await presence.add(accountId, user.id);
      this.present = true;
      // A console open: the agent is in the state they chose (the state log's "offline" ends).
      await store.agentStates.record(accountId, user.id, user.status, user.awayReason ?? null);
      if (this.closed) return this.cleanup();
      const listed = await store.conversations.inboxOf(accountId, user.id);
      for (const c of listed) if (c.status === 'active') await this.open(c.id, 'assigned', c.lastSeq);
      // Read again now that this socket listens: a chat that changed in between (the visitor left,
      // a supervisor moved it) was published to no one here, so the first list may be out of date.
      const inbox = listed.length > 0 ? await store.conversations.inboxOf(accountId, user.id) : listed;
      await this.sendReady(user, inbox);
      if (this.closed) return this.cleanup();
      this.call = this.callParty();
      await this.deps.voice.attached(this.call);
      // Closed while its calls were read: the clean-up ran before this socket joined the queues.
      if (this.closed) return this.cleanup();
      this.deps.recovery.add(this);
      queues.add(accountId, this);
      this.ready = true;
      this.deps.route(accountId);
    } catch (err) {
      return this.guard.authFailed(err, log);
    }
    const backlog = this.backlog;
    this.backlog = [];
    for (const raw of backlog) this.onText(raw);
  }

  /** The `ready` frame: who the agent is and their inbox (offers and the chats they hold). */
  private async sendReady(user: User, inbox: Conversation[]): Promise<void> {
    // Set away by the router while no console was open: this one still says why.
    const missedOffers =
      user.status === 'away'
        ? await this.deps.store.assignment.missedOffers(this.caller.accountId, user.id)
        : 0;
    sendFrame(this.ws, {
      type: 'ready',
      agent: {
        id: user.id,
        name: user.name,
        role: user.role,
        status: user.status,
        capacity: user.capacity,
        skillIds: user.skillIds,
        ...(missedOffers > 0 ? { statusReason: 'missed_offers', missedOffers } : {}),
        ...(user.awayReason ? { awayReason: user.awayReason } : {}),
      },
      conversations: inbox,
    });
  }

  /**
   * The bus is back after an outage: what was published meanwhile reached no one here. The
   * console gets the truth from the store as a fresh `ready` (offers made or withdrawn, chats
   * assigned or moved, its status), which it applies like a reconnect's; every conversation it
   * follows continues from the last message this socket delivered.
   */
  async recover(): Promise<void> {
    if (!this.ready || this.closed) return;
    const { store } = this.deps;
    const { accountId, userId } = this.caller;
    const [user, inbox] = await Promise.all([
      store.users.get(accountId, userId),
      store.conversations.inboxOf(accountId, userId),
    ]);
    if (this.closed) return;
    this.user = user;
    await this.sendReady(user, inbox);
    const held = new Set<string>();
    for (const c of inbox) {
      if (c.status !== 'active') continue;
      held.add(c.id);
      // Assigned while the bus was down: the whole conversation so far, as on `assigned`.
      if (!this.streams.has(c.id)) await this.open(c.id, 'assigned', 0, true);
    }
    for (const [id, s] of [...this.streams]) {
      if (s.mode === 'assigned' && !held.has(id)) {
        // Closed, transferred or reassigned meanwhile: its last lines and state, then let go.
        await s.stream.resume(s.stream.position);
        const now = await store.conversations.get(accountId, id).catch(() => undefined);
        if (now) sendFrame(this.ws, { type: 'conversation', conversation: now });
        this.drop(id);
      } else await s.stream.resume(s.stream.position);
    }
  }

  private onText(raw: string): void {
    if (!this.guard.open) return;
    if (!this.ready) {
      this.guard.hold(this.backlog, raw, MAX_BACKLOG);
      return;
    }
    const parsed = parseAgentFrame(raw);
    if (!this.guard.spend(parsed)) return;
    if (!parsed.ok) {
      this.guard.invalid(parsed);
      return;
    }
    runAgentCommand(this, parsed.frame);
  }

  /** The console's side of calls: frames out, 4403 for a call it has no part in, error frames. */
  private callParty(): CallParty {
    return {
      side: 'agent',
      accountId: this.caller.accountId,
      caller: this.caller,
      send: (frame) => sendFrame(this.ws, frame),
      forbid: (message) =>
        this.guard.refuse('forbidden', CloseCode.Forbidden, ChatErrorCode.Forbidden, message),
      failed: (err, ref) => sendFrame(this.ws, errorFrame(err, this.deps.log, ref ? { ref } : {})),
      marked: new Set(),
    };
  }

  /** Tells a followed conversation this agent is typing (the visitor sees only the assigned agent). */
  private relayTyping(conversationId: string, typing: boolean): void {
    const s = this.streams.get(conversationId);
    if (!s) return;
    this.deps.events.toConversation(conversationId, {
      t: 'typing',
      from: 'agent',
      name: this.user.name,
      agentId: this.user.id,
      typing,
      note: s.mode === 'watch' || this.typingNote.has(conversationId),
      origin: this.id,
    });
  }

  /**
   * This console shows `conversationId` (or, with false, no longer does): its viewers change, and
   * this socket hears who looks at it. A console shows one conversation at a time.
   */
  async view(conversationId: string, viewing: boolean): Promise<void> {
    const me = { id: this.user.id, name: this.user.name };
    const { viewers } = this.deps;
    if (!viewing) {
      if (this.viewingId !== conversationId) return;
      this.viewingId = undefined;
      await viewers.leave(conversationId, me);
      return;
    }
    if (this.viewingId === conversationId) return this.sendViewers(conversationId);
    const before = this.viewingId;
    this.viewingId = conversationId;
    if (before) await viewers.leave(before, me);
    await viewers.view(conversationId, me);
    await this.sendViewers(conversationId);
  }

  private async sendViewers(conversationId: string): Promise<void> {
    const agents = await this.deps.viewers.list(conversationId);
    if (this.streams.has(conversationId)) sendFrame(this.ws, { type: 'viewers', conversationId, agents });
  }

  /** Stops showing a conversation as viewed (the stream closed, the socket closed). */
  private unview(conversationId?: string): void {
    const id = this.viewingId;
    if (!id || (conversationId && id !== conversationId)) return;
    this.viewingId = undefined;
    void this.deps.viewers.leave(id, { id: this.user.id, name: this.user.name }).catch(() => {});
  }

  /** The open stream of a conversation, if this socket follows it. */
  following(conversationId: string): OpenStream | undefined {
    return this.streams.get(conversationId);
  }

  /**
   * Follows a conversation's messages from `afterSeq` (sends what follows it, then live). `known`:
   * the conversation as this socket last showed it; a change committed before the socket listened
   * was published to no one here, so it is read again once listening and shown when it moved on.
   */
  async open(
    conversationId: string,
    mode: OpenStream['mode'],
    afterSeq: number,
    catchUp = false,
    known?: Conversation,
  ): Promise<void> {
    const existing = this.streams.get(conversationId);
    if (existing) {
      if (mode !== 'watch') existing.mode = mode;
      if (catchUp) await existing.stream.resume(afterSeq);
      return;
    }
    const { store, events } = this.deps;
    const accountId = this.caller.accountId;
    const stream = new DeliveryStream(
      // Agent lines of other channels than web chat carry their delivery state.
      async (after) =>
        store.outbox.decorate(
          accountId,
          conversationId,
          await store.messages.after(accountId, conversationId, after, { limit: STREAM_PAGE }),
        ),
      (m) => sendFrame(this.ws, { type: 'message', message: m }),
      { author: (m) => m.senderId === this.user.id, startAfter: afterSeq },
    );
    const unsubscribe = events.onConversation(conversationId, (e) =>
      this.onConversationEvent(conversationId, e),
    );
    const followed: OpenStream = { stream, unsubscribe, mode, updates: 0 };
    this.streams.set(conversationId, followed);
    await unsubscribe;
    if (known) {
      const now = await store.conversations.get(accountId, conversationId);
      // An update received meanwhile is newer than that read could be, and wins.
      const moved = now.status !== known.status || now.assignedAgentId !== known.assignedAgentId;
      if (moved && followed.updates === 0)
        this.onConversationEvent(conversationId, {
          t: 'conversation.updated',
          conversation: now,
          agentName: null,
        });
    }
    if (catchUp) await stream.resume(afterSeq);
  }

  /** Stops following a conversation. */
  drop(conversationId: string): void {
    const s = this.streams.get(conversationId);
    if (!s) return;
    this.streams.delete(conversationId);
    this.typing.forget(conversationId);
    this.typingNote.delete(conversationId);
    this.unview(conversationId);
    s.stream.close();
    void s.unsubscribe.then((off) => off()).catch(() => {});
  }

  /**
   * Runs a command that frees this agent for routing (a close, a transfer, a decline, a status)
   * and holds the agent's events until it has answered: the router may offer the freed slot
   * before the command's last step, and the console must not see that offer before its `done`.
   */
  answerFirst(command: () => Promise<unknown>): void {
    this.ordering++;
    void command().finally(() => {
      if (--this.ordering > 0) return;
      const held = this.held;
      this.held = [];
      if (!this.closed) for (const e of held) this.onAgentEvent(e);
    });
  }

  private onAgentEvent(e: AgentEvent): void {
    if (this.ordering > 0) {
      this.held.push(e);
      return;
    }
    switch (e.t) {
      case 'call.updated':
      case 'call.signal':
      case 'call.media':
        if (this.call) this.deps.voice.event(this.call, e);
        return;
      case 'assist.suggestions':
        sendFrame(this.ws, {
          type: 'suggestions',
          conversationId: e.conversationId,
          seq: e.seq,
          items: e.items,
          model: e.model,
        });
        return;
      case 'assist.stream':
        sendFrame(this.ws, {
          type: 'suggestion_stream',
          conversationId: e.conversationId,
          seq: e.seq,
          text: e.text,
          state: e.state,
          ...(e.articleIds ? { articleIds: e.articleIds } : {}),
        });
        return;
      case 'assist.summary':
        sendFrame(this.ws, { type: 'summary', conversationId: e.conversationId, summary: e.summary });
        return;
      case 'assist.translation':
        sendFrame(this.ws, {
          type: 'translation',
          conversationId: e.conversationId,
          seq: e.seq,
          translation: e.translation,
          customerLanguage: e.customerLanguage,
        });
        return;
      case 'offer.created':
        sendFrame(this.ws, { type: 'offer', conversation: e.conversation, expiresAt: e.expiresAt });
        return;
      case 'offer.revoked':
        sendFrame(this.ws, {
          type: 'offer_revoked',
          conversationId: e.conversationId,
          reason: e.reason,
        });
        return;
      case 'conversation.assigned':
        sendFrame(this.ws, { type: 'assigned', conversation: e.conversation });
        // The whole conversation so far: the new agent reads the context before answering.
        void this.open(e.conversation.id, 'assigned', 0, true, e.conversation).catch((err) =>
          this.deps.log.warn({ err }, 'could not follow an assigned conversation'),
        );
        return;
      case 'conversation.unassigned':
        // A consult's reading ends unless the agent follows the chat for another reason.
        if (
          e.reason === 'consult_ended' &&
          (this.supervisor || this.streams.get(e.conversationId)?.mode !== 'watch')
        )
          return;
        sendFrame(this.ws, { type: 'unassigned', conversationId: e.conversationId, reason: e.reason });
        this.drop(e.conversationId);
        return;
      case 'mention.created':
        sendFrame(this.ws, { type: 'mention', mention: e.mention });
        return;
      case 'agent.status_changed':
        this.user.status = e.status;
        if (e.awayReason) this.user.awayReason = e.awayReason;
        else delete this.user.awayReason;
        sendFrame(this.ws, {
          type: 'status',
          status: e.status,
          ...(e.reason ? { reason: e.reason } : {}),
          ...(e.missedOffers ? { missedOffers: e.missedOffers } : {}),
          ...(e.awayReason ? { awayReason: e.awayReason } : {}),
        });
        return;
    }
  }

  private onConversationEvent(conversationId: string, e: ConversationEvent): void {
    const s = this.streams.get(conversationId);
    if (!s) return;
    switch (e.t) {
      case 'message.created':
        s.stream.onLive(e.message as Message, e.origin === this.id);
        return;
      case 'typing':
        if (e.origin === this.id) return;
        sendFrame(this.ws, {
          type: 'typing',
          conversationId,
          from: e.from,
          typing: e.typing,
          ...(e.name ? { name: e.name } : {}),
          ...(e.agentId ? { agentId: e.agentId } : {}),
          ...(e.note ? { note: true } : {}),
        });
        return;
      case 'scheduled.changed':
        sendFrame(this.ws, { type: 'scheduled_changed', conversationId });
        return;
      case 'viewers.changed':
        void this.sendViewers(conversationId).catch((err) =>
          this.deps.log.debug({ err }, 'viewers not read'),
        );
        return;
      case 'read':
        if (e.origin === this.id) return;
        sendFrame(this.ws, { type: 'read', conversationId, by: e.by, seq: e.seq });
        return;
      case 'message.delivery':
        sendFrame(this.ws, {
          type: 'delivery',
          conversationId,
          seq: e.seq,
          status: e.status,
          ...(e.reason ? { reason: e.reason } : {}),
        });
        return;
      case 'conversation.updated':
        s.updates++;
        // Joined or left on another socket or node, taken over, or closed: write as the store says.
        if (s.mode !== 'assigned')
          s.mode =
            e.conversation.status === 'active' && e.conversation.joinedAgentId === this.user.id
              ? 'joined'
              : 'watch';
        sendFrame(this.ws, { type: 'conversation', conversation: e.conversation });
        if (e.conversation.status === 'closed')
          setTimeout(() => this.drop(conversationId), CLOSED_LINGER_MS).unref();
        return;
    }
  }

  queueScope(): readonly string[] | 'all' {
    return this.supervisor ? 'all' : this.user.skillIds;
  }

  onQueue(items: QueueEntry[]): void {
    sendFrame(this.ws, { type: 'queue', items });
  }

  onAccountConversation(c: Conversation): void {
    // Supervisors see every change; others only through the conversations they follow.
    if (this.supervisor && !this.streams.has(c.id))
      sendFrame(this.ws, { type: 'conversation', conversation: c });
  }

  onSlaBreach(breach: SlaBreachView): void {
    // Owners and admins hear of every breach; an agent of those in the chats they hold.
    if (this.supervisor || breach.agentId === this.caller?.userId)
      sendFrame(this.ws, { type: 'sla_breach', breach });
  }

  /** `silent`: the socket stopped answering pings, so its agent counts as gone at once, without a grace period. */
  /** The session this socket was opened under ended: the console signs in again. */
  sessionEnded(): void {
    this.guard.refuse(
      'unauthorized',
      CloseCode.Unauthorized,
      ChatErrorCode.SessionEnded,
      'your session has ended; sign in again',
    );
  }

  private cleanup(silent = false): void {
    this.closed = true;
    this.deps.recovery.delete(this);
    if (this.sessionRef) this.deps.sessions.delete(this.sessionRef, this);
    this.typing.close();
    this.unview();
    for (const id of [...this.streams.keys()]) this.drop(id);
    if (this.call) this.deps.voice.closed(this.call);
    void this.unsubscribeAgent?.then((off) => off()).catch(() => {});
    if (this.caller) this.deps.queues.remove(this.caller.accountId, this);
    // Once, and only what was added: a socket closed while its presence was being added comes
    // back here when the add is done; removing twice would take another console's place.
    if (this.caller && this.present) {
      this.present = false;
      this.deps.departures.left(this.caller.accountId, this.caller.userId, silent);
    }
  }
}
