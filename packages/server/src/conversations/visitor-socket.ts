import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Conversation, Message, VisitorConversation } from '@beckon/protocol/chat-api';
import {
  CHAT_HELLO_TIMEOUT_MS,
  ChatErrorCode,
  type ChatHelloFrame,
  type ChatStartFrame,
  parseVisitorFrame,
  type VisitorClientFrame,
} from '@beckon/protocol/chat-protocol';
import type { Static } from 'typebox';
import type { WebSocket } from 'ws';
import { interned } from '../ids.ts';
import type { Logger } from '../logger.ts';
import { visitorAddress } from '../privacy/ip-anonymizer.ts';
import type { AppendResult } from '../store/messages-repo.ts';
import type { Store } from '../store/store.ts';
import { type CallParty, type CallSockets, isCallFrame } from '../voice/call-sockets.ts';
import { clientAddress } from '../web/client-address.ts';
import type { AttachmentService } from './attachments/attachment-service.ts';
import type { BusRecovery } from './bus-recovery.ts';
import type { ChatEvents, ConversationEvent } from './chat-events.ts';
import { ackFrame, CloseCode, errorFrame, sendFrame } from './chat-socket.ts';
import { DeliveryStream, STREAM_PAGE } from './delivery-stream.ts';
import type { MessageWriter } from './message-writer.ts';
import type { PositionListener, QueueFeed } from './queue-feed.ts';
import type { ReadPositions } from './read-positions.ts';
import { SocketGuard, type SocketLimits } from './socket-guard.ts';
import { TypingGate } from './typing-gate.ts';
import { assertConversationOrigin, conversationForToken, siteForKey } from './visitor-access.ts';
import { cleanText, type VisitorChatService, visitorView } from './visitor-chat-service.ts';

export interface VisitorSocketDeps {
  store: Store;
  attachments: AttachmentService;
  visitors: VisitorChatService;
  events: ChatEvents;
  writer: MessageWriter;
  queues: QueueFeed;
  reads: ReadPositions;
  /** The sockets that catch up from the store when the bus comes back. */
  recovery: BusRecovery;
  limits: SocketLimits;
  log: Logger;
  /** Calls in the conversation (signalling and state). */
  voice: CallSockets;
}

/** Frames that may wait while the socket authenticates (a client sends nothing before `welcome`). */
const MAX_BACKLOG = 50;

/**
 * One visitor's chat socket (`/v1/chat`). The first frame authenticates: `hello` with the
 * conversation token, or `start` with the site key (which creates the conversation and returns
 * its token). After that the socket sees only that conversation: messages in order from the
 * store and the bus, typing and read receipts, status changes, and it may send, end and rate.
 * Frames are limited per socket and per address (`SocketGuard`), typing signals per socket, and
 * open sockets per address and per conversation (4429).
 */
export class VisitorConnection implements PositionListener {
  private readonly id = interned(randomUUID());
  private accountId = '';
  conversationId = '';
  /** The conversation as this visitor last saw it (its queue place changes live). */
  private view?: VisitorConversation;
  /** `conversation.updated` events received so far (see `catchUp`). */
  private updates = 0;
  /** The conversation as this socket last showed it (status, agent), to tell what moved on. */
  private known?: Conversation;
  private stream?: DeliveryStream;
  private unsubscribe?: Promise<() => Promise<void>>;
  private authenticating = false;
  /** Counted in the conversation's visitor presence (released on close). */
  private attached = false;
  private backlog: string[] = [];
  private readonly helloTimer: NodeJS.Timeout;
  private readonly guard: SocketGuard;
  private readonly typing: TypingGate;
  /** This socket's side of the conversation's calls (after authentication). */
  private call?: CallParty;

  constructor(
    private readonly ws: WebSocket,
    private readonly req: IncomingMessage,
    private readonly deps: VisitorSocketDeps,
  ) {
    this.guard = new SocketGuard(ws, deps.limits, () => this.cleanup());
    this.guard.share(clientAddress(req), 'address_rate');
    this.typing = new TypingGate(
      deps.limits.typing,
      (conversationId, typing) =>
        deps.events.toConversation(conversationId, { t: 'typing', from: 'visitor', typing, origin: this.id }),
      () => deps.limits.count('typing_rate'),
    );
    this.helloTimer = setTimeout(
      () =>
        this.guard.refuse(
          'hello_timeout',
          CloseCode.Timeout,
          ChatErrorCode.HelloRequired,
          'hello or start expected in time',
        ),
      CHAT_HELLO_TIMEOUT_MS,
    );
    ws.on('message', (data, isBinary) => {
      const raw = this.guard.text(data, isBinary);
      if (raw !== undefined) this.onText(raw);
    });
    this.guard.cap(deps.limits.sockets.perAddress, clientAddress(req), 'address');
  }

  private onText(raw: string): void {
    if (!this.guard.open) return;
    if (this.authenticating && !this.conversationId) {
      this.guard.hold(this.backlog, raw, MAX_BACKLOG);
      return;
    }
    const parsed = parseVisitorFrame(raw);
    if (!this.guard.spend(parsed)) return;
    if (!this.conversationId) {
      this.first(parsed, raw);
      return;
    }
    if (!parsed.ok) {
      this.guard.invalid(parsed);
      return;
    }
    this.handle(parsed.frame);
  }

  /** The first frame: `hello` or `start`, else the socket closes after an error frame saying why. */
  private first(parsed: ReturnType<typeof parseVisitorFrame>, raw: string): void {
    if (!parsed.ok) {
      // A hello whose token breaks the schema carries one that cannot be valid: not worth a retry.
      if (parsed.message.startsWith('/token') && isHello(raw))
        this.guard.refuse(
          'unauthorized',
          CloseCode.Unauthorized,
          ChatErrorCode.InvalidToken,
          `invalid conversation token (${parsed.message})`,
        );
      else this.guard.refuse('bad_frame', CloseCode.BadFrame, ChatErrorCode.BadFrame, parsed.message);
      return;
    }
    const f = parsed.frame;
    if (f.type !== 'hello' && f.type !== 'start') {
      this.guard.refuse(
        'hello_required',
        CloseCode.Unauthorized,
        ChatErrorCode.HelloRequired,
        'send hello (with the conversation token) or start first',
      );
      return;
    }
    this.authenticating = true;
    void this.authenticate(f);
  }

  private async authenticate(
    f: Static<typeof ChatHelloFrame> | Static<typeof ChatStartFrame>,
  ): Promise<void> {
    const { store, visitors } = this.deps;
    try {
      let conversation: Conversation;
      let view: VisitorConversation;
      let token: string | undefined;
      if (f.type === 'hello') {
        const found = await conversationForToken(store, f.token);
        await assertConversationOrigin(store, found, this.req.headers.origin);
        this.accountId = found.accountId;
        conversation = found.conversation;
        view = await visitors.view(found.accountId, conversation);
      } else {
        const { type: _t, siteKey, ...input } = f;
        const site = await siteForKey(store, siteKey, this.req.headers.origin);
        const started = await visitors.start(site, input, visitorAddress(site, clientAddress(this.req)));
        this.accountId = site.accountId;
        ({ conversation, token, view } = started);
      }
      // The widget tells the visitor before a call starts that the site records calls.
      const site = conversation.siteId
        ? await store.sites.get(this.accountId, conversation.siteId).catch(() => undefined)
        : undefined;
      clearTimeout(this.helloTimer);
      if (this.ws.readyState !== this.ws.OPEN) return;
      if (!this.guard.cap(this.deps.limits.sockets.perOwner, conversation.id, 'conversation')) return;
      this.conversationId = conversation.id;
      // Before the welcome: a call frame sent the moment it arrives is handled, not dropped. The
      // calls already open are sent once this socket listens (`attached`, below).
      this.call = this.callParty();
      this.stream = new DeliveryStream(
        (after) => store.messages.after(this.accountId, this.conversationId, after, { limit: STREAM_PAGE }),
        (m) => sendFrame(this.ws, { type: 'message', message: this.deps.attachments.visitorMessage(m) }),
        {
          skip: (m) => m.senderKind === 'note',
          author: (m) => m.senderKind === 'visitor',
          startAfter: f.type === 'hello' ? (f.afterSeq ?? 0) : 0,
        },
      );
      // Welcome first, then listen, then catch up from the store: nothing committed in between is missed.
      sendFrame(this.ws, {
        type: 'welcome',
        conversation: view,
        ...(token ? { token } : {}),
        ...(site?.recordCalls ? { callsRecorded: true } : {}),
      });
      this.view = view;
      this.known = conversation;
      this.deps.queues.addVisitor(this.accountId, this);
      // Counted and listened to before the first await, so a close from here on (the clean-up)
      // releases the presence and drops the subscription. Listening after the attach left a
      // handler on the bus for good whenever the socket closed while the attach wrote.
      this.attached = true;
      this.unsubscribe = this.deps.events.onConversation(conversation.id, (e) => this.onEvent(e));
      await visitors.attach(this.accountId, conversation);
      await this.unsubscribe;
      await this.catchUp(conversation);
      await this.stream.resume(this.stream.position);
      await this.deps.voice.attached(this.call);
      if (this.ws.readyState === this.ws.OPEN) this.deps.recovery.add(this);
    } catch (err) {
      return this.guard.authFailed(err, this.deps.log);
    } finally {
      this.authenticating = false;
    }
    const backlog = this.backlog;
    this.backlog = [];
    for (const raw of backlog) this.onText(raw);
  }

  private handle(f: VisitorClientFrame): void {
    if ('conversationId' in f && f.conversationId && f.conversationId !== this.conversationId) {
      this.guard.refuse('forbidden', CloseCode.Forbidden, ChatErrorCode.Forbidden, 'not your conversation');
      return;
    }
    if (isCallFrame(f)) {
      if (this.call) this.deps.voice.frame(this.call, f);
      return;
    }
    if (f.type === 'callback_request') {
      if (this.call) this.deps.voice.callback(this.call, f);
      return;
    }
    const { visitors, writer } = this.deps;
    // A line (`send`) creates no function of its own: the server runs through tsx, which names each
    // function bound to a variable with a runtime call, and this runs for every line.
    if (f.type === 'send') {
      this.stream?.sending(f.echoId);
      writer
        .append(
          {
            accountId: this.accountId,
            conversationId: this.conversationId,
            sender: { kind: 'visitor' },
            echoId: f.echoId,
            afterSeq: f.afterSeq,
            text: cleanText(f.text),
            attachmentIds: f.attachmentIds,
          },
          this.id,
        )
        .then(
          (r) => {
            this.answerSend(f.echoId, r, f.text);
            // A line to a pending or snoozed conversation opens it again for its agent.
            if (r.ok && this.known && this.known.state !== 'open') {
              this.deps.visitors.customerBack(this.accountId, this.known).catch((err) => this.failed(err));
            }
            // An app user answering a campaign's message: web chats get none, so they skip the lookup.
            if (r.ok && !r.duplicate && this.known?.channel === 'app') {
              this.deps.store.exposures
                .acceptMessage(this.accountId, this.conversationId, Date.now())
                .catch((err) => this.failed(err));
            }
          },
          (err) => this.failed(err, f.echoId),
        );
      return;
    }
    const fail = (err: unknown) => this.failed(err);
    switch (f.type) {
      case 'resume':
        void this.stream?.resume(f.afterSeq).catch(fail);
        return;
      case 'typing':
        this.typing.push(this.conversationId, f.typing);
        return;
      case 'read':
        this.deps.reads.mark(this.accountId, this.conversationId, 'visitor', f.seq, this.id);
        return;
      case 'end':
        visitors.end(this.accountId, this.conversationId).catch(fail);
        return;
      case 'csat':
        visitors
          .csat(this.accountId, this.conversationId, {
            score: f.score,
            ...(f.comment ? { comment: f.comment } : {}),
          })
          .catch(fail);
        return;
      case 'ping':
        sendFrame(this.ws, { type: 'pong' });
        return;
      case 'hello':
      case 'start':
        sendFrame(this.ws, { type: 'error', code: 'bad_frame', message: 'already started' });
        return;
    }
  }

  /** The socket's side of calls: frames out, 4403 for a call of another conversation, error frames. */
  private callParty(): CallParty {
    return {
      side: 'visitor',
      accountId: this.accountId,
      conversationId: this.conversationId,
      send: (frame) => sendFrame(this.ws, frame),
      forbid: (message) =>
        this.guard.refuse('forbidden', CloseCode.Forbidden, ChatErrorCode.Forbidden, message),
      failed: (err, ref) =>
        sendFrame(
          this.ws,
          errorFrame(err, this.deps.log, { conversationId: this.conversationId, ...(ref ? { ref } : {}) }),
        ),
      marked: new Set(),
    };
  }

  /** Sends the ack of a stored line, or the error frame refusing it. */
  private answerSend(echoId: string, r: AppendResult, sent: string): void {
    if (r.ok) sendFrame(this.ws, ackFrame(echoId, r, sent));
    else this.failed(r.error, echoId);
  }

  /**
   * The bus is back after an outage: messages and state changes published meanwhile reached no
   * one here. Shows the conversation if it moved on (an agent joined, it ended), then sends what
   * follows the last message this socket delivered.
   */
  async recover(): Promise<void> {
    if (!this.stream || !this.known) return;
    await this.catchUp(this.known);
    await this.stream.resume(this.stream.position);
  }

  /** The `error` frame for a failed frame of this conversation. */
  private failed(err: unknown, echoId?: string): void {
    sendFrame(
      this.ws,
      errorFrame(err, this.deps.log, {
        ...(echoId ? { echoId } : {}),
        conversationId: this.conversationId,
      }),
    );
  }

  private onEvent(e: ConversationEvent): void {
    switch (e.t) {
      case 'message.created':
        this.stream?.onLive(e.message as Message, e.origin === this.id);
        return;
      case 'typing':
        if (e.from === 'agent' && !e.note) {
          sendFrame(this.ws, {
            type: 'typing',
            conversationId: this.conversationId,
            from: 'agent',
            typing: e.typing,
            ...(e.name ? { name: e.name } : {}),
          });
        }
        return;
      case 'read':
        if (e.by === 'agent')
          sendFrame(this.ws, { type: 'read', conversationId: this.conversationId, by: 'agent', seq: e.seq });
        return;
      case 'call.updated':
      case 'call.signal':
      case 'call.media':
        if (this.call) this.deps.voice.event(this.call, e);
        return;
      case 'conversation.updated':
        this.updates++;
        this.known = e.conversation;
        this.show(visitorView(e.conversation, e.agentName, this.view?.queuePosition ?? null));
        return;
    }
  }

  /**
   * The welcome went out before this socket listened to the conversation, so a change committed in
   * between (an agent on another node accepting at once) was published to no one here: reads the
   * conversation again and shows it when it moved on. An update received meanwhile is newer than
   * that read could be, and wins.
   */
  private async catchUp(welcomed: Conversation): Promise<void> {
    const seen = this.updates;
    const now = await this.deps.store.conversations.get(this.accountId, welcomed.id);
    if (
      now.status === welcomed.status &&
      now.assignedAgentId === welcomed.assignedAgentId &&
      now.csatScore === welcomed.csatScore
    )
      return;
    const view = await this.deps.visitors.view(this.accountId, now);
    if (this.updates !== seen) return;
    this.known = now;
    this.show(view);
  }

  /** The queue moved: tell the visitor their new place (only when it changed). */
  onPosition(position: number | null): void {
    const v = this.view;
    if (!v || (v.status !== 'queued' && v.status !== 'offered') || v.queuePosition === position) return;
    this.show({ ...v, queuePosition: position });
  }

  private show(view: VisitorConversation): void {
    this.view = view;
    sendFrame(this.ws, { type: 'conversation', conversation: view });
  }

  private cleanup(): void {
    this.deps.recovery.delete(this);
    clearTimeout(this.helloTimer);
    this.typing.close();
    if (this.view) this.deps.queues.remove(this.accountId, this);
    if (this.attached) this.deps.visitors.detach(this.accountId, this.conversationId);
    this.attached = false;
    this.stream?.close();
    if (this.call) this.deps.voice.closed(this.call);
    void this.unsubscribe?.then((off) => off()).catch(() => {});
  }
}

/** Whether a frame that failed validation was meant as a `hello`. */
function isHello(raw: string): boolean {
  try {
    const v: unknown = JSON.parse(raw);
    return typeof v === 'object' && v !== null && (v as { type?: unknown }).type === 'hello';
  } catch {
    return false;
  }
}
