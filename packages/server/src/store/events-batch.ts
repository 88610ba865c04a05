import { CompiledQuery, type Kysely } from 'kysely';
import {
  EVENT_COLUMNS,
  type EventFrame,
  type EventRow,
  FRAME_COLUMNS,
  frameParams,
  rowParams,
} from './event-rows.ts';
import { applyOutcomes, type ExposureRow, insertExposures, type OutcomeUpdate } from './exposures-repo.ts';
import type { Database } from './schema.ts';
import { shapedText } from './shaped-sql.ts';
import { writeMarks } from './visitor-marks.ts';
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

/** The two tables of the event log: frames (every event) and the events attribution reads one by one. */
export type LogTable = 'events' | 'event_frames';
const COLUMNS: Record<LogTable, readonly string[]> = { events: EVENT_COLUMNS, event_frames: FRAME_COLUMNS };

/** Inserts `rows` rows of `table` given as flat parameters (its columns' order), at most CHUNK rows a call. */
export type EventInserter = (table: LogTable, params: unknown[], rows: number) => Promise<unknown> | unknown;

/** Rows per INSERT statement (ten parameters a row stays well under every driver's limit). */
export const EVENT_CHUNK = 500;

async function insertChunks(table: LogTable, params: unknown[], insert: EventInserter): Promise<void> {
  const width = COLUMNS[table].length;
  const rows = params.length / width;
  for (let i = 0; i < rows; i += EVENT_CHUNK) {
    const n = Math.min(EVENT_CHUNK, rows - i);
    await insert(table, i === 0 && n === rows ? params : params.slice(i * width, (i + n) * width), n);
  }
}

/** Inserts the batch's frames and event rows in chunks through `insert`. */
async function insertEvents(b: Pick<WriteBatch, 'events' | 'frames'>, insert: EventInserter): Promise<void> {
  if (b.frames.length > 0) {
    const params: unknown[] = [];
    for (const f of b.frames) frameParams(f, params);
    await insertChunks('event_frames', params, insert);
  }
  if (b.events.length > 0) {
    const params: unknown[] = [];
    rowParams(b.events, params);
    await insertChunks('events', params, insert);
  }
}

/** Writes a whole batch with `db` (inside the caller's transaction), events through `insert`. */
export async function writeBatch(db: Kysely<Database>, b: WriteBatch, insert: EventInserter): Promise<void> {
  if (b.visitors.length > 0) await writeVisitors(db, b.visitors);
  if (b.sessions.length > 0) await writeSessions(db, b.sessions);
  if (b.events.length > 0 || b.frames.length > 0) await insertEvents(b, insert);
  if (b.frames.length > 0) await writeMarks(db, b.frames);
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
  const one = async (fn: () => unknown, rows = 1) => {
    try {
      await fn();
    } catch {
      dropped += rows;
    }
  };
  for (const v of b.visitors) await one(() => writeVisitors(db, [v]));
  for (const s of b.sessions) await one(() => writeSessions(db, [s]));
  for (const f of b.frames) {
    const params: unknown[] = [];
    frameParams(f, params);
    await one(async () => {
      await insert('event_frames', params, 1);
      await writeMarks(db, [f]);
    }, f.rows);
  }
  for (const e of b.events) {
    const params: unknown[] = [];
    rowParams([e], params);
    await one(() => insert('events', params, 1));
  }
  for (const x of b.exposures) await one(() => insertExposures(db, [x]));
  for (const o of b.outcomes) await one(() => applyOutcomes(db, [o]));
  return dropped;
}

/** The INSERT of `n` rows of `table`: compiled once per row count and dialect, values bound at each call. */
export function insertSqlFor(db: Kysely<Database>, table: LogTable, n: number): string {
  return shapedText(db, `${table}:insert:${n}`, () => {
    const row = Object.fromEntries(COLUMNS[table].map((c) => [c, ''])) as never;
    return db.insertInto(table).values(Array(n).fill(row)).compile();
  });
}

/** Event inserts through Kysely (any dialect). */
export const kyselyInserter =
  (db: Kysely<Database>): EventInserter =>
  (table, params, n) =>
    db.executeQuery(CompiledQuery.raw(insertSqlFor(db, table, n), params));
