import type { Counter } from 'prom-client';

/** A counter's series for a hot path: `inc` only adds to a number. */
export interface HotCounter {
  inc(value?: number): void;
}

const flushers = new WeakMap<object, (() => void)[]>();

/**
 * The `collect` hook of a counter with hot series: hands their pending sums to prom-client.
 * prom-client calls it before every read (`/metrics`, `get()`), so what is read is exact.
 */
export function collectHot(this: Counter): void {
  for (const flush of flushers.get(this) ?? []) flush();
}

/**
 * One series of `counter` (declared with `collect: collectHot`) for a path taken per frame. A
 * prom-client `inc`, even on a series bound with `labels()`, hashes and validates the labels on
 * every call: about a microsecond per frame on a busy visitor socket thread, which this turns
 * into one addition.
 */
export function hotCounter<T extends string>(
  counter: Counter<T>,
  labels?: Partial<Record<T, string | number>>,
): HotCounter {
  let pending = 0;
  let list = flushers.get(counter);
  if (!list) {
    list = [];
    flushers.set(counter, list);
  }
  list.push(() => {
    if (pending === 0) return;
    const n = pending;
    pending = 0;
    if (labels) counter.inc(labels, n);
    else counter.inc(n);
  });
  return {
    inc(value = 1) {
      pending += value;
    },
  };
}
