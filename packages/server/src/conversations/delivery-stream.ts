import type { Message } from '@beckon/protocol/chat-api';

/** Reads committed messages after a sequence number, in order, at most `STREAM_PAGE` at a time. */
export type FetchAfter = (afterSeq: number) => Promise<Message[]>;

/** Page size a `FetchAfter` is expected to use. */
export const STREAM_PAGE = 500;

/** Echo ids of sends kept to recognise a socket's own lines (a failed send's stays until pushed out). */
const MAX_SENDING = 1000;

export interface StreamOptions {
  /** Messages this socket never gets (notes, for a visitor); they advance the position silently. */
  skip?: (m: Message) => boolean;
  /** Whether this socket's side wrote a message: with an echo id it sent, it is the socket's own line. */
  author?: (m: Message) => boolean;
  /** Where the client is (its `hello`'s afterSeq, a conversation's last line when listed). */
  startAfter?: number;
}

/**
 * Delivers one conversation's messages to one socket exactly once and in order. A live message
 * from the bus goes straight through when it is the next expected; a gap (a message another node
 * published late) is filled from the store, which holds every message before it is published.
 * Messages `skip` rejects (notes, for a visitor) advance the position silently, as do the socket's
 * own lines, live or read from the store (its acks told it their sequence numbers).
 *
 * The socket has been given every message in (`floor`, `lastSeq`]. A client's `resume` never
 * moves that back: what it asks for inside that range was sent already (or is on its way), and
 * only what lies before `floor` is read and sent, once.
 */
export class DeliveryStream {
  private lastSeq: number;
  private floor: number;
  /** A `resume` from before `floor`, waiting for the sync loop: the lowest position asked for. */
  private backfillFrom: number | undefined;
  private running: Promise<void> | undefined;
  private pending: Array<{ m: Message; own: boolean }> = [];
  /**
   * Echo ids this socket sent whose lines it has not passed yet, oldest first: one or two, mostly.
   * An array, not a Set: a Set that empties after each line gets a new hash table each time (V8
   * shrinks it), and under W3's paced load that churn doubled the chat's p99 (bench/notes.md).
   */
  private readonly sent: string[] = [];
  private readonly skip: (m: Message) => boolean;
  private readonly author: (m: Message) => boolean;
  private closed = false;

  constructor(
    private readonly fetch: FetchAfter,
    private readonly deliver: (m: Message) => void,
    opts: StreamOptions = {},
  ) {
    this.skip = opts.skip ?? (() => false);
    this.author = opts.author ?? (() => false);
    this.lastSeq = opts.startAfter ?? 0;
    this.floor = this.lastSeq;
  }

  /** This socket sends a line: read back from the store, it is not sent to it again (its ack is). */
  sending(echoId: string): void {
    if (this.sent.includes(echoId)) return;
    this.sent.push(echoId);
    if (this.sent.length > MAX_SENDING) this.sent.shift();
  }

  /** The last sequence number delivered (or skipped). */
  get position(): number {
    return this.lastSeq;
  }

  /** A message from the bus; `own` when this socket sent it. */
  onLive(m: Message, own = false): void {
    if (this.closed || m.seq <= this.lastSeq) return;
    if (!this.running && m.seq === this.lastSeq + 1) {
      this.lastSeq = m.seq;
      this.give(m, own);
      return;
    }
    this.pending.push({ m, own });
    void this.sync();
  }

  /**
   * The client has everything up to `afterSeq`: sends what it lacks from the store, then continues
   * live (a client's `resume`, a catch-up after listening). Resolves once that is sent.
   */
  resume(afterSeq: number): Promise<void> {
    if (afterSeq < this.floor) this.backfillFrom = Math.min(this.backfillFrom ?? afterSeq, afterSeq);
    else if (afterSeq > this.lastSeq) this.lastSeq = afterSeq;
    return this.sync();
  }

  private sync(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.running ??= this.loop().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async loop(): Promise<void> {
    for (let rounds = 0; rounds < 20 && !this.closed; rounds++) {
      if (this.backfillFrom !== undefined) await this.backfill();
      const page = await this.fetch(this.lastSeq);
      if (this.closed) return;
      for (const m of page) {
        if (m.seq <= this.lastSeq) continue;
        this.lastSeq = m.seq;
        this.give(m, false);
      }
      if (page.length >= STREAM_PAGE) continue;
      this.pending.sort((a, b) => a.m.seq - b.m.seq);
      while (this.pending.length > 0) {
        const { m, own } = this.pending[0]!;
        if (m.seq <= this.lastSeq) this.pending.shift();
        else if (m.seq === this.lastSeq + 1) {
          this.pending.shift();
          this.lastSeq = m.seq;
          this.give(m, own);
        } else break;
      }
      if (this.pending.length === 0 && this.backfillFrom === undefined) return;
    }
  }

  /** Sends what lies between a `resume` from before `floor` and `floor`: older, never sent here. */
  private async backfill(): Promise<void> {
    while (this.backfillFrom !== undefined && !this.closed) {
      let cursor = this.backfillFrom;
      const until = this.floor;
      this.backfillFrom = undefined;
      this.floor = cursor;
      while (cursor < until && !this.closed) {
        const page = await this.fetch(cursor);
        for (const m of page) {
          if (m.seq <= cursor || this.closed) continue;
          if (m.seq > until) {
            cursor = until;
            break;
          }
          cursor = m.seq;
          this.give(m, false);
        }
        if (page.length < STREAM_PAGE) break;
      }
    }
  }

  /** Sends a message unless it is the socket's own line (`own`: it came back live) or skipped. */
  private give(m: Message, own: boolean): void {
    const at = m.echoId === null ? -1 : this.sent.indexOf(m.echoId);
    if (at >= 0 && this.author(m)) {
      // Taken out in place: no new array.
      this.sent.copyWithin(at, at + 1);
      this.sent.length--;
      own = true;
    }
    if (!own && !this.skip(m)) this.deliver(m);
  }

  close(): void {
    this.closed = true;
    this.pending = [];
  }
}
