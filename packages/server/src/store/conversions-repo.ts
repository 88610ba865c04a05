import type { ConversionSource } from '@beckon/protocol/conversions-api';
import { type Insertable, type Kysely, type Selectable, sql } from 'kysely';
import { refreshVisitorsFacts } from './contact-facts.ts';
import type { AttributionsTable, ConversionsTable, Database } from './schema.ts';

export type ConversionRow = Insertable<ConversionsTable>;
export type AttributionRow = Insertable<AttributionsTable>;
export type StoredConversion = Selectable<ConversionsTable>;
export type StoredAttribution = Selectable<AttributionsTable>;

/** What the account already knows of an order or goal event. */
export interface KnownConversion {
  id: string;
  sources: ConversionSource[];
  unattributed: boolean;
}

const SOURCES: readonly ConversionSource[] = ['tag', 'api', 'shopify', 'woocommerce'];

/** The sources of a stored `sources` column, in a fixed order. */
export function parseSources(text: string | null | undefined): ConversionSource[] {
  const set = new Set((text ?? 'tag').split(','));
  return SOURCES.filter((s) => set.has(s));
}

/** The column value of a set of sources. */
export const joinSources = (sources: readonly ConversionSource[]): string =>
  SOURCES.filter((s) => sources.includes(s)).join(',');

/** A stored conversion with the touches it was attributed to (best first). */
export interface ConversionWithTouches extends StoredConversion {
  attributions: StoredAttribution[];
}

/** Conversions and their attributions; written once per dedupe key, read by reports, journeys and tests. */
export class ConversionsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Stores a conversion and its attributions in one transaction; false (and nothing written) when
   * the site already has a conversion with this dedupe key (a re-sent order, a re-read event).
   */
  async record(conversion: ConversionRow, attributions: readonly AttributionRow[]): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('conversions')
        .values(conversion)
        .onConflict((oc) => oc.columns(['site_id', 'dedupe_key']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!inserted) return false;
      if (attributions.length > 0)
        await trx
          .insertInto('attributions')
          .values([...attributions])
          .execute();
      if (conversion.kind === 'purchase')
        await refreshVisitorsFacts(trx, [[conversion.site_id, conversion.visitor_id]]);
      return true;
    });
  }

  /**
   * Which of these dedupe keys the account already has, on any of its sites (an order id is one
   * order across them), with who saw each: skips work for events read twice, and lets the tag's
   * purchase join an order a shop reported first.
   */
  async knownKeys(accountId: string, keys: readonly string[]): Promise<Map<string, KnownConversion>> {
    const out = new Map<string, KnownConversion>();
    if (keys.length === 0) return out;
    const rows = await this.db
      .selectFrom('conversions')
      .select(['id', 'dedupe_key', 'sources', 'unattributed'])
      .where('account_id', '=', accountId)
      .where('dedupe_key', 'in', [...keys])
      .execute();
    for (const r of rows)
      out.set(r.dedupe_key, {
        id: r.id,
        sources: parseSources(r.sources),
        unattributed: Number(r.unattributed) === 1,
      });
    return out;
  }

  /** Notes that one more source saw a conversion (its attributions too); a source it has is a no-op. */
  async addSource(id: string, source: ConversionSource): Promise<void> {
    // One statement per table: two sources adding themselves at once both land.
    const absent = sql<boolean>`(',' || sources || ',') not like ${`%,${source},%`}`;
    const appended = sql<string>`sources || ${`,${source}`}`;
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('conversions')
        .set({ sources: appended })
        .where('id', '=', id)
        .where(absent)
        .execute();
      await trx
        .updateTable('attributions')
        .set({ sources: appended })
        .where('conversion_id', '=', id)
        .where(absent)
        .execute();
    });
  }

  /**
   * Ties an unattributed conversion to the visitor a later source named (the tag's purchase of an
   * order a shop reported first), with its attributions; false when it was attributed meanwhile.
   */
  async attach(
    id: string,
    visitor: { visitorId: string; sessionId: string },
    attributions: readonly AttributionRow[],
    source: ConversionSource,
  ): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const res = await trx
        .updateTable('conversions')
        .set({ visitor_id: visitor.visitorId, session_id: visitor.sessionId, unattributed: 0 })
        .where('id', '=', id)
        .where('unattributed', '=', 1)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) === 0) return false;
      const row = await trx
        .selectFrom('conversions')
        .select(['sources', 'site_id', 'kind'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      // The purchase is the visitor's now (its facts; the one it was unattributed to has none of it).
      if (row.kind === 'purchase') await refreshVisitorsFacts(trx, [[row.site_id, visitor.visitorId]]);
      const sources = joinSources([...parseSources(row.sources), source]);
      await trx.updateTable('conversions').set({ sources }).where('id', '=', id).execute();
      if (attributions.length > 0)
        await trx
          .insertInto('attributions')
          .values(attributions.map((a) => ({ ...a, sources })))
          .execute();
      return true;
    });
  }

  /** One conversion of the account, or undefined. */
  async get(accountId: string, id: string): Promise<StoredConversion | undefined> {
    return this.db
      .selectFrom('conversions')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /** The account's conversions, newest first, with the campaign each credited (the console's list). */
  async list(
    accountId: string,
    q: { siteId?: string; source?: ConversionSource; attributed?: boolean; before?: number; limit: number },
  ): Promise<Array<StoredConversion & { campaign_id: string | null }>> {
    let query = this.db
      .selectFrom('conversions')
      .selectAll('conversions')
      .select((eb) =>
        eb
          .selectFrom('attributions')
          .select('attributions.campaign_id')
          .whereRef('attributions.conversion_id', '=', 'conversions.id')
          .where('attributions.credited', '=', 1)
          .limit(1)
          .as('campaign_id'),
      )
      .where('conversions.account_id', '=', accountId);
    if (q.siteId) query = query.where('conversions.site_id', '=', q.siteId);
    if (q.source)
      query = query.where(sql<boolean>`(',' || conversions.sources || ',') like ${`%,${q.source},%`}`);
    if (q.attributed !== undefined)
      query = query.where('conversions.unattributed', '=', q.attributed ? 0 : 1);
    if (q.before !== undefined) query = query.where('conversions.ts', '<', q.before);
    return query.orderBy('conversions.ts', 'desc').orderBy('conversions.id').limit(q.limit).execute();
  }

  /** A visitor's conversions, newest first, each with its attributions. */
  async forVisitor(
    accountId: string,
    siteId: string,
    visitorId: string,
    limit = 100,
  ): Promise<ConversionWithTouches[]> {
    const conversions = await this.db
      .selectFrom('conversions')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('site_id', '=', siteId)
      .where('visitor_id', '=', visitorId)
      .orderBy('ts', 'desc')
      .limit(limit)
      .execute();
    if (conversions.length === 0) return [];
    const touches = await this.db
      .selectFrom('attributions')
      .selectAll()
      .where(
        'conversion_id',
        'in',
        conversions.map((c) => c.id),
      )
      .orderBy('credited', 'desc')
      .orderBy('touch_at', 'desc')
      .execute();
    return conversions.map((c) => ({ ...c, attributions: touches.filter((t) => t.conversion_id === c.id) }));
  }
}
