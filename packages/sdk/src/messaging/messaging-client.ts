import { Emitter } from './emitter.ts';
import { globalSocketFactory, SOCKET_OPEN, type SocketFactory, type SocketLike } from './socket.ts';
import { memoryStorage, type StorageAdapter } from './storage.ts';
import {
  type ChatServerFrame,
  type MessagingAttachment,
  type MessagingConversation,
  MessagingError,
  type MessagingMessage,
  type MessagingSession,
} from './wire.ts';

/**
 * The messaging client for apps: a signed-in user of the site's app talks with the site's agents.
 * `identify` proves who the user is (the site's server computed `userHash`); lines go out over the
 * `/v1/chat` socket (acknowledged once stored, resent with the same echo id after a cut, so they are
 * stored once) or over REST when no socket is open (the first line opens the conversation); replies
 * arrive as `message` events. No DOM and no socket library: sockets, storage and fetch are injected.
 */

/** `fetch` as the client calls it (browsers, React Native and Node 18+ have one). */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string | UploadBody },
) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;

/** A file's bytes as fetch sends them: a `Blob` (browsers, React Native's `fetch(uri).blob()`) or a buffer. */
export type UploadBody = Blob | ArrayBuffer | Uint8Array;

/** A photo or PDF to send: its bytes, type (`image/jpeg`…) and name. */
export interface UploadInput {
  name: string;
  contentType: string;
  body: UploadBody;
}

/** The waits before a send is tried again (ms): about seven seconds in all, within a user's patience. */
const SEND_RETRY_MS = [500, 1_500, 5_000];
/** Answers that say the server could not take the line now, not that it refused it. */
const RETRIED_STATUSES = new Set([429, 502, 503, 504]);

export interface MessagingClientOptions {
  /** The Beckon server, e.g. `https://chat.example.com`. */
  baseUrl: string;
  /** The site's public key. */
  siteKey: string;
  /** Where the token and the last line seen are kept; default: memory. */
  storage?: StorageAdapter;
  /** Opens sockets; default: `globalThis.WebSocket` (in Node use `@beckon/sdk/node`). */
  socketFactory?: SocketFactory;
  fetch?: FetchLike;
  /** Reconnect after a dropped socket (default true). */
  reconnect?: boolean;
  /** How long a send waits for the server's acknowledgement (default 10 s). */
  ackTimeoutMs?: number;
}

/** Who the app's user is, as the site's server vouches with `userHash` = HMAC-SHA256(userId, secret). */
export interface IdentifyInput {
  userId: string;
  userHash: string;
  name?: string;
  email?: string;
}

export type ConnectionState = 'connecting' | 'open' | 'closed';

export type MessagingEvents = {
  /** A line from the other side (or from this user on another device), each once. */
  message: (message: MessagingMessage) => void;
  conversation: (conversation: MessagingConversation) => void;
  connection: (state: ConnectionState) => void;
  /** The agent started or stopped typing (`name`: who). */
  typing: (typing: { typing: boolean; name?: string }) => void;
  /** Something the client cannot fix by itself: a refused token (identify again), a socket refused. */
  error: (error: MessagingError) => void;
};

export interface PushTokenInput {
  platform: 'fcm' | 'apns';
  token: string;
}

interface PendingSend {
  text: string;
  attachments: MessagingAttachment[];
  afterSeq: number;
  resolve: (m: MessagingMessage) => void;
  reject: (e: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

interface Saved {
  userId: string;
  conversationId: string | null;
  lastSeq: number;
}

/** Close codes after which reconnecting cannot help (bad frame, token refused, forbidden, too large). */
const FINAL_CLOSES = new Set([1009, 4400, 4401, 4403]);

const newEchoId = (): string =>
  (globalThis as { crypto?: { randomUUID?: () => string } }).crypto?.randomUUID?.() ??
  `m${Date.now().toString(36)}${Math.random().toString(36).slice(2, 12)}`;

export class MessagingClient extends Emitter<MessagingEvents> {
  /** The user's conversation, or null until their first line. */
  conversation: MessagingConversation | null = null;
  contactId: string | null = null;
  private token: string | null = null;
  /** The sign-in under way: what the user does meanwhile waits for it instead of failing. */
  private signingIn: Promise<unknown> | null = null;
  private userId: string | null = null;
  private socket: SocketLike | null = null;
  private lastSeq = 0;
  private readonly seen = new Set<number>();
  private readonly pending = new Map<string, PendingSend>();
  private retries = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;
  private readonly storage: StorageAdapter;
  private readonly socketFactory: SocketFactory | null;
  private readonly fetch: FetchLike;
  private readonly base: string;

  constructor(private readonly opts: MessagingClientOptions) {
    super();
    this.base = opts.baseUrl.replace(/\/+$/, '');
    this.storage = opts.storage ?? memoryStorage();
    this.socketFactory = opts.socketFactory ?? globalSocketFactory();
    const f = opts.fetch ?? (globalThis as { fetch?: FetchLike }).fetch;
    if (!f) throw new Error('no fetch: pass one in the options');
    this.fetch = f.bind(globalThis);
  }

  /** Signs the user in; opens the socket when they have a conversation. Refused (401) for a forged hash. */
  identify(user: IdentifyInput): Promise<MessagingSession> {
    const signing = this.signIn(user);
    this.signingIn = signing;
    return signing;
  }

  private async signIn(user: IdentifyInput): Promise<MessagingSession> {
    this.closed = false;
    const session = await this.request<MessagingSession>('POST', '/api/v1/messaging/session', {
      siteKey: this.opts.siteKey,
      ...user,
    });
    this.token = session.token;
    this.userId = user.userId;
    this.contactId = session.contactId;
    const saved = await this.load();
    this.setConversation(session.conversation, saved);
    if (this.conversation) this.connect();
    return session;
  }

  /**
   * Sends a line; resolves once the server stored it (the first line opens the conversation).
   * `attachments` are files `upload` returned: they go with the line (its text may then be empty).
   */
  async send(text: string, attachments: MessagingAttachment[] = []): Promise<MessagingMessage> {
    await this.signedIn();
    const echoId = newEchoId();
    const c = this.conversation;
    if (attachments.length > 0) return this.sendWithFiles(echoId, text, attachments);
    if (c && c.status !== 'closed' && this.socket?.readyState === SOCKET_OPEN) {
      try {
        return await this.sendOverSocket(echoId, text, []);
      } catch (err) {
        // A closed conversation reopens through REST; the same echo id keeps it one line.
        if (!(err instanceof MessagingError) || err.code !== 'conversation_closed') throw err;
      }
    }
    const r = await this.resend<{ message: MessagingMessage; conversation: MessagingConversation }>(
      'POST',
      '/api/v1/messaging/messages',
      { echoId, text },
    );
    const moved = r.conversation.id !== this.conversation?.id;
    this.setConversation(r.conversation, null, moved);
    this.note(r.message.seq);
    if (moved || !this.socket) this.reconnectNow();
    return r.message;
  }

  /**
   * Uploads a photo or PDF into the open conversation (the user has written before); pass what it
   * returns to `send`. Refused with 413 `too_large` or 415 for a file the server does not take.
   */
  async upload(file: UploadInput): Promise<MessagingAttachment> {
    await this.signedIn();
    if (!this.conversation)
      throw new MessagingError('no_conversation', 'send a first line before a file', 409);
    const r = await this.request<{ attachment: MessagingAttachment }>(
      'POST',
      '/api/v1/chat/attachments',
      file.body,
      { 'content-type': file.contentType, 'x-file-name': encodeURIComponent(file.name) },
    );
    return r.attachment;
  }

  /** Tells the agent the user is typing (true) or stopped (false); the server paces it. */
  setTyping(typing: boolean): void {
    this.sendFrame({ type: 'typing', typing });
  }

  /** Ends the conversation from the user's side (the screen then asks for a rating). */
  async end(): Promise<MessagingConversation> {
    await this.signedIn();
    const c = await this.request<MessagingConversation>('POST', '/api/v1/chat/end', {});
    this.conversation = c;
    this.emit('conversation', c);
    return c;
  }

  /** Rates the ended conversation, 1 to 5, with an optional comment. */
  async rate(score: number, comment?: string): Promise<MessagingConversation> {
    await this.signedIn();
    const c = await this.request<MessagingConversation>('POST', '/api/v1/chat/csat', {
      score,
      ...(comment ? { comment } : {}),
    });
    this.conversation = c;
    this.emit('conversation', c);
    return c;
  }

  /** Every line of the user's conversation so far, in order. */
  async history(): Promise<MessagingMessage[]> {
    await this.signedIn();
    const r = await this.request<{ items: MessagingMessage[] }>(
      'GET',
      '/api/v1/messaging/messages?afterSeq=0&limit=1000',
    );
    return r.items;
  }

  /** Agents' lines the user has not read, on any device. */
  async unreadCount(): Promise<number> {
    await this.signedIn();
    return (await this.request<{ unread: number }>('GET', '/api/v1/messaging/unread')).unread;
  }

  /** Marks everything so far as read (the agent sees "Seen"; other devices' unread counts drop). */
  async markRead(): Promise<void> {
    await this.signedIn();
    const seq = Math.max(this.lastSeq, this.conversation?.lastSeq ?? 0);
    if (!this.conversation || seq === 0) return;
    await this.request('POST', '/api/v1/chat/read', { seq });
    this.conversation = { ...this.conversation, visitorReadSeq: seq };
  }

  /** Lets replies reach this device as push notifications while the app has no socket open. */
  async registerPushToken(input: PushTokenInput): Promise<void> {
    await this.signedIn();
    await this.request('POST', '/api/v1/messaging/push-tokens', input);
  }

  /** Closes the socket for good (until the next `identify`); unacknowledged sends fail. */
  close(): void {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.socket?.close(1000);
    this.socket = null;
    for (const [echoId, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new MessagingError('closed', 'the client was closed'));
      this.pending.delete(echoId);
    }
  }

  /**
   * Waits for a sign-in under way: a user who writes while the screen is still signing them in
   * (a slow network) sees the line go once it is done, not "Not sent".
   */
  private async signedIn(): Promise<void> {
    if (this.signingIn) await this.signingIn.catch(() => {});
    if (!this.token) throw new MessagingError('not_identified', 'call identify() first');
  }

  private setConversation(c: MessagingConversation | null, saved: Saved | null, fresh = false): void {
    const previous = this.conversation?.id;
    this.conversation = c;
    if (!c) return;
    if (previous !== c.id) {
      this.seen.clear();
      const mine = saved?.userId === this.userId ? saved : null;
      // Where to pick up: a new thread from its start; the same thread as before a restart where it
      // was left; a first start at the present (`history()` has the past).
      if (fresh || previous || (mine?.conversationId && mine.conversationId !== c.id)) this.lastSeq = 0;
      else this.lastSeq = mine ? mine.lastSeq : c.lastSeq;
    }
    this.emit('conversation', c);
  }

  /** A line with files: over the socket when it is open, else REST (files need an open conversation). */
  private async sendWithFiles(
    echoId: string,
    text: string,
    attachments: MessagingAttachment[],
  ): Promise<MessagingMessage> {
    if (this.socket?.readyState === SOCKET_OPEN) return this.sendOverSocket(echoId, text, attachments);
    const r = await this.resend<{ message: MessagingMessage }>('POST', '/api/v1/chat/messages', {
      echoId,
      text,
      afterSeq: this.lastSeq,
      attachmentIds: attachments.map((a) => a.id),
    });
    this.note(r.message.seq);
    return r.message;
  }

  private sendOverSocket(
    echoId: string,
    text: string,
    attachments: MessagingAttachment[],
  ): Promise<MessagingMessage> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(echoId);
        reject(new MessagingError('timeout', 'the server did not acknowledge the message in time'));
      }, this.opts.ackTimeoutMs ?? 10_000);
      const p: PendingSend = { text, attachments, afterSeq: this.lastSeq, resolve, reject, timer };
      this.pending.set(echoId, p);
      this.sendFrame(this.sendFrameOf(echoId, p));
    });
  }

  private sendFrameOf(echoId: string, p: PendingSend): object {
    const ids = p.attachments.map((a) => a.id);
    return {
      type: 'send',
      echoId,
      text: p.text,
      afterSeq: p.afterSeq,
      ...(ids.length ? { attachmentIds: ids } : {}),
    };
  }

  private sendFrame(frame: object): void {
    if (this.socket?.readyState === SOCKET_OPEN) this.socket.send(JSON.stringify(frame));
  }

  private connect(): void {
    if (this.closed || this.socket || !this.token || !this.conversation) return;
    if (!this.socketFactory) {
      this.emit('error', new MessagingError('no_socket', 'no WebSocket: pass a socketFactory'));
      return;
    }
    const socket = this.socketFactory(`${this.base.replace(/^http/, 'ws')}/v1/chat`);
    this.socket = socket;
    this.emit('connection', 'connecting');
    socket.onopen = () => {
      socket.send(JSON.stringify({ type: 'hello', token: this.token, afterSeq: this.lastSeq }));
    };
    socket.onmessage = (event) => {
      if (this.socket !== socket) return;
      let frame: ChatServerFrame;
      try {
        frame = JSON.parse(String(event.data)) as ChatServerFrame;
      } catch {
        return;
      }
      this.onFrame(frame);
    };
    socket.onerror = () => {};
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.emit('connection', 'closed');
      if (FINAL_CLOSES.has(event.code)) {
        const code = event.code === 4401 ? 'invalid_chat_token' : `closed_${event.code}`;
        this.emit('error', new MessagingError(code, event.reason || `the socket closed with ${event.code}`));
        return;
      }
      if (this.closed || this.opts.reconnect === false) return;
      const delay = Math.min(30_000, 500 * 2 ** this.retries++) * (0.5 + Math.random() / 2);
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        this.connect();
      }, delay);
    };
  }

  /** Drops the socket (if any) and opens one to the current conversation now. */
  private reconnectNow(): void {
    const old = this.socket;
    this.socket = null;
    old?.close(1000);
    this.connect();
  }

  private onFrame(f: ChatServerFrame): void {
    switch (f.type) {
      case 'welcome':
        this.retries = 0;
        this.conversation = f.conversation;
        this.emit('conversation', f.conversation);
        this.emit('connection', 'open');
        // Sends cut off by a reconnect go again with their first afterSeq: the server keeps one copy.
        for (const [echoId, p] of this.pending) this.sendFrame(this.sendFrameOf(echoId, p));
        return;
      case 'conversation':
        this.conversation = f.conversation;
        this.emit('conversation', f.conversation);
        return;
      case 'message':
        if (this.seen.has(f.message.seq)) return;
        this.note(f.message.seq);
        this.emit('message', f.message);
        return;
      case 'ack': {
        const p = this.pending.get(f.echoId);
        this.note(f.seq);
        if (!p) return;
        this.pending.delete(f.echoId);
        clearTimeout(p.timer);
        p.resolve({
          conversationId: f.conversationId,
          seq: f.seq,
          senderKind: 'visitor',
          senderName: null,
          echoId: f.echoId,
          text: f.text ?? p.text,
          attachments: p.attachments,
          createdAt: f.createdAt,
        });
        return;
      }
      case 'typing':
        if (f.from === 'agent')
          this.emit('typing', { typing: f.typing, ...(f.name ? { name: f.name } : {}) });
        return;
      case 'read':
        if (f.by !== 'agent' || !this.conversation || f.seq <= this.conversation.agentReadSeq) return;
        this.conversation = { ...this.conversation, agentReadSeq: f.seq };
        this.emit('conversation', this.conversation);
        return;
      case 'error': {
        const p = f.echoId ? this.pending.get(f.echoId) : undefined;
        if (p && f.echoId) {
          this.pending.delete(f.echoId);
          clearTimeout(p.timer);
          p.reject(new MessagingError(f.code, f.message));
        } else this.emit('error', new MessagingError(f.code, f.message));
        return;
      }
    }
  }

  /** Remembers a sequence number as seen, and the highest one for the next start. */
  private note(seq: number): void {
    this.seen.add(seq);
    if (seq <= this.lastSeq) return;
    this.lastSeq = seq;
    void this.save();
  }

  private key(): string {
    return `beckon.messaging.${this.opts.siteKey}`;
  }

  private async load(): Promise<Saved | null> {
    try {
      const raw = await this.storage.getItem(this.key());
      return raw ? (JSON.parse(raw) as Saved) : null;
    } catch {
      return null;
    }
  }

  private async save(): Promise<void> {
    if (!this.userId) return;
    const saved: Saved = {
      userId: this.userId,
      conversationId: this.conversation?.id ?? null,
      lastSeq: this.lastSeq,
    };
    try {
      await this.storage.setItem(this.key(), JSON.stringify(saved));
    } catch {
      // Storage full or refused: the next start shows from the present instead.
    }
  }

  /**
   * A send, tried again when it did not reach the server or found it unavailable (no answer, 429,
   * 502–504): the server keeps one line per echo id, so a try whose answer was lost returns the
   * line the first one stored. A refusal (4xx) is final. Without this a phone that lost its answer
   * for a moment, or a node restarting behind the load balancer, left the user's line "Not sent".
   */
  private async resend<T>(method: string, path: string, body: unknown): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.request<T>(method, path, body);
      } catch (err) {
        const status = err instanceof MessagingError ? err.status : undefined;
        const transient = !(err instanceof MessagingError) || RETRIED_STATUSES.has(status ?? 0);
        const wait = SEND_RETRY_MS[attempt];
        if (!transient || wait === undefined || this.closed) throw err;
        // Jittered, so many apps cut off together do not come back together.
        await new Promise((r) => setTimeout(r, wait * (0.5 + Math.random() / 2)));
      }
    }
  }

  /** A REST call with the app token; `raw` headers send `body` as bytes (an upload), else as JSON. */
  private async request<T>(
    method: string,
    path: string,
    body?: unknown,
    raw?: Record<string, string>,
  ): Promise<T> {
    const headers: Record<string, string> = raw ? { ...raw } : {};
    if (body !== undefined && !raw) headers['content-type'] = 'application/json';
    if (this.token) headers['x-beckon-chat-token'] = this.token;
    const payload = body === undefined ? undefined : raw ? (body as UploadBody) : JSON.stringify(body);
    const res = await this.fetch(`${this.base}${path}`, {
      method,
      headers,
      ...(payload !== undefined ? { body: payload } : {}),
    });
    const json = (res.status === 204 ? {} : await res.json().catch(() => ({}))) as {
      error?: { code: string; message: string };
    };
    if (!res.ok) {
      throw new MessagingError(
        json.error?.code ?? `http_${res.status}`,
        json.error?.message ?? `the server answered ${res.status}`,
        res.status,
      );
    }
    return json as T;
  }
}
