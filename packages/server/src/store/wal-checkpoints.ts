import { Worker } from 'node:worker_threads';

/**
 * The WAL file is cut back to this size when it starts over (`journal_size_limit`). Above what a
 * busy node's WAL reaches between two resets, so starting over never waits for a truncation: cutting
 * a 100 MB file back to 64 MB held the node's next commit for as long as the checkpoint itself.
 */
export const WAL_SIZE_LIMIT = 256 * 1024 * 1024;

/** The store's own connection, as far as checkpoints concern it. */
export interface CheckpointedConnection {
  pragma(text: string): unknown;
}

export interface WalCheckpoints {
  /** Passes the store's connection made to let the WAL start over, and RESTARTs by the thread (holding writers off). */
  readonly counts: { resets: number; restarts: number };
  /** Runs a last checkpoint and stops the thread. */
  stop(): Promise<void>;
}

/** Tests shorten these; see sqlite-checkpointer.js. */
export interface WalCheckpointTuning {
  intervalMs?: number;
  resetPages?: number;
}

/**
 * Moves a SQLite store's WAL back into its file on a thread of its own (`sqlite-checkpointer.js`),
 * from the moment the store opens: no connection of the node checkpoints inside its commits, so
 * neither chat messages nor event flushes wait for a checkpoint's fsyncs. Should the thread
 * fail, the store's connection checkpoints again as SQLite does by default.
 */
export function startWalCheckpoints(
  file: string,
  connection: CheckpointedConnection,
  tuning: WalCheckpointTuning = {},
): WalCheckpoints {
  const worker = new Worker(new URL('./sqlite-checkpointer.js', import.meta.url), {
    workerData: { file, ...tuning },
  });
  const counts = { resets: 0, restarts: 0 };
  worker.unref();
  connection.pragma('wal_autocheckpoint = 0');
  let stopping = false;
  // The thread caught up with a large WAL: copy the little written since, from the writer's own
  // connection, so its next commit starts the WAL over (see RESET_PAGES in sqlite-checkpointer.js).
  worker.on('message', (m) => {
    if (m === 'restarted') counts.restarts++;
    if (m !== 'reset' || stopping) return;
    try {
      connection.pragma('wal_checkpoint(PASSIVE)');
      counts.resets++;
    } catch {
      // inside a transaction, or busy: the WAL did not start over, and the thread notices
    }
    worker.postMessage('reset-tried');
  });
  const exited = new Promise<void>((resolve) => {
    const fallBack = () => {
      if (!stopping) connection.pragma('wal_autocheckpoint = 1000');
      resolve();
    };
    worker.once('error', fallBack);
    worker.once('exit', fallBack);
  });
  return {
    counts,
    async stop() {
      if (stopping) return exited;
      stopping = true;
      worker.postMessage('stop');
      const timer = setTimeout(() => void worker.terminate(), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
