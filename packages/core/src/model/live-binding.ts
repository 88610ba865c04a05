import { forestMargin } from './forest.ts';
import type { PropensityModel } from './propensity-model.ts';

/**
 * A model bound to a feature layout: where each of its inputs sits in the caller's vector, and a
 * reused input buffer, so scoring a vector of another layout (the live one) allocates nothing.
 */
export interface BoundModel {
  readonly model: PropensityModel;
  /** For each model input, its index in the caller's vector. */
  readonly gather: Int32Array;
  readonly input: Float64Array;
}

/** Binds a model to a vector layout; throws when the model needs a feature the layout lacks. */
export function bindModel(model: PropensityModel, layout: readonly string[]): BoundModel {
  const at = new Map(layout.map((name, i) => [name, i]));
  const gather = new Int32Array(model.featureNames.length);
  model.featureNames.forEach((name, i) => {
    const j = at.get(name);
    if (j === undefined) throw new RangeError(`the model needs feature "${name}", which this layout lacks`);
    gather[i] = j;
  });
  return { model, gather, input: new Float64Array(gather.length) };
}

/** Copies a vector of the bound layout into the model's own input order (reused buffer) and returns it. */
export function gatherInput(bound: BoundModel, vector: Float64Array): Float64Array {
  const { gather, input } = bound;
  for (let i = 0; i < gather.length; i++) input[i] = vector[gather[i]!]!;
  return input;
}

/** Calibrated purchase probability of a vector in the bound layout: the hot path, no allocation. */
export function scoreBound(bound: BoundModel, vector: Float64Array): number {
  const input = gatherInput(bound, vector);
  const c = bound.model.calibration;
  return 1 / (1 + Math.exp(-(c.a * forestMargin(bound.model.forest, input) + c.b)));
}
