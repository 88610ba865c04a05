import type { Kysely } from 'kysely';
import type { EventFrame, EventRow } from './event-rows.ts';
import { kyselyInserter, salvageBatch, type WriteBatch, writeBatch } from './events-batch.ts';
import type { ExposureRow, OutcomeUpdate } from './exposures-repo.ts';
import type { Database } from './schema.ts';
import { isStoreUnavailable } from './store-availability.ts';
import type { VisitorRow, VisitorSessionRow } from './visitors-repo.ts';

export type { EventFrame, EventRow } from './event-rows.ts';

/** What the writer reports, so the engagement layer can count and log without the store knowing it. */
export interface WriterObserver {
  flushed(rows: number, seconds: number): void;
  failed(err: unknown, willRetry: boolean): void;
  dropped(rows: number): void;
}

export interface WriterOptions {
  /** Longest a row waits before its flush starts (ms). */
  flushIntervalMs: number;
  /** A flush starts at once when this many rows are waiting. */
  maxRows: number;
  /** Rows kept while the store is failing or falling behind; beyond this the oldest events are dropped (and counted). */
  maxBuffered: number;
  /** Transactions tried before a failing batch is written row by row, skipping rows the store refuses. */
  maxAttempts: number;
}

const DEFAULTS: WriterOptions = { flushIntervalMs: 10, maxRows: 500, maxBuffered: 200_000, maxAttempts: 3 };

interface Batch extends WriteBatch {
  /** Event rows the frames hold. */
  frameRows: number;
  attempts: number;
}

const size = (b: Batch) =>
  b.events.length +
  b.frameRows +
  b.exposures.length +
  b.outcomes.length +
  b.visitors.length +
  b.sessions.length;

/** The write-behind path as the tracker sees it, wherever it runs (here, or on a writer thread). */
export interface EventsWriterPort {
  configure(options: Partial<WriterOptions>): void;
  observe(observer: WriterObserver): void;
  /** Rows accepted but not yet committed. */
  readonly pending: number;
  appendEvent(row: EventRow): void;
  /** Appends a whole accepted batch frame, stored one row per event when written. */
  appendFrame(frame: EventFrame): void;
  addExposure(row: ExposureRow): void;
  addOutcome(update: OutcomeUpdate): void;
  /** Latest wins: several snapshots of one visitor between flushes cost one row. */
  putVisitor(row: VisitorRow): void;
  putSession(row: VisitorSessionRow): void;
  /** Writes everything accepted so far; resolves once it is committed (or given up on). */
  flush(): Promise<void>;
  /** Flushes, then releases what the writer holds (a writer thread stops). */
  close(): Promise<void>;
}

/**
 * The write-behind path of the tracker: events, exposures, outcomes, visitor snapshots and sessions
 * are buffered in memory and written in one transaction per flush (every few ms or few hundred rows),
 * so the hot path never awaits the store. Visitor and session rows are coalesced by key. With a
 * SQLite file this class runs on the writer thread (see `thread-events-writer.ts`).
 */
export class EventsWriter implements EventsWriterPort {
  private events: EventRow[] = [];
  private frames: EventFrame[] = [];
  private frameRows = 0;
  private exposures: ExposureRow[] = [];
  private outcomes: OutcomeUpdate[] = [];
  private visitors = new Map<string, VisitorRow>();
  private sessions = new Map<string, VisitorSessionRow>();
  private retry: Batch | null = null;
  /** Flushes in a row that found the store unreachable (their pause grows). */
  private outageRetries = 0;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private observer: WriterObserver | null = null;
  private readonly opts: WriterOptions;

  constructor(
    private readonly db: Kysely<Database>,
    options: Partial<WriterOptions> = {},
  ) {
    this.opts = { ...DEFAULTS, ...options };
  }

  /** Changes timing or limits (the engagement layer applies its configuration). */
  configure(options: Partial<WriterOptions>): void {
    Object.assign(this.opts, options);
  }

  observe(observer: WriterObserver): void {
    this.observer = observer;
  }

  /** Rows waiting to be written. */
  get pending(): number {
    return (
      this.events.length +
      this.frameRows +
      this.exposures.length +
      this.outcomes.length +
      this.visitors.size +
      this.sessions.size +
      (this.retry ? size(this.retry) : 0)
    );
  }

  appendEvent(row: EventRow): void {
    this.events.push(row);
    this.schedule();
  }

  appendFrame(frame: EventFrame): void {
    this.frames.push(frame);
    this.frameRows += frame.rows;
    this.schedule();
  }

  addExposure(row: ExposureRow): void {
    this.exposures.push(row);
    this.schedule();
  }

  addOutcome(update: OutcomeUpdate): void {
    this.outcomes.push(update);
    this.schedule();
  }

  putVisitor(row: VisitorRow): void {
    this.visitors.set(`${row.site_id}\u0000${row.id}`, row);
    this.schedule();
  }

  putSession(row: VisitorSessionRow): void {
    this.sessions.set(row.id, row);
    this.schedule();
  }

  async flush(): Promise<void> {
    while (this.running || this.pending > 0) {
      if (this.running) await this.running;
      else this.start();
    }
  }

  private schedule(): void {
    if (this.running) {
      // The running flush re-arms when it ends; meanwhile memory stays bounded if the store falls behind.
      if (this.pending > this.opts.maxBuffered) this.trimBuffers();
      return;
    }
    if (this.events.length + this.frameRows + this.exposures.length >= this.opts.maxRows) {
      this.start();
      return;
    }
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.running) this.start();
    }, this.opts.flushIntervalMs);
    this.timer.unref();
  }

  private start(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const batch = this.take();
    if (size(batch) === 0) return;
    this.running = this.write(batch).finally(() => {
      this.running = null;
      if (this.pending > 0) this.schedule();
    });
  }

  private take(): Batch {
    if (this.retry) {
      const b = this.retry;
      this.retry = null;
      return b;
    }
    const b: Batch = {
      events: this.events,
      frames: this.frames,
      frameRows: this.frameRows,
      exposures: this.exposures,
      outcomes: this.outcomes,
      visitors: [...this.visitors.values()],
      sessions: [...this.sessions.values()],
      attempts: 0,
    };
    this.events = [];
    this.frames = [];
    this.frameRows = 0;
    this.exposures = [];
    this.outcomes = [];
    this.visitors = new Map();
    this.sessions = new Map();
    return b;
  }

  private async write(batch: Batch): Promise<void> {
    const started = performance.now();
    try {
      await this.db.transaction().execute((trx) => writeBatch(trx, batch, kyselyInserter(trx)));
      this.observer?.flushed(size(batch), (performance.now() - started) / 1000);
      this.outageRetries = 0;
    } catch (err) {
      // An unreachable store is not the batch's fault: it is kept (memory bounded by trimBuffers)
      // and tried again with a growing pause until the store is back, rather than given up on.
      const outage = isStoreUnavailable(err);
      if (outage) this.outageRetries++;
      else batch.attempts++;
      const willRetry = outage || batch.attempts < this.opts.maxAttempts;
      this.observer?.failed(err, willRetry);
      if (willRetry) {
        this.retry = batch;
        this.trimBuffers();
        const pause = outage ? Math.min(1000, 50 * 2 ** this.outageRetries) : 50 * batch.attempts;
        await new Promise((r) => setTimeout(r, pause));
      } else {
        await this.salvage(batch);
      }
    }
  }

  /** Writes a batch that keeps failing one row at a time, dropping only the rows the store refuses. */
  private async salvage(batch: Batch): Promise<void> {
    let dropped: number;
    try {
      dropped = await salvageBatch(this.db, batch, kyselyInserter(this.db));
    } catch {
      dropped = size(batch);
    }
    if (dropped > 0) this.observer?.dropped(dropped);
  }

  /**
   * Bounds memory while the store is down or behind: the oldest frames go first, and the rows of
   * custom events and purchases (what attribution counts revenue from) only when no frame is left.
   */
  private trimBuffers(): void {
    let over = this.pending - this.opts.maxBuffered;
    if (over <= 0) return;
    let dropped = 0;
    let f = 0;
    for (; over > 0 && f < this.frames.length; f++) {
      const rows = this.frames[f]!.rows;
      over -= rows;
      dropped += rows;
      this.frameRows -= rows;
    }
    this.frames.splice(0, f);
    const n = Math.max(0, Math.min(over, this.events.length));
    this.events.splice(0, n);
    dropped += n;
    if (dropped > 0) this.observer?.dropped(dropped);
  }

  async close(): Promise<void> {
    await this.flush();
  }
}
