import { describeFactor, type ScoreFactor } from '@beckon/core/features/index';
import { gatherInput, topContributions } from '@beckon/core/model/index';
import type { VisitorEvent } from '@beckon/protocol';
import type { AppContext } from '../context.ts';
import { type LiveVisitor, visitorKey } from '../engagement/live-visitor.ts';
import type { Logger } from '../logger.ts';
import { BandGates } from './band-gates.ts';
import { ModelRegistry } from './model-registry.ts';
import { MODEL_ACTIVATED, ModelTrainer } from './model-trainer.ts';
import { loadScoringConfig, type ScoringConfig } from './scoring-config.ts';
import { SessionRecorder } from './session-recorder.ts';
import { SiteScoringRegistry } from './site-scoring.ts';
import { UpliftRegistry } from './uplift-registry.ts';
import { UpliftTrainer } from './uplift-trainer.ts';
import { VisitorScorer } from './visitor-scorer.ts';

/** Why a visitor scores what they do: the score and the three features that moved it most. */
export interface ScoreExplanation {
  score: number;
  modelId: string;
  factors: ScoreFactor[];
}

/**
 * The propensity model in one node: live features and scores for every visitor update (the
 * tracker's hook), finished sessions recorded for training, per-site page statistics, each account's
 * active model (hot-swapped), training on demand and on a schedule, and the score-band gates.
 */
export class ScoringRuntime {
  readonly config: ScoringConfig;
  readonly models: ModelRegistry;
  readonly sites: SiteScoringRegistry;
  readonly recorder: SessionRecorder;
  readonly scorer: VisitorScorer;
  readonly trainer: ModelTrainer;
  readonly bands: BandGates;
  readonly uplift: UpliftRegistry;
  readonly upliftTrainer: UpliftTrainer;
  private readonly log: Logger;
  private timers: NodeJS.Timeout[] = [];
  private unsubscribe: (() => Promise<void>) | null = null;
  private lastSchedule = 0;

  constructor(
    private readonly ctx: AppContext,
    config: ScoringConfig = loadScoringConfig(),
  ) {
    this.config = config;
    this.log = ctx.logger.child({ component: 'scoring' });
    this.models = new ModelRegistry(ctx.store, this.log);
    this.recorder = new SessionRecorder(ctx.store, config.recordFlushMs, this.log);
    this.sites = new SiteScoringRegistry(ctx.store, config, this.log, () => this.recorder.flush());
    this.uplift = new UpliftRegistry(ctx.store.db, this.log);
    this.scorer = new VisitorScorer(this.models, this.sites, (s) => this.recorder.add(s), this.uplift);
    this.trainer = new ModelTrainer(ctx.store, ctx.bus, this.models, config, this.log);
    this.upliftTrainer = new UpliftTrainer(ctx.store.db, ctx.bus, this.uplift, this.log);
    this.bands = new BandGates(ctx.store.db, this.log);
  }

  /** The store this runtime reads and writes. */
  storeOf() {
    return this.ctx.store;
  }

  /** The tracker's hook after each applied batch: returns Field.Score when the visitor's score changed. */
  update(live: LiveVisitor, events: readonly VisitorEvent[], now: number): number {
    return this.scorer.update(live, events, now);
  }

  /** The visitor's score and the three features that raised or lowered it most (null before any score). */
  explain(siteId: string, visitorId: string): ScoreExplanation | null {
    const s = this.scorer.sessions.get(visitorKey(siteId, visitorId));
    if (!s || s.score === undefined) return null;
    const model = this.models.get(s.live.site.accountId);
    const input = Float64Array.from(gatherInput(model.bound, s.features.vector));
    const currency = s.live.state.cart?.currency;
    const factors = topContributions(model.model, input, 3).map((c) =>
      describeFactor(c.feature, c.value, c.contribution, currency),
    );
    return { score: s.score, modelId: s.modelId, factors };
  }

  /** Starts the timers (idle sessions, statistics, model polling, band gates, schedule) and listens for models trained elsewhere. */
  start(): void {
    const every = (ms: number, fn: () => Promise<void>) => {
      if (ms <= 0) return;
      const t = setInterval(
        () => void fn().catch((err) => this.log.error({ err }, 'scoring task failed')),
        ms,
      );
      t.unref();
      this.timers.push(t);
    };
    every(this.config.sweepMs, async () => {
      const now = Date.now();
      this.scorer.sweep(now, this.config.sessionIdleMs);
      await this.recorder.flush();
      await this.sites.refresh(now);
    });
    every(this.config.modelPollMs, () => this.models.poll());
    every(this.config.bandRefreshMs, () => this.bands.refresh());
    every(this.config.bandRefreshMs, () => this.uplift.refresh());
    every(this.config.scheduleCheckMs, () => this.schedule());
    void this.bands.refresh().catch((err) => this.log.error({ err }, 'score band gates failed'));
    void this.uplift.refresh().catch((err) => this.log.error({ err }, 'uplift models load failed'));
    this.ctx.bus
      .subscribe(MODEL_ACTIVATED, (m) => {
        const msg = m as { accountId?: unknown };
        if (typeof msg?.accountId === 'string') void this.models.reload(msg.accountId);
      })
      .then((unsub) => {
        this.unsubscribe = unsub;
      })
      .catch((err) => this.log.error({ err }, 'model activation subscription failed'));
  }

  /** Scheduled training, at most once per check interval. */
  private async schedule(): Promise<void> {
    const now = Date.now();
    if (now - this.lastSchedule < this.config.scheduleCheckMs / 2) return;
    this.lastSchedule = now;
    await this.trainer.runSchedule(now);
    // Uplift models learn on the same schedule, from every account with recorded sessions.
    const accounts = await this.ctx.store.modelSessions.accounts();
    await this.upliftTrainer.runSchedule(accounts, this.config.trainEveryHours * 3_600_000, now);
  }

  /** Shutdown: sessions in progress are finished as they stand and written; training runs are awaited. */
  async close(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.unsubscribe?.().catch(() => {});
    this.scorer.finishAll();
    await this.recorder.flush();
    await Promise.allSettled([...this.trainer.running.values()].map((r) => r.done));
  }
}

const runtimes = new WeakMap<AppContext, ScoringRuntime>();

/** The node's scoring runtime, created (and started, with its shutdown hook) on first use. */
export function scoringOf(ctx: AppContext): ScoringRuntime {
  let rt = runtimes.get(ctx);
  if (!rt) {
    rt = new ScoringRuntime(ctx);
    runtimes.set(ctx, rt);
    rt.start();
    const started = rt;
    ctx.onShutdown(() => started.close());
  }
  return rt;
}
