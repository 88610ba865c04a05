// The WAL checkpointer of a SQLite store: a connection of its own, on a thread of its own, that
// moves the WAL back into the database file every CHECKPOINT_MS. PASSIVE checkpoints run alongside
// the node's transactions, so no commit waits for their fsyncs. Plain JavaScript, so it starts
// fast and however the server was launched.
import { closeSync, openSync, readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import Sqlite from 'better-sqlite3';
import { MOVE_MAX_ROWS as DEFAULT_MOVE_MAX_ROWS, messageMover } from './message-moves.js';

const CHECKPOINT_MS = workerData.intervalMs ?? 1000;
/**
 * Under constant writes a passive checkpoint never reaches the WAL's end, so the WAL never starts
 * over by itself. Past this many pages (64 MB), once a pass has copied everything it found, the
 * store's connection is asked ('reset'): it holds its statements off (its thread goes on serving
 * sockets) and answers 'reset-go', and this thread makes one more passive pass, which, when that
 * connection is the only writer (a chat node), reaches the end; this thread then starts the WAL
 * over itself (see startOver). A connection that cannot hold its statements makes that pass
 * itself and answers 'reset-tried'; its next commit starts the WAL over.
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
/**
 * The first commit after a checkpoint copied the whole WAL starts it over: it writes a new header
 * and syncs it before its frames, at `synchronous = NORMAL` too (a header on disk older than the
 * frames after it could replay stale frames after a power cut). On the store's connection that
 * sync stopped every socket of the node for 9–60 ms, about once a second (W3, bench/notes.md).
 * So this thread is that first writer, while the store's connection holds its statements:
 * - `pin`, a second connection, keeps a read transaction open on the WAL's state before each pass.
 *   A pass then copies no further than that state, and while it is open no writer can start the
 *   WAL over (SQLite needs every reader off the WAL for that): a commit that comes after a pass
 *   that reached the end adds its frames after the others, with no header to sync.
 * - After such a pass, the store's connection is asked to hold its statements; this thread lets go
 *   of the pin, copies what came in since the pass began (see heldRound), and commits one small
 *   write of its own (`user_version`, set to itself): that commit starts the WAL over, and the
 *   header's sync runs here. A node that committed during the pass is asked only once its WAL
 *   passed RESET_PAGES: the copy's syncs make that hold longer.
 * - The pin is let go as soon as a pass did not reach the end (someone wrote since, so no writer can
 *   start the WAL over before the next pass), so it never holds off a RESTART or an erasure's
 *   TRUNCATE for longer than a pass.
 * Only where the store's connection can hold its statements (`holdable`); otherwise it starts the
 * WAL over itself, as SQLite does.
 */
const holdable = workerData.holdable === true;
const pin = holdable ? new Sqlite(workerData.file) : null;
pin?.pragma('busy_timeout = 5000');
const pinRead = pin?.prepare('SELECT 1 FROM sqlite_master LIMIT 1');
/** The pin's read transaction is open (only ever from before a pass that reached the WAL's end). */
let pinned = false;
/**
 * NORMAL whatever BECKON_SQLITE_SYNCHRONOUS says: a move this thread makes (see MOVE_CHECK_MS) only
 * carries rows already committed from one table to another in one transaction. Lost to a power cut,
 * it leaves them where they were, and the WAL keeps the commits after it only if it keeps this one
 * too.
 */
db.pragma('synchronous = NORMAL');
db.pragma('wal_autocheckpoint = 0');
/**
 * This connection only moves rows the store's connection wrote into `messages_recent`, whose key
 * to their conversation was checked then. Within a move's transaction nobody else writes, and a
 * conversation deleted before it took its recent rows with it (ON DELETE CASCADE on the store's
 * connection), so a moved row's conversation always exists: checking it again for each row was
 * a third of a move's time, while the store's statements wait (W3, bench/notes.md).
 */
db.pragma('foreign_keys = OFF');
/** Rows moved out of `messages_recent` leave zeros behind, not their text (an erasure must find none). */
db.pragma('secure_delete = ON');

/**
 * New chat messages are written into `messages_recent` (see 0013-messages-recent.ts) and moved into
 * `messages_stored` (message-moves.js): checked here every MOVE_CHECK_MS, moved once the table holds
 * MOVE_AT_ROWS or its rows have waited MOVE_AFTER_MS. This thread asks the store's connection
 * ('move'): that connection holds its statements and, between two of its transactions, makes the
 * move itself in one of its own, on its own thread, then answers `{ moved }` with the rows left.
 * Its thread goes on serving sockets meanwhile, and what it writes then waits for that one
 * transaction. A connection that cannot hold its statements answers 'move-go' at once, and this
 * thread makes the move ('move-done').
 *
 * The store's connection moves, not this thread, because of what a hand-over costs on two busy
 * cores: while the statements were held for this thread, the hold lasted until it got a core,
 * moved and answered. On W3 at half load that was 10–30 ms four times a second for 800 rows; the
 * same move made by the store's connection holds it for a few milliseconds (bench/notes.md).
 */
const MOVE_CHECK_MS = workerData.moveCheckMs ?? 50;
/** Rows that make a move due: a move holds the store's statements for a few µs per row. */
const MOVE_AT_ROWS = workerData.moveAtRows ?? 800;
const MOVE_AFTER_MS = workerData.moveAfterMs ?? 1000;
/** Most rows one move takes (a node that fell behind catches up in several short moves, not one long one). */
const MOVE_MAX_ROWS = workerData.moveMaxRows ?? DEFAULT_MOVE_MAX_ROWS;
/** The mover's statements, once the store's migrations made the tables (null until then). */
let mover = null;
function moverStatements() {
  try {
    return messageMover(db, MOVE_MAX_ROWS);
  } catch {
    return null; // the store is not migrated yet
  }
}
/** A move is due (asked for, or about to be). */
let due = false;
let asking = false;
let lastMove = Date.now();
/** Moves committed: this connection's own writes, which `data_version` does not count. */
let moves = 0;
function askToMove() {
  if (asking || !due) return;
  asking = true;
  parentPort.postMessage('move');
}
const moveTimer = setInterval(() => {
  try {
    if (asking || due) return;
    mover ??= moverStatements();
    if (!mover) return;
    const n = mover.count.get();
    if (n === 0) {
      lastMove = Date.now();
      return;
    }
    if (n < MOVE_AT_ROWS && Date.now() - lastMove < MOVE_AFTER_MS) return;
    due = true;
    askToMove();
  } catch {
    // busy, or the store is closing: the next round tries again
  }
}, MOVE_CHECK_MS);
/** A move was made (`left`: rows still waiting): ask for the next when due, and run a waiting round. */
function moved(left) {
  due = left >= MOVE_AT_ROWS;
  lastMove = Date.now();
  asking = false;
  if (roundDue) checkpointRound();
  askToMove();
}
/** The store's connection cannot hold its statements: this thread moves the oldest rows. */
function moveRows() {
  let left = 0;
  // A pass reached the WAL's end and the pin still holds it: this move, with no other writer, is
  // the commit that starts the WAL over (its header's sync runs here).
  try {
    const salts = pinned ? walSalts() : null;
    unpin();
    left = mover.move.immediate();
    moves++;
    if (salts) startedOver(salts);
  } catch {
    // busy (another writer): the next round tries again
  }
  parentPort.postMessage('move-done');
  moved(left);
}
/** What this connection sees another connection commit: `data_version` changes when one does. */
function version() {
  return db.pragma('data_version', { simple: true });
}
/** Opens the pin's read transaction, unless it is open. */
function pinWal() {
  if (!pin || pinned) return;
  pin.exec('BEGIN');
  try {
    pinRead.get();
    pinned = true;
  } catch (err) {
    pin.exec('ROLLBACK');
    throw err;
  }
}
function unpin() {
  if (!pinned) return;
  pinned = false;
  pin.exec('COMMIT');
}
/** A small write of this connection's own: the commit that starts the WAL over. */
const touch = db.transaction(() => {
  const v = db.pragma('user_version', { simple: true });
  db.pragma(`user_version = ${v}`);
});
/**
 * What this thread committed last, and what it had seen of the others' commits then: while both
 * stay as they are, the WAL holds only that commit, and nothing needs copying or starting over.
 */
let lastOwn = null;
/** Reports a WAL this thread started over (its salts changed since `before`). */
function startedOver(before) {
  const salts = walSalts();
  if (salts === before) return; // a reader elsewhere kept the WAL: the commit went after the others
  lastOwn = { version: version(), moves };
  parentPort.postMessage({ startedOver: salts });
}
/** Commits the small write; the WAL starts over when a pass reached its end and nobody wrote since. */
function startOver() {
  const before = walSalts();
  touch.immediate();
  startedOver(before);
}
let restartUntil = 0;
/** The file's report reads, open (`[0]`) and begun (`[1]`), counted by the node (report-reads.ts). */
const reportReads = workerData.reportReads ? new Int32Array(workerData.reportReads) : null;
const readsOpen = () => (reportReads ? Atomics.load(reportReads, 0) : 0);
const readsBegun = () => (reportReads ? Atomics.load(reportReads, 1) : 0);
/** The WAL's size (frames) at the previous pass: a pass finds the difference new. */
let previousLog = 0;
/**
 * One passive pass; `found`: how many frames came in since the previous one; `end`: it reached the
 * WAL's end as it was when the pass began, and the pin holds it there until this thread starts the
 * WAL over; `quiet`: nobody committed during the pass either (a pass reads the WAL's size when it
 * begins, so `end` alone misses the commits made while it copies).
 */
function pass() {
  const before = version();
  // Someone committed while the pin held the WAL's end: their frames came after it, so no writer
  // can start the WAL over now, and the pin may move on to the WAL as it is.
  if (pinned && (before !== pinnedAt.version || moves !== pinnedAt.moves)) unpin();
  pinWal();
  const [state] = db.pragma('wal_checkpoint(PASSIVE)');
  if (!state) return null;
  const end = state.busy === 0 && state.checkpointed === state.log;
  if (!end) unpin();
  else if (pinned) pinnedAt = { version: before, moves };
  const found = state.log - previousLog;
  previousLog = state.log;
  return { ...state, found, end, quiet: end && version() === before };
}
/** What this thread had seen committed when a pass left the pin holding the WAL's end. */
let pinnedAt = { version: 0, moves: 0 };
/**
 * When the store's connection was last asked to hold its statements (`reset`: a large WAL, this
 * thread passes once more, then starts the WAL over; `restart`: a pass reached the end, this thread
 * starts it over if nobody wrote since): the WAL's salts and size, when, and whether it answered;
 * null when not waiting. Until it answers (or a few rounds went by) this thread makes no pass: a
 * passive pass here while that one runs makes it fail as busy.
 */
let asked = null;
function ask(kind, state) {
  asked = {
    kind,
    salts: walSalts(),
    log: state.log,
    at: Date.now(),
    readsBegun: readsBegun(),
    answered: false,
    givenUp: false,
  };
  parentPort.postMessage('reset');
}
/**
 * A checkpoint round (a pass can take tens of milliseconds) never starts while the store's
 * connection holds its statements for a move or is about to: that round waits for the move's end.
 */
let roundDue = false;
function checkpointRound() {
  if (asking) {
    roundDue = true;
    return;
  }
  roundDue = false;
  try {
    if (asked && !asked.answered && Date.now() - asked.at < 5 * CHECKPOINT_MS) return;
    // The store's connection did not hold its statements in time (its thread was kept from the
    // message: a loaded machine). The store goes on as without a gate; the parent counts it late.
    // Once per ask: a round that finds the WAL busy keeps the ask for the next one.
    if (asked && !asked.answered && !asked.givenUp) {
      asked.givenUp = true;
      parentPort.postMessage('unanswered');
    }
    // Nothing was committed since this thread's own write (an idle node): nothing to copy.
    if (lastOwn && !pinned && version() === lastOwn.version && moves === lastOwn.moves) return;
    const state = pass();
    if (!state) return;
    // Missed: the WAL grew since, yet did not start over (an idle node has simply not committed
    // yet). Not when a report read began meanwhile: its snapshot, not another writer, kept the WAL.
    if (
      asked?.kind === 'reset' &&
      state.log > asked.log &&
      walSalts() === asked.salts &&
      readsOpen() === 0 &&
      readsBegun() === asked.readsBegun
    )
      restartUntil = Date.now() + RESTART_FOR_MS;
    asked = null;
    // A quiet node: the held round only starts the WAL over (one sync). On a busy node it also
    // copies what came in during the pass (three syncs, 15–45 ms of held statements on W3's disk),
    // so it waits until the WAL passes RESET_PAGES (every few seconds at W3's half load).
    if (state.quiet && pinned) return ask('restart', state);
    if (state.log <= RESET_PAGES) return;
    // A report read open on the file keeps the snapshot it began with: the WAL cannot start over
    // under it, and a RESTART would hold every writer, the chat's commits too, until it ends (a
    // broadcast's view read 1–2 s at 100,000 recipients). Passive passes go on; the reset or the
    // RESTART waits for a round with no read open, up to RESTART_PAGES.
    if (readsOpen() > 0 && state.log <= RESTART_PAGES) return;
    if (Date.now() < restartUntil || state.log > RESTART_PAGES) {
      unpin(); // a RESTART waits for every reader
      const [restart] = db.pragma('wal_checkpoint(RESTART)');
      parentPort.postMessage('restarted');
      // The WAL is copied and no one reads it: this thread's write starts it over at once.
      if (holdable && restart?.busy === 0) startOver();
    } else if (state.log - state.checkpointed <= CATCH_UP_FRAMES) {
      // The store's connection will copy what came in since this pass began, and its fsync holds
      // the node for as long as that takes (~7 ms per MB here): catch up closer first. Each pass
      // copies what came in during the previous one, so they shorten quickly. A pass need not reach
      // the end: on a slow disk the writer commits during every pass, and waiting for one that
      // does would leave only the RESTART, which holds writers off. The held pass copies the rest.
      let last = state;
      for (let i = 0; i < CATCH_UP_PASSES && last.found > CATCH_UP_FRAMES; i++) {
        const next = pass();
        if (!next || next.log - next.checkpointed > CATCH_UP_FRAMES) break;
        last = next;
        if (next.end && pinned) return ask('restart', next);
      }
      ask('reset', last);
    }
  } catch {
    // busy: the next round catches up
  }
}
/**
 * The store's connection holds its statements: this thread passes once more, then starts the WAL
 * over here. The held pass copies what was committed since the last pass began: a pass takes
 * milliseconds, and a busy node commits during nearly every one, after the WAL state the pass read.
 * Without it, the WAL never started over while a node was busy (it grew to 270 MB in one ten-second
 * window of W3 at half load, and each commit's sync then also grew the file; bench/notes.md).
 */
function heldRound() {
  try {
    unpin();
    const [state] = db.pragma('wal_checkpoint(PASSIVE)');
    if (state?.busy === 0 && state.checkpointed === state.log) startOver();
  } catch {
    // busy (another writer): the WAL does not start over, and the next round notices
  }
}
const timer = setInterval(checkpointRound, CHECKPOINT_MS);
parentPort.on('message', (m) => {
  if (m === 'move-go') moveRows();
  // The store's connection made the move (its commit, which `data_version` counts like any other).
  if (typeof m === 'object' && m !== null && typeof m.moved === 'number') moved(m.moved);
  if (m === 'reset-tried' && asked) asked.answered = true;
  if (m === 'reset-go') {
    heldRound();
    if (asked) asked.answered = true;
    parentPort.postMessage('reset-done');
  }
  if (m === 'stop') {
    clearInterval(timer);
    clearInterval(moveTimer);
    try {
      unpin();
      db.pragma('wal_checkpoint(PASSIVE)');
    } finally {
      pin?.close();
      db.close();
      parentPort.close();
    }
  }
});
