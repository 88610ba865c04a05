/**
 * Background work on the thread that serves sockets gives it back between steps. On a SQLite file
 * every statement runs on that thread, and awaiting one only queues a microtask: a broadcast's
 * page (its reads, its plans, its transaction) ran as one stretch, and every chat message that
 * arrived meanwhile waited for all of it (bench/notes.md, W12).
 */

import { openSync, readSync } from 'node:fs';
import { type IntervalHistogram, monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { envInteger } from '../config-integer.ts';

/** Resolves on a later turn of the event loop, after the sockets' waiting input has been read. */
export const yieldTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** How long each window of the thread's busy share lasts (ms); the share spans the last one and the current. */
const LOAD_WINDOW_MS = 50;

/**
 * How long each window of the core wait share lasts (ms): the share spans the last one and the
 * current. Longer than the busy share's: the wait comes from the mail and provider threads' work,
 * which follows the steps let through by a few hundred milliseconds.
 */
const CORE_WAIT_WINDOW_MS = 500;

/**
 * Bulk steps slow down while the socket thread waited for a core more than this share of the time
 * (%); 100 by default: never. On two cores at 5 %, a chat beside a send kept a lower tail, but a
 * node with one chat sent four to six times slower: the send's own threads make the socket thread
 * wait, and a two-core machine's base wait is near 5 % (bench/notes.md, W12).
 */
const DEFAULT_CORE_WAIT_PERCENT = 100;

/**
 * Bulk steps slow down while chats are live and the loop's turns came later than this (ms); see
 * `LoopLag`. Beside 10,000 recipients and a chat at 3,600 msgs/s: at 10 ms the chat's p99 36.4 ms
 * and the send 197 s; off, 51.7 ms and 51 s; at 20 ms, 56.5 ms and 81 s. With one chat pair the send
 * took twice as long (30 s against 15) and that chat's p99 halved (bench/notes.md, W12).
 */
const DEFAULT_LAG_MS = 10;

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
 * How long the calling thread has waited for a core so far (ms), or null where the system does not
 * tell: Linux's `schedstat` of the thread, whose second field counts the nanoseconds it was ready
 * to run but not running. The file is opened at the first call, by the thread that will read it
 * (`thread-self` names the opener), and read again from its start: one system call a read.
 */
export function schedstatWaits(file = '/proc/thread-self/schedstat'): () => number | null {
  let fd: number | null | undefined;
  const buf = Buffer.alloc(128);
  return () => {
    if (fd === undefined) {
      try {
        fd = openSync(file, 'r');
      } catch {
        fd = null;
      }
    }
    if (fd === null) return null;
    try {
      const n = readSync(fd, buf, 0, buf.length, 0);
      const waitNs = Number(buf.toString('latin1', 0, n).split(' ')[1]);
      return Number.isFinite(waitNs) ? waitNs / 1e6 : null;
    } catch {
      return null;
    }
  };
}

interface WaitMark {
  ms: number;
  at: number;
}

/**
 * The share of the last 0.5–1 s (up to now) a thread was ready to run but waited for a core (0–1;
 * 0 where the system does not tell): the waits since the start of the last full window. When other
 * processes or the node's other threads want both cores, the socket thread's work stretches and
 * a chat's lines wait: the event loop's utilisation counts that wait as the thread's own work and
 * cannot tell it apart. A chat alone at half load on two cores waited 2–4 % of the time; beside a
 * send whose mail and provider threads took the other core, 10–30 % (bench/notes.md, W12).
 */
export class CoreWaitShare {
  private last: WaitMark | null = null;
  private current: WaitMark | null = null;

  constructor(
    private readonly totalMs: () => number | null = schedstatWaits(),
    private readonly now: () => number = () => performance.now(),
  ) {}

  share(): number {
    const ms = this.totalMs();
    if (ms === null) return 0;
    const at = this.now();
    if (this.current === null || this.last === null) {
      this.last = this.current = { ms, at };
      return 0;
    }
    if (at - this.current.at >= CORE_WAIT_WINDOW_MS) {
      this.last = this.current;
      this.current = { ms, at };
    }
    const span = at - this.last.at;
    return span > 0 ? Math.min(1, Math.max(0, (ms - this.last.ms) / span)) : 0;
  }
}

/** The socket thread's own (socket-turns runs there; each thread has its own copy of this module). */
const coreWaits = new CoreWaitShare();

/** How long after a chat line arrived the chats count as live (ms). */
const LIVE_FOR_MS = 1000;
let lastLiveLine = Number.NEGATIVE_INFINITY;

/** A chat line arrived on this thread (the message writer tells): bulk steps now watch the loop's lag. */
export function liveLine(now = performance.now()): void {
  lastLiveLine = now;
}

/** Whether a chat line arrived within the last second. */
const chatsLive = (now = performance.now()): boolean => now - lastLiveLine <= LIVE_FOR_MS;

/** How long each window of the loop's lag lasts (ms): the lag spans the last one and the current. */
const LAG_WINDOW_MS = 250;
/** How often the lag's timer samples the loop (ms; Node's histogram of event-loop delay). */
const LAG_RESOLUTION_MS = 5;

/** How long the lag's sampler runs on after bulk steps last asked (ms). */
const LAG_IDLE_MS = 2000;

/**
 * How late the thread's turns came over the last 250–500 ms (ms): the 99th percentile of Node's
 * event-loop delay, sampled every 5 ms. A chat line waits for the turn that reads it, so this is
 * what a line waits before the node sees it: the thread's own work and its wait for a core alike.
 * The sampler runs while bulk steps ask, and stops once they have not for two seconds (`idle`).
 */
class LoopLag {
  private histogram: IntervalHistogram | null = null;
  private lastMs = 0;
  private windowAt = 0;
  private askedAt = 0;
  private stopping: NodeJS.Timeout | null = null;

  ms(): number {
    const now = performance.now();
    this.askedAt = now;
    if (this.histogram === null) {
      this.histogram = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
      this.histogram.enable();
      this.windowAt = now;
      this.lastMs = 0;
    }
    const h = this.histogram;
    const current = h.count > 0 ? h.percentile(99) / 1e6 : 0;
    if (now - this.windowAt < LAG_WINDOW_MS) return Math.max(this.lastMs, current);
    this.lastMs = current;
    h.reset();
    this.windowAt = now;
    return current;
  }

  /** No bulk step waits now: the sampler stops unless one asks again within `LAG_IDLE_MS`. */
  idle(): void {
    if (this.histogram === null || this.stopping !== null) return;
    const check = () => {
      const quietMs = performance.now() - this.askedAt;
      if (quietMs < LAG_IDLE_MS) {
        this.stopping = setTimeout(check, LAG_IDLE_MS - quietMs).unref();
        return;
      }
      this.stopping = null;
      this.histogram?.disable();
      this.histogram = null;
    };
    this.stopping = setTimeout(check, LAG_IDLE_MS).unref();
  }
}

const loopLag = new LoopLag();

/**
 * How bulk work (a broadcast's pages and messages) yields to live work, for the sender and the
 * outbox alike: one setting, since they share the thread.
 */
export interface BulkTurnOptions {
  /** While the thread was busier than this over the last 100 ms (percent; 100: never), bulk steps pass one per `bulkPauseMs`. */
  bulkBusyPercent?: number;
  /** While the thread is that busy, one bulk step passes per pause (ms). */
  bulkPauseMs?: number;
  /**
   * While the thread waited for a core more than this share of the last 0.5–1 s (percent; 100:
   * never looked at), bulk steps pass one per `bulkPauseMs` too (see CoreWaitShare).
   */
  bulkCoreWaitPercent?: number;
  /**
   * While chats are live (a line in the last second) and the loop's turns came later than this
   * (ms, `LoopLag`; 0: never looked at), bulk steps pass one per `bulkPauseMs` too.
   */
  bulkLagMs?: number;
}

/**
 * `BECKON_BULK_BUSY_PERCENT`, `BECKON_BULK_PAUSE_MS`, `BECKON_BULK_CORE_WAIT_PERCENT` and
 * `BECKON_BULK_LAG_MS`; a bad value stops the start with its name. A chat's half-load p99 stays near 10 ms while the thread is under
 * about 60 % busy and passes 35 ms from about 75 % (W3, bench/notes.md). Bulk work that may fill
 * the thread up to 80 % put a chat beside a send at 90–180 ms; up to 70 %, with one step per 50 ms
 * above it, at 74–90 ms (W12). The send's mail and provider threads then took the other core, and
 * the socket thread waited for one 10–30 % of the time: the core wait, when set, bounds that too (W12).
 * Most of that tail was V8's full collections (gc-tuning.ts). Once they were rare, a step per 25 ms
 * kept a chat at half load under 50 ms beside 20,000 recipients, and a chat that fills the thread
 * past 70 % no longer holds a send of 100,000 to 27 a second, over an hour (W12).
 */
export function loadBulkTurnOptions(env: NodeJS.ProcessEnv): Required<BulkTurnOptions> {
  return {
    bulkBusyPercent: envInteger(env, 'BECKON_BULK_BUSY_PERCENT', 70, 10, 100),
    bulkPauseMs: envInteger(env, 'BECKON_BULK_PAUSE_MS', 25, 0, 10_000),
    bulkCoreWaitPercent: envInteger(env, 'BECKON_BULK_CORE_WAIT_PERCENT', DEFAULT_CORE_WAIT_PERCENT, 1, 100),
    bulkLagMs: envInteger(env, 'BECKON_BULK_LAG_MS', DEFAULT_LAG_MS, 0, 10_000),
  };
}

/** Whether bulk steps wait for the thread at all (else they only yield a turn). */
export const bulkTurnsWait = (o: BulkTurnOptions): boolean =>
  (o.bulkBusyPercent ?? 100) < 100 || (o.bulkCoreWaitPercent ?? 100) < 100 || (o.bulkLagMs ?? 0) > 0;

/** Bulk steps waiting for the thread, first come first served (one thread, one queue). */
const bulkWaiting: Array<{ go: () => void; room: Room }> = [];
let pumping = false;

/** What a bulk step needs to pass at once: the most busy and core-wait shares (0–1; 1: not looked at). */
interface Room {
  busy: number;
  coreWait: number;
  pauseMs: number;
  waits: CoreWaitShare;
  /** The most lag of the loop while chats are live (ms; 0: not looked at). */
  lagMs: number;
}

/**
 * Bulk work goes after live work. Its steps pass one at a time: at once while the thread has been
 * busy less than `bulkBusyPercent` of the last 100 ms, waited for a core less than
 * `bulkCoreWaitPercent` of it and, while chats are live, its turns came at most `bulkLagMs` late;
 * else one every `bulkPauseMs` at most. A chat beside a send keeps the thread's slack and its
 * core; the send takes what is left, never nothing. With every gate off (100 %, 100 %, 0 ms) a
 * step only yields a turn.
 */
export function bulkTurn(o: BulkTurnOptions, waits: CoreWaitShare = coreWaits): Promise<void> {
  if (!bulkTurnsWait(o)) return yieldTurn();
  const room: Room = {
    busy: (o.bulkBusyPercent ?? 100) / 100,
    coreWait: (o.bulkCoreWaitPercent ?? 100) / 100,
    pauseMs: o.bulkPauseMs ?? 0,
    waits,
    lagMs: o.bulkLagMs ?? 0,
  };
  return new Promise((go) => {
    bulkWaiting.push({ go, room });
    if (!pumping) {
      pumping = true;
      setImmediate(pump);
    }
  });
}

const hasRoom = (r: Room): boolean =>
  (r.busy >= 1 || threadBusyShare() <= r.busy) &&
  (r.coreWait >= 1 || r.waits.share() <= r.coreWait) &&
  (r.lagMs <= 0 || !chatsLive() || loopLag.ms() <= r.lagMs);

function pump(): void {
  const next = bulkWaiting.shift();
  if (!next) {
    pumping = false;
    loopLag.idle();
    return;
  }
  next.go();
  // The next step waits for the one let through to run, and for the thread to have room.
  if (hasRoom(next.room)) setImmediate(pump);
  else setTimeout(pump, next.room.pauseMs);
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
