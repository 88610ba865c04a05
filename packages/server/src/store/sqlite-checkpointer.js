// The WAL checkpointer of a SQLite store: a connection of its own, on a thread of its own, that
// moves the WAL back into the database file every CHECKPOINT_MS. PASSIVE checkpoints run alongside
// the node's transactions, so no commit waits for their fsyncs. Plain JavaScript, so it starts
// fast and however the server was launched.
import { closeSync, openSync, readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import Sqlite from 'better-sqlite3';

const CHECKPOINT_MS = workerData.intervalMs ?? 1000;
/**
 * Under constant writes a passive checkpoint never reaches the WAL's end, so the WAL never starts
 * over by itself. Past this many pages (64 MB), once a pass has copied everything it found, the
 * store's connection is asked ('reset'): it holds its statements off (its thread goes on serving
 * sockets) and answers 'reset-go', and this thread makes one more passive pass, which, when that
 * connection is the only writer (a chat node), reaches the end; its next commit starts the WAL
 * over. A connection that cannot hold its statements makes that pass itself and answers
 * 'reset-tried'.
 */
const RESET_PAGES = workerData.resetPages ?? 16_384;
/**
 * When that did not start the WAL over (another connection — the events writer — kept writing),
 * a RESTART checkpoint here instead, for a while: it holds every writer off until the WAL is copied.
 * Past four times RESET_PAGES, a RESTART in any case.
 */
const RESTART_FOR_MS = 30_000;
/** Extra passes before asking for the reset, until one finds fewer new frames than this (1 MB). */
const CATCH_UP_PASSES = 4;
const CATCH_UP_FRAMES = 256;
const RESTART_PAGES = 4 * RESET_PAGES;
const header = Buffer.alloc(24);
/** The WAL header's salts: they change each time the WAL starts over. */
function walSalts() {
  const fd = openSync(`${workerData.file}-wal`, 'r');
  try {
    readSync(fd, header, 0, 24, 0);
  } finally {
    closeSync(fd);
  }
  return header.toString('hex', 16, 24);
}
const db = new Sqlite(workerData.file);
db.pragma('busy_timeout = 5000');
db.pragma('wal_autocheckpoint = 0');
let restartUntil = 0;
/** The WAL's size (frames) at the previous pass: a pass finds the difference new. */
let previousLog = 0;
/** One passive pass; `found`: how many frames came in since the previous one. */
function pass() {
  const [state] = db.pragma('wal_checkpoint(PASSIVE)');
  if (!state) return null;
  const found = state.log - previousLog;
  previousLog = state.log;
  return { ...state, found };
}
/**
 * When the store's connection was last asked for a reset: the WAL's salts and size, when, and
 * whether it answered; null when not waiting. Until it answers (or a few rounds went by) this
 * thread makes no pass: a passive pass here while that one runs makes it fail as busy.
 */
let asked = null;
const timer = setInterval(() => {
  try {
    if (asked && !asked.answered && Date.now() - asked.at < 5 * CHECKPOINT_MS) return;
    const state = pass();
    if (!state) return;
    // Missed: the WAL grew since, yet did not start over (an idle node has simply not committed yet).
    if (asked && state.log > asked.log && walSalts() === asked.salts)
      restartUntil = Date.now() + RESTART_FOR_MS;
    asked = null;
    if (state.log <= RESET_PAGES) return;
    if (Date.now() < restartUntil || state.log > RESTART_PAGES) {
      db.pragma('wal_checkpoint(RESTART)');
      parentPort.postMessage('restarted');
    } else if (state.checkpointed === state.log) {
      // The store's connection will copy what came in since this pass began, and its fsync holds
      // the node for as long as that takes (~7 ms per MB here): catch up closer first. Each pass
      // copies what came in during the previous one, so they shorten quickly.
      let last = state;
      for (let i = 0; i < CATCH_UP_PASSES && last.found > CATCH_UP_FRAMES; i++) {
        const next = pass();
        if (!next || next.checkpointed !== next.log) break;
        last = next;
      }
      asked = { salts: walSalts(), log: last.log, at: Date.now(), answered: false };
      parentPort.postMessage('reset');
    }
  } catch {
    // busy: the next round catches up
  }
}, CHECKPOINT_MS);
parentPort.on('message', (m) => {
  if (m === 'reset-tried' && asked) asked.answered = true;
  if (m === 'reset-go') {
    // The store's connection holds its statements: this pass, with no writer, reaches the WAL's end.
    try {
      pass();
    } catch {
      // busy (another writer): the WAL does not start over, and the next round notices
    }
    if (asked) asked.answered = true;
    parentPort.postMessage('reset-done');
  }
  if (m === 'stop') {
    clearInterval(timer);
    try {
      db.pragma('wal_checkpoint(PASSIVE)');
    } finally {
      db.close();
      parentPort.close();
    }
  }
});
