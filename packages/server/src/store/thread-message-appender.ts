import { Worker } from 'node:worker_threads';
import { AppError } from '../errors.ts';
import type { AppendItem, AppendResult } from './messages-repo.ts';
import type { AppendReply, AppendRequest } from './sqlite-messages-body.ts';
import type { HoldableConnection } from './wal-checkpoints.ts';

/** Where chat messages are committed: the store's own connection, or a thread of their own. */
export interface MessageAppender {
  /** Stores a batch of sends in one transaction (see MessagesRepo.appendBatch); results in input order. */
  appendBatch(items: readonly AppendItem[], now?: number): Promise<AppendResult[]>;
  close(): Promise<void>;
}

interface Waiting {
  resolve: (r: AppendResult[]) => void;
  reject: (err: Error) => void;
}

/**
 * Chat messages of a SQLite file committed on a thread with its own connection: the socket thread
 * only posts each group commit's sends and gets the results (after the commit) back, so the
 * transaction's SQL runs beside the sockets instead of between them. The thread starts with the
 * first batch; until it is ready (it loads its code: a second or two), batches go to `fallback`,
 * the store's own connection, so no send waits for it. If it cannot start or dies, the batches it held fail (whether they were committed
 * is unknown; a retry is safe by echo id, see MessageWriter) and `fallback`, the store's own
 * connection, takes the next ones.
 */
export class ThreadMessageAppender implements MessageAppender, HoldableConnection {
  private worker: Worker | null = null;
  /** While the WAL checkpointer holds the writers: new batches wait for this. */
  private held: Promise<void> | null = null;
  /** Told when no batch is on the thread any more. */
  private idle: (() => void)[] = [];
  private ready = false;
  private dead = false;
  private nextId = 0;
  private readonly waiting = new Map<number, Waiting>();

  constructor(
    private readonly file: string,
    private readonly fallback: MessageAppender,
  ) {}

  /** True once batches go to the thread (until it dies). */
  get onThread(): boolean {
    return this.ready && !this.dead;
  }

  async appendBatch(items: readonly AppendItem[], now?: number): Promise<AppendResult[]> {
    if (items.length === 0) return [];
    while (this.held) await this.held;
    const worker = this.start();
    if (!worker || !this.ready) return this.fallback.appendBatch(items, now);
    return new Promise((resolve, reject) => {
      const id = ++this.nextId;
      this.waiting.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ id, items: items as AppendItem[], now } satisfies AppendRequest);
    });
  }

  /**
   * Holds new batches (they wait here) and resolves, with the release, once the thread has none:
   * the checkpointer's reset pass then finds no writer on this side (see wal-checkpoints.ts).
   */
  async hold(): Promise<() => void> {
    while (this.held) await this.held;
    let open!: () => void;
    this.held = new Promise<void>((resolve) => {
      open = resolve;
    });
    if (this.waiting.size > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
    return () => {
      if (!this.held) return;
      this.held = null;
      open();
    };
  }

  async close(): Promise<void> {
    const w = this.worker;
    if (w && !this.dead) {
      // Every batch posted has its reply before the thread goes.
      while (this.waiting.size > 0) await new Promise((r) => setTimeout(r, 5));
      this.dead = true;
      this.worker = null;
      await w.terminate();
    }
    await this.fallback.close();
  }

  private start(): Worker | null {
    if (this.worker || this.dead) return this.worker;
    const worker = new Worker(new URL('./sqlite-writer-worker.js', import.meta.url), {
      workerData: { file: this.file, body: 'sqlite-messages-body.ts' },
    });
    this.worker = worker;
    worker.unref();
    worker.on('message', (m: AppendReply) => this.reply(m));
    worker.on('error', (err) => this.died(err));
    worker.on('exit', (code) => this.died(new Error(`messages thread exited (${code})`)));
    return worker;
  }

  private reply(m: AppendReply): void {
    if ('ready' in m) {
      this.ready = true;
      return;
    }
    const w = this.waiting.get(m.id);
    if (!w) return;
    this.waiting.delete(m.id);
    if (this.waiting.size === 0) this.settled();
    if ('failed' in m) {
      w.reject(Object.assign(new Error(m.failed.message), { code: m.failed.code }));
      return;
    }
    w.resolve(
      m.results.map((r) =>
        r.ok ? r : { ok: false, error: new AppError(r.error.status, r.error.code, r.error.message) },
      ),
    );
  }

  private died(err: Error): void {
    if (this.dead) return;
    this.dead = true;
    this.worker = null;
    for (const w of this.waiting.values()) w.reject(err);
    this.waiting.clear();
    this.settled();
  }

  private settled(): void {
    this.worker?.unref();
    for (const done of this.idle.splice(0)) done();
  }
}
