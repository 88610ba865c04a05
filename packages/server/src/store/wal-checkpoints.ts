import { Worker } from 'node:worker_threads';

/** The store's own connection, as far as checkpoints concern it. */
export interface CheckpointedConnection {
  pragma(text: string): unknown;
}

export interface WalCheckpoints {
  /** Runs a last checkpoint and stops the thread. */
  stop(): Promise<void>;
}

/**
 * Moves a SQLite store's WAL back into its file on a thread of its own (`sqlite-checkpointer.js`),
 * from the moment the store opens: no connection of the node checkpoints inside its commits, so
 * neither chat messages nor event flushes wait for a checkpoint's fsyncs. Should the thread
 * fail, the store's connection checkpoints again as SQLite does by default.
 */
export function startWalCheckpoints(file: string, connection: CheckpointedConnection): WalCheckpoints {
  const worker = new Worker(new URL('./sqlite-checkpointer.js', import.meta.url), { workerData: { file } });
  worker.unref();
  connection.pragma('wal_autocheckpoint = 0');
  let stopping = false;
  const exited = new Promise<void>((resolve) => {
    const fallBack = () => {
      if (!stopping) connection.pragma('wal_autocheckpoint = 1000');
      resolve();
    };
    worker.once('error', fallBack);
    worker.once('exit', fallBack);
  });
  return {
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
