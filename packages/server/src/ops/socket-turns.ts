/**
 * Background work on the thread that serves sockets gives it back between steps. On a SQLite file
 * every statement runs on that thread, and awaiting one only queues a microtask: a broadcast's
 * page (its reads, its plans, its transaction) ran as one stretch, and every chat message that
 * arrived meanwhile waited for all of it (bench/notes.md, W12).
 */

import { performance } from 'node:perf_hooks';
import { envInteger } from '../config-integer.ts';

/** Resolves on a later turn of the event loop, after the sockets' waiting input has been read. */
export const yieldTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** How long each window of the thread's busy share lasts (ms); the share spans the last one and the current. */
const LOAD_WINDOW_MS = 50;

let lastStart = performance.eventLoopUtilization();
let windowStart = lastStart;
let windowAt = performance.now();

/**
 * The share of the last 50–100 ms the thread spent running code rather than waiting for I/O (0–1):
 * Node's event loop utilisation from the start of the last full window up to now. The current
 * moment is in it, so a burst of bulk steps shows at once, not only once a window has closed.
 */
export function threadBusyShare(): number {
  const now = performance.now();
  const current = performance.eventLoopUtilization();
  if (now - windowAt >= LOAD_WINDOW_MS) {
    lastStart = windowStart;
    windowStart = current;
    windowAt = now;
  }
  return performance.eventLoopUtilization(current, lastStart).utilization;
}

/**
 * How bulk work (a broadcast's pages and messages) yields to live work, for the sender and the
 * outbox alike: one setting, since they share the thread.
 */
export interface BulkTurnOptions {
  /** While the thread was busier than this over the last 100 ms (percent; 100: never), bulk steps pass one per `bulkPauseMs`. */
  bulkBusyPercent?: number;
  /** While the thread is that busy, one bulk step passes per pause (ms). */
  bulkPauseMs?: number;
}

/**
 * `BECKON_BULK_BUSY_PERCENT` and `BECKON_BULK_PAUSE_MS`; a bad value stops the start with its name.
 * A chat's half-load p99 stays near 10 ms while the thread is under about 60 % busy and passes
 * 35 ms from about 75 % (W3, bench/notes.md). Bulk work that may fill the thread up to 80 % put a
 * chat beside a send at 90–180 ms; up to 70 %, with one step per 50 ms above it, at 74–90 ms (W12).
 */
export function loadBulkTurnOptions(env: NodeJS.ProcessEnv): Required<BulkTurnOptions> {
  return {
    bulkBusyPercent: envInteger(env, 'BECKON_BULK_BUSY_PERCENT', 70, 10, 100),
    bulkPauseMs: envInteger(env, 'BECKON_BULK_PAUSE_MS', 50, 0, 10_000),
  };
}

/** Whether bulk steps wait for the thread at all (else they only yield a turn). */
export const bulkTurnsWait = (o: BulkTurnOptions): boolean => (o.bulkBusyPercent ?? 100) < 100;

/** Bulk steps waiting for the thread, first come first served (one thread, one queue). */
const bulkWaiting: Array<() => void> = [];
let pumping = false;

/**
 * Bulk work goes after live work. Its steps pass one at a time: at once while the thread has been
 * busy less than `bulkBusyPercent` of the last 100 ms, else one every `bulkPauseMs` at most. A chat
 * beside a send keeps the thread's slack; the send takes what is left, never nothing. With the
 * wait off (100 %) a step only yields a turn.
 */
export function bulkTurn(o: BulkTurnOptions): Promise<void> {
  if (!bulkTurnsWait(o)) return yieldTurn();
  const busyShare = o.bulkBusyPercent! / 100;
  const pauseMs = o.bulkPauseMs ?? 0;
  return new Promise((resolve) => {
    bulkWaiting.push(resolve);
    if (!pumping) {
      pumping = true;
      setImmediate(() => pump(busyShare, pauseMs));
    }
  });
}

function pump(busyShare: number, pauseMs: number): void {
  const next = bulkWaiting.shift();
  if (!next) {
    pumping = false;
    return;
  }
  next();
  // The next step waits for the one let through to run, and for the thread to have room.
  if (threadBusyShare() <= busyShare) setImmediate(() => pump(busyShare, pauseMs));
  else setTimeout(() => pump(busyShare, pauseMs), pauseMs);
}

/**
 * A slicer for a loop of small steps: `await slice()` after each gives the thread back once
 * `everyMs` have passed since it last did, so the loop holds the thread at most that long at a time.
 */
export function turnSlicer(everyMs: number): () => Promise<void> | undefined {
  let since = performance.now();
  return () => {
    const now = performance.now();
    if (now - since < everyMs) return undefined;
    return yieldTurn().then(() => {
      since = performance.now();
    });
  };
}

/**
 * Runs `work` and tells how long it held the thread before its first wait for I/O (ms): on a
 * SQLite file, a transaction's statements up to its commit; on PostgreSQL, next to nothing.
 */
export async function heldFor<T>(work: () => Promise<T>): Promise<{ value: T; heldMs: number }> {
  const start = performance.now();
  let heldMs = -1;
  // Runs on the first turn the work lets the loop take: after its synchronous stretch.
  const turn = setImmediate(() => {
    heldMs = performance.now() - start;
  });
  const value = await work();
  if (heldMs < 0) {
    clearImmediate(turn);
    heldMs = performance.now() - start;
  }
  return { value, heldMs };
}
