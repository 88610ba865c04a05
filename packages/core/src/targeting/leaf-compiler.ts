import type { FieldRef, LeafCondition, RegexValue } from '@beckon/protocol';
import { resolveField } from '@beckon/protocol';
import { campaignRegex } from '@beckon/protocol/campaign-regex';
import { timeOnPageMs, type VisitorState } from '../visitor-state.ts';
import { getterFor, previousGetterFor } from './field-access.ts';
import { compileGlob, isPathGlob, lowerCached } from './glob.ts';
import { nextLocalHour } from './local-hour.ts';

/** A compiled test: true when the visitor state satisfies the condition at time `now`. */
export type ConditionFn = (state: VisitorState, now: number) => boolean;
/** Earliest future time (ms) at which a node could flip, assuming no new events; Infinity if never. */
export type TimeFn = (state: VisitorState, now: number) => number;

/** A compiled condition node: its test and when time alone could turn it true (`nt`) or false (`nf`). */
export interface CompiledNode {
  test: ConditionFn;
  nt: TimeFn;
  nf: TimeFn;
  /** Some leaf below depends on the clock. */
  timed: boolean;
}

const never: TimeFn = () => Number.POSITIVE_INFINITY;
interface EventLike {
  count?: number;
  lastAt?: number;
  at?: number;
}

/** Compiles one leaf (field, op, value) into closures; throws on a field or op that does not exist. */
export function compileLeaf(leaf: LeafCondition, campaignId = ''): CompiledNode {
  const ref = resolveField(leaf.field);
  if (!ref) throw new Error(`unknown field ${leaf.field}`);
  const timed = timedLeaf(ref, leaf);
  return { test: compileTest(ref, leaf, campaignId), ...timed };
}

function compileTest(ref: FieldRef, leaf: LeafCondition, campaignId: string): ConditionFn {
  const get = getterFor(ref, campaignId);
  const v = leaf.value;
  const isList = ref.kind === 'list';
  switch (leaf.op) {
    case 'equals':
      return (s, n) => get(s, n) === v;
    case 'not_equals':
      return (s, n) => {
        const x = get(s, n);
        return x !== undefined && x !== v;
      };
    case 'contains': {
      const needle = String(v);
      if (isList) return (s, n) => (get(s, n) as string[]).includes(needle);
      const lower = needle.toLowerCase();
      return (s, n) => {
        const x = get(s, n);
        return typeof x === 'string' && lowerCached(x).includes(lower);
      };
    }
    case 'matches': {
      const match = matcherFor(v as string | RegexValue);
      const read =
        ref.base === 'page.url' && typeof v === 'string' && isPathGlob(v)
          ? getterFor({ ...ref, base: 'page.path' })
          : get;
      if (isList) return (s, n) => (read(s, n) as string[]).some(match);
      return (s, n) => {
        const x = read(s, n);
        return typeof x === 'string' && match(x);
      };
    }
    case 'in': {
      const set = new Set<unknown>(v as unknown[]);
      if (isList) return (s, n) => (get(s, n) as string[]).some((x) => set.has(x));
      return (s, n) => set.has(get(s, n));
    }
    case 'gte':
    case 'lte': {
      const scale = ref.kind === 'time' ? 1000 : 1;
      const limit = (v as number) * scale;
      const num: (s: VisitorState, n: number) => unknown =
        ref.kind === 'event' ? (s, n) => (get(s, n) as EventLike | undefined)?.count ?? 0 : get;
      return leaf.op === 'gte'
        ? (s, n) => {
            const x = num(s, n);
            return typeof x === 'number' && x >= limit;
          }
        : (s, n) => {
            const x = num(s, n);
            return typeof x === 'number' && x <= limit;
          };
    }
    case 'changed': {
      const prev = previousGetterFor(ref);
      return (s, n) => {
        const x = get(s, n);
        const p = prev(s, n);
        return x !== undefined && p !== undefined && x !== p;
      };
    }
    case 'increased':
    case 'decreased': {
      const prev = previousGetterFor(ref);
      const min = typeof v === 'number' ? v : 0;
      const sign = leaf.op === 'increased' ? 1 : -1;
      return (s, n) => {
        const x = get(s, n);
        const p = prev(s, n);
        if (typeof x !== 'number' || typeof p !== 'number') return false;
        const delta = (x - p) * sign;
        return delta > 0 && delta >= min;
      };
    }
    case 'top_percent': {
      const top = v as number;
      return (s) => s.scoreTop !== undefined && s.scoreTop <= top;
    }
    case 'within': {
      const ms = (v as number) * 1000;
      return (s, n) => {
        const at = lastAt(get(s, n) as EventLike | undefined);
        return at !== undefined && n - at <= ms;
      };
    }
  }
}

function lastAt(e: EventLike | undefined): number | undefined {
  return e === undefined ? undefined : (e.lastAt ?? e.at);
}

/** Precompiles a glob (string) or a regex ({regex, flags}) once. */
function matcherFor(v: string | RegexValue): (x: string) => boolean {
  if (typeof v === 'string') return compileGlob(v);
  const re = campaignRegex(v.regex, v.flags);
  return re ? (x) => re.test(x) : () => false;
}

function timedLeaf(ref: FieldRef, leaf: LeafCondition): Omit<CompiledNode, 'test'> {
  const v = leaf.value as number;
  if (ref.base === 'page.timeOnPage' || ref.base === 'session.timeOnSite') {
    const ms = v * 1000;
    const onPage = ref.base === 'page.timeOnPage';
    // When the clock will read `ms`; Infinity while it is paused (hidden tab, no page).
    const reach: TimeFn = onPage
      ? (s, n) => (s.page !== null && s.visible ? n + ms - timeOnPageMs(s, n) : Number.POSITIVE_INFINITY)
      : (s) => s.sessionStartedAt + ms;
    if (leaf.op === 'gte') return { nt: (s, n) => Math.max(n, reach(s, n)), nf: never, timed: true };
    return { nt: never, nf: (s, n) => Math.max(n, reach(s, n) + 1), timed: true };
  }
  if (ref.base === 'geo.localHour') {
    // The verdict can only change when the visitor's local hour does: look again then.
    return { nt: nextLocalHour, nf: nextLocalHour, timed: true };
  }
  if (leaf.op === 'within') {
    const ms = v * 1000;
    const get = getterFor(ref);
    return {
      nt: never,
      nf: (s, n) => {
        const at = lastAt(get(s, n) as EventLike | undefined);
        return at === undefined ? Number.POSITIVE_INFINITY : Math.max(n, at + ms + 1);
      },
      timed: true,
    };
  }
  return { nt: never, nf: never, timed: false };
}
