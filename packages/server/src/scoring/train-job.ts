import {
  type HoldoutResult,
  type ModelJson,
  modelFromJson,
  modelToJson,
  trainWithHoldout,
} from '@beckon/core/model/index';

/** What a training run needs, as plain data (it crosses into a worker thread). */
export interface TrainingInput {
  featureNames: string[];
  /** Rows × featureNames.length values, row-major, oldest session first; NaN = unknown. */
  values: Float64Array;
  labels: Uint8Array;
  /** The model in use, judged on the same held-out sessions. */
  current: ModelJson | null;
  seed: number;
}

export type TrainingOutput =
  | {
      ok: true;
      model: ModelJson;
      evaluation: HoldoutResult['evaluation'];
      baseline: HoldoutResult['baseline'];
      better: boolean;
      seconds: number;
    }
  | { ok: false; error: string; input: boolean };

/** Trains a candidate on an account's sessions and judges it against the current model (runs in a worker). */
export function runTrainingJob(input: TrainingInput): TrainingOutput {
  const started = performance.now();
  const width = input.featureNames.length;
  const n = input.labels.length;
  const features: Float64Array[] = [];
  for (let i = 0; i < n; i++) features.push(input.values.subarray(i * width, (i + 1) * width));
  try {
    const result = trainWithHoldout(
      { features, labels: input.labels, featureNames: input.featureNames },
      input.current ? modelFromJson(input.current) : null,
      { boosting: { seed: input.seed } },
    );
    return {
      ok: true,
      model: modelToJson(result.model),
      evaluation: result.evaluation,
      baseline: result.baseline,
      better: result.better,
      seconds: (performance.now() - started) / 1000,
    };
  } catch (err) {
    return jobFailure(err);
  }
}

/** A training job's failure as plain data; `input` when the data itself was unusable. */
export function jobFailure(err: unknown): { ok: false; error: string; input: boolean } {
  return {
    ok: false,
    error: err instanceof Error ? err.message : String(err),
    input: err instanceof RangeError,
  };
}
