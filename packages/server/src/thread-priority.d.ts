/** The nice value of helper threads when `BECKON_HELPER_THREAD_NICE` is unset. */
export const DEFAULT_HELPER_THREAD_NICE: number;
/** `BECKON_HELPER_THREAD_NICE` (0–19); a bad value throws with its name. */
export function helperThreadNice(env?: NodeJS.ProcessEnv): number;
/** Lowers the calling thread's priority to `nice` (Linux only); returns whether it was set. */
export function lowerThreadPriority(nice?: number): boolean;
