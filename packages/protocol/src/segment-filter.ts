import { MAX_CONDITION_DEPTH, MAX_CONDITION_NODES, MAX_IN_VALUES } from './campaign.ts';
import { pointer, type ValidationError } from './condition-validation.ts';
import { isCountryCode } from './countries.ts';
import {
  resolveSegmentField,
  SEGMENT_CHANNELS,
  SEGMENT_CONSENTS,
  type SegmentFieldRef,
  type SegmentOp,
  segmentOpsFor,
} from './segment-fields.ts';

export type SegmentValue = string | number | boolean | ReadonlyArray<string | number>;

/** A test of one contact field, e.g. `{ field: 'purchases.count', op: 'gte', value: 2 }`. */
export interface SegmentLeaf {
  field: string;
  op: SegmentOp;
  value: SegmentValue;
}
/** A segment's filter: a tree of all / any / not over leaf tests (the shape of campaign targeting). */
export type SegmentFilter =
  | { all: SegmentFilter[] }
  | { any: SegmentFilter[] }
  | { not: SegmentFilter }
  | SegmentLeaf;

/** Longest `within` window of a segment, in seconds (five years). */
export const MAX_SEGMENT_WITHIN_SECONDS = 5 * 365 * 86_400;
/** Longest segment name. */
export const MAX_SEGMENT_NAME = 120;

const DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/** The moment a `since` value names (a date is midnight UTC), or NaN. */
export const segmentDate = (value: string): number =>
  DATE.test(value) ? Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value) : Number.NaN;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isText = (v: unknown): v is string => typeof v === 'string' && v.length <= 256;

/** Checks a segment filter and appends every fault (with its JSON-pointer path); true when none. */
export function validateSegmentFilter(
  tree: unknown,
  path: string,
  errors: ValidationError[],
): tree is SegmentFilter {
  const before = errors.length;
  visit(tree, path, 1, { nodes: 0, errors });
  return errors.length === before;
}

function visit(
  node: unknown,
  path: string,
  depth: number,
  walk: { nodes: number; errors: ValidationError[] },
) {
  const { errors } = walk;
  if (++walk.nodes > MAX_CONDITION_NODES) {
    if (walk.nodes === MAX_CONDITION_NODES + 1)
      errors.push({ path, message: `filter has more than ${MAX_CONDITION_NODES} nodes` });
    return;
  }
  if (depth > MAX_CONDITION_DEPTH) {
    errors.push({ path, message: `filter is nested deeper than ${MAX_CONDITION_DEPTH} levels` });
    return;
  }
  if (!isObject(node)) {
    errors.push({ path, message: 'must be an object: {all}, {any}, {not} or {field, op, value}' });
    return;
  }
  const key = ['all', 'any', 'not'].find((k) => k in node);
  if (!key) {
    validateLeaf(node, path, errors);
    return;
  }
  for (const k of Object.keys(node))
    if (k !== key) errors.push({ path: path + pointer(k), message: 'unknown property' });
  const child = node[key];
  if (key === 'not') return visit(child, `${path}/not`, depth + 1, walk);
  if (!Array.isArray(child)) {
    errors.push({ path: path + pointer(key), message: 'must be an array of conditions' });
    return;
  }
  if (key === 'any' && child.length === 0) {
    errors.push({
      path: `${path}/any`,
      message: 'must list at least one condition (an empty all matches every contact)',
    });
    return;
  }
  for (let i = 0; i < child.length; i++) visit(child[i], `${path}/${key}/${i}`, depth + 1, walk);
}

function validateLeaf(node: Record<string, unknown>, path: string, errors: ValidationError[]) {
  for (const k of Object.keys(node))
    if (k !== 'field' && k !== 'op' && k !== 'value')
      errors.push({ path: path + pointer(k), message: 'unknown property' });
  const ref = resolveSegmentField(node.field);
  if (!ref) {
    const message =
      'field' in node ? `unknown field ${JSON.stringify(node.field)?.slice(0, 80)}` : 'required';
    errors.push({ path: `${path}/field`, message });
    return;
  }
  const ops = segmentOpsFor(ref);
  if (typeof node.op !== 'string' || !(ops as readonly string[]).includes(node.op)) {
    errors.push({ path: `${path}/op`, message: `field ${ref.name} accepts ${ops.join(', ')}` });
    return;
  }
  const message = valueProblem(ref, node.op as SegmentOp, node.value);
  if (message) errors.push({ path: `${path}/value`, message });
}

/** What one item of the field's value must be, for `equals` and each item of `in`. */
function scalarProblem(ref: SegmentFieldRef, v: unknown): string | null {
  switch (ref.kind) {
    case 'number':
      return isNum(v) ? null : 'must be a finite number';
    case 'boolean':
      return typeof v === 'boolean' ? null : 'must be true or false';
    case 'country':
      return isCountryCode(v)
        ? null
        : `unknown country code ${JSON.stringify(v)?.slice(0, 40)}: use an ISO 3166-1 alpha-2 code such as "DE"`;
    case 'channels': {
      const allowed: readonly string[] = ref.base === 'consent' ? SEGMENT_CONSENTS : SEGMENT_CHANNELS;
      return typeof v === 'string' && allowed.includes(v) ? null : `must be one of ${allowed.join(', ')}`;
    }
    case 'attribute':
      return isText(v) || isNum(v) || typeof v === 'boolean'
        ? null
        : 'must be a string, a number or true/false';
    default:
      return isText(v) ? null : 'must be a string of at most 256 characters';
  }
}

/** Returns why `value` does not fit `op` on this field, or null when it does. */
function valueProblem(ref: SegmentFieldRef, op: SegmentOp, value: unknown): string | null {
  switch (op) {
    case 'equals':
    case 'not_equals':
      return scalarProblem(ref, value);
    case 'contains':
    case 'not_contains':
      if (ref.kind === 'channels') return scalarProblem(ref, value);
      return isText(value) && value.length > 0 ? null : 'must be a non-empty string';
    case 'in': {
      if (!Array.isArray(value) || value.length === 0 || value.length > MAX_IN_VALUES)
        return `must be an array of 1 to ${MAX_IN_VALUES} values`;
      for (const [i, v] of value.entries()) {
        const bad = typeof v === 'boolean' ? 'must be a string or a number' : scalarProblem(ref, v);
        if (bad) return `item ${i} ${bad}`;
      }
      return null;
    }
    case 'gte':
    case 'lte':
      return isNum(value) ? null : 'must be a finite number';
    case 'exists':
      return typeof value === 'boolean' ? null : 'must be true (has a value) or false (has none)';
    case 'within':
    case 'not_within':
      return isNum(value) && value > 0 && value <= MAX_SEGMENT_WITHIN_SECONDS
        ? null
        : `must be seconds, above 0 and at most ${MAX_SEGMENT_WITHIN_SECONDS}`;
    case 'since':
    case 'not_since':
      return typeof value === 'string' && !Number.isNaN(segmentDate(value))
        ? null
        : 'must be a date such as "2026-01-31" or a time such as "2026-01-31T09:00:00Z"';
  }
}

/** A segment as the API creates it: a name and a filter. */
export interface SegmentInput {
  name: string;
  filter: SegmentFilter;
}

/** Checks a create body (or a stored segment merged with a patch); lists each fault with its path. */
export function validateSegmentInput(
  body: unknown,
): { ok: true; value: SegmentInput } | { ok: false; errors: ValidationError[] } {
  const errors: ValidationError[] = [];
  if (!isObject(body))
    return { ok: false, errors: [{ path: '', message: 'must be an object with name and filter' }] };
  for (const k of Object.keys(body))
    if (k !== 'name' && k !== 'filter') errors.push({ path: pointer(k), message: 'unknown property' });
  const name = typeof body.name === 'string' ? body.name.trim() : '';
  if (name.length === 0 || name.length > MAX_SEGMENT_NAME)
    errors.push({ path: '/name', message: `must be a name of 1 to ${MAX_SEGMENT_NAME} characters` });
  if (!('filter' in body)) errors.push({ path: '/filter', message: 'required' });
  else validateSegmentFilter(body.filter, '/filter', errors);
  return errors.length > 0
    ? { ok: false, errors }
    : { ok: true, value: { name, filter: body.filter as SegmentFilter } };
}
