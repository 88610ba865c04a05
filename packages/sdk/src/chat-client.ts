import type {
  Attachment,
  ConversationStart,
  VisitorConversation,
  VisitorMessage,
} from '@beckon/protocol/chat-api';
import type { ChatAckFrame, VisitorServerFrame } from '@beckon/protocol/chat-protocol';
import {
  ChatRequestError,
  clientId,
  FrameSocket,
  type UploadFile,
  uploadFile,
  wsUrl,
} from './frame-socket.ts';

interface PendingSend {
  text: string;
  attachments: Attachment[];
  /** The highest sequence number seen when first sent: a retry repeats it (see `SentAfterSeq`). */
  afterSeq: number;
  resolve: (ack: ChatAckFrame) => void;
  reject: (err: Error) => void;
}

export interface VisitorChatOptions {
  /** `Origin` header to send (browsers always do; the site's allow-list checks it). */
  origin?: string;
  /** How long to wait for the server's welcome after the first frame (ms); 10,000 by default. */
  welcomeTimeoutMs?: number;
}

/**
 * A visitor's chat client for `/v1/chat`: start or reopen a conversation, send with acks
 * (retries reuse the echo id, so nothing is stored twice), receive messages in order, resume after
 * a cut from the last sequence number. Used by tests and benchmarks; the widget speaks the same frames.
 */
export class VisitorChatClient {
  conversation!: VisitorConversation;
  token!: string;
  private socket!: FrameSocket<VisitorServerFrame>;
  private readonly byseq = new Map<number, VisitorMessage>();
  private readonly pending = new Map<string, PendingSend>();
  private maxSeq = 0;
  private contiguous = 0;

  private constructor(
    private readonly baseUrl: string,
    private readonly opts: VisitorChatOptions,
  ) {}

  /** Starts a conversation over the socket (the `start` frame) with the site key. */
  static async start(
    baseUrl: string,
    siteKey: string,
    input: ConversationStart = {},
    opts: VisitorChatOptions = {},
  ): Promise<VisitorChatClient> {
    const c = new VisitorChatClient(baseUrl, opts);
    await c.open({ type: 'start', siteKey, ...input });
    return c;
  }

  /** Reopens a conversation with its token, receiving what came after `afterSeq`. */
  static async connect(
    baseUrl: string,
    token: string,
    afterSeq = 0,
    opts: VisitorChatOptions = {},
  ): Promise<VisitorChatClient> {
    const c = new VisitorChatClient(baseUrl, opts);
    c.token = token;
    await c.open({ type: 'hello', token, afterSeq });
    return c;
  }

  private async open(first: object): Promise<void> {
    const socket = FrameSocket.connect<VisitorServerFrame>(
      wsUrl(this.baseUrl, '/v1/chat'),
      this.opts.origin ? { origin: this.opts.origin } : {},
    );
    this.socket = socket;
    socket.on((f) => this.onFrame(f));
    const welcome = socket.next<Extract<VisitorServerFrame, { type: 'welcome' }>>(
      (f) => f.type === 'welcome',
      this.opts.welcomeTimeoutMs ?? 10_000,
    );
    welcome.catch(() => {});
    await socket.opened;
    socket.send(first);
    const w = await welcome;
    this.conversation = w.conversation;
    if (w.token) this.token = w.token;
  }

  private onFrame(f: VisitorServerFrame): void {
    switch (f.type) {
      case 'message':
        this.remember(f.message);
        return;
      case 'conversation':
        this.conversation = f.conversation;
        return;
      case 'ack': {
        const p = this.pending.get(f.echoId);
        if (!p) return;
        this.pending.delete(f.echoId);
        this.remember({
          conversationId: f.conversationId,
          seq: f.seq,
          senderKind: 'visitor',
          senderName: null,
          echoId: f.echoId,
          text: f.text ?? p.text,
          attachments: p.attachments,
          createdAt: f.createdAt,
        });
        p.resolve(f);
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

  private remember(m: VisitorMessage): void {
    if (!this.byseq.has(m.seq)) this.byseq.set(m.seq, m);
    if (m.seq > this.maxSeq) this.maxSeq = m.seq;
    while (this.byseq.has(this.contiguous + 1)) this.contiguous++;
  }

  /** Every message received or sent, ordered by sequence number, each once. */
  get messages(): VisitorMessage[] {
    return [...this.byseq.values()].sort((a, b) => a.seq - b.seq);
  }

  /** The highest sequence number seen. */
  get lastSeq(): number {
    return this.maxSeq;
  }

  /**
   * Everything up to this sequence number has arrived: the point to resume from. (An own message
   * acknowledged with a higher number does not prove that what came before it arrived; and
   * internal notes leave gaps a visitor never fills, which only costs a re-read after them.)
   */
  get resumeFrom(): number {
    return this.contiguous;
  }

  /** The frames as they arrive (tests). */
  get frames(): FrameSocket<VisitorServerFrame> {
    return this.socket;
  }

  /**
   * Sends a message (text may be empty with attachments); resolves with its ack (after the server
   * stored it). To retry by hand a send whose ack never came — from another client after a crash,
   * say — pass the same echo id and the `afterSeq` of the first attempt (`lastSeq` before it).
   */
  send(
    text: string,
    echoId = clientId('e'),
    attachments: Attachment[] = [],
    afterSeq = this.maxSeq,
  ): Promise<ChatAckFrame> {
    return new Promise((resolve, reject) => {
      const p = { text, attachments, afterSeq, resolve, reject };
      this.pending.set(echoId, p);
      this.socket.send(sendFrame(echoId, p));
    });
  }

  /** Uploads an image or PDF into the conversation; pass the result to `send` to share it. */
  upload(file: UploadFile): Promise<Attachment> {
    const headers: Record<string, string> = { 'x-beckon-chat-token': this.token };
    if (this.opts.origin) headers.origin = this.opts.origin;
    return uploadFile<Attachment>(
      `${this.baseUrl.replace(/\/+$/, '')}/api/v1/chat/attachments`,
      file,
      headers,
    );
  }

  /** Echo ids sent but not acknowledged yet. */
  get unacknowledged(): string[] {
    return [...this.pending.keys()];
  }

  /**
   * Reconnects on a new socket after a cut: resumes after the last sequence number seen, then
   * sends again everything not acknowledged (same echo ids and `afterSeq`, so the server keeps one copy).
   */
  async reconnect(): Promise<void> {
    if (this.socket.open) await this.socket.cut();
    await this.open({ type: 'hello', token: this.token, afterSeq: this.contiguous });
    for (const [echoId, p] of this.pending) this.socket.send(sendFrame(echoId, p));
  }

  /** Waits until a message matching `match` has arrived (or already had). */
  async waitForMessage(match: (m: VisitorMessage) => boolean, timeoutMs = 5000): Promise<VisitorMessage> {
    const found = this.messages.find(match);
    if (found) return found;
    const f = await this.socket.next((x) => x.type === 'message' && match(x.message), timeoutMs);
    return (f as Extract<VisitorServerFrame, { type: 'message' }>).message;
  }

  /** Waits until the conversation's state matches. */
  async waitForConversation(
    match: (c: VisitorConversation) => boolean,
    timeoutMs = 5000,
  ): Promise<VisitorConversation> {
    if (match(this.conversation)) return this.conversation;
    await this.socket.next((x) => x.type === 'conversation' && match(x.conversation), timeoutMs);
    return this.conversation;
  }

  typing(typing: boolean): void {
    this.socket.send({ type: 'typing', typing });
  }

  read(seq: number): void {
    this.socket.send({ type: 'read', seq });
  }

  end(): void {
    this.socket.send({ type: 'end' });
  }

  csat(score: number, comment?: string): void {
    this.socket.send({ type: 'csat', score, ...(comment ? { comment } : {}) });
  }

  close(): Promise<unknown> {
    return this.socket.close();
  }
}

const sendFrame = (echoId: string, { text, attachments, afterSeq }: PendingSend) => ({
  type: 'send',
  echoId,
  text,
  afterSeq,
  ...(attachments.length > 0 ? { attachmentIds: attachments.map((a) => a.id) } : {}),
});
