import {
  applyBatchToFeatures,
  type HistogramEntry,
  rebuildFeatures,
  type SessionCalendar,
  SessionFeatures,
} from '@beckon/core/features/index';
import { ScoreMemo, scoreMemo } from '@beckon/core/model/index';
import { Field } from '@beckon/core/visitor/field-bits';
import { setScore } from '@beckon/core/visitor-state';
import type { VisitorEvent } from '@beckon/protocol';
import type { LiveVisitor } from '../engagement/live-visitor.ts';
import type { ModelRegistry } from './model-registry.ts';
import type { SiteScoring, SiteScoringRegistry } from './site-scoring.ts';
import { setUplift, type UpliftRegistry } from './uplift-registry.ts';

/** A copy of a vector as a plain array (on the heap: see `finish`). */
function plainCopy(v: Float64Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < v.length; i++) out.push(v[i]!);
  return out;
}

/** A session that ended, as handed to the recorder (which builds its row and counts its pages). */
export interface EndedSession {
  site: SiteScoring;
  accountId: string;
  visitorId: string;
  sessionId: string;
  startedAt: number;
  endedAt: number;
  /** The training vector: frozen before the purchase, or the final one. */
  vector: readonly number[];
  purchased: boolean;
  revenue: number;
  pageViews: number;
  pages: string[];
  pagesBeforePurchase: number;
  score: number | null;
}

/** One visitor's session being scored: its features, its place in the site's ranks, what scored it last. */
export interface ScoredSession {
  live: LiveVisitor;
  site: SiteScoring;
  features: SessionFeatures;
  rank: HistogramEntry;
  modelId: string;
  score: number | undefined;
  /** The inputs and leaves of the last score, so the next one walks only the trees they move. */
  memo: ScoreMemo;
  /** The uplift registry's version the visitor's predicted uplift was computed with. */
  upliftVersion: number;
}

/**
 * The hot path of scoring: after each batch the tracker applied, bring the visitor's session features
 * up to date, score them with the account's model when they changed (or the model did), and rank the
 * score among the site's recent visitors. Finished sessions go to `finished` for training.
 */
export class VisitorScorer {
  /** Sessions in progress by visitor key; a visitor evicted mid-session stays here until it returns or idles out. */
  readonly sessions = new Map<string, ScoredSession>();

  constructor(
    private readonly models: ModelRegistry,
    private readonly sites: SiteScoringRegistry,
    private readonly finished: (session: EndedSession) => void,
    private readonly uplift?: Pick<UpliftRegistry, 'version' | 'usedBy'>,
  ) {}

  /** Updates and scores one visitor after a batch; returns Field.Score when the score or its rank changed. */
  update(live: LiveVisitor, events: readonly VisitorEvent[], now: number): number {
    const state = live.state;
    let s = this.sessions.get(live.key);
    if (s !== undefined && s.features.sessionId !== state.sessionId) {
      this.finish(s);
      s.features.sessionId = '';
    }
    if (s === undefined || s.features.sessionId === '') {
      s = this.begin(live, s, events, now);
    } else {
      s.live = live;
      applyBatchToFeatures(s.features, state, live.pages, events, s.site, now);
    }
    const model = this.models.get(live.site.accountId);
    const upliftVersion = this.uplift?.version ?? 0;
    if (
      (!s.features.dirty && s.modelId === model.id && s.upliftVersion === upliftVersion) ||
      state.pageViews === 0
    ) {
      return 0;
    }
    const score = scoreMemo(model.bound, s.features.vector, s.memo);
    s.features.dirty = false;
    s.modelId = model.id;
    s.score = score;
    s.upliftVersion = upliftVersion;
    // Predicted uplift only for the campaigns that read it, and only when the features changed.
    const users = this.uplift?.usedBy(live.site.accountId);
    const upliftChanged = users !== undefined && setUplift(state, users, s.features.vector);
    return (
      setScore(state, score, s.site.histogram.place(s.rank, score, now)) | (upliftChanged ? Field.Score : 0)
    );
  }

  /** Starts scoring a session: a new one from this batch, or one restored mid-way from its state and journey. */
  private begin(
    live: LiveVisitor,
    previous: ScoredSession | undefined,
    events: readonly VisitorEvent[],
    now: number,
  ): ScoredSession {
    const state = live.state;
    const site = this.sites.get(live.site, now);
    const s: ScoredSession = previous ?? {
      live,
      site,
      features: new SessionFeatures(),
      rank: { bin: -1, gen: 0 },
      modelId: '',
      score: undefined,
      memo: new ScoreMemo(),
      upliftVersion: -1,
    };
    s.live = live;
    s.site = site;
    s.modelId = '';
    const calendar = this.calendar(site, state.sessionStartedAt);
    let batchPages = 0;
    for (const ev of events) if (ev.type === 'page_view') batchPages++;
    if (state.pageViews <= batchPages) {
      s.features.reset(state.sessionId, state.sessionStartedAt, calendar);
      applyBatchToFeatures(s.features, state, live.pages, events, site, now);
    } else {
      // Restored from the store mid-session: what the state and journey hold already include this batch.
      rebuildFeatures(s.features, state, live.pages, site, calendar);
    }
    this.sessions.set(live.key, s);
    return s;
  }

  /** Month, weekend and special-day proximity of the session's start, in the site's time zone. */
  private calendar(site: SiteScoring, startedAt: number): SessionCalendar {
    return site.calendarOf(startedAt);
  }

  /**
   * Hands a finished session over for training and the page statistics (sessions without a page are
   * skipped). Only a copy of the vector is made here (a plain array: a typed array of its size
   * allocates outside the heap, several times slower); rows and statistics are built when written.
   */
  finish(s: ScoredSession): void {
    const f = s.features;
    if (f.pageViews === 0 || f.sessionId === '') return;
    this.finished({
      site: s.site,
      accountId: s.live.site.accountId,
      visitorId: s.live.visitorId,
      sessionId: f.sessionId,
      startedAt: f.startedAt,
      endedAt: f.lastEventAt,
      vector: plainCopy(f.trainingVector()),
      purchased: f.beforePurchase !== null,
      revenue: f.revenue,
      pageViews: f.pageViews,
      // The session's own list: `reset` gives the next session a new one.
      pages: f.pages,
      pagesBeforePurchase: f.pagesBeforePurchase,
      score: s.score ?? null,
    });
  }

  /**
   * Finishes sessions idle for `idleMs` (the visitor left or was evicted) and sessions the tracker
   * rolled over without a batch; returns how many were finished.
   */
  sweep(now: number, idleMs: number): number {
    let n = 0;
    for (const [key, s] of this.sessions) {
      const idle = now - s.features.lastEventAt >= idleMs;
      const rolled = s.live.state.sessionId !== s.features.sessionId;
      if (!idle && !rolled) continue;
      this.finish(s);
      n++;
      if (idle) this.sessions.delete(key);
      else s.features.sessionId = '';
    }
    return n;
  }

  /** Finishes every session in progress (shutdown: what they did so far is kept for training). */
  finishAll(): void {
    for (const s of this.sessions.values()) this.finish(s);
    this.sessions.clear();
  }
}
