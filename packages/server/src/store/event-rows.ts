import type { VisitorEvent } from '@beckon/protocol';
import type { Insertable, Selectable } from 'kysely';
import type { EventFramesTable, EventsTable } from './schema.ts';

/** One event stored as a row of its own (goal events and purchases: what attribution reads). */
export type EventRow = Insertable<EventsTable>;

/**
 * Whether an event also gets a row of its own in `events`, beside its frame: a purchase, or a
 * custom event named like one of `goals` (the account's campaign goals; undefined: any custom event).
 */
export const isIndexedEvent = (e: VisitorEvent, goals?: ReadonlySet<string>): boolean =>
  e.type === 'event'
    ? goals === undefined || goals.has(e.name)
    : e.type === 'attr' && e.attrType === 'purchase';

/** The `events` table's columns in insert order. */
export const EVENT_COLUMNS = [
  'account_id',
  'site_id',
  'visitor_id',
  'session_id',
  'batch_id',
  'seq',
  'type',
  'name',
  'payload',
  'ts',
] as const;

/**
 * One accepted batch frame of a visitor, kept as the text that arrived: one row of the event log
 * (`event_frames`), so neither the thread serving sockets nor the writer serialises its events.
 */
export interface EventFrame {
  accountId: string;
  siteId: string;
  visitorId: string;
  sessionId: string;
  batchId: string;
  /** Server receive time, the `ts` of every row. */
  ts: number;
  /** How many events `raw` holds. */
  rows: number;
  /** JSON text with an `events` array, already validated (the batch frame as received). */
  raw: string;
  /** What segments read of it (visitor-marks.ts): the sections its page views named, as a JSON array. */
  sections?: string;
  /** The largest cart total it put together. */
  cart?: number;
}

const MAX_NAME = 512;

/** The `name` column of an event row: what reports group by. */
export function eventName(e: VisitorEvent): string | null {
  switch (e.type) {
    case 'page_view': {
      const i = e.url.indexOf('://');
      const slash = i < 0 ? -1 : e.url.indexOf('/', i + 3);
      return (slash < 0 ? '/' : e.url.slice(slash)).slice(0, MAX_NAME);
    }
    case 'event':
      return e.name;
    case 'attr':
      return e.attrType;
    case 'exposure_outcome':
      return e.outcome;
    case 'visibility':
      return e.visible ? 'visible' : 'hidden';
    default:
      return null;
  }
}

/** The `event_frames` table's columns in insert order. */
export const FRAME_COLUMNS = [
  'account_id',
  'site_id',
  'visitor_id',
  'session_id',
  'batch_id',
  'ts',
  'event_count',
  'frame',
] as const satisfies readonly (keyof EventFramesTable)[];

/** Appends a frame's row to `out` as flat insert parameters (FRAME_COLUMNS order). */
export function frameParams(frame: EventFrame, out: unknown[]): void {
  out.push(
    frame.accountId,
    frame.siteId,
    frame.visitorId,
    frame.sessionId,
    frame.batchId,
    frame.ts,
    frame.rows,
    frame.raw,
  );
}

/** A stored frame's events as rows of `events` (a journey read back from the log). */
export function frameEvents(row: Selectable<EventFramesTable>): Selectable<EventsTable>[] {
  const events = (JSON.parse(row.frame) as { events: VisitorEvent[] }).events;
  return events.map((ev, seq) => ({
    account_id: row.account_id,
    site_id: row.site_id,
    visitor_id: row.visitor_id,
    session_id: row.session_id,
    batch_id: row.batch_id,
    seq,
    type: ev.type,
    name: eventName(ev),
    payload: JSON.stringify(ev),
    ts: row.ts,
  }));
}

/** Appends rows to `out` as flat insert parameters (EVENT_COLUMNS order). */
export function rowParams(rows: readonly EventRow[], out: unknown[]): void {
  for (const row of rows) {
    const r = row as Record<string, unknown>;
    for (const c of EVENT_COLUMNS) out.push(r[c] ?? null);
  }
}

/** Frames as one flat array of their fields, in FRAME_FIELDS order (see `unflattenFrames`). */
export function flattenFrames(frames: readonly EventFrame[]): (string | number | null)[] {
  const out: (string | number | null)[] = new Array(frames.length * FRAME_FIELDS);
  let k = 0;
  for (const f of frames) {
    out[k++] = f.accountId;
    out[k++] = f.siteId;
    out[k++] = f.visitorId;
    out[k++] = f.sessionId;
    out[k++] = f.batchId;
    out[k++] = f.ts;
    out[k++] = f.rows;
    out[k++] = f.raw;
    out[k++] = f.sections ?? null;
    out[k++] = f.cart ?? null;
  }
  return out;
}

/** The frames `flattenFrames` flattened. */
export function unflattenFrames(flat: readonly (string | number | null)[]): EventFrame[] {
  const out: EventFrame[] = [];
  for (let k = 0; k < flat.length; k += FRAME_FIELDS) {
    const frame: EventFrame = {
      accountId: flat[k] as string,
      siteId: flat[k + 1] as string,
      visitorId: flat[k + 2] as string,
      sessionId: flat[k + 3] as string,
      batchId: flat[k + 4] as string,
      ts: flat[k + 5] as number,
      rows: flat[k + 6] as number,
      raw: flat[k + 7] as string,
    };
    if (flat[k + 8] !== null) frame.sections = flat[k + 8] as string;
    if (flat[k + 9] !== null) frame.cart = flat[k + 9] as number;
    out.push(frame);
  }
  return out;
}

const FRAME_FIELDS = 10;
