import type { Logger } from '../logger.ts';
import type { FinishedSession } from '../store/model-sessions-repo.ts';
import type { Store } from '../store/store.ts';
import type { EndedSession } from './visitor-scorer.ts';

/** Most finished sessions kept while the store is failing; beyond it the oldest are dropped (and logged). */
const MAX_PENDING = 50_000;

/**
 * Write-behind for finished sessions: the hot path hands them over, a timer writes them in one
 * transaction every few seconds (with their page statistics), off the event path.
 */
export class SessionRecorder {
  private ended: EndedSession[] = [];
  private pending: FinishedSession[] = [];
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  /** Sessions written so far (tests, logs). */
  recorded = 0;

  constructor(
    private readonly store: Store,
    private readonly flushMs: number,
    private readonly log: Logger,
  ) {}

  /** Takes a session that ended (hot path: only queues it). */
  add(session: EndedSession): void {
    this.ended.push(session);
    if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.flushMs);
      this.timer.unref();
    }
  }

  /** Builds the rows of ended sessions and counts their pages in the site's statistics. */
  private prepare(): void {
    const ended = this.ended;
    if (ended.length === 0) return;
    this.ended = [];
    for (const e of ended) {
      const pages = { pages: e.pages, pagesBeforePurchase: e.pagesBeforePurchase, revenue: e.revenue };
      e.site.addSession(pages);
      this.queue({
        row: {
          id: e.sessionId,
          account_id: e.accountId,
          site_id: e.site.site.id,
          visitor_id: e.visitorId,
          started_at: e.startedAt,
          ended_at: e.endedAt,
          features: JSON.stringify(Array.from(e.vector, (v) => (Number.isFinite(v) ? v : null))),
          purchased: e.purchased ? 1 : 0,
          revenue: e.revenue,
          page_views: e.pageViews,
          score: e.score,
        },
        pages,
      });
    }
  }

  private queue(session: FinishedSession): void {
    this.pending.push(session);
    if (this.pending.length > MAX_PENDING) {
      const dropped = this.pending.splice(0, this.pending.length - MAX_PENDING).length;
      this.log.error({ dropped }, 'finished sessions dropped: the store is not keeping up');
    }
  }

  /** Writes everything handed over so far; resolves once committed (or failed and re-queued). */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    while (this.running) await this.running;
    this.prepare();
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.running = this.store.modelSessions
      .record(batch)
      .then((n) => {
        this.recorded += n;
      })
      .catch((err) => {
        this.log.error({ err, sessions: batch.length }, 'finished sessions not written; retrying');
        this.pending = batch.concat(this.pending);
        if (!this.timer) {
          this.timer = setTimeout(() => void this.flush(), Math.max(this.flushMs, 1000));
          this.timer.unref();
        }
      })
      .finally(() => {
        this.running = null;
      });
    await this.running;
  }
}
