// The move of chat messages from `messages_recent` into `messages_stored` (migration 0013). The
// checkpointer thread decides when one is due (sqlite-checkpointer.js); the store's own connection
// makes it, or that thread where the store's connection cannot hold its statements. Plain
// JavaScript, so the thread can load it as it is.

/** Most rows one move takes: a node that fell behind catches up in several short moves. */
export const MOVE_MAX_ROWS = 4000;

const COLUMNS =
  'conversation_id, seq, account_id, sender_kind, sender_id, sender_name, echo_id, body, attachments, created_at';

/**
 * The move's statements on a better-sqlite3 connection; throws until the store's migrations made
 * the tables. A move takes the table's oldest rows, all of them or its first `maxRows` by rowid (the
 * order they were committed in, so a conversation's rows left behind always come after its moved
 * ones), and writes them into `messages_stored` in key order, each conversation's rows together.
 * Taking the table's head keeps a move's writes together: the deleted rows are the table's first
 * pages (all of them: SQLite drops the pages whole).
 */
export function messageMover(db, maxRows = MOVE_MAX_ROWS) {
  const copy = (where) =>
    db.prepare(
      `INSERT INTO messages_stored (${COLUMNS}) SELECT ${COLUMNS} FROM messages_recent ${where} ORDER BY conversation_id, seq`,
    );
  const copyAll = copy('');
  const dropAll = db.prepare('DELETE FROM messages_recent');
  const copyHead = copy('WHERE rowid <= ?');
  const dropHead = db.prepare('DELETE FROM messages_recent WHERE rowid <= ?');
  const count = db.prepare('SELECT count(*) FROM messages_recent').pluck();
  const lastOfHead = db.prepare('SELECT rowid FROM messages_recent ORDER BY rowid LIMIT 1 OFFSET ?').pluck();
  return {
    count,
    /** Moves the oldest rows (at most `maxRows`) in one transaction; returns how many are left. */
    move: db.transaction(() => {
      const n = count.get();
      if (n <= maxRows) {
        copyAll.run();
        dropAll.run();
        return 0;
      }
      const last = lastOfHead.get(maxRows - 1);
      copyHead.run(last);
      dropHead.run(last);
      return n - maxRows;
    }),
  };
}
