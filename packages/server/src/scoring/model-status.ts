import { featureLabel } from '@beckon/core/features/index';
import type { ActiveModel, ModelStatus, TrainingRun } from '@beckon/protocol/model-api';
import type { AccountModel } from './model-registry.ts';
import type { TrainingResult } from './model-trainer.ts';
import type { ScoringRuntime } from './scoring-runtime.ts';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The active model as the API shows it: where it came from, how well it did on held-out sessions, what it weighs. */
export function activeModelView(m: AccountModel): ActiveModel {
  const e = m.model.evaluation;
  const importances = m.model.importances ?? {};
  return {
    source: m.source,
    id: m.id,
    trainedAt: iso(m.trainedAt),
    activatedAt: iso(m.activatedAt),
    sessions: m.sessions,
    purchases: m.purchases,
    evaluation: e?.method ?? 'not measured',
    evaluatedSessions: e?.rows ?? 0,
    auroc: e?.auroc ?? 0,
    aupr: e?.aupr ?? 0,
    brier: e?.brier ?? 0,
    threshold: m.model.threshold,
    features: m.model.featureNames
      .map((feature) => ({ feature, label: featureLabel(feature), importance: importances[feature] ?? 0 }))
      .sort((a, b) => b.importance - a.importance),
  };
}

/** A training run as the API reports it. */
export function trainingRunView(r: TrainingResult): TrainingRun {
  return {
    id: r.id,
    trigger: r.trigger,
    outcome: r.outcome,
    message: r.message,
    at: new Date(r.at).toISOString(),
    sessions: r.sessions,
    purchases: r.purchases,
    auroc: r.auroc,
    baselineAuroc: r.baselineAuroc,
  };
}

/**
 * When the schedule will next train: once `everyMs` has passed since the last run (at once when
 * there was none), at the first schedule check after that, so at most one check later.
 */
function nextTraining(rt: ScoringRuntime, last: number | null, everyMs: number, now = Date.now()): number {
  const due = last === null ? now : last + everyMs;
  return Math.max(due, now) + rt.config.scheduleCheckMs;
}

/** Everything `GET /api/v1/model` answers for an account. */
export async function modelStatus(rt: ScoringRuntime, accountId: string): Promise<ModelStatus> {
  const [active, data, history, last] = await Promise.all([
    rt.models.ensure(accountId),
    rt.trainer.dataOf(accountId),
    rt.storeOf().models.history(accountId, 10),
    rt.storeOf().models.lastTrainedAt(accountId),
  ]);
  const runs: TrainingRun[] = history.map((h) => ({
    id: h.id,
    trigger: h.trigger,
    outcome: h.status === 'rejected' ? 'kept_current' : 'activated',
    message: h.message,
    at: new Date(Number(h.trained_at)).toISOString(),
    sessions: Number(h.sessions),
    purchases: Number(h.purchases),
    auroc: Number(h.auroc),
    baselineAuroc: h.baseline_auroc === null ? null : Number(h.baseline_auroc),
  }));
  const unstored = rt.trainer.lastUnstored.get(accountId);
  if (unstored) runs.unshift(trainingRunView(unstored));
  runs.sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
  const running = rt.trainer.running.get(accountId);
  const everyMs = rt.config.trainEveryHours * 3_600_000;
  return {
    active: activeModelView(active),
    data,
    training: {
      running: running !== undefined,
      startedAt: running ? new Date(running.startedAt).toISOString() : null,
      everyHours: rt.config.trainEveryHours,
      nextAt: everyMs > 0 && data.enough ? new Date(nextTraining(rt, last, everyMs)).toISOString() : null,
      history: runs.slice(0, 10),
    },
  };
}
