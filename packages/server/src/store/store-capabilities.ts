import type { StoreKind } from './connect.ts';

/**
 * What one store can do that the other cannot, as flags with defaults, so repositories never
 * branch on the store kind itself.
 */
export interface StoreCapabilities {
  /** `SELECT … FOR [NO KEY] UPDATE` row locks (PostgreSQL). SQLite runs one writer transaction at a time instead. */
  rowLocks: boolean;
  /**
   * The table new chat messages are written into: `messages_recent` on a SQLite file, whose
   * checkpointer thread moves them on to `messages_stored` in bulk (see 0013-messages-recent.ts);
   * `messages_stored` on PostgreSQL and on a SQLite store in memory. Readers read the `messages` view.
   */
  messageTable: 'messages_recent' | 'messages_stored';
  /** The column that names a row without a key (`rowid`, `ctid`): batched deletes of key-less logs use it. */
  rowRef: 'rowid' | 'ctid';
  /** How SQL reads JSON text: SQLite's `json_extract` / `json_each`, or PostgreSQL's `jsonb` operators. */
  json: 'json1' | 'jsonb';
  /**
   * Memory one query may hash with, set for its transaction (`SET LOCAL work_mem`, PostgreSQL):
   * a segment's sets of contact ids stay hashed instead of being searched row by row.
   */
  workMem: string | null;
  /**
   * Each connection keeps its prepared statements by SQL text (SQLite: `cachingStatements`), so
   * batch statements come in row counts that are powers of two (`statementRuns`): a few texts per
   * shape stay prepared. PostgreSQL prepares nothing by text: a batch there goes in as few
   * statements as the most rows per statement allow.
   */
  keptStatements: boolean;
}

/** The capability flags of a store kind; `movesMessages`: a thread moves recent messages on. */
export function capabilitiesOf(kind: StoreKind, movesMessages = false): StoreCapabilities {
  return {
    rowLocks: kind === 'postgres',
    messageTable: kind === 'sqlite' && movesMessages ? 'messages_recent' : 'messages_stored',
    rowRef: kind === 'postgres' ? 'ctid' : 'rowid',
    json: kind === 'postgres' ? 'jsonb' : 'json1',
    workMem: kind === 'postgres' ? '256MB' : null,
    keptStatements: kind === 'sqlite',
  };
}
