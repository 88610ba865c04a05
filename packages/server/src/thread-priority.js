// How a helper thread of ours (mail, provider requests, model training) gives the thread that serves
// sockets the first claim on a core. Plain JavaScript, so the threads' plain entries import it.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/** The nice value of helper threads when `BECKON_HELPER_THREAD_NICE` is unset. */
export const DEFAULT_HELPER_THREAD_NICE = 10;

/**
 * `BECKON_HELPER_THREAD_NICE` (0–19; 0 leaves helpers as the socket thread); a bad value throws
 * with its name, so the node's start stops on it.
 */
export function helperThreadNice(env = process.env) {
  const raw = env.BECKON_HELPER_THREAD_NICE;
  const v = raw === undefined || raw === '' ? DEFAULT_HELPER_THREAD_NICE : Number(raw);
  if (!Number.isInteger(v) || v < 0 || v > 19) throw new Error(`invalid BECKON_HELPER_THREAD_NICE: ${raw}`);
  return v;
}

/**
 * Lowers the calling thread's scheduling priority to `nice`, on Linux, where a thread has a nice
 * value of its own (the id `/proc/thread-self` names). Elsewhere `setpriority` would lower the whole
 * process, the socket thread with it, so it does nothing. The libuv pool's threads were started
 * with the process and keep its priority. Returns whether the priority was set.
 */
export function lowerThreadPriority(nice = niceOrZero()) {
  if (nice <= 0 || process.platform !== 'linux') return false;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0) return false;
    setPriority(tid, nice);
    return true;
  } catch {
    // No /proc, or a sandbox that refuses: the thread runs as before.
    return false;
  }
}

function niceOrZero() {
  try {
    return helperThreadNice();
  } catch {
    return 0;
  }
}
