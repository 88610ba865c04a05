/**
 * Background work on the thread that serves sockets gives it back between steps. On a SQLite file
 * every statement runs on that thread, and awaiting one only queues a microtask: a broadcast's
 * page (its reads, its plans, its transaction) ran as one stretch, and every chat message that
 * arrived meanwhile waited for all of it (bench/notes.md, W12).
 */

/** Resolves on a later turn of the event loop, after the sockets' waiting input has been read. */
export const yieldTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

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
