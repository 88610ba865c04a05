import {
  type Condition,
  type ConditionOp,
  MAX_CONDITION_DEPTH,
  MAX_CONDITION_NODES,
  MAX_IN_VALUES,
  MAX_PATTERN_LENGTH,
} from './campaign.ts';
import { type FieldKind, type FieldRef, opsForField, resolveField } from './campaign-fields.ts';
import { campaignRegexProblem } from './campaign-regex.ts';
import { isCountryCode } from './countries.ts';

/** One fault in a submitted document, located by a JSON pointer such as `/targeting/all/2/op`. */
export interface ValidationError {
  path: string;
  message: string;
}

/** Longest `within` window, in seconds (one year). */
export const MAX_WITHIN_SECONDS = 31_536_000;
const REGEX_FLAGS = /^[ims]{0,3}$/;

/** Escapes one JSON-pointer segment. */
export const pointer = (key: string | number): string =>
  '/' + String(key).replaceAll('~', '~0').replaceAll('/', '~1');

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** What a tree may hold beyond the rules every new tree follows. */
export interface ConditionRules {
  /**
   * Accept `{any: []}`, which matches no visitor. Only for a tree stored before it was refused, so
   * a change that leaves a campaign's targeting alone (pausing it, say) still goes through.
   */
  allowEmptyAny?: boolean;
}

/** Checks a targeting tree and appends every fault (with its path) to `errors`; true when none. */
export function validateCondition(
  tree: unknown,
  path: string,
  errors: ValidationError[],
  rules: ConditionRules = {},
): tree is Condition {
  const before = errors.length;
  const walk = { nodes: 0, errors, rules };
  visit(tree, path, 1, walk);
  return errors.length === before;
}

interface Walk {
  nodes: number;
  errors: ValidationError[];
  rules: ConditionRules;
}

function visit(node: unknown, path: string, depth: number, walk: Walk) {
  const { errors } = walk;
  if (++walk.nodes > MAX_CONDITION_NODES) {
    if (walk.nodes === MAX_CONDITION_NODES + 1) {
      errors.push({ path, message: `condition has more than ${MAX_CONDITION_NODES} nodes` });
    }
    return;
  }
  if (depth > MAX_CONDITION_DEPTH) {
    errors.push({ path, message: `condition is nested deeper than ${MAX_CONDITION_DEPTH} levels` });
    return;
  }
  if (!isPlainObject(node)) {
    errors.push({ path, message: 'must be an object: {all}, {any}, {not} or {field, op, value}' });
    return;
  }
  const keys = Object.keys(node);
  const group = keys.find((k) => k === 'all' || k === 'any');
  if (group || 'not' in node) {
    const key = group ?? 'not';
    for (const k of keys)
      if (k !== key) errors.push({ path: path + pointer(k), message: 'unknown property' });
    const child = node[key];
    if (key === 'not') {
      visit(child, path + '/not', depth + 1, walk);
      return;
    }
    if (!Array.isArray(child)) {
      errors.push({ path: path + pointer(key), message: 'must be an array of conditions' });
      return;
    }
    // An empty `all` is true (every visitor); an empty `any` is false, which no one means to save.
    if (key === 'any' && child.length === 0 && !walk.rules.allowEmptyAny) {
      errors.push({
        path: path + '/any',
        message:
          'must list at least one condition: an empty any matches no visitor (an empty all matches every visitor)',
      });
      return;
    }
    for (let i = 0; i < child.length; i++) visit(child[i], `${path}/${key}/${i}`, depth + 1, walk);
    return;
  }
  validateLeaf(node, path, errors);
}

function validateLeaf(node: Record<string, unknown>, path: string, errors: ValidationError[]) {
  for (const k of Object.keys(node)) {
    if (k !== 'field' && k !== 'op' && k !== 'value')
      errors.push({ path: path + pointer(k), message: 'unknown property' });
  }
  if (!('field' in node)) {
    errors.push({ path: path + '/field', message: 'required (or use all / any / not)' });
    return;
  }
  const ref = typeof node.field === 'string' ? resolveField(node.field) : null;
  if (!ref) {
    errors.push({
      path: path + '/field',
      message: `unknown field ${JSON.stringify(node.field)?.slice(0, 80)}`,
    });
    return;
  }
  const ops = opsForField(ref);
  if (typeof node.op !== 'string' || !(ops as readonly string[]).includes(node.op)) {
    errors.push({ path: path + '/op', message: `field ${ref.name} accepts ${ops.join(', ')}` });
    return;
  }
  const message =
    valueProblem(ref, node.op as ConditionOp, node.value, 'value' in node) ?? geoProblem(ref, node.value);
  if (message) errors.push({ path: path + '/value', message });
}

const PLATFORMS: readonly string[] = ['web', 'ios', 'android'];

/** A country must be a known ISO 3166-1 alpha-2 code; a local hour is a whole hour of the day; a platform one of three. */
function geoProblem(ref: FieldRef, value: unknown): string | null {
  const values = Array.isArray(value) ? value : [value];
  if (ref.base === 'geo.country') {
    const bad = values.find((v) => !isCountryCode(v));
    return bad === undefined
      ? null
      : `unknown country code ${JSON.stringify(bad).slice(0, 40)}: use an ISO 3166-1 alpha-2 code such as "DE"`;
  }
  if (ref.base === 'geo.localHour') {
    const bad = values.find((v) => !Number.isInteger(v) || (v as number) < 0 || (v as number) > 23);
    return bad === undefined ? null : 'must be a whole hour from 0 to 23';
  }
  if (ref.base === 'platform') {
    const bad = values.find((v) => !PLATFORMS.includes(v as string));
    return bad === undefined
      ? null
      : `unknown platform ${JSON.stringify(bad).slice(0, 40)}: use web, ios or android`;
  }
  return null;
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isShortString = (v: unknown, max = 256): v is string => typeof v === 'string' && v.length <= max;

function scalarMatches(kind: FieldKind, v: unknown): boolean {
  if (kind === 'number' || kind === 'time' || kind === 'event') return isNum(v);
  if (kind === 'boolean') return typeof v === 'boolean';
  return isShortString(v);
}

/** Returns why `value` does not fit `op` on this field, or null when it does. */
function valueProblem(ref: FieldRef, op: ConditionOp, value: unknown, present: boolean): string | null {
  switch (op) {
    case 'equals':
    case 'not_equals':
      return scalarMatches(ref.kind, value) ? null : `must be a ${ref.kind === 'list' ? 'string' : ref.kind}`;
    case 'contains':
      return isShortString(value) && value.length > 0 ? null : 'must be a non-empty string';
    case 'in': {
      if (!Array.isArray(value) || value.length === 0 || value.length > MAX_IN_VALUES) {
        return `must be an array of 1 to ${MAX_IN_VALUES} values`;
      }
      const kind = ref.kind === 'list' ? 'string' : ref.kind;
      const bad = value.findIndex((v) => !scalarMatches(kind, v));
      return bad < 0 ? null : `item ${bad} must be a ${kind}`;
    }
    case 'matches':
      return patternProblem(value);
    case 'gte':
    case 'lte':
      return isNum(value) ? null : 'must be a finite number';
    case 'changed':
      return present ? 'takes no value' : null;
    case 'decreased':
    case 'increased':
      return !present || (isNum(value) && value >= 0)
        ? null
        : 'must be omitted or a number ≥ 0 (minimum change)';
    case 'top_percent':
      return isNum(value) && value > 0 && value <= 100
        ? null
        : 'must be a percentage above 0 and at most 100';
    case 'within':
      return isNum(value) && value > 0 && value <= MAX_WITHIN_SECONDS
        ? null
        : `must be seconds, above 0 and at most ${MAX_WITHIN_SECONDS}`;
  }
}

function patternProblem(value: unknown): string | null {
  if (typeof value === 'string') {
    return value.length > 0 && value.length <= MAX_PATTERN_LENGTH
      ? null
      : `must be a glob of 1 to ${MAX_PATTERN_LENGTH} characters`;
  }
  if (!isPlainObject(value) || typeof value.regex !== 'string') {
    return 'must be a URL glob string or {regex, flags?}';
  }
  for (const k of Object.keys(value)) if (k !== 'regex' && k !== 'flags') return `unknown property ${k}`;
  if (value.regex.length === 0 || value.regex.length > MAX_PATTERN_LENGTH) {
    return `regex must have 1 to ${MAX_PATTERN_LENGTH} characters`;
  }
  const flags = value.flags ?? '';
  if (typeof flags !== 'string' || !REGEX_FLAGS.test(flags)) return 'flags may only use i, m, s';
  return campaignRegexProblem(value.regex, flags);
}
