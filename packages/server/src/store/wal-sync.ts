import { closeSync, fdatasync, fsyncSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

/** Flushes one file descriptor to disk, calling back when done (`fs.fdatasync` runs in the thread pool). */
export type Fsync = (fd: number, done: (err: NodeJS.ErrnoException | null) => void) => void;

/**
 * Makes the store connection's commits durable without syncing on the thread that serves sockets.
 * - The connection runs at `PRAGMA synchronous = NORMAL`: a COMMIT writes the WAL and returns.
 * - Each write then awaits `sync()`, which flushes the WAL from the thread pool before the caller
 *   goes on. An acknowledgement therefore still follows the sync, as with `FULL`.
 * - The flush is `fdatasync`: the data and the file's size, not its times. Every write changes
 *   those times, so an `fsync` also commits the file system's journal. That can wait behind other
 *   files' writes, such as a checkpoint's copy (W9, bench/notes.md). SQLite's own syncs (the
 *   checkpointer's) are `fsync`: better-sqlite3 builds it without HAVE_FDATASYNC.
 * - While one flush runs, the socket thread gathers and commits the next writes. They share the
 *   following flush (a group commit): at most one runs, and one more waits.
 * - A write waits for a flush that began after its commit, so every byte it wrote is covered.
 */
export class WalSync {
  private fd: number | null = null;
  private running: Promise<void> | null = null;
  private queued: Promise<void> | null = null;
  /** Flushes begun, for tests and the operations docs. */
  syncs = 0;

  constructor(
    private readonly walFile: string,
    private readonly flush: Fsync = fdatasync,
  ) {}

  /** Open `unsyncedDuring` sections: while any is, commits are not synced one by one. */
  private unsynced = 0;

  /** Resolves once everything committed before this call is on disk. */
  sync(): Promise<void> {
    if (this.unsynced > 0) return Promise.resolve();
    if (!this.running) return this.start();
    this.queued ??= this.running.then(
      () => this.next(),
      () => this.next(),
    );
    return this.queued;
  }

  /**
   * Runs a bulk load (the demo's month of history) with its commits synced once at the end, not one
   * by one: thousands of small commits then take seconds, not a flush each. A crash meanwhile may
   * lose the section's last commits, never the file's consistency (`synchronous = NORMAL`). Only
   * for writes no client has been answered for: every commit of the section is answered unsynced.
   */
  async unsyncedDuring<T>(write: () => Promise<T>): Promise<T> {
    this.unsynced++;
    try {
      return await write();
    } finally {
      this.unsynced--;
      if (this.unsynced === 0) await this.sync();
    }
  }

  private next(): Promise<void> {
    this.queued = null;
    return this.start();
  }

  private start(): Promise<void> {
    this.syncs++;
    const run = new Promise<void>((resolve, reject) => {
      let fd: number;
      try {
        fd = this.open();
      } catch (err) {
        return reject(err);
      }
      this.flush(fd, (err) => (err ? reject(err) : resolve()));
    }).finally(() => {
      if (this.running === run) this.running = null;
    });
    this.running = run;
    return run;
  }

  /**
   * The WAL, opened once: SQLite keeps the same file while any connection is open, truncating or
   * rewriting it in place. The first time, its directory is synced too (once, on this thread), so
   * the file's entry is on disk as well.
   */
  private open(): number {
    if (this.fd !== null) return this.fd;
    this.fd = openSync(this.walFile, 'r');
    const dir = openSync(dirname(this.walFile), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
    return this.fd;
  }

  /** After the last write: lets go of the file. */
  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

/**
 * The syncs of one batch of writes whose callers are answered once they are on disk, not at their
 * COMMIT (the message writer's group commit). A transaction joins it with `deferSyncTo` (see
 * sqlite-dialect.ts); the store's other writes each wait for their own sync.
 * - The batch writer answers its callers on `durable()` and meanwhile writes the next batch.
 * - The WAL is synced in order: the flush that covers a batch's last commit covers the earlier ones.
 * - No AsyncLocalStorage carries it. On Node 20 one in use hooks every promise the process makes,
 *   which cost the webhook path about a tenth of its CPU (BENCHMARKS.md, W9).
 */
export class Deferral {
  private readonly syncs: Promise<void>[] = [];

  /** A commit's sync: awaited by `durable()`, never left as an unhandled rejection. */
  add(synced: Promise<void>): void {
    synced.catch(() => {});
    this.syncs.push(synced);
  }

  /** Resolves once every write that joined is on disk (at once when none did: PostgreSQL, memory). */
  durable(): Promise<void> {
    return Promise.all(this.syncs).then(() => undefined);
  }
}
