import { LIVE_FEATURE_NAMES } from '@beckon/core/features/index';
import { modelToJson } from '@beckon/core/model/index';
import type { Bus } from '../bus/bus.ts';
import { newId } from '../ids.ts';
import type { Logger } from '../logger.ts';
import type { Store } from '../store/store.ts';
import type { ModelRegistry } from './model-registry.ts';
import type { ScoringConfig } from './scoring-config.ts';
import { trainOnThread } from './train-thread.ts';

/** Topic on which a node announces an account's newly activated model. */
export const MODEL_ACTIVATED = 'model.activated';

/** The outcome of one training run, as the API reports it. */
export interface TrainingResult {
  id: string | null;
  trigger: string;
  outcome: 'activated' | 'kept_current' | 'not_enough_data' | 'failed';
  message: string;
  at: number;
  sessions: number;
  purchases: number;
  auroc: number | null;
  baselineAuroc: number | null;
}

const pct = (v: number) => v.toFixed(4);

/**
 * Trains an account's own model from its finished sessions on a worker thread, judges it on the most
 * recent sessions against the model in use, stores it, and activates it only when it is not worse —
 * then every node swaps it in (bus message, and a poll as a safety net).
 */
export class ModelTrainer {
  /** Runs in progress on this node, by account. */
  readonly running = new Map<string, { startedAt: number; done: Promise<TrainingResult> }>();
  /** The last run per account that stored no model (not enough data, failure), for the API. */
  readonly lastUnstored = new Map<string, TrainingResult>();

  constructor(
    private readonly store: Store,
    private readonly bus: Bus,
    private readonly models: ModelRegistry,
    private readonly config: ScoringConfig,
    private readonly log: Logger,
  ) {}

  /** Starts (or joins) a run for the account; resolves with its outcome. */
  train(accountId: string, trigger: 'manual' | 'schedule'): Promise<TrainingResult> {
    const have = this.running.get(accountId);
    if (have) return have.done;
    const done = this.run(accountId, trigger).finally(() => this.running.delete(accountId));
    this.running.set(accountId, { startedAt: Date.now(), done });
    return done;
  }

  /** Whether the account has enough labelled sessions to train on. */
  async dataOf(accountId: string) {
    const counts = await this.store.modelSessions.counts(accountId);
    const enough = counts.sessions >= this.config.minSessions && counts.purchases >= this.config.minPurchases;
    return {
      ...counts,
      minSessions: this.config.minSessions,
      minPurchases: this.config.minPurchases,
      enough,
    };
  }

  private async run(accountId: string, trigger: 'manual' | 'schedule'): Promise<TrainingResult> {
    const at = Date.now();
    const base = { id: null, trigger, at, auroc: null, baselineAuroc: null };
    const data = await this.dataOf(accountId);
    if (!data.enough) {
      const result: TrainingResult = {
        ...base,
        outcome: 'not_enough_data',
        message:
          `needs ${data.minSessions} finished sessions with ${data.minPurchases} purchases; ` +
          `has ${data.sessions} with ${data.purchases}`,
        sessions: data.sessions,
        purchases: data.purchases,
      };
      this.lastUnstored.set(accountId, result);
      return result;
    }
    const rows = await this.store.modelSessions.trainingRows(accountId, this.config.maxTrainingRows);
    const width = LIVE_FEATURE_NAMES.length;
    const values = new Float64Array(rows.length * width).fill(Number.NaN);
    const labels = new Uint8Array(rows.length);
    let purchases = 0;
    rows.forEach((r, i) => {
      for (let j = 0; j < Math.min(width, r.features.length); j++) values[i * width + j] = r.features[j]!;
      labels[i] = r.purchased ? 1 : 0;
      purchases += labels[i]!;
    });
    const current = await this.models.ensure(accountId);
    const started = performance.now();
    const out = await trainOnThread({
      featureNames: [...LIVE_FEATURE_NAMES],
      values,
      labels,
      current: modelToJson(current.model),
      seed: 1,
    }).catch((err: unknown) => ({ ok: false as const, error: String(err), input: false }));
    if (!out.ok) {
      this.log.error({ accountId, error: out.error }, 'model training failed');
      const result: TrainingResult = {
        ...base,
        outcome: 'failed',
        message: out.error,
        sessions: rows.length,
        purchases,
      };
      this.lastUnstored.set(accountId, result);
      return result;
    }
    const e = out.evaluation;
    const b = out.baseline;
    const activated = out.better;
    const versus = b ? ` vs ${pct(b.auroc)} for the ${current.source} model on the same sessions` : '';
    const message = activated
      ? `activated: held-out AUROC ${pct(e.auroc)}${versus}`
      : `kept the ${current.source} model: held-out AUROC ${pct(e.auroc)}${versus}`;
    const id = newId('mdl');
    await this.store.models.add({
      id,
      account_id: accountId,
      status: activated ? 'active' : 'rejected',
      trigger,
      model: JSON.stringify(out.model),
      sessions: rows.length,
      purchases,
      holdout_sessions: e.rows,
      auroc: e.auroc,
      aupr: e.aupr,
      brier: e.brier,
      baseline_auroc: b?.auroc ?? null,
      message,
      trained_at: at,
      activated_at: activated ? Date.now() : null,
    });
    this.lastUnstored.delete(accountId);
    this.log.info(
      { accountId, model: id, activated, seconds: (performance.now() - started) / 1000, auroc: e.auroc },
      'model trained',
    );
    if (activated) {
      await this.models.reload(accountId);
      await this.bus
        .publish(MODEL_ACTIVATED, { accountId, modelId: id })
        .catch((err) => this.log.error({ err }, 'model activation publish failed'));
    }
    return {
      id,
      trigger,
      outcome: activated ? 'activated' : 'kept_current',
      message,
      at,
      sessions: rows.length,
      purchases,
      auroc: e.auroc,
      baselineAuroc: b?.auroc ?? null,
    };
  }

  /** Trains every account whose last run is older than the schedule and that has enough data (one node at a time). */
  async runSchedule(now: number): Promise<void> {
    const everyMs = this.config.trainEveryHours * 3_600_000;
    if (everyMs <= 0) return;
    for (const accountId of await this.store.modelSessions.accounts()) {
      const last = await this.store.models.lastTrainedAt(accountId);
      if (last !== null && now - last < everyMs) continue;
      if (!(await this.dataOf(accountId)).enough) continue;
      const release = await this.bus.tryLock(`model.train.${accountId}`, 3_600_000).catch((err) => {
        this.log.warn(
          { err: (err as Error).message, accountId },
          'scheduled training put off: the bus is unreachable',
        );
        return null;
      });
      if (!release) continue;
      try {
        // Another node may have trained while this one was checking.
        const again = await this.store.models.lastTrainedAt(accountId);
        if (again === null || now - again >= everyMs) await this.train(accountId, 'schedule');
      } catch (err) {
        this.log.error({ err, accountId }, 'scheduled training failed');
      } finally {
        await release().catch(() => {});
      }
    }
  }
}
