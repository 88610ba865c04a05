import { CompiledQuery, type Kysely } from 'kysely';
import { EVENT_COLUMNS, type EventFrame, type EventRow, frameParams, rowParams } from './event-rows.ts';
import { applyOutcomes, type ExposureRow, insertExposures, type OutcomeUpdate } from './exposures-repo.ts';
import type { Database } from './schema.ts';
import { type VisitorRow, type VisitorSessionRow, writeSessions, writeVisitors } from './visitors-repo.ts';

/** What one flush of the events writer holds: written in one transaction. */
export interface WriteBatch {
  events: EventRow[];
  frames: EventFrame[];
  exposures: ExposureRow[];
  outcomes: OutcomeUpdate[];
  visitors: VisitorRow[];
  sessions: VisitorSessionRow[];
}

/** Inserts `rows` event rows given as flat parameters (EVENT_COLUMNS order), at most CHUNK rows a call. */
export type EventInserter = (params: unknown[], rows: number) => Promise<unknown> | unknown;

/** Rows per INSERT statement (10 parameters a row stays well under every driver's limit). */
export const EVENT_CHUNK = 500;
const WIDTH = EVENT_COLUMNS.length;

/** Inserts every event row of the batch (rows, then frames) in chunks through `insert`. */
async function insertEvents(b: Pick<WriteBatch, 'events' | 'frames'>, insert: EventInserter): Promise<void> {
  const params: unknown[] = [];
  rowParams(b.events, params);
  for (const f of b.frames) frameParams(f, params);
  const rows = params.length / WIDTH;
  for (let i = 0; i < rows; i += EVENT_CHUNK) {
    const n = Math.min(EVENT_CHUNK, rows - i);
    await insert(i === 0 && n === rows ? params : params.slice(i * WIDTH, (i + n) * WIDTH), n);
  }
}

/** Writes a whole batch with `db` (inside the caller's transaction), events through `insert`. */
export async function writeBatch(db: Kysely<Database>, b: WriteBatch, insert: EventInserter): Promise<void> {
  if (b.visitors.length > 0) await writeVisitors(db, b.visitors);
  if (b.sessions.length > 0) await writeSessions(db, b.sessions);
  if (b.events.length > 0 || b.frames.length > 0) await insertEvents(b, insert);
  if (b.exposures.length > 0) await insertExposures(db, b.exposures);
  if (b.outcomes.length > 0) await applyOutcomes(db, b.outcomes);
}

/** Writes a batch that keeps failing one row at a time; returns how many rows the store refused. */
export async function salvageBatch(
  db: Kysely<Database>,
  b: WriteBatch,
  insert: EventInserter,
): Promise<number> {
  let dropped = 0;
  const one = async (fn: () => unknown) => {
    try {
      await fn();
    } catch {
      dropped++;
    }
  };
  for (const v of b.visitors) await one(() => writeVisitors(db, [v]));
  for (const s of b.sessions) await one(() => writeSessions(db, [s]));
  const params: unknown[] = [];
  rowParams(b.events, params);
  for (const f of b.frames) {
    try {
      frameParams(f, params);
    } catch {
      dropped++; // a frame that does not parse has no rows to save
    }
  }
  for (let i = 0; i < params.length; i += WIDTH) await one(() => insert(params.slice(i, i + WIDTH), 1));
  for (const x of b.exposures) await one(() => insertExposures(db, [x]));
  for (const o of b.outcomes) await one(() => applyOutcomes(db, [o]));
  return dropped;
}

const insertSql = new Map<string, string>();

/**
 * The INSERT for `n` event rows, compiled once by Kysely for the store's dialect and reused:
 * building and compiling a 500-row query tree on every flush cost more than the insert itself.
 */
export function insertSqlFor(db: Kysely<Database>, n: number): string {
  const dialect = db.getExecutor().adapter.constructor.name;
  const key = `${dialect}:${n}`;
  let text = insertSql.get(key);
  if (text === undefined) {
    const row = Object.fromEntries(
      EVENT_COLUMNS.map((c) => [c, c === 'seq' || c === 'ts' ? 0 : '']),
    ) as EventRow;
    text = db.insertInto('events').values(Array(n).fill(row)).compile().sql;
    if (insertSql.size >= 64) insertSql.clear();
    insertSql.set(key, text);
  }
  return text;
}

/** Event inserts through Kysely (any dialect). */
export const kyselyInserter =
  (db: Kysely<Database>): EventInserter =>
  (params, n) =>
    db.executeQuery(CompiledQuery.raw(insertSqlFor(db, n), params));
