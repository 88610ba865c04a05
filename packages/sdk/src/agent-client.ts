import type { AgentStatus } from '@beckon/protocol/api';
import {
  type Attachment,
  type CloseInput,
  type Conversation,
  type DeliveryStatus,
  deliveryMovesOn,
  type Message,
  type QueueEntry,
  type TransferInput,
} from '@beckon/protocol/chat-api';
import type { AgentProfile, AgentServerFrame, ChatAckFrame } from '@beckon/protocol/chat-protocol';
import {
  ChatRequestError,
  clientId,
  FrameSocket,
  type UploadFile,
  uploadFile,
  wsUrl,
} from './frame-socket.ts';

type Frame<T extends AgentServerFrame['type']> = Extract<AgentServerFrame, { type: T }>;

export interface AgentChatOptions {
  /** The console session cookie (`beckon_session=…`). */
  cookie: string;
  /** `Origin` header to send (a browser sends the console's). */
  origin?: string;
  /** The session's CSRF token (for uploads); read from `/api/v1/me` when not given. */
  csrf?: string;
  /**
   * How long to wait for `ready` and for each request's answer (ms); 10,000 by default. The
   * server may hold a request up to 30 s for a busy database pool.
   */
  requestTimeoutMs?: number;
}

interface PendingSend {
  conversationId: string;
  text: string;
  note: boolean;
  attachments: Attachment[];
  /** The highest sequence number seen in the conversation when first sent: a retry repeats it. */
  afterSeq: number;
  /** Live translation: the language the customer is sent the reply in. */
  translateTo?: string;
  resolve: (a: ChatAckFrame) => void;
  reject: (e: Error) => void;
}

/**
 * An agent's console client for `/v1/agent`: status, offers (accept/decline), the queue,
 * conversations with their messages in order, send with acks, transfer, close, and a supervisor's
 * barge-in (join, leave); reconnects
 * and resumes each conversation from its last sequence number.
 */
export class AgentChatClient {
  profile!: AgentProfile;
  /** Pending offers by conversation id. */
  readonly offers = new Map<string, Conversation>();
  /** Conversations this client knows, latest state. */
  readonly conversations = new Map<string, Conversation>();
  queue: QueueEntry[] = [];
  private socket!: FrameSocket<AgentServerFrame>;
  private readonly byConversation = new Map<string, Map<number, Message>>();
  private readonly contiguous = new Map<string, number>();
  private readonly maxSeq = new Map<string, number>();
  private readonly pending = new Map<string, PendingSend>();
  /** Delivery reports of agent lines on other channels than web chat, by conversation and sequence number. */
  private readonly deliveryOf = new Map<string, Map<number, { status: DeliveryStatus; reason?: string }>>();

  private constructor(
    private readonly baseUrl: string,
    private readonly opts: AgentChatOptions,
  ) {}

  /** Connects and waits for `ready`. */
  static async connect(baseUrl: string, opts: AgentChatOptions): Promise<AgentChatClient> {
    const c = new AgentChatClient(baseUrl, opts);
    await c.open();
    return c;
  }

  private async open(): Promise<void> {
    const headers: Record<string, string> = { cookie: this.opts.cookie };
    if (this.opts.origin) headers.origin = this.opts.origin;
    const socket = FrameSocket.connect<AgentServerFrame>(wsUrl(this.baseUrl, '/v1/agent'), headers);
    this.socket = socket;
    socket.on((f) => this.onFrame(f));
    const readyFrame = socket.next<Frame<'ready'>>((f) => f.type === 'ready', this.waitMs);
    readyFrame.catch(() => {});
    await socket.opened;
    this.applyReady(await readyFrame);
  }

  /** Who the agent is and their inbox: on connecting, and again when the server's bus came back. */
  private applyReady(ready: Frame<'ready'>): void {
    this.profile = ready.agent;
    for (const c of ready.conversations) {
      this.conversations.set(c.id, c);
      if (c.status === 'offered' && c.offeredTo === this.profile.id) this.offers.set(c.id, c);
    }
  }

  private onFrame(f: AgentServerFrame): void {
    switch (f.type) {
      case 'ready':
        // The first one is applied by `connect`, which waits for it; a later one is news.
        if (this.profile) this.applyReady(f);
        return;
      case 'offer':
        this.offers.set(f.conversation.id, f.conversation);
        this.conversations.set(f.conversation.id, f.conversation);
        return;
      case 'offer_revoked':
        this.offers.delete(f.conversationId);
        return;
      case 'assigned':
        this.offers.delete(f.conversation.id);
        this.conversations.set(f.conversation.id, f.conversation);
        return;
      case 'conversation':
        this.conversations.set(f.conversation.id, f.conversation);
        return;
      case 'queue':
        this.queue = f.items;
        return;
      case 'status':
        this.profile.status = f.status;
        // Why, when the agent did not choose it (set away after missed offers); cleared otherwise.
        this.profile.statusReason = f.reason;
        this.profile.missedOffers = f.missedOffers;
        return;
      case 'message':
        this.remember(f.message);
        return;
      case 'ack': {
        const p = this.pending.get(f.echoId);
        if (!p) return;
        this.pending.delete(f.echoId);
        this.remember({
          conversationId: f.conversationId,
          seq: f.seq,
          senderKind: p.note ? 'note' : 'agent',
          senderId: this.profile.id,
          senderName: this.profile.name,
          echoId: f.echoId,
          text: f.text ?? p.text,
          attachments: p.attachments,
          createdAt: f.createdAt,
          ...(f.deliveryStatus ? { deliveryStatus: f.deliveryStatus } : {}),
        });
        p.resolve(f);
        return;
      }
      case 'delivery': {
        // Kept apart from the messages: a report may come before the line itself.
        let map = this.deliveryOf.get(f.conversationId);
        if (!map) {
          map = new Map();
          this.deliveryOf.set(f.conversationId, map);
        }
        if (!deliveryMovesOn(map.get(f.seq)?.status, f.status)) return;
        map.set(f.seq, { status: f.status, ...(f.reason ? { reason: f.reason } : {}) });
        return;
      }
      case 'error': {
        const p = f.echoId ? this.pending.get(f.echoId) : undefined;
        if (p) {
          this.pending.delete(f.echoId!);
          p.reject(new ChatRequestError(f.code, f.message));
        }
        return;
      }
    }
  }

  private remember(m: Message): void {
    let map = this.byConversation.get(m.conversationId);
    if (!map) {
      map = new Map();
      this.byConversation.set(m.conversationId, map);
    }
    if (!map.has(m.seq)) map.set(m.seq, m);
    if (m.seq > (this.maxSeq.get(m.conversationId) ?? 0)) this.maxSeq.set(m.conversationId, m.seq);
    let c = this.contiguous.get(m.conversationId) ?? 0;
    while (map.has(c + 1)) c++;
    this.contiguous.set(m.conversationId, c);
  }

  /** Everything up to this sequence number of a conversation has arrived: the point to resume from. */
  resumeFrom(conversationId: string): number {
    return this.contiguous.get(conversationId) ?? 0;
  }

  /**
   * Where an agent line on another channel than web chat is on its way: the latest report, else
   * what the line carried when it arrived; undefined for web chat lines.
   */
  delivery(conversationId: string, seq: number): { status: DeliveryStatus; reason?: string } | undefined {
    const reported = this.deliveryOf.get(conversationId)?.get(seq);
    if (reported) return reported;
    const m = this.byConversation.get(conversationId)?.get(seq);
    return m?.deliveryStatus
      ? { status: m.deliveryStatus, ...(m.deliveryReason ? { reason: m.deliveryReason } : {}) }
      : undefined;
  }

  /** A conversation's messages received or sent, in order, each once. */
  messages(conversationId: string): Message[] {
    return [...(this.byConversation.get(conversationId)?.values() ?? [])].sort((a, b) => a.seq - b.seq);
  }

  /** The highest sequence number seen in a conversation. */
  lastSeq(conversationId: string): number {
    return this.maxSeq.get(conversationId) ?? 0;
  }

  get frames(): FrameSocket<AgentServerFrame> {
    return this.socket;
  }

  /** How long `ready` and a request's answer are waited for. */
  private get waitMs(): number {
    return this.opts.requestTimeoutMs ?? 10_000;
  }

  /** Sends a frame with a `ref` and waits for its `done` (or rejects with its `error`). */
  private request(frame: Record<string, unknown>, timeoutMs = this.waitMs): Promise<void> {
    const ref = clientId('r');
    const answer = this.socket.next(
      (f) => (f.type === 'done' || f.type === 'error') && 'ref' in f && f.ref === ref,
      timeoutMs,
    );
    this.socket.send({ ...frame, ref });
    return answer.then((f) => {
      if (f.type === 'error') throw new ChatRequestError(f.code, f.message);
    });
  }

  /** Online, or away (for one of the account's away reasons, if given). */
  setStatus(status: Exclude<AgentStatus, 'offline'>, reason?: string): Promise<void> {
    return this.request({ type: 'status', status, ...(reason ? { reason } : {}) });
  }

  accept(conversationId: string): Promise<void> {
    return this.request({ type: 'accept', conversationId });
  }

  decline(conversationId: string): Promise<void> {
    return this.request({ type: 'decline', conversationId });
  }

  transfer(conversationId: string, to: TransferInput): Promise<void> {
    return this.request({ type: 'transfer', conversationId, ...to });
  }

  /** Barges into a live chat as a second agent (owners and admins); the visitor sees them join. */
  join(conversationId: string): Promise<void> {
    return this.request({ type: 'join', conversationId });
  }

  /** Leaves a chat joined with `join`; its agent carries on. */
  leave(conversationId: string): Promise<void> {
    return this.request({ type: 'leave', conversationId });
  }

  close(conversationId: string, input: CloseInput = {}): Promise<void> {
    return this.request({ type: 'close', conversationId, ...input });
  }

  /** Follows a conversation read-only (supervisors; agents: queued ones of their skills) from `afterSeq`. */
  watch(conversationId: string, afterSeq = 0): Promise<void> {
    return this.request({ type: 'watch', conversationId, afterSeq });
  }

  resume(conversationId: string, afterSeq = this.resumeFrom(conversationId)): void {
    this.socket.send({ type: 'resume', conversationId, afterSeq });
  }

  /**
   * Sends a message or an internal note, with uploaded attachments; resolves with the ack after the
   * server stored it. A retry by hand passes the first attempt's echo id and `afterSeq` (the
   * conversation's `lastSeq` before it).
   */
  send(
    conversationId: string,
    text: string,
    opts: {
      note?: boolean;
      echoId?: string;
      attachments?: Attachment[];
      afterSeq?: number;
      /** Send it in this language (the customer's): refused with `translation_failed` when it cannot be translated. */
      translateTo?: string;
    } = {},
  ): Promise<ChatAckFrame> {
    const echoId = opts.echoId ?? clientId('a');
    const p = {
      conversationId,
      text,
      note: Boolean(opts.note),
      attachments: opts.attachments ?? [],
      afterSeq: opts.afterSeq ?? this.lastSeq(conversationId),
      ...(opts.translateTo ? { translateTo: opts.translateTo } : {}),
    };
    return new Promise((resolve, reject) => {
      this.pending.set(echoId, { ...p, resolve, reject });
      this.socket.send(sendFrame(echoId, p));
    });
  }

  /** Uploads an image or PDF into a conversation the agent holds; pass the result to `send`. */
  async upload(conversationId: string, file: UploadFile): Promise<Attachment> {
    const base = this.baseUrl.replace(/\/+$/, '');
    const headers: Record<string, string> = { cookie: this.opts.cookie };
    if (this.opts.origin) headers.origin = this.opts.origin;
    if (!this.opts.csrf) {
      const me = await fetch(`${base}/api/v1/me`, { headers });
      this.opts.csrf = ((await me.json()) as { csrfToken?: string }).csrfToken;
    }
    headers['x-csrf-token'] = this.opts.csrf ?? '';
    const url = `${base}/api/v1/conversations/${encodeURIComponent(conversationId)}/attachments`;
    return uploadFile<Attachment>(url, file, headers);
  }

  /** Typing a reply, or (`note`) an internal note that only colleagues see. */
  typing(conversationId: string, typing: boolean, opts: { note?: boolean } = {}): void {
    this.socket.send({ type: 'typing', conversationId, typing, ...(opts.note ? { note: true } : {}) });
  }

  /** Says this console shows a conversation it follows (or no longer does): colleagues see who looks. */
  viewing(conversationId: string, viewing: boolean): void {
    this.socket.send({ type: 'viewing', conversationId, viewing });
  }

  read(conversationId: string, seq: number): void {
    this.socket.send({ type: 'read', conversationId, seq });
  }

  /** Waits for the next frame matching `match`. */
  next<T extends AgentServerFrame['type']>(
    type: T,
    match: (f: Frame<T>) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<Frame<T>> {
    return this.socket.next<Frame<T>>((f) => f.type === type && match(f as Frame<T>), timeoutMs);
  }

  /** Waits until a message matching `match` has arrived in a conversation (or already had). */
  async waitForMessage(
    conversationId: string,
    match: (m: Message) => boolean,
    timeoutMs = 5000,
  ): Promise<Message> {
    const found = this.messages(conversationId).find(match);
    if (found) return found;
    const f = await this.next(
      'message',
      (x) => x.message.conversationId === conversationId && match(x.message),
      timeoutMs,
    );
    return f.message;
  }

  /** Reconnects after a cut: resumes every known conversation, resends unacknowledged messages. */
  async reconnect(): Promise<void> {
    if (this.socket.open) await this.socket.cut();
    await this.open();
    for (const id of this.byConversation.keys()) this.resume(id);
    for (const [echoId, p] of this.pending) this.socket.send(sendFrame(echoId, p));
  }

  disconnect(): Promise<unknown> {
    return this.socket.close();
  }
}

const sendFrame = (echoId: string, p: Omit<PendingSend, 'resolve' | 'reject'>) => ({
  type: 'send',
  conversationId: p.conversationId,
  echoId,
  text: p.text,
  afterSeq: p.afterSeq,
  ...(p.note ? { note: true } : {}),
  ...(p.attachments.length > 0 ? { attachmentIds: p.attachments.map((a) => a.id) } : {}),
  ...(p.translateTo ? { translateTo: p.translateTo } : {}),
});
