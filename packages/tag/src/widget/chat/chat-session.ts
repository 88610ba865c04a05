import type { Attachment, ConversationStart, VisitorMessage } from '@beckon/protocol/chat-api';
import type { VisitorServerFrame } from '@beckon/protocol/chat-protocol';
import { backoffDelay } from '../../backoff.ts';
import { randomId } from '../../ids.ts';
import { CLOSE_FORBIDDEN } from '../../limits.ts';
import { lang, t } from '../i18n/i18n.ts';
import {
  type ChatAction,
  type ChatState,
  emptyChat,
  latestSeq,
  type OutgoingMessage,
  reduceChat,
} from './chat-state.ts';

/** The socket's state as the visitor sees it. */
export type LinkStatus = 'connecting' | 'online' | 'reconnecting';

/** Why a conversation cannot be (re)opened. */
export type LostReason = 'start' | 'gone' | 'forbidden';

export interface SessionHooks {
  /** The conversation changed: render it, keep it for the next page. */
  change(state: ChatState): void;
  link(status: LinkStatus): void;
  /** A message from the agent or the system arrived that the visitor has not seen before. */
  incoming(message: VisitorMessage): void;
  /** Starting failed, or the conversation's token is no longer valid. */
  lost(reason: LostReason, detail: string): void;
  /** A call frame (state, the agent's signalling, mute): the call controller's. */
  call?(frame: VisitorServerFrame): void;
}

export interface ChatSessionOptions {
  origin: string;
  siteKey: string;
  /** The conversation token of a chat already open (from the previous page). */
  token?: string;
  state?: ChatState;
  /** Resume after this sequence number on the first connection (0: the kept history is incomplete). */
  afterSeq?: number;
  hooks: SessionHooks;
}

/** A visitor's conversation over `/v1/chat`: start or resume, optimistic sends confirmed by acks, reconnects. */
export interface ChatSession {
  readonly state: ChatState;
  readonly token: string | null;
  /** The site records its calls (from the welcome): the visitor is told before a call starts. */
  readonly callsRecorded: boolean;
  /** Resume point to keep for the next page. */
  readonly afterSeq: number;
  start(input: ConversationStart): void;
  /** Connects (again) with the token; a no-op while connected. */
  connect(): void;
  send(text: string, attachments?: Attachment[]): void;
  retry(echoId: string): void;
  discard(echoId: string): void;
  typing(on: boolean): void;
  /** The visitor has seen everything shown: tells the agent ("Seen" on their side). */
  seen(): void;
  /** Applies a conversation the REST API returned (after end or CSAT). */
  apply(action: ChatAction): void;
  /** Sends a call frame; false while not connected. */
  callFrame(frame: object): boolean;
  close(): void;
}

const CLOSE_UNAUTHORIZED = 4401;
const PING_EVERY_MS = 25_000;
/** No frame at all for this long (pongs included) means the connection is dead. */
const SILENCE_MS = 60_000;
const MAX_RETRY_MS = 15_000;
const TYPING_REPEAT_MS = 3000;
const TYPING_EXPIRES_MS = 10_000;

/** What a refusal means for the visitor. */
const refusal = (code: string) =>
  code === 'conversation_closed'
    ? t('Not sent: the chat has ended')
    : code === 'rate_limited'
      ? t('Not sent yet: slow down a little')
      : t('Not sent');

/** Opens the visitor's chat client; nothing connects until `start` or `connect`. */
export function createChatSession(opts: ChatSessionOptions): ChatSession {
  const { hooks } = opts;
  const url = `${opts.origin.replace(/^http/, 'ws')}/v1/chat`;
  let state = opts.state ?? emptyChat();
  let token = opts.token ?? null;
  let callsRecorded = false;
  let fullResume = opts.afterSeq === 0;
  let startFrame: object | null = null;
  let ws: WebSocket | undefined;
  let welcomed = false;
  let stopped = false;
  let attempts = 0;
  let retryTimer = 0;
  let typingTimer = 0;
  let lastFrameAt = 0;
  let typingSentAt = 0;
  let readSent = 0;

  const dispatch = (action: ChatAction) => {
    const next = reduceChat(state, action);
    if (next === state) return;
    state = next;
    hooks.change(state);
  };
  const raw = (frame: object) => {
    if (ws && welcomed) ws.send(JSON.stringify(frame));
    return welcomed;
  };
  const transmit = (o: OutgoingMessage) =>
    raw({
      type: 'send',
      echoId: o.echoId,
      afterSeq: o.afterSeq,
      text: o.text,
      ...(o.attachments.length ? { attachmentIds: o.attachments.map((a) => a.id) } : {}),
    });

  const onFrame = (f: VisitorServerFrame) => {
    switch (f.type) {
      case 'welcome':
        welcomed = true;
        attempts = 0;
        readSent = 0;
        if (f.token) token = f.token;
        callsRecorded = f.callsRecorded === true;
        startFrame = null;
        fullResume = false;
        dispatch({ type: 'welcome', conversation: f.conversation });
        hooks.link('online');
        // Unacknowledged messages go again with their echo ids: the server keeps one copy.
        for (const o of state.outbox) if (!o.error) transmit(o);
        return;
      case 'message': {
        const m = f.message;
        // The visitor wrote it, or read it already (the invitation they accepted): nothing to announce.
        const fresh =
          m.seq > state.deliveredSeq && m.senderKind !== 'visitor' && m.senderKind !== 'invitation';
        dispatch({ type: 'message', message: m });
        if (fresh) hooks.incoming(m);
        return;
      }
      case 'ack':
        dispatch({ type: 'ack', echoId: f.echoId, seq: f.seq, createdAt: f.createdAt, text: f.text });
        return;
      case 'conversation':
        dispatch({ type: 'conversation', conversation: f.conversation });
        return;
      case 'typing':
        if (f.from !== 'agent') return;
        clearTimeout(typingTimer);
        // A lost "stopped typing" must not leave the dots forever.
        if (f.typing)
          typingTimer = window.setTimeout(
            () => dispatch({ type: 'typing', typing: false }),
            TYPING_EXPIRES_MS,
          );
        dispatch({ type: 'typing', typing: f.typing, ...(f.name ? { name: f.name } : {}) });
        return;
      case 'read':
        if (f.by === 'agent') dispatch({ type: 'read', seq: f.seq });
        return;
      case 'call':
      case 'call_signal':
      case 'call_media':
        hooks.call?.(f);
        return;
      case 'error': {
        if (f.ref?.startsWith('call')) hooks.call?.(f);
        const echoId = f.echoId;
        if (!echoId || !state.outbox.some((o) => o.echoId === echoId)) return;
        // Refused for now, not for good (too fast, or the server's store is briefly unreachable): send again.
        if (f.code === 'rate_limited' || f.code === 'store_unavailable') {
          window.setTimeout(() => {
            const o = state.outbox.find((x) => x.echoId === echoId);
            if (o && !o.error) transmit(o);
          }, 1500);
          return;
        }
        dispatch({ type: 'refused', echoId, error: refusal(f.code) });
        return;
      }
    }
  };

  const schedule = () => {
    hooks.link('reconnecting');
    clearTimeout(retryTimer);
    retryTimer = window.setTimeout(connect, Math.min(MAX_RETRY_MS, backoffDelay(attempts++)));
  };

  const onClose = (code: number, reason: string) => {
    ws = undefined;
    welcomed = false;
    if (stopped) return;
    if (!token) {
      stopped = true;
      hooks.lost('start', reason);
    } else if (code === CLOSE_UNAUTHORIZED || code === CLOSE_FORBIDDEN) {
      stopped = true;
      hooks.lost(code === CLOSE_FORBIDDEN ? 'forbidden' : 'gone', reason);
    } else schedule();
  };

  function connect() {
    if (ws || stopped || (!token && !startFrame)) return;
    clearTimeout(retryTimer);
    hooks.link('connecting');
    const s = new WebSocket(url);
    ws = s;
    s.onopen = () => {
      lastFrameAt = Date.now();
      s.send(
        JSON.stringify(
          token ? { type: 'hello', token, afterSeq: fullResume ? 0 : state.deliveredSeq } : startFrame,
        ),
      );
    };
    s.onmessage = (e) => {
      lastFrameAt = Date.now();
      let frame: VisitorServerFrame;
      try {
        frame = JSON.parse(String(e.data));
      } catch {
        return; // a frame we cannot read is not worth breaking the chat for
      }
      onFrame(frame);
    };
    s.onclose = (e) => {
      if (ws === s) onClose(e.code, e.reason);
    };
  }

  /** Closes the socket without giving up (it comes back on the next `connect`). */
  const drop = () => {
    const s = ws;
    ws = undefined;
    welcomed = false;
    if (s) {
      s.onclose = null;
      s.close();
    }
  };

  const pingTimer = window.setInterval(() => {
    if (!ws || !welcomed) return;
    if (Date.now() - lastFrameAt > SILENCE_MS) {
      drop();
      schedule();
    } else raw({ type: 'ping' });
  }, PING_EVERY_MS);

  const wake = () => {
    if (!ws && token && !stopped) {
      attempts = 0;
      connect();
    }
  };
  const onVisible = () => {
    if (!document.hidden) wake();
  };
  // A page with an open socket cannot enter the back/forward cache; come back when it is shown again.
  const onHide = (e: PageTransitionEvent) => {
    if (e.persisted) drop();
  };
  const onShow = (e: PageTransitionEvent) => {
    if (e.persisted) wake();
  };
  addEventListener('online', wake);
  addEventListener('pagehide', onHide);
  addEventListener('pageshow', onShow);
  document.addEventListener('visibilitychange', onVisible);

  return {
    get state() {
      return state;
    },
    get token() {
      return token;
    },
    get callsRecorded() {
      return callsRecorded;
    },
    get afterSeq() {
      return fullResume ? 0 : state.deliveredSeq;
    },
    start(input) {
      if (token || ws) return;
      stopped = false;
      // The widget's language: the lines the server writes into the chat use it.
      startFrame = {
        type: 'start',
        siteKey: opts.siteKey,
        language: lang as ConversationStart['language'],
        ...input,
      };
      connect();
    },
    connect: wake,
    send(text, attachments = []) {
      const message = { echoId: `w${randomId(12)}`, text, attachments, afterSeq: latestSeq(state) };
      dispatch({ type: 'send', message });
      transmit(message);
      typingSentAt = 0;
    },
    retry(echoId) {
      dispatch({ type: 'retry', echoId });
      const o = state.outbox.find((x) => x.echoId === echoId);
      if (o) transmit(o);
    },
    discard(echoId) {
      dispatch({ type: 'discard', echoId });
    },
    typing(on) {
      const now = Date.now();
      if (on && now - typingSentAt < TYPING_REPEAT_MS) return;
      if (!on && typingSentAt === 0) return;
      if (raw({ type: 'typing', typing: on })) typingSentAt = on ? now : 0;
    },
    seen() {
      const seq = latestSeq(state);
      dispatch({ type: 'seen', seq });
      if (seq > readSent && raw({ type: 'read', seq })) readSent = seq;
    },
    apply: dispatch,
    callFrame: raw,
    close() {
      stopped = true;
      clearTimeout(retryTimer);
      clearTimeout(typingTimer);
      clearInterval(pingTimer);
      removeEventListener('online', wake);
      removeEventListener('pagehide', onHide);
      removeEventListener('pageshow', onShow);
      document.removeEventListener('visibilitychange', onVisible);
      drop();
    },
  };
}
