import type Sqlite from 'better-sqlite3';

export const MOVE_MAX_ROWS: number;

export interface MessageMover {
  /** `SELECT count(*) FROM messages_recent`, plucked. */
  count: Sqlite.Statement<[], number>;
  /** Moves the oldest rows in one transaction (`.immediate()` to take the write lock first); returns how many are left. */
  move: Sqlite.Transaction<() => number>;
}

export function messageMover(db: Sqlite.Database, maxRows?: number): MessageMover;
