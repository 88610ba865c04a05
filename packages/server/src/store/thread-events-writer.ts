import { Worker } from 'node:worker_threads';
import { threadExecArgv } from '../thread-argv.ts';
import { type EventFrame, type EventRow, flattenFrames } from './event-rows.ts';
import type { EventsWriterPort, WriterObserver, WriterOptions } from './events-writer.ts';
import type { ExposureRow, OutcomeUpdate } from './exposures-repo.ts';
import { DEFAULT_SQLITE_SYNCHRONOUS, type SqliteSynchronous } from './store-config.ts';
import type { VisitorRow, VisitorSessionRow } from './visitors-repo.ts';

/** Rows handed to the thread at once when this many are waiting (else after POST_MS). */
const POST_ROWS = 256;
const POST_MS = 2;

/** What the thread tells this side (see sqlite-writer-body.ts). */
type FromThread =
  | { t: 'ready' }
  | { t: 'flushed'; rows: number; seconds: number }
  | { t: 'failed'; message: string; code?: string; willRetry: boolean }
  | { t: 'dropped'; rows: number }
  | { t: 'state'; received: number; pending: number; reply?: number };

interface Ops {
  events: EventRow[];
  frames: EventFrame[];
  exposures: ExposureRow[];
  outcomes: OutcomeUpdate[];
  visitors: VisitorRow[];
  sessions: VisitorSessionRow[];
  rows: number;
}

const emptyOps = (): Ops => ({
  events: [],
  frames: [],
  exposures: [],
  outcomes: [],
  visitors: [],
  sessions: [],
  rows: 0,
});

/**
 * The events writer of a SQLite file, run on a thread with its own connection: this side only
 * collects rows for a couple of milliseconds and posts them, so the inserts, the commits and the
 * writer's backlog all live off the thread
 * that serves sockets. The thread starts with the first row; until it is ready rows wait here. If
 * it cannot start or dies, `fallback` (a writer on the store's own connection) takes over.
 */
export class ThreadEventsWriter implements EventsWriterPort {
  private worker: Worker | null = null;
  private ready = false;
  private dead = false;
  private ops = emptyOps();
  private timer: NodeJS.Timeout | null = null;
  private observer: WriterObserver | null = null;
  private options: Partial<WriterOptions> = {};
  /** Rows posted so far, and what the thread last said it had received and still holds. */
  private posted = 0;
  private received = 0;
  private threadPending = 0;
  private nextReply = 0;
  private readonly replies = new Map<number, () => void>();

  constructor(
    private readonly file: string,
    private readonly fallback: EventsWriterPort,
    /** The thread's connection commits as durably as the store's. */
    private readonly synchronous: SqliteSynchronous = DEFAULT_SQLITE_SYNCHRONOUS,
  ) {}

  configure(options: Partial<WriterOptions>): void {
    Object.assign(this.options, options);
    this.fallback.configure(options);
    if (this.ready) this.worker!.postMessage({ t: 'configure', options });
  }

  observe(observer: WriterObserver): void {
    this.observer = observer;
    this.fallback.observe(observer);
  }

  get pending(): number {
    if (this.dead) return this.fallback.pending + this.ops.rows;
    return this.ops.rows + (this.posted - this.received) + this.threadPending;
  }

  appendEvent(row: EventRow): void {
    this.ops.events.push(row);
    this.added(1);
  }

  appendFrame(frame: EventFrame): void {
    this.ops.frames.push(frame);
    this.added(frame.rows);
  }

  addExposure(row: ExposureRow): void {
    this.ops.exposures.push(row);
    this.added(1);
  }

  addOutcome(update: OutcomeUpdate): void {
    this.ops.outcomes.push(update);
    this.added(1);
  }

  putVisitor(row: VisitorRow): void {
    this.ops.visitors.push(row);
    this.added(1);
  }

  putSession(row: VisitorSessionRow): void {
    this.ops.sessions.push(row);
    this.added(1);
  }

  async flush(): Promise<void> {
    if (this.dead) {
      this.handOver();
      return this.fallback.flush();
    }
    // Nothing was ever written: no thread to start (a node that closes without events).
    if (!this.worker && this.ops.rows === 0) return;
    this.start();
    await new Promise<void>((resolve) => {
      const id = ++this.nextReply;
      this.replies.set(id, resolve);
      this.holdOpen();
      if (this.ready) {
        this.post();
        this.worker!.postMessage({ t: 'flush', id });
      }
      // else: sent with the rows waiting here once the thread is ready
    });
    if (this.dead) await this.fallback.flush();
  }

  async close(): Promise<void> {
    if (this.worker && !this.dead) await this.flush();
    const w = this.worker;
    this.worker = null;
    if (w && !this.dead) {
      this.dead = true;
      await w.terminate();
    }
    await this.fallback.close();
  }

  private added(rows: number): void {
    this.ops.rows += rows;
    if (this.dead) {
      this.handOver();
      return;
    }
    this.start();
    if (!this.ready) return;
    if (this.ops.rows >= POST_ROWS) this.post();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.post(), POST_MS);
      this.timer.unref();
    }
  }

  /** Posts the rows waiting here to the thread (frames flattened: cloning keyed objects costs more). */
  private post(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.ops.rows === 0 || !this.ready) return;
    const { frames, ...ops } = this.ops;
    this.ops = emptyOps();
    this.posted += ops.rows;
    this.worker!.postMessage({ t: 'rows', ops, frames: flattenFrames(frames) });
    this.holdOpen();
  }

  private start(): void {
    if (this.worker || this.dead) return;
    const worker = new Worker(new URL('./sqlite-writer-worker.js', import.meta.url), {
      workerData: { file: this.file, options: this.options, synchronous: this.synchronous },
      execArgv: threadExecArgv(),
    });
    this.worker = worker;
    worker.on('message', (m: FromThread) => this.message(m));
    worker.on('error', (err) => this.died(err));
    worker.on('exit', (code) => this.died(new Error(`events writer thread exited (${code})`)));
  }

  private message(m: FromThread): void {
    switch (m.t) {
      case 'ready':
        this.ready = true;
        this.worker!.postMessage({ t: 'configure', options: this.options });
        this.post();
        for (const id of this.replies.keys()) this.worker!.postMessage({ t: 'flush', id });
        this.holdOpen();
        return;
      case 'flushed':
        this.observer?.flushed(m.rows, m.seconds);
        return;
      case 'failed':
        this.observer?.failed(Object.assign(new Error(m.message), { code: m.code }), m.willRetry);
        return;
      case 'dropped':
        this.observer?.dropped(m.rows);
        return;
      case 'state': {
        this.received = m.received;
        this.threadPending = m.pending;
        const done = m.reply === undefined ? undefined : this.replies.get(m.reply);
        if (done) {
          this.replies.delete(m.reply!);
          done();
        }
        this.holdOpen();
        return;
      }
    }
  }

  /** The thread keeps the process alive only while it holds rows (a shutdown waits for them). */
  private holdOpen(): void {
    if (this.replies.size > 0 || this.pending > 0) this.worker?.ref();
    else this.worker?.unref();
  }

  private died(err: Error): void {
    if (this.dead) return;
    this.dead = true;
    this.worker = null;
    const lost = this.posted - this.received + this.threadPending;
    this.observer?.failed(err, false);
    if (lost > 0) this.observer?.dropped(lost);
    this.handOver();
    for (const done of this.replies.values()) done();
    this.replies.clear();
  }

  /** After the thread is gone, rows go to the store's own connection. */
  private handOver(): void {
    const ops = this.ops;
    this.ops = emptyOps();
    const f = this.fallback;
    for (const r of ops.events) f.appendEvent(r);
    for (const r of ops.frames) f.appendFrame(r);
    for (const r of ops.exposures) f.addExposure(r);
    for (const r of ops.outcomes) f.addOutcome(r);
    for (const r of ops.visitors) f.putVisitor(r);
    for (const r of ops.sessions) f.putSession(r);
  }
}
