import type { Logger } from '../logger.ts';
import type { AuditInsert, AuditRepo } from '../store/audit-repo.ts';

/** How long a failed batch is tried again before the callers are answered anyway (ms). */
const PATIENCE_MS = 2_000;
/** Entries kept in memory for a store that stays away; beyond it the oldest are dropped (and logged). */
const MAX_BACKLOG = 10_000;

interface Waiting {
  row: AuditInsert;
  done: () => void;
}

/**
 * Writes audit entries with group commit: entries recorded in the same turn of the event loop
 * share one insert, and each caller's promise settles once its entry is committed. A request that
 * changed something awaits it before its answer leaves, so an acknowledged change is audited.
 *
 * A failed insert is tried again with a growing pause. After `PATIENCE_MS` the callers are let go
 * (their change is already committed, and a 500 would say it was not) and the entries stay in
 * memory, tried again every few seconds until the store takes them.
 */
export class AuditWriter {
  private queue: Waiting[] = [];
  private scheduled = false;
  private backlog: AuditInsert[] = [];
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly repo: AuditRepo,
    private readonly log: Logger,
  ) {}

  /** Appends one entry; resolves once it is stored (or handed to the backlog after a long failure). */
  record(row: AuditInsert): Promise<void> {
    return new Promise((done) => {
      this.queue.push({ row, done });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    const p = this.write(batch).finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }

  private async write(batch: Waiting[]): Promise<void> {
    const rows = batch.map((w) => w.row);
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      try {
        await this.repo.append(rows);
        break;
      } catch (err) {
        if (Date.now() - started >= PATIENCE_MS) {
          this.log.error({ err, entries: rows.length }, 'audit entries not stored yet; kept for retry');
          this.keep(rows);
          break;
        }
        await new Promise((r) => setTimeout(r, Math.min(500, 25 * 2 ** attempt)));
      }
    }
    for (const w of batch) w.done();
  }

  private keep(rows: AuditInsert[]): void {
    this.backlog.push(...rows);
    const over = this.backlog.length - MAX_BACKLOG;
    if (over > 0) {
      this.backlog.splice(0, over);
      this.log.error({ dropped: over }, 'audit backlog full; oldest entries dropped');
    }
    this.retryTimer ??= setInterval(() => void this.retryBacklog(), 5_000);
    this.retryTimer.unref();
  }

  private async retryBacklog(): Promise<void> {
    const rows = this.backlog.splice(0, 500);
    if (rows.length === 0) {
      clearInterval(this.retryTimer);
      this.retryTimer = undefined;
      return;
    }
    try {
      await this.repo.append(rows);
    } catch {
      this.backlog.unshift(...rows);
    }
  }

  /** Writes what is queued and tries the backlog once more (shutdown). */
  async close(): Promise<void> {
    this.flush();
    await Promise.all([...this.inFlight]);
    clearInterval(this.retryTimer);
    while (this.backlog.length > 0) {
      const before = this.backlog.length;
      await this.retryBacklog();
      if (this.backlog.length >= before) break;
    }
    if (this.backlog.length > 0)
      this.log.error({ entries: this.backlog.length }, 'audit entries lost at shutdown');
  }
}
