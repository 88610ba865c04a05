import { Worker } from 'node:worker_threads';
import type Sqlite from 'better-sqlite3';
import { threadExecArgv } from '../thread-argv.ts';
import { type MessageMover, messageMover } from './message-moves.js';
import { reportReadsOn } from './report-reads.ts';

/**
 * The WAL file is cut back to this size when it starts over (`journal_size_limit`). Above what a
 * busy node's WAL reaches between two resets, so starting over never waits for a truncation: cutting
 * a 100 MB file back to 64 MB held the node's next commit for as long as the checkpoint itself.
 */
export const WAL_SIZE_LIMIT = 256 * 1024 * 1024;

/** The store's own connection: it checkpoints should the thread fail, and makes the moves of chat messages. */
export type CheckpointedConnection = Sqlite.Database;

/** Holds the store connection's statements off without blocking its thread (see StatementGate). */
export interface HoldableConnection {
  hold(onHeld: (release: () => void, since: number) => void): Promise<void>;
}

/** Why the store's statements were held: a WAL reset pass, or a move of recent chat messages. */
export type HoldKind = 'reset' | 'move';

/** Longest the store's connection is held for a reset pass the thread does not answer. */
const HOLD_MAX_MS = 250;

export interface WalCheckpoints {
  /**
   * Reset passes made to let the WAL start over (by the store's connection, or by the thread while
   * the connection held its statements), RESTARTs by the thread (holding writers off), and the
   * times the thread's own commit started the WAL over (so its header's sync ran there). `late`:
   * holds let go after HOLD_MAX_MS before the thread answered, and asks this connection did not
   * hold for within five rounds (a loaded machine either way); the store's connection may then
   * start the WAL over itself, as without a gate, or the thread RESTART.
   */
  readonly counts: { resets: number; restarts: number; moves: number; startsOver: number; late: number };
  /**
   * Told how long the store's statements were held for each reset or move, from the moment new
   * ones began to wait until they ran again (the metrics' histogram; see ops/store-metrics.ts).
   */
  onHeld: ((kind: HoldKind, ms: number) => void) | null;
  /** Runs a last checkpoint and stops the thread. */
  stop(): Promise<void>;
}

/** Tests shorten these; see sqlite-checkpointer.js. */
export interface WalCheckpointTuning {
  intervalMs?: number;
  resetPages?: number;
  moveCheckMs?: number;
  moveAtRows?: number;
  moveAfterMs?: number;
  moveMaxRows?: number;
  /** Called with the WAL header's new salts each time the thread starts the WAL over (tests). */
  onStartOver?: (salts: string) => void;
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
  gate?: HoldableConnection,
): WalCheckpoints {
  const { onStartOver, ...thread } = tuning;
  const worker = new Worker(new URL('./sqlite-checkpointer.js', import.meta.url), {
    workerData: { file, holdable: gate !== undefined, reportReads: reportReadsOn(file), ...thread },
    execArgv: threadExecArgv(),
  });
  const counts = { resets: 0, restarts: 0, moves: 0, startsOver: 0, late: 0 };
  worker.unref();
  connection.pragma('wal_autocheckpoint = 0');
  let stopping = false;
  // The thread caught up with a large WAL, or a pass of its own reached the WAL's end. With a gate,
  // the store's connection holds its statements (its thread goes on serving sockets) while the
  // thread copies the little written since (a large WAL) and commits the write that starts the WAL
  // over, so the new header's sync runs on the thread, not here. Without one, the store's
  // connection copies it itself between two transactions (its thread waits for that pass's
  // fsyncs), and its next commit starts the WAL over. See sqlite-checkpointer.js.
  const late = () => counts.late++;
  const timed = (kind: HoldKind) => (ms: number) => checkpoints.onHeld?.(kind, ms);
  const reset = new Hold(late, timed('reset'));
  /** Holds the connection's statements for `hold`, then tells the thread to `go`. */
  const holdThen = (hold: Hold, go: string) =>
    gate!.hold((release, since) => {
      if (stopping) return release();
      hold.start(release, since);
      worker.postMessage(go);
    });
  // Moving recent chat messages on (see sqlite-checkpointer.js): between two of its transactions,
  // the store's connection makes the move in one of its own, on its own thread. The move waits a
  // turn after the hold begins, so the transaction that just ended is answered first (its sync
  // runs while the rows move).
  let mover: MessageMover | null = null;
  const moveHere = () =>
    gate!.hold((release, since) =>
      setImmediate(() => {
        let left = 0;
        try {
          if (!stopping) {
            mover ??= messageMover(connection, tuning.moveMaxRows);
            left = mover.move.immediate();
            counts.moves++;
          }
        } catch {
          // Busy (another connection holds the write lock) or closing: the thread asks again.
        } finally {
          release();
        }
        checkpoints.onHeld?.('move', performance.now() - since);
        if (!stopping) worker.postMessage({ moved: left });
      }),
    );
  worker.on('message', (m) => {
    if (typeof m === 'object' && m?.startedOver) {
      counts.startsOver++;
      onStartOver?.(m.startedOver);
      return;
    }
    if (m === 'move-done') counts.moves++;
    if (m === 'move' && !stopping) {
      if (gate) void moveHere();
      else worker.postMessage('move-go');
    }
    if (m === 'restarted') counts.restarts++;
    if (m === 'unanswered') counts.late++;
    if (m === 'reset-done' && reset.end()) counts.resets++;
    if (m !== 'reset' || stopping) return;
    if (gate) return void holdThen(reset, 'reset-go');
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
  const checkpoints: WalCheckpoints = {
    counts,
    onHeld: null,
    async stop() {
      if (stopping) return exited;
      stopping = true;
      reset.end();
      worker.postMessage('stop');
      const timer = setTimeout(() => void worker.terminate(), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
  return checkpoints;
}

/** One hold of the store's statements for the thread, let go when it answers or after HOLD_MAX_MS. */
class Hold {
  private release: (() => void) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private since = 0;

  constructor(
    private readonly onLate: () => void,
    private readonly onEnd: (ms: number) => void,
  ) {}

  /** `since`: when new statements began to wait (performance.now()). */
  start(release: () => void, since: number): void {
    this.release = release;
    this.since = since;
    this.timer = setTimeout(() => {
      if (this.end()) this.onLate();
    }, HOLD_MAX_MS);
  }

  /** Lets go; true when the hold was still on (the thread answered in time). */
  end(): boolean {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const release = this.release;
    this.release = null;
    release?.();
    if (release) this.onEnd(performance.now() - this.since);
    return release !== null;
  }
}
