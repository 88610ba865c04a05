import { type Kysely, sql } from 'kysely';
import type { Database } from '../store/schema.ts';

/** A position in the event log: events are read in (ts, site, visitor, batch, seq) order after it. */
export interface FeedCursor {
  ts: number;
  siteId: string;
  visitorId: string;
  batchId: string;
  seq: number;
}

export const START_CURSOR: FeedCursor = { ts: 0, siteId: '', visitorId: '', batchId: '', seq: -1 };

/** A purchase, or a custom event that is some account's campaign goal, read from the event log. */
export interface ConversionCandidate {
  accountId: string;
  siteId: string;
  visitorId: string;
  sessionId: string;
  batchId: string;
  seq: number;
  kind: 'purchase' | 'goal';
  goalName: string | null;
  orderId: string | null;
  revenue: number;
  currency: string | null;
  ts: number;
  /** Idempotency key within the site: the order id for a purchase, the event's key for a goal. */
  dedupeKey: string;
}

/** One read of the feed: the candidates, where the next read starts, and whether more rows are waiting. */
export interface FeedPage {
  candidates: ConversionCandidate[];
  next: FeedCursor;
  more: boolean;
}

const COLUMNS = [
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

type Row = {
  account_id: string;
  site_id: string;
  visitor_id: string;
  session_id: string;
  batch_id: string;
  seq: number;
  type: string;
  name: string | null;
  payload: string;
  ts: number;
};

/** Orders rows the way the cursor walks them. */
export function compareCursor(a: FeedCursor, b: FeedCursor): number {
  if (a.ts !== b.ts) return a.ts - b.ts;
  if (a.siteId !== b.siteId) return a.siteId < b.siteId ? -1 : 1;
  if (a.visitorId !== b.visitorId) return a.visitorId < b.visitorId ? -1 : 1;
  if (a.batchId !== b.batchId) return a.batchId < b.batchId ? -1 : 1;
  return a.seq - b.seq;
}

export const cursorOf = (c: ConversionCandidate): FeedCursor => ({
  ts: c.ts,
  siteId: c.siteId,
  visitorId: c.visitorId,
  batchId: c.batchId,
  seq: c.seq,
});

/**
 * Reads conversion candidates after `cursor` (at most `limit` rows of each kind), in cursor order: purchases, and custom
 * events named like a campaign goal of the same account (`goals`: account id → goal event names).
 * Each query walks a partial index on the event log, so the cost follows conversions, not traffic.
 */
export async function readCandidates(
  db: Kysely<Database>,
  cursor: FeedCursor,
  goals: ReadonlyMap<string, ReadonlySet<string>>,
  limit: number,
): Promise<FeedPage> {
  const after = (q: ReturnType<typeof base>) =>
    q
      .where('ts', '>=', cursor.ts)
      .where(
        sql<boolean>`(ts, site_id, visitor_id, batch_id, seq) > (${cursor.ts}, ${cursor.siteId}, ${cursor.visitorId}, ${cursor.batchId}, ${cursor.seq})`,
      )
      .orderBy('ts')
      .orderBy('site_id')
      .orderBy('visitor_id')
      .orderBy('batch_id')
      .orderBy('seq')
      .limit(limit);
  const base = () => db.selectFrom('events').select(COLUMNS);
  const purchases = await after(base().where('type', '=', 'attr').where('name', '=', 'purchase')).execute();
  const names = new Set<string>();
  for (const set of goals.values()) for (const n of set) names.add(n);
  const custom =
    names.size > 0
      ? await after(
          base()
            .where('type', '=', 'event')
            .where('name', 'in', [...names]),
        ).execute()
      : [];
  const out: ConversionCandidate[] = [];
  for (const r of purchases as Row[]) {
    const c = toPurchase(r);
    if (c) out.push(c);
  }
  for (const r of custom as Row[]) {
    if (r.name && goals.get(r.account_id)?.has(r.name)) out.push(toGoal(r));
  }
  out.sort((a, b) => compareCursor(cursorOf(a), cursorOf(b)));
  // Both lists were cut at `limit`: past the last row of a full list, rows of that kind may be missing.
  let cut: FeedCursor | null = null;
  for (const list of [purchases, custom] as Row[][]) {
    if (list.length < limit) continue;
    const last = rowCursor(list.at(-1)!);
    if (!cut || compareCursor(last, cut) < 0) cut = last;
  }
  let next = cut ?? cursor;
  if (!cut) {
    for (const list of [purchases, custom] as Row[][]) {
      const last = list.at(-1);
      if (last && compareCursor(rowCursor(last), next) > 0) next = rowCursor(last);
    }
  }
  const candidates = cut ? out.filter((c) => compareCursor(cursorOf(c), cut) <= 0) : out;
  return { candidates, next, more: cut !== null };
}

const rowCursor = (r: Row): FeedCursor => ({
  ts: Number(r.ts),
  siteId: r.site_id,
  visitorId: r.visitor_id,
  batchId: r.batch_id,
  seq: Number(r.seq),
});

function parse(payload: string): Record<string, unknown> {
  try {
    const v = JSON.parse(payload);
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const money = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0);
const eventKey = (r: Row) => `${r.visitor_id}:${r.batch_id}:${r.seq}`;

function common(r: Row) {
  return {
    accountId: r.account_id,
    siteId: r.site_id,
    visitorId: r.visitor_id,
    sessionId: r.session_id,
    batchId: r.batch_id,
    seq: Number(r.seq),
    ts: Number(r.ts),
  };
}

/** A purchase attribute; the payload is the tag's event (`{attrType, value: {orderId, total, currency}}`) or the value itself. */
function toPurchase(r: Row): ConversionCandidate | null {
  const p = parse(r.payload);
  const v = (p.value && typeof p.value === 'object' ? p.value : p) as Record<string, unknown>;
  const orderId = typeof v.orderId === 'string' && v.orderId !== '' ? v.orderId : null;
  return {
    ...common(r),
    kind: 'purchase',
    goalName: null,
    orderId,
    revenue: money(v.total),
    currency: typeof v.currency === 'string' ? v.currency : null,
    dedupeKey: orderId ? `order:${orderId}` : `event:${eventKey(r)}`,
  };
}

/** A goal event; a numeric `value` (or `revenue`) property counts as its revenue. */
function toGoal(r: Row): ConversionCandidate {
  const p = parse(r.payload);
  const props = (p.props && typeof p.props === 'object' ? p.props : {}) as Record<string, unknown>;
  return {
    ...common(r),
    kind: 'goal',
    goalName: r.name,
    orderId: null,
    revenue: money(props.value ?? props.revenue),
    currency: typeof props.currency === 'string' ? props.currency : null,
    dedupeKey: `event:${eventKey(r)}`,
  };
}
