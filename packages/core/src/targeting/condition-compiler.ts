import { type Condition, resolveField, type ValidationError, validateCondition } from '@beckon/protocol';
import type { VisitorState } from '../visitor-state.ts';
import { inputBitsFor } from './field-access.ts';
import { type CompiledNode, type ConditionFn, compileLeaf, type TimeFn } from './leaf-compiler.ts';

export type { CompiledNode, ConditionFn, TimeFn } from './leaf-compiler.ts';

const INF = Number.POSITIVE_INFINITY;
const never: TimeFn = () => INF;

/** Thrown when a tree that failed validation reaches the compiler. */
export class InvalidConditionError extends Error {
  constructor(readonly errors: ValidationError[]) {
    super(`invalid condition: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`);
  }
}

/**
 * Compiles a whole tree (validated first) into its test and time functions; done once per campaign
 * change. A stored `{any: []}` (saved before the API refused it) still compiles, to match no one.
 */
export function compileNode(tree: Condition, campaignId = ''): CompiledNode {
  const errors: ValidationError[] = [];
  if (!validateCondition(tree, '', errors, { allowEmptyAny: true })) throw new InvalidConditionError(errors);
  return build(tree, campaignId);
}

/** Compiles a targeting tree into one closure `(state, now) => boolean`, with regexes and globs precompiled. */
export function compileCondition(tree: Condition): ConditionFn {
  return compileNode(tree).test;
}

/** `campaignId` names the campaign whose own figures (predicted uplift) the leaves read. */
function build(tree: Condition, campaignId: string): CompiledNode {
  if ('all' in tree) return all(tree.all.map((t) => build(t, campaignId)));
  if ('any' in tree) return any(tree.any.map((t) => build(t, campaignId)));
  if ('not' in tree) return not(build(tree.not, campaignId));
  return compileLeaf(tree, campaignId);
}

function all(children: CompiledNode[]): CompiledNode {
  const timed = children.some((c) => c.timed);
  if (children.length === 0) return { test: () => true, nt: never, nf: never, timed: false };
  if (children.length === 1) return children[0]!;
  const tests = children.map((c) => c.test);
  const test: ConditionFn = (s, n) => {
    for (let i = 0; i < tests.length; i++) if (!tests[i]!(s, n)) return false;
    return true;
  };
  if (!timed) return { test, nt: never, nf: never, timed };
  return {
    test,
    timed,
    // All false children must turn true; the last of them decides (true children are assumed to stay).
    nt: (s, n) => {
      let t = n;
      for (const c of children) if (!c.test(s, n)) t = Math.max(t, c.nt(s, n));
      return t;
    },
    nf: (s, n) => {
      let t = INF;
      for (const c of children) t = Math.min(t, c.nf(s, n));
      return t;
    },
  };
}

function any(children: CompiledNode[]): CompiledNode {
  const timed = children.some((c) => c.timed);
  if (children.length === 0) return { test: () => false, nt: never, nf: never, timed: false };
  if (children.length === 1) return children[0]!;
  const tests = children.map((c) => c.test);
  const test: ConditionFn = (s, n) => {
    for (let i = 0; i < tests.length; i++) if (tests[i]!(s, n)) return true;
    return false;
  };
  if (!timed) return { test, nt: never, nf: never, timed };
  return {
    test,
    timed,
    nt: (s, n) => {
      let t = INF;
      for (const c of children) t = Math.min(t, c.nt(s, n));
      return t;
    },
    // Every true child must turn false; the last of them decides.
    nf: (s, n) => {
      let t = n;
      for (const c of children) if (c.test(s, n)) t = Math.max(t, c.nf(s, n));
      return t;
    },
  };
}

function not(child: CompiledNode): CompiledNode {
  const inner = child.test;
  return { test: (s, n) => !inner(s, n), nt: child.nf, nf: child.nt, timed: child.timed };
}

/** The Field bits a tree reads: an event that touches none of them cannot change its verdict. */
export function inputsOf(tree: Condition): number {
  if ('all' in tree) return tree.all.reduce((m, c) => m | inputsOf(c), 0);
  if ('any' in tree) return tree.any.reduce((m, c) => m | inputsOf(c), 0);
  if ('not' in tree) return inputsOf(tree.not);
  const ref = resolveField(tree.field);
  return ref ? inputBitsFor(ref, tree.op) : 0;
}

/** The field names a tree reads (for the console and for debugging). */
export function fieldsOf(tree: Condition, out: Set<string> = new Set()): Set<string> {
  if ('all' in tree) for (const c of tree.all) fieldsOf(c, out);
  else if ('any' in tree) for (const c of tree.any) fieldsOf(c, out);
  else if ('not' in tree) fieldsOf(tree.not, out);
  else out.add(tree.field);
  return out;
}

const cache = new WeakMap<Condition, CompiledNode>();

/**
 * The earliest future time (epoch ms) at which the tree could become true by time alone — e.g. the
 * moment time on page reaches 30 s — so the server can set one timer; Infinity when it is already
 * true or no passing of time can make it so.
 */
export function nextTimeCheck(tree: Condition, state: VisitorState, now: number): number {
  let node = cache.get(tree);
  if (!node) {
    node = compileNode(tree);
    cache.set(tree, node);
  }
  return nextTrueTime(node, state, now);
}

/** `nextTimeCheck` for an already compiled node. */
export function nextTrueTime(node: CompiledNode, state: VisitorState, now: number): number {
  if (!node.timed || node.test(state, now)) return INF;
  return node.nt(state, now);
}
