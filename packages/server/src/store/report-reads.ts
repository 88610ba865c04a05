import { resolve } from 'node:path';

/**
 * The report reads of each SQLite file of this process, shared between threads: `[0]` how many are
 * open, `[1]` how many ever began. The report readers count them (sqlite-readers.ts); the file's
 * checkpointer thread reads them (sqlite-checkpointer.js). A read keeps the snapshot it began with,
 * so the WAL cannot start over under it, and a RESTART waits for it while it holds every writer.
 */
const counters = new Map<string, SharedArrayBuffer>();

/** The counters of `file`'s report reads, the same for every caller in this process. */
export function reportReadsOn(file: string): SharedArrayBuffer {
  const key = resolve(file);
  let counter = counters.get(key);
  if (!counter) {
    counter = new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
    counters.set(key, counter);
  }
  return counter;
}
