import { type CompiledMasking, maskText } from '@beckon/core/masking/message-masking';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { liveLine } from '../ops/socket-turns.ts';
import type { AppendItem, AppendResult } from '../store/messages-repo.ts';
import type { Store } from '../store/store.ts';
import { describeStoreError, isStoreUnavailable, storeUnavailable } from '../store/store-availability.ts';
import { Deferral } from '../store/wal-sync.ts';

interface Pending {
  item: AppendItem;
  origin?: string;
  resolve: (r: AppendResult) => void;
}

/** A message that was just committed, with the socket that sent it (so that socket is not echoed). */
export interface Committed {
  result: AppendResult & { ok: true };
  origin?: string;
  accountId: string;
}

/** Each account's masking rules: at once when at hand, else once read (`MessageMasker`). */
export interface MaskingSource {
  rules(accountId: string): CompiledMasking | Promise<CompiledMasking>;
}

/** The item as it may be stored: its text, the channel's payload and a bot's card masked. */
export function maskedItem(item: AppendItem, rules: CompiledMasking): AppendItem {
  const mask = (s: string) => maskText(s, rules);
  const out: AppendItem = { ...item, text: mask(item.text) };
  if (item.outboxPayload !== undefined)
    out.outboxPayload = JSON.stringify(maskStrings(JSON.parse(item.outboxPayload), mask));
  if (item.rich !== undefined) out.rich = maskStrings(item.rich, mask);
  return out;
}

/** Every string of a JSON value masked (keys stay). */
function maskStrings<T>(value: T, mask: (s: string) => string): T {
  if (typeof value === 'string') return mask(value) as T;
  if (Array.isArray(value)) return value.map((v) => maskStrings(v, mask)) as T;
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskStrings(v, mask)])) as T;
  return value;
}

/**
 * Group commit for messages: sends from every socket of this node are collected while the
 * previous batch is being written (at least until the end of the current event-loop turn), then
 * written in one transaction. Each sender learns its result only after that commit; then the
 * new messages are handed to `onCommitted` for publishing.
 *
 * Two commits start at least `commitGapMs` apart. A send after a quiet spell is written at once;
 * under a steady load of a few sends per millisecond, each would otherwise get a commit of its
 * own, whose fixed cost (a transaction, the conversations read, a wake-up of every socket
 * written to) then dominates the node's CPU. Waiting up to the gap gathers them: W3 at half load
 * spends about a sixth less CPU (bench/notes.md), for at most the gap more latency. At full load
 * commits are further apart than the gap anyway.
 *
 * The gap widens as the thread fills (`busyCommitGap`): near its busiest, a commit's fixed cost is
 * what a line waits behind, and fewer commits free the thread for the lines themselves.
 *
 * Every line is masked here, before it joins a batch: this is where every channel's lines, both
 * ways, are stored, so the store, the published events and whatever reads them (webhooks,
 * automation, bots, a model) get the masked text only. A send waits for its account's rules only
 * when the node has not read them yet; sends keep their order meanwhile.
 */
export class MessageWriter {
  private queue: Pending[] = [];
  private flushing: Promise<void> | null = null;
  private scheduled = false;
  /** Batches committed whose WAL sync has not finished: their senders are not answered yet. */
  private readonly syncing = new Set<Promise<void>>();
  /** When the last batch's transaction started (performance.now()). */
  private lastStart = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly store: Store,
    private readonly onCommitted: (batch: Committed[]) => void,
    private readonly log: Logger,
    /** The least time between two commits' starts (ms), or how to read it as each is scheduled. */
    private readonly commitGapMs: number | (() => number) = 0,
    private readonly maxBatch = 500,
    private readonly masking?: MaskingSource,
  ) {}

  /** Sends waiting for their account's masking rules, in order: later sends queue behind them. */
  private masked: Promise<void> | null = null;

  /** Stores a message (idempotent on its echo id), masked; resolves after commit. */
  append(item: AppendItem, origin?: string): Promise<AppendResult> {
    liveLine();
    return new Promise((resolve) => {
      const rules = this.masking?.rules(item.accountId);
      if (rules === undefined || (!(rules instanceof Promise) && !this.masked)) {
        this.queue.push({ item: rules ? maskedItem(item, rules) : item, origin, resolve });
        this.kick();
        return;
      }
      const waiting = Promise.all([this.masked, rules]).then(
        ([, r]) => {
          this.queue.push({ item: maskedItem(item, r), origin, resolve });
          this.kick();
        },
        (err: unknown) => {
          this.log.warn(
            { err, conversationId: item.conversationId },
            'masking rules not read; message not stored',
          );
          const error = isStoreUnavailable(err)
            ? storeUnavailable()
            : new AppError(500, 'internal', 'the message could not be stored; retry');
          resolve({ ok: false, error });
        },
      );
      this.masked = waiting;
      void waiting.finally(() => {
        if (this.masked === waiting) this.masked = null;
      });
    });
  }

  private kick(): void {
    if (this.scheduled || this.flushing) return;
    this.scheduled = true;
    const go = () => {
      this.scheduled = false;
      this.flushing = this.drain().finally(() => {
        this.flushing = null;
        if (this.queue.length > 0) this.kick();
      });
    };
    const gap = typeof this.commitGapMs === 'number' ? this.commitGapMs : this.commitGapMs();
    const wait = this.lastStart + gap - performance.now();
    if (wait > 0) setTimeout(go, wait);
    else setImmediate(go);
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.lastStart = performance.now();
      // The next batch is gathered and committed while this one's WAL sync runs in the thread pool.
      const deferral = this.store.walSync ? new Deferral() : undefined;
      const results = await this.write(
        batch.map((p) => p.item),
        deferral,
      );
      const durable = deferral ? deferral.durable() : Promise.resolve();
      const settled = durable.then(
        () => this.settle(batch, results),
        (err: unknown) => {
          this.log.error({ err, size: batch.length }, 'messages committed but not synced to disk');
          const error = new AppError(500, 'internal', 'the message could not be stored; retry');
          this.settle(
            batch,
            batch.map(() => ({ ok: false as const, error })),
          );
        },
      );
      this.syncing.add(settled);
      void settled.finally(() => this.syncing.delete(settled));
    }
  }

  /** Answers each sender once its batch is on disk, then publishes the new messages. */
  private settle(batch: Pending[], results: AppendResult[]): void {
    const committed: Committed[] = [];
    for (let i = 0; i < batch.length; i++) {
      const r = results[i]!;
      batch[i]!.resolve(r);
      if (r.ok && !r.duplicate)
        committed.push({ result: r, origin: batch[i]!.origin, accountId: batch[i]!.item.accountId });
    }
    if (committed.length > 0) {
      try {
        this.onCommitted(committed);
      } catch (err) {
        this.log.error({ err }, 'publishing committed messages failed');
      }
    }
  }

  /** One transaction for the batch; if it fails as a whole (a race on an echo id, a deadlock), each item alone. */
  private async write(items: AppendItem[], deferral?: Deferral): Promise<AppendResult[]> {
    try {
      return await this.store.messages.appendBatch(items, undefined, deferral);
    } catch (err) {
      // The store is down: every send fails alike, so none is tried alone; clients resend later.
      if (isStoreUnavailable(err)) {
        this.log.warn(
          { err: describeStoreError(err), size: items.length },
          'messages not stored: the store is unreachable',
        );
        const error = storeUnavailable();
        return items.map(() => ({ ok: false as const, error }));
      }
      if (items.length > 1)
        this.log.warn({ err, size: items.length }, 'message batch failed; writing one by one');
      const out: AppendResult[] = [];
      for (const item of items) {
        try {
          out.push((await this.store.messages.appendBatch([item], undefined, deferral))[0]!);
        } catch (e) {
          this.log.error({ err: e, conversationId: item.conversationId }, 'message not stored');
          out.push({
            ok: false,
            error: new AppError(500, 'internal', 'the message could not be stored; retry'),
          });
        }
      }
      return out;
    }
  }

  /** Waits until every accepted send is written and answered (shutdown). */
  async drained(): Promise<void> {
    while (this.masked || this.flushing || this.scheduled || this.queue.length > 0 || this.syncing.size > 0) {
      if (this.masked) await this.masked;
      else if (this.flushing) await this.flushing;
      else if (this.syncing.size > 0) await Promise.all(this.syncing);
      else await new Promise((r) => setImmediate(r));
    }
  }
}

/** From this busy share of the socket thread the commit gap widens, and at `GAP_WIDEST_AT` it is widest. */
const GAP_WIDENS_FROM = 0.5;
const GAP_WIDEST_AT = 0.8;

/**
 * The commit gap as the socket thread's busy share sets it (`threadBusyShare`, the last 50–100 ms):
 * `baseMs` up to half busy, then growing in step with the share up to `busyMs` at 80 %. A chat's
 * lines at light load are stored at once; under load, commits gather more lines each. W3 at half
 * load: a gap of 5 ms instead of 2 took about a fifth of the node's CPU away (bench/notes.md), and a
 * thread past 75 % busy is where a chat's tail grows fastest. The share falls as the gap widens,
 * so the gap settles where the two meet rather than swinging between its ends.
 */
export function busyCommitGap(baseMs: number, busyMs: number, busyShare: () => number): () => number {
  if (busyMs <= baseMs) return () => baseMs;
  return () => {
    const f = (busyShare() - GAP_WIDENS_FROM) / (GAP_WIDEST_AT - GAP_WIDENS_FROM);
    return baseMs + Math.min(1, Math.max(0, f)) * (busyMs - baseMs);
  };
}
