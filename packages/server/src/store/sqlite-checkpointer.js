// The WAL checkpointer of a SQLite store: a connection of its own, on a thread of its own, that
// moves the WAL back into the database file every CHECKPOINT_MS. PASSIVE checkpoints run alongside
// the node's transactions, so no commit waits for their fsyncs. Plain JavaScript, so it starts
// fast and however the server was launched.
import { parentPort, workerData } from 'node:worker_threads';
import Sqlite from 'better-sqlite3';

const CHECKPOINT_MS = 1000;
/** Under constant writes a passive checkpoint never reaches the WAL's end, so it never restarts: past
 * this many pages (64 MB) one RESTART checkpoint waits for the writer to pause, and the WAL starts over. */
const RESTART_PAGES = 16_384;
const db = new Sqlite(workerData.file);
db.pragma('busy_timeout = 5000');
db.pragma('wal_autocheckpoint = 0');
const timer = setInterval(() => {
  try {
    const [state] = db.pragma('wal_checkpoint(PASSIVE)');
    if (state && state.log > RESTART_PAGES) db.pragma('wal_checkpoint(RESTART)');
  } catch {
    // busy: the next round catches up
  }
}, CHECKPOINT_MS);
parentPort.on('message', (m) => {
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
