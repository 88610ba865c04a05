import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Conversation, Message, VisitorConversation } from '@beckon/protocol/chat-api';
import {
  CHAT_HELLO_TIMEOUT_MS,
  type ChatHelloFrame,
  type ChatStartFrame,
  parseVisitorFrame,
  type VisitorClientFrame,
} from '@beckon/protocol/chat-protocol';
import type { Static } from 'typebox';
import type { WebSocket } from 'ws';
import { clientAddress } from '../engagement/engagement-runtime.ts';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { Store } from '../store/store.ts';
import type { AttachmentService } from './attachments/attachment-service.ts';
import type { ChatEvents, ConversationEvent } from './chat-events.ts';
import { CloseCode, closeWith, errorFrame, frameText, RateLimit, sendFrame } from './chat-socket.ts';
import { DeliveryStream, STREAM_PAGE } from './delivery-stream.ts';
import type { MessageWriter } from './message-writer.ts';
import type { PositionListener, QueueFeed } from './queue-feed.ts';
import type { ReadPositions } from './read-positions.ts';
import { conversationForToken, siteForKey } from './visitor-access.ts';
import { cleanText, type VisitorChatService, visitorView } from './visitor-chat-service.ts';

export interface VisitorSocketDeps {
  store: Store;
  attachments: AttachmentService;
  visitors: VisitorChatService;
  events: ChatEvents;
  writer: MessageWriter;
  queues: QueueFeed;
  reads: ReadPositions;
  log: Logger;
}

/** Sends a visitor may make: generous for a person, a wall for a script. */
const SEND_RATE = { perSecond: 50, burst: 100 };
const TYPING_MIN_GAP_MS = 300;

/**
 * One visitor's chat socket (`/v1/chat`). The first frame authenticates: `hello` with the
 * conversation token, or `start` with the site key (which creates the conversation and returns
 * its token). After that the socket sees only that conversation: messages in order from the
 * store and the bus, typing and read receipts, status changes, and it may send, end and rate.
 */
export class VisitorConnection implements PositionListener {
  private readonly id = randomUUID();
  private accountId = '';
  conversationId = '';
  /** The conversation as this visitor last saw it (its queue place changes live). */
  private view?: VisitorConversation;
  private stream?: DeliveryStream;
  private unsubscribe?: Promise<() => Promise<void>>;
  private authenticating = false;
  private backlog: string[] = [];
  private readonly helloTimer: NodeJS.Timeout;
  private readonly sends = new RateLimit(SEND_RATE.perSecond, SEND_RATE.burst);
  private lastTyping = { at: 0, typing: false };

  constructor(
    private readonly ws: WebSocket,
    private readonly req: IncomingMessage,
    private readonly deps: VisitorSocketDeps,
  ) {
    this.helloTimer = setTimeout(
      () => closeWith(ws, CloseCode.Timeout, 'hello or start expected'),
      CHAT_HELLO_TIMEOUT_MS,
    );
    ws.on('message', (data, isBinary) => this.onRaw(frameText(data, isBinary)));
    ws.on('close', () => this.cleanup());
    ws.on('error', () => {});
  }

  private onRaw(raw: string | undefined): void {
    if (raw === undefined) {
      closeWith(this.ws, CloseCode.BadFrame, 'binary frames are not accepted');
      return;
    }
    if (!this.conversationId) {
      if (this.authenticating) {
        if (this.backlog.length < 50) this.backlog.push(raw);
        return;
      }
      const parsed = parseVisitorFrame(raw);
      if (!parsed.ok) {
        closeWith(this.ws, CloseCode.BadFrame, parsed.message);
        return;
      }
      const f = parsed.frame;
      if (f.type !== 'hello' && f.type !== 'start') {
        closeWith(this.ws, CloseCode.Unauthorized, 'hello or start first');
        return;
      }
      this.authenticating = true;
      void this.authenticate(f);
      return;
    }
    const parsed = parseVisitorFrame(raw);
    if (!parsed.ok) {
      const { ok: _ok, message, ...ids } = parsed;
      sendFrame(this.ws, { type: 'error', code: 'bad_frame', message, ...ids });
      return;
    }
    this.handle(parsed.frame);
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
        this.accountId = found.accountId;
        conversation = found.conversation;
        view = await visitors.view(found.accountId, conversation);
      } else {
        const { type: _t, siteKey, ...input } = f;
        const site = await siteForKey(store, siteKey, this.req.headers.origin);
        const started = await visitors.start(site, input, clientAddress(this.req));
        this.accountId = site.accountId;
        ({ conversation, token, view } = started);
      }
      clearTimeout(this.helloTimer);
      if (this.ws.readyState !== this.ws.OPEN) return;
      this.conversationId = conversation.id;
      this.stream = new DeliveryStream(
        (after) => store.messages.after(this.accountId, this.conversationId, after, { limit: STREAM_PAGE }),
        (m) => sendFrame(this.ws, { type: 'message', message: this.deps.attachments.visitorMessage(m) }),
        (m) => m.senderKind === 'note',
        f.type === 'hello' ? (f.afterSeq ?? 0) : 0,
      );
      // Welcome first, then listen, then catch up from the store: nothing committed in between is missed.
      sendFrame(this.ws, { type: 'welcome', conversation: view, ...(token ? { token } : {}) });
      this.view = view;
      this.deps.queues.addVisitor(this.accountId, this);
      this.unsubscribe = this.deps.events.onConversation(conversation.id, (e) => this.onEvent(e));
      await this.unsubscribe;
      await this.stream.resume(this.stream.position);
    } catch (err) {
      if (err instanceof AppError) {
        const code =
          err.status === 403
            ? CloseCode.Forbidden
            : err.status === 401
              ? CloseCode.Unauthorized
              : err.status === 429
                ? CloseCode.RateLimited
                : CloseCode.BadFrame;
        sendFrame(this.ws, errorFrame(err, this.deps.log));
        return closeWith(this.ws, code, err.message);
      }
      this.deps.log.error({ err }, 'visitor chat authentication failed');
      return closeWith(this.ws, 1011, 'internal error');
    } finally {
      this.authenticating = false;
    }
    const backlog = this.backlog;
    this.backlog = [];
    for (const raw of backlog) this.onRaw(raw);
  }

  private handle(f: VisitorClientFrame): void {
    if ('conversationId' in f && f.conversationId && f.conversationId !== this.conversationId) {
      closeWith(this.ws, CloseCode.Forbidden, 'not your conversation');
      return;
    }
    const { visitors, events, writer, log } = this.deps;
    const fail = (err: unknown, extra: { echoId?: string } = {}) =>
      sendFrame(this.ws, errorFrame(err, log, { ...extra, conversationId: this.conversationId }));
    switch (f.type) {
      case 'send': {
        if (!this.sends.take()) {
          sendFrame(this.ws, {
            type: 'error',
            code: 'rate_limited',
            message: 'slow down',
            echoId: f.echoId,
          });
          return;
        }
        const item = {
          accountId: this.accountId,
          conversationId: this.conversationId,
          sender: { kind: 'visitor' as const },
          echoId: f.echoId,
          afterSeq: f.afterSeq,
          text: cleanText(f.text),
          attachmentIds: f.attachmentIds,
        };
        writer.append(item, this.id).then((r) => {
          if (!r.ok) return fail(r.error, { echoId: f.echoId });
          const m = r.message;
          sendFrame(this.ws, {
            type: 'ack',
            echoId: f.echoId,
            conversationId: m.conversationId,
            seq: m.seq,
            createdAt: m.createdAt,
            duplicate: r.duplicate,
          });
        }, fail);
        return;
      }
      case 'resume':
        void this.stream?.resume(f.afterSeq).catch(fail);
        return;
      case 'typing': {
        const now = Date.now();
        if (f.typing === this.lastTyping.typing && now - this.lastTyping.at < TYPING_MIN_GAP_MS) return;
        this.lastTyping = { at: now, typing: f.typing };
        events.toConversation(this.conversationId, {
          t: 'typing',
          from: 'visitor',
          typing: f.typing,
          origin: this.id,
        });
        return;
      }
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
      case 'conversation.updated':
        this.show(visitorView(e.conversation, e.agentName, this.view?.queuePosition ?? null));
        return;
    }
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
    clearTimeout(this.helloTimer);
    if (this.view) this.deps.queues.remove(this.accountId, this);
    this.stream?.close();
    void this.unsubscribe?.then((off) => off()).catch(() => {});
  }
}
