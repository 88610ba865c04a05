import type { PlattCalibration } from './calibration.ts';
import { buildCompleteForest } from './complete-forest.ts';
import { NODE_STRIDE } from './forest.ts';
import { DEFAULT_BOOSTING } from './gbdt-trainer.ts';
import { MODEL_VERSION, type ModelEvaluation, type PropensityModel } from './propensity-model.ts';

/** Marks a JSON document as a Beckon propensity model. */
export const MODEL_FORMAT = 'beckon-propensity-model';

/** A model as plain JSON: what is shipped in `models/` and stored per account. */
export interface ModelJson {
  format: typeof MODEL_FORMAT;
  version: typeof MODEL_VERSION;
  featureNames: string[];
  calibration: PlattCalibration;
  threshold: number;
  training: PropensityModel['training'];
  evaluation?: ModelEvaluation;
  importances?: Record<string, number>;
  trees: {
    baseScore: number;
    roots: number[];
    nodes: number[];
    thresholds: number[];
    nodeValues: number[];
    leafValues: number[];
  };
}

/** Plain-JSON form of a model (typed arrays become number arrays), for JSON.stringify. */
export function modelToJson(model: PropensityModel): ModelJson {
  const f = model.forest;
  return {
    format: MODEL_FORMAT,
    version: model.version,
    featureNames: [...model.featureNames],
    calibration: { ...model.calibration },
    threshold: model.threshold,
    training: { ...model.training, params: { ...model.training.params } },
    ...(model.evaluation ? { evaluation: { ...model.evaluation } } : {}),
    ...(model.importances ? { importances: { ...model.importances } } : {}),
    trees: {
      baseScore: f.baseScore,
      roots: Array.from(f.roots),
      nodes: Array.from(f.nodes),
      thresholds: Array.from(f.thresholds),
      nodeValues: Array.from(f.nodeValues),
      leafValues: Array.from(f.leafValues),
    },
  };
}

function fail(message: string): never {
  throw new Error(`invalid model: ${message}`);
}

function finite(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(`${what} must be a finite number`);
  return value;
}

function numbers(value: unknown, what: string, integers: boolean): number[] {
  if (!Array.isArray(value)) fail(`${what} must be an array`);
  for (const v of value) {
    if (typeof v !== 'number' || !Number.isFinite(v) || (integers && !Number.isInteger(v))) {
      fail(`${what} must hold only ${integers ? 'integers' : 'finite numbers'}`);
    }
  }
  return value as number[];
}

function object(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`${what} must be an object`);
  return value as Record<string, unknown>;
}

/** Check a child reference: a leaf that exists, or an internal node after its parent (so scoring always ends). */
function checkRef(ref: number, parent: number, internal: number, leaves: number): void {
  if (ref >= 0 ? ref <= parent || ref >= internal : ~ref >= leaves) fail(`bad child reference ${ref}`);
}

/** Load a model from parsed JSON, validating every field so a bad file fails here and not while scoring. */
export function modelFromJson(value: unknown): PropensityModel {
  const doc = object(value, 'document');
  if (doc.format !== MODEL_FORMAT) fail(`format must be ${MODEL_FORMAT}`);
  if (doc.version !== MODEL_VERSION)
    fail(`unsupported version ${String(doc.version)} (expected ${MODEL_VERSION})`);
  const featureNames = doc.featureNames;
  if (
    !Array.isArray(featureNames) ||
    featureNames.length === 0 ||
    featureNames.some((n) => typeof n !== 'string')
  ) {
    fail('featureNames must be a non-empty array of strings');
  }
  const cal = object(doc.calibration, 'calibration');
  if (cal.method !== 'platt') fail('calibration.method must be platt');
  const calibration: PlattCalibration = {
    method: 'platt',
    a: finite(cal.a, 'calibration.a'),
    b: finite(cal.b, 'calibration.b'),
  };
  const threshold = finite(doc.threshold, 'threshold');
  const training = object(doc.training, 'training');
  const params = object(training.params ?? {}, 'training.params');

  const t = object(doc.trees, 'trees');
  const roots = numbers(t.roots, 'trees.roots', true);
  const nodes = numbers(t.nodes, 'trees.nodes', true);
  const thresholds = numbers(t.thresholds, 'trees.thresholds', false);
  const nodeValues = numbers(t.nodeValues, 'trees.nodeValues', false);
  const leafValues = numbers(t.leafValues, 'trees.leafValues', false);
  const internal = thresholds.length;
  if (nodes.length !== internal * NODE_STRIDE || nodeValues.length !== internal) {
    fail('trees.nodes, thresholds and nodeValues disagree in length');
  }
  for (const root of roots) checkRef(root, -1, internal, leafValues.length);
  for (let i = 0; i < internal; i++) {
    const k = i * NODE_STRIDE;
    if (nodes[k] < 0 || nodes[k] >= featureNames.length)
      fail(`node ${i} splits on unknown feature ${nodes[k]}`);
    checkRef(nodes[k + 1], i, internal, leafValues.length);
    checkRef(nodes[k + 2], i, internal, leafValues.length);
    if (nodes[k + 3] !== nodes[k + 1] && nodes[k + 3] !== nodes[k + 2])
      fail(`node ${i} has a stray missing child`);
  }
  const flat = {
    featureCount: featureNames.length,
    baseScore: finite(t.baseScore, 'trees.baseScore'),
    roots: Int32Array.from(roots),
    nodes: Int32Array.from(nodes),
    thresholds: Float64Array.from(thresholds),
    nodeValues: Float64Array.from(nodeValues),
    leafValues: Float64Array.from(leafValues),
  };
  const model: PropensityModel = {
    version: MODEL_VERSION,
    featureNames: [...(featureNames as string[])],
    forest: { ...flat, complete: buildCompleteForest(flat) },
    calibration,
    threshold,
    training: {
      rows: finite(training.rows, 'training.rows'),
      positives: finite(training.positives, 'training.positives'),
      calibrationFolds: finite(training.calibrationFolds, 'training.calibrationFolds'),
      params: { ...DEFAULT_BOOSTING, ...params },
    },
  };
  if (doc.evaluation !== undefined) model.evaluation = evaluationOf(doc.evaluation);
  if (doc.importances !== undefined) model.importances = importancesOf(doc.importances, model.featureNames);
  return model;
}

function evaluationOf(value: unknown): ModelEvaluation {
  const e = object(value, 'evaluation');
  if (typeof e.method !== 'string') fail('evaluation.method must be a string');
  return {
    method: e.method,
    rows: finite(e.rows, 'evaluation.rows'),
    positives: finite(e.positives, 'evaluation.positives'),
    auroc: finite(e.auroc, 'evaluation.auroc'),
    aupr: finite(e.aupr, 'evaluation.aupr'),
    brier: finite(e.brier, 'evaluation.brier'),
  };
}

function importancesOf(value: unknown, names: readonly string[]): Record<string, number> {
  const imp = object(value, 'importances');
  const out: Record<string, number> = {};
  for (const [name, v] of Object.entries(imp)) {
    if (!names.includes(name)) fail(`importances name unknown feature ${name}`);
    out[name] = finite(v, `importances.${name}`);
  }
  return out;
}
