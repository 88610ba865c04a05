import type { Bus } from '../bus/bus.ts';
import type { Logger } from '../logger.ts';
import type { Store } from '../store/store.ts';
import { loadCampaignTerms, type TermsSnapshot, termsFingerprint } from './campaign-terms.ts';
import { CONVERSION_RECORDED, conversionAttributed } from './conversion-attributed.ts';
import {
  type ConversionCandidate,
  type FeedCursor,
  readCandidates,
  START_CURSOR,
} from './conversion-feed.ts';
import {
  attachConversion,
  type RecordedConversion,
  recordConversion,
  type TermsOf,
} from './conversion-recorder.ts';

export interface AttributionJobOptions {
  /** How often the event log is polled for new conversions. */
  intervalMs: number;
  /** Rows of each kind read per query. */
  pageSize: number;
  /** Rows committed this late (writer retries, clock skew between nodes) are still found by a re-scan of this span… */
  lateMs: number;
  /** …which runs this often. */
  rescanEveryMs: number;
  /** Longest one tick keeps working (and holds the lock) before yielding. */
  maxTickMs: number;
}

const DEFAULTS: AttributionJobOptions = {
  intervalMs: 250,
  pageSize: 500,
  lateMs: 60_000,
  rescanEveryMs: 10_000,
  maxTickMs: 5_000,
};

const LOCK = 'analytics.attribution';
const CURSOR_KEY = 'analytics.attribution.cursor';

export { CONVERSION_RECORDED };

/**
 * Finds new conversions without knowing the gateway: polls the event log after a stored cursor
 * for purchases and goal events, attributes each, and records it idempotently (order id / event
 * key). One node at a time does it (a bus lock), so several nodes never race on the cursor.
 */
export class AttributionJob {
  private readonly opts: AttributionJobOptions;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private terms: { fingerprint: string; snapshot: TermsSnapshot } | null = null;
  private lastRescan = 0;
  /** Dedupe keys handled recently (site + key → event ts), so re-scans skip them without a query. */
  private readonly seen = new Map<string, number>();
  /** The last tick found the bus down (its warning is logged once per outage). */
  private busDown = false;
  /** Called after each conversion is stored (tests, metrics). */
  onRecorded: ((r: RecordedConversion) => void) | null = null;

  constructor(
    private readonly store: Store,
    private readonly bus: Bus,
    private readonly log: Logger,
    options: Partial<AttributionJobOptions> = {},
  ) {
    this.opts = { ...DEFAULTS, ...options };
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.opts.intervalMs);
    this.timer.unref();
  }

  /** Stops polling and waits for a tick in progress. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One poll, if no other node (or tick) is polling now. */
  tick(): Promise<void> {
    this.running ??= this.locked(false).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** Processes everything written so far, re-scanning the late span too (tests, benchmarks, backfills). */
  async catchUp(): Promise<void> {
    while (this.running) await this.running;
    this.running = this.locked(true).finally(() => {
      this.running = null;
    });
    await this.running;
  }

  private async locked(full: boolean): Promise<void> {
    let release: (() => Promise<void>) | null = null;
    for (let i = 0; !release && i < (full ? 100 : 1); i++) {
      try {
        release = await this.bus.tryLock(LOCK, this.opts.maxTickMs * 3);
      } catch (err) {
        // The bus is down: skip this tick (the cursor is in the store; the next tick catches up).
        if (!full) {
          // Once per outage: a tick comes every 250 ms.
          if (!this.busDown)
            this.log.warn({ err: (err as Error).message }, 'attribution paused: the bus is unreachable');
          this.busDown = true;
          return;
        }
        throw err;
      }
      if (!release && full) await new Promise((r) => setTimeout(r, 50));
    }
    this.busDown = false;
    if (!release) return;
    try {
      await this.poll(full);
    } catch (err) {
      this.log.error({ err }, 'attribution poll failed');
      if (full) throw err;
    } finally {
      await release().catch(() => {});
    }
  }

  private async poll(full: boolean): Promise<void> {
    const started = Date.now();
    const terms = await this.snapshot();
    const saved = await this.store.settings.get(CURSOR_KEY);
    let cursor: FeedCursor = saved ? (JSON.parse(saved) as FeedCursor) : START_CURSOR;
    if (full || started - this.lastRescan >= this.opts.rescanEveryMs) {
      this.lastRescan = started;
      if (cursor.ts > 0)
        await this.walk({ ...START_CURSOR, ts: cursor.ts - this.opts.lateMs }, terms, cursor);
    }
    const budget = full ? Number.POSITIVE_INFINITY : this.opts.maxTickMs;
    let more = true;
    while (more && Date.now() - started < budget) {
      const page = await readCandidates(this.store.db, cursor, terms.goals, this.opts.pageSize);
      await this.process(page.candidates, terms);
      more = page.more;
      if (page.next !== cursor) {
        cursor = page.next;
        await this.store.settings.set(CURSOR_KEY, JSON.stringify(cursor));
      }
    }
    this.prune(cursor.ts - 2 * this.opts.lateMs);
  }

  /** Re-reads from `from` up to `until` (rows committed late behind the cursor), recording what is new. */
  private async walk(from: FeedCursor, terms: TermsSnapshot, until: FeedCursor): Promise<void> {
    let at = from;
    for (;;) {
      const page = await readCandidates(this.store.db, at, terms.goals, this.opts.pageSize);
      await this.process(page.candidates, terms);
      if (!page.more || page.next.ts > until.ts) return;
      at = page.next;
    }
  }

  private async process(candidates: ConversionCandidate[], terms: TermsSnapshot): Promise<void> {
    const fresh = candidates.filter((c) => !this.seen.has(`${c.siteId}\u0000${c.dedupeKey}`));
    const byAccount = new Map<string, ConversionCandidate[]>();
    for (const c of fresh) {
      const list = byAccount.get(c.accountId);
      if (list) list.push(c);
      else byAccount.set(c.accountId, [c]);
    }
    for (const [accountId, list] of byAccount) {
      const known = await this.store.conversions.knownKeys(accountId, [
        ...new Set(list.map((c) => c.dedupeKey)),
      ]);
      for (const c of list) {
        const key = `${c.siteId}\u0000${c.dedupeKey}`;
        if (this.seen.has(key)) continue;
        // A touch of a campaign these terms do not know yet (created during this poll): re-read them.
        const termsOf: TermsOf = async (fresh) =>
          (fresh ? await this.snapshot(true) : terms).campaigns.get(c.accountId) ?? new Map();
        const before = known.get(c.dedupeKey);
        let recorded: RecordedConversion | undefined;
        if (!before) recorded = await recordConversion(this.store, c, termsOf);
        else if (!before.sources.includes('tag')) {
          // An order the server reported first: the tag saw it too, and knows the visit if the server did not.
          if (before.unattributed)
            recorded = await attachConversion(this.store, before.id, c, termsOf, 'tag');
          if (!recorded) await this.store.conversions.addSource(before.id, 'tag');
        }
        this.seen.set(key, c.ts);
        if (!recorded) continue;
        this.onRecorded?.(recorded);
        await conversionAttributed({ store: this.store, bus: this.bus, log: this.log }, recorded);
      }
    }
  }

  /** Campaign goals and windows, re-read when any campaign changed (one small aggregate query per poll). */
  private async snapshot(force = false): Promise<TermsSnapshot> {
    const fingerprint = await termsFingerprint(this.store.db);
    if (force || !this.terms || this.terms.fingerprint !== fingerprint) {
      this.terms = { fingerprint, snapshot: await loadCampaignTerms(this.store.db) };
    }
    return this.terms.snapshot;
  }

  private prune(before: number): void {
    for (const [key, ts] of this.seen) if (ts < before) this.seen.delete(key);
  }
}
