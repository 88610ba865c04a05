import type { Message } from '@beckon/protocol/chat-api';

/** Reads committed messages after a sequence number, in order, at most `STREAM_PAGE` at a time. */
export type FetchAfter = (afterSeq: number) => Promise<Message[]>;

/** Page size a `FetchAfter` is expected to use. */
export const STREAM_PAGE = 500;

/**
 * Delivers one conversation's messages to one socket exactly once and in order. A live message
 * from the bus goes straight through when it is the next expected; a gap (a message another node
 * published late, or a client resuming) is filled from the store, which holds every message before
 * it is published. Messages `skip` rejects (notes, for a visitor) advance the position silently,
 * as do the socket's own live sends (its acks already told it their sequence numbers).
 */
export class DeliveryStream {
  private lastSeq: number;
  private syncing = false;
  private restartFrom: number | undefined;
  private pending: Array<{ m: Message; own: boolean }> = [];
  private closed = false;

  constructor(
    private readonly fetch: FetchAfter,
    private readonly deliver: (m: Message) => void,
    private readonly skip: (m: Message) => boolean = () => false,
    startAfter = 0,
  ) {
    this.lastSeq = startAfter;
  }

  /** The last sequence number delivered (or skipped). */
  get position(): number {
    return this.lastSeq;
  }

  /** A message from the bus; `own` when this socket sent it. */
  onLive(m: Message, own = false): void {
    if (this.closed || m.seq <= this.lastSeq) return;
    if (!this.syncing && m.seq === this.lastSeq + 1) {
      this.lastSeq = m.seq;
      if (!own && !this.skip(m)) this.deliver(m);
      return;
    }
    this.pending.push({ m, own });
    void this.sync();
  }

  /** Sends everything after `afterSeq` from the store, then continues live (a client's `resume`). */
  resume(afterSeq: number): Promise<void> {
    if (this.syncing) {
      this.restartFrom = Math.min(this.restartFrom ?? afterSeq, afterSeq);
      return Promise.resolve();
    }
    this.lastSeq = afterSeq;
    return this.sync();
  }

  private async sync(): Promise<void> {
    if (this.syncing || this.closed) return;
    this.syncing = true;
    try {
      for (let rounds = 0; rounds < 20 && !this.closed; rounds++) {
        if (this.restartFrom !== undefined) {
          this.lastSeq = this.restartFrom;
          this.restartFrom = undefined;
        }
        const page = await this.fetch(this.lastSeq);
        if (this.restartFrom !== undefined || this.closed) continue;
        for (const m of page) {
          if (m.seq <= this.lastSeq) continue;
          this.lastSeq = m.seq;
          if (!this.skip(m)) this.deliver(m);
        }
        if (page.length >= STREAM_PAGE) continue;
        this.pending.sort((a, b) => a.m.seq - b.m.seq);
        while (this.pending.length > 0) {
          const { m, own } = this.pending[0]!;
          if (m.seq <= this.lastSeq) this.pending.shift();
          else if (m.seq === this.lastSeq + 1) {
            this.pending.shift();
            this.lastSeq = m.seq;
            if (!own && !this.skip(m)) this.deliver(m);
          } else break;
        }
        if (this.pending.length === 0) return;
      }
    } finally {
      this.syncing = false;
    }
  }

  close(): void {
    this.closed = true;
    this.pending = [];
  }
}
