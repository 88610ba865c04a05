import type { Insertable, Kysely, Selectable } from 'kysely';
import { refreshVisitorsFacts } from './contact-facts.ts';
import { frameEvents } from './event-rows.ts';
import type { Database, EventsTable, VisitorSessionsTable, VisitorsTable } from './schema.ts';

export type VisitorRow = Insertable<VisitorsTable>;
export type VisitorSessionRow = Insertable<VisitorSessionsTable>;
export type StoredSession = Selectable<VisitorSessionsTable>;
export type StoredEvent = Selectable<EventsTable>;

/** A stored visitor: identity, counters and the parsed state snapshot (opaque to the store). */
export interface StoredVisitor {
  siteId: string;
  visitorId: string;
  accountId: string;
  firstSeenAt: number;
  lastSeenAt: number;
  sessionCount: number;
  device: string;
  state: unknown;
}

const CHUNK = 200;

/** Upserts visitor rows (first sight, periodic snapshots, eviction); runs inside the writer's transaction. */
export async function writeVisitors(db: Kysely<Database>, rows: VisitorRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    await db
      .insertInto('visitors')
      .values(rows.slice(i, i + CHUNK))
      .onConflict((oc) =>
        oc.columns(['site_id', 'id']).doUpdateSet((eb) => ({
          last_seen_at: eb.ref('excluded.last_seen_at'),
          session_count: eb.ref('excluded.session_count'),
          device: eb.ref('excluded.device'),
          state: eb.ref('excluded.state'),
        })),
      )
      .execute();
  }
}

/** Upserts session rows (start, progress, end); runs inside the writer's transaction. */
export async function writeSessions(db: Kysely<Database>, rows: VisitorSessionRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    await db
      .insertInto('visitor_sessions')
      .values(rows.slice(i, i + CHUNK))
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          landing_url: eb.ref('excluded.landing_url'),
          referrer: eb.ref('excluded.referrer'),
          channel: eb.ref('excluded.channel'),
          source: eb.ref('excluded.source'),
          page_views: eb.ref('excluded.page_views'),
          last_event_at: eb.ref('excluded.last_event_at'),
          country: eb.ref('excluded.country'),
          region: eb.ref('excluded.region'),
          city: eb.ref('excluded.city'),
          time_zone: eb.ref('excluded.time_zone'),
        })),
      )
      .execute();
  }
  // A visit with a country may be its contact's latest: one look-up of the batch's visitors'
  // contacts (anonymous visitors have none), and a refresh of the few that have one.
  const located = rows.filter((r) => r.country != null);
  if (located.length > 0)
    await refreshVisitorsFacts(
      db,
      located.map((r) => [r.site_id, r.visitor_id] as const),
    );
}

/** Visitors as the tracker persists them, their sessions, and their journey in the event log. */
export class VisitorsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  /** One visitor of a site, or undefined; the snapshot JSON is parsed but not interpreted. */
  async get(siteId: string, visitorId: string): Promise<StoredVisitor | undefined> {
    const r = await this.db
      .selectFrom('visitors')
      .selectAll()
      .where('site_id', '=', siteId)
      .where('id', '=', visitorId)
      .executeTakeFirst();
    if (!r) return undefined;
    let state: unknown = null;
    try {
      state = JSON.parse(r.state);
    } catch {
      state = null;
    }
    return {
      siteId: r.site_id,
      visitorId: r.id,
      accountId: r.account_id,
      firstSeenAt: Number(r.first_seen_at),
      lastSeenAt: Number(r.last_seen_at),
      sessionCount: Number(r.session_count),
      device: r.device,
      state,
    };
  }

  /** Site ids (of this account) where a visitor with this id is known, most recently seen first. */
  async sitesOf(accountId: string, visitorId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('visitors')
      .select('site_id')
      .where('account_id', '=', accountId)
      .where('id', '=', visitorId)
      .orderBy('last_seen_at', 'desc')
      .execute();
    return rows.map((r) => r.site_id);
  }

  /** A visitor's latest sessions, newest first. */
  async sessions(accountId: string, siteId: string, visitorId: string, limit = 20): Promise<StoredSession[]> {
    return this.db
      .selectFrom('visitor_sessions')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('site_id', '=', siteId)
      .where('visitor_id', '=', visitorId)
      .orderBy('started_at', 'desc')
      .limit(limit)
      .execute();
  }

  /** A visitor's events between two times, in order (their frames read through the account/site/time index). */
  async visitorEvents(
    accountId: string,
    siteId: string,
    visitorId: string,
    fromTs: number,
    toTs: number,
    types?: readonly string[],
    limit = 1000,
  ): Promise<StoredEvent[]> {
    const wanted = types && types.length > 0 ? new Set(types) : null;
    let q = this.db
      .selectFrom('event_frames')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('site_id', '=', siteId)
      .where('ts', '>=', fromTs)
      .where('ts', '<=', toTs)
      .where('visitor_id', '=', visitorId)
      .orderBy('ts')
      .orderBy('batch_id');
    if (!wanted) q = q.limit(limit); // every frame holds at least one event
    const frames = await q.execute();
    const out: StoredEvent[] = [];
    for (const f of frames) {
      for (const e of frameEvents(f)) {
        if (wanted && !wanted.has(e.type)) continue;
        out.push(e);
        if (out.length >= limit) return out;
      }
    }
    return out;
  }
}
