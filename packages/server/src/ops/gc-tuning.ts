import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';

/** Where the tuning looks: the machine's cores, the node's own flags, and how to set one. */
export interface GcTuningEnv {
  cores: number;
  /** Node's command line: a setting named there (either way) is left to it (NODE_OPTIONS refuses both). */
  argv: readonly string[];
  set: (flag: string) => void;
}

const defaultEnv = (): GcTuningEnv => ({
  cores: availableParallelism(),
  argv: process.execArgv,
  set: setFlagsFromString,
});

/** How much the old generation grows past what a full collection left before the next (percent): three times. */
export const OLD_GENERATION_GROWTH_PERCENT = 200;

/**
 * V8 settings for a node's heap, set as it starts; V8 reads both as it collects, so setting them
 * after start takes effect. A flag named on the command line, with or without `no-`, keeps what
 * it says. Returns the flags set. Measured in bench/notes.md (W1 and W3).
 *
 * - **No allocation-site pretenuring.** Once objects from an allocation site often survive a
 *   young-generation collection, V8 allocates that site's objects straight in the old generation.
 *   Under chat load most of what reached the old generation (sampled) was `ws`'s per-frame buffers,
 *   dead soon after: the old generation filled with them, and a full collection (a 10–20 ms pause
 *   of the socket thread, then a burst of catch-up) came every few seconds. Off, the same W3 run
 *   made one full collection instead of ten, and its p99 at half load stopped jumping to 30–70 ms.
 * - **On two cores or fewer, young-generation collections on the node's own thread only.** V8's
 *   parallel scavenger hands part of each one to helper threads, and there those compete with the
 *   node's other threads (the events writer, the checkpointer) and with everything else on the
 *   machine, so the socket thread's pause lasts until they get a core.
 * - **The old generation grows to three times what a full collection left before the next one.**
 *   V8 picks that factor from its collector's speed against the program's: a node whose old
 *   generation grows slowly but always (a chat's lines, a send's rows) got a factor near 1.1, and
 *   a full collection every 8 s. Each paused the socket thread 8–18 ms, 30–42 ms on a busy two-core
 *   machine, and nearly every chat line over 50 ms beside a send came in one (W12, bench/notes.md).
 *   At 3, about one in two minutes, most of them for memory outside the heap. The price is
 *   memory: up to three times the live old generation (V8 still keeps the limit halfway to the
 *   heap's most, `--max-old-space-size`).
 */
export function tuneGarbageCollection(env: GcTuningEnv = defaultEnv()): string[] {
  const named = (setting: string) => env.argv.some((a) => a.includes(setting));
  const flags: string[] = [];
  if (!named('allocation-site-pretenuring')) flags.push('--no-allocation-site-pretenuring');
  if (env.cores <= 2 && !named('parallel-scavenge')) flags.push('--no-parallel-scavenge');
  if (!named('heap-growing-percent')) flags.push(`--heap-growing-percent=${OLD_GENERATION_GROWTH_PERCENT}`);
  for (const flag of flags) env.set(flag);
  return flags;
}
