// A report reader of a SQLite store: a read-only connection of its own, on a thread of its own, that
// runs the queries of reports (the funnel, lift, the agents report …) so a long read never stops the
// thread that serves sockets. Plain JavaScript, so it starts fast and however the server was launched.
import { parentPort, workerData } from 'node:worker_threads';
import Sqlite from 'better-sqlite3';

// The thread keeps the node's priority (thread-priority.js): a read it holds open keeps the WAL from
// starting over until it ends (the checkpointer waits for it: report-reads.ts), and a read at a
// lower priority lasted longer on a busy machine.

const db = new Sqlite(workerData.file, { readonly: true, fileMustExist: true });
db.pragma(`busy_timeout = ${workerData.busyTimeoutMs ?? 5000}`);
// Distinct and group-by trees in memory, as on the store's own connection.
db.pragma('temp_store = MEMORY');
/** Prepared statements by SQL text, least recently used out first (reports repeat their shapes). */
const statements = new Map();
const CACHE_SIZE = 200;

function prepare(sql) {
  let stmt = statements.get(sql);
  if (stmt) statements.delete(sql);
  else {
    stmt = db.prepare(sql);
    if (statements.size >= CACHE_SIZE) statements.delete(statements.keys().next().value);
  }
  statements.set(sql, stmt);
  return stmt;
}

parentPort.on('message', (m) => {
  if (m === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    const stmt = prepare(m.sql);
    if (!stmt.reader)
      throw Object.assign(new Error('a report reader runs reads only'), { code: 'SQLITE_READONLY' });
    parentPort.postMessage({ id: m.id, rows: stmt.all(...m.params) });
  } catch (err) {
    parentPort.postMessage({ id: m.id, error: { message: err.message, code: err.code } });
  }
});
