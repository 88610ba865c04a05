import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';

/**
 * On a machine of two cores or fewer, young-generation collections run on the node's own thread
 * only. V8's parallel scavenger hands part of each one to helper threads, and there those compete
 * with the node's other threads (the events writer, the checkpointer) and with everything else on
 * the machine, so the socket thread's pause lasts until they get a core. Measured on a 2-core VM
 * (bench/notes.md): W3's p99 at half load 18–27 ms against 23–33 ms, W1's 20–26 ms against
 * 18–80 ms, throughput unchanged. `--parallel-scavenge` on the command line keeps V8's default.
 * V8 reads the flag at each scavenge, so setting it after start takes effect.
 */
export function tuneGarbageCollection(cores = availableParallelism()): boolean {
  if (cores > 2 || process.execArgv.some((a) => a.includes('parallel-scavenge'))) return false;
  setFlagsFromString('--no-parallel-scavenge');
  return true;
}
