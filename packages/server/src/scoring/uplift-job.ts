import { trainUplift, type UpliftModelJson, upliftToJson } from '@beckon/core/model/index';
import { jobFailure } from './train-job.ts';

/** What an uplift training run needs, as plain data (it crosses into a worker thread). */
export interface UpliftTrainingInput {
  kind: 'uplift';
  featureNames: string[];
  /** Rows × featureNames.length values, row-major; NaN = unknown. */
  values: Float64Array;
  /** 1 exposed, 0 control, per row. */
  arm: Int8Array;
  /** 1 converted within the campaign's attribution window, per row. */
  outcome: Uint8Array;
  seed: number;
}

export type UpliftTrainingOutput =
  | { ok: true; model: UpliftModelJson; seconds: number }
  | { ok: false; error: string; input: boolean };

/** Fits a campaign's two-model uplift learner on its exposed and control visitors (runs in a worker). */
export function runUpliftJob(input: UpliftTrainingInput): UpliftTrainingOutput {
  const started = performance.now();
  const width = input.featureNames.length;
  const features: Float64Array[] = [];
  for (let i = 0; i < input.arm.length; i++) features.push(input.values.subarray(i * width, (i + 1) * width));
  try {
    const model = trainUplift(features, input.arm, input.outcome, { seed: input.seed });
    return {
      ok: true,
      model: upliftToJson(model, input.featureNames),
      seconds: (performance.now() - started) / 1000,
    };
  } catch (err) {
    return jobFailure(err);
  }
}
