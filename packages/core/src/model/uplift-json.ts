// An uplift model stored as two propensity-model documents (one per arm, uncalibrated), so loading it
// reuses every check of `modelFromJson` and a bad row fails on load, never while scoring.
import { IDENTITY_CALIBRATION } from './calibration.ts';
import { DEFAULT_BOOSTING } from './gbdt-trainer.ts';
import { type ModelJson, modelFromJson, modelToJson } from './model-json.ts';
import { MODEL_VERSION } from './propensity-model.ts';
import type { UpliftModel } from './uplift.ts';

/** Plain-JSON form of an uplift model: each arm's forest as a model document. */
export interface UpliftModelJson {
  featureNames: string[];
  treated: ModelJson;
  control: ModelJson;
}

function armJson(featureNames: readonly string[], forest: UpliftModel['treated']): ModelJson {
  return modelToJson({
    version: MODEL_VERSION,
    featureNames,
    forest,
    calibration: { ...IDENTITY_CALIBRATION },
    threshold: 0.5,
    training: { rows: 0, positives: 0, calibrationFolds: 0, params: { ...DEFAULT_BOOSTING } },
  });
}

/** Serialises an uplift model trained on `featureNames` (for storage or a thread boundary). */
export function upliftToJson(model: UpliftModel, featureNames: readonly string[]): UpliftModelJson {
  return {
    featureNames: [...featureNames],
    treated: armJson(featureNames, model.treated),
    control: armJson(featureNames, model.control),
  };
}

/** Loads a stored uplift model, validating both arms' trees. */
export function upliftFromJson(value: unknown): UpliftModel & { featureNames: string[] } {
  const doc = value as Partial<UpliftModelJson> | null;
  if (typeof doc !== 'object' || doc === null) throw new Error('invalid uplift model: not an object');
  const treated = modelFromJson(doc.treated);
  const control = modelFromJson(doc.control);
  return { treated: treated.forest, control: control.forest, featureNames: [...treated.featureNames] };
}
