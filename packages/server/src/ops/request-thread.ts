import { Worker } from 'node:worker_threads';
import { threadExecArgv } from '../thread-argv.ts';

/** What the node posts to a request thread. */
export type ToRequestThread<Q> = { t: 'ask'; id: number; req: Q } | { t: 'close' };

/** What a request thread answers: that it is ready, then one answer per request. */
export type FromRequestThread<A, E> =
  | { t: 'ready' }
  | { t: 'answer'; id: number; ok: true; value: A }
  | { t: 'answer'; id: number; ok: false; error: E };

/** How a `RequestThread` starts its worker and reads its answers. */
export interface RequestThreadOptions<A, E, R> {
  /** The worker's entry (plain JavaScript that registers the TypeScript loader). */
  entry: URL;
  workerData: unknown;
  /** The answer as the caller gets it (a Buffer made again from the copied bytes…). */
  value: (answer: A) => R;
  /** A failure the thread reported, as the caller's error. */
  error: (error: E) => Error;
  /** The error of a request the thread had in hand when it failed or ended. */
  lost: (why: string) => Error;
  /** On `close`: ask the thread to end by itself (it closes what it holds), or terminate it once idle. */
  onClose: 'ask' | 'terminate';
}

/**
 * The thread starts at the 20th request made before it was ready. A node that sends a few (an
 * agent's replies) keeps them on its own thread, where they cost little, and never pays for a
 * thread's start; a burst (a broadcast) starts it.
 */
const START_AFTER = 20;

/**
 * A worker thread that answers requests by id, for work that would take the thread serving sockets
 * (mails, provider requests). It starts at the 20th request and signals when ready;
 * callers ask `takes()` and do the work themselves until then. It keeps the process alive only
 * while requests are in hand. A thread gone with requests in hand fails them with `lost`; the next
 * `start` begins another.
 */
export class RequestThread<Q, A, E, R> {
  private worker: Worker | null = null;
  /** The thread has started and takes requests. */
  private ready = false;
  private readonly readyWaits: (() => void)[] = [];
  private readonly pending = new Map<number, { resolve: (value: R) => void; reject: (err: Error) => void }>();
  private nextId = 1;
  private closed = false;
  /** Requests made before the thread was ready. */
  private before = 0;

  constructor(private readonly o: RequestThreadOptions<A, E, R>) {}

  /**
   * Whether the thread takes this request; when not (not yet ready, or closed), the caller does it,
   * and enough of those start the thread.
   */
  takes(): boolean {
    if (this.closed) return false;
    if (this.ready) return true;
    if (++this.before >= START_AFTER) this.start();
    return false;
  }

  /** Starts the thread when it is not running (and not closed). */
  start(): void {
    if (this.worker || this.closed) return;
    const worker = new Worker(this.o.entry, { workerData: this.o.workerData, execArgv: threadExecArgv() });
    this.worker = worker;
    worker.unref();
    worker.on('message', (m: FromRequestThread<A, E>) => {
      if (this.worker !== worker) return;
      if (m.t === 'ready') {
        this.ready = true;
        for (const done of this.readyWaits.splice(0)) done();
      } else if (m.ok) this.settle(m.id, null, this.o.value(m.value));
      else this.settle(m.id, this.o.error(m.error));
    });
    const gone = (why: string) => {
      if (this.worker !== worker) return;
      this.worker = null;
      this.ready = false;
      for (const id of [...this.pending.keys()]) this.settle(id, this.o.lost(why));
    };
    worker.on('error', (err) => gone(`failed: ${err.message}`));
    worker.on('exit', (code) => gone(`exited (${code})`));
  }

  /** Starts the thread and resolves once it takes requests (tests; a warm start). */
  started(): Promise<void> {
    this.start();
    if (this.ready) return Promise.resolve();
    return new Promise((resolve) => this.readyWaits.push(resolve));
  }

  /** Hands a request to the ready thread; `cannot` turns a value that cannot be copied into the caller's error. */
  ask(req: Q, cannot: (err: Error) => Error): Promise<R> {
    const worker = this.worker;
    if (!worker || !this.ready) return Promise.reject(this.o.lost('is not running'));
    const id = this.nextId++;
    return new Promise<R>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.ref();
      try {
        worker.postMessage({ t: 'ask', id, req } satisfies ToRequestThread<Q>);
      } catch (err) {
        this.settle(id, cannot(err as Error));
      }
    });
  }

  /** Ends the thread: asked at once, or terminated once the requests in hand are answered. */
  close(): void {
    this.closed = true;
    if (this.o.onClose === 'ask') {
      this.worker?.postMessage({ t: 'close' } satisfies ToRequestThread<Q>);
      this.worker?.unref();
    } else if (this.pending.size === 0) this.end();
  }

  private end(): void {
    const worker = this.worker;
    this.worker = null;
    this.ready = false;
    void worker?.terminate();
  }

  private settle(id: number, err: Error | null, value?: R): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    if (this.pending.size === 0) {
      this.worker?.unref();
      if (this.closed && this.o.onClose === 'terminate') this.end();
    }
    if (err) p.reject(err);
    else p.resolve(value as R);
  }
}

/**
 * The thread's side: answers each request with `handle`, a failure as `error` makes it; `close`
 * runs `onClose` and lets the thread end once what it holds has closed.
 */
export function serveRequests<Q, A, E>(
  port: import('node:worker_threads').MessagePort,
  handle: (req: Q) => Promise<A>,
  error: (err: unknown) => E,
  onClose: () => void = () => {},
): void {
  const post = (m: FromRequestThread<A, E>) => port.postMessage(m);
  port.on('message', (m: ToRequestThread<Q>) => {
    if (m.t === 'close') {
      onClose();
      port.close();
      return;
    }
    handle(m.req).then(
      (value) => post({ t: 'answer', id: m.id, ok: true, value }),
      (err: unknown) => post({ t: 'answer', id: m.id, ok: false, error: error(err) }),
    );
  });
  post({ t: 'ready' });
}
