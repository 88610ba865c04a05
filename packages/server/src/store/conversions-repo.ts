import type { Insertable, Kysely, Selectable } from 'kysely';
import type { AttributionsTable, ConversionsTable, Database } from './schema.ts';

export type ConversionRow = Insertable<ConversionsTable>;
export type AttributionRow = Insertable<AttributionsTable>;
export type StoredConversion = Selectable<ConversionsTable>;
export type StoredAttribution = Selectable<AttributionsTable>;

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
      return true;
    });
  }

  /** Which of these dedupe keys a site already has (skips work for events read twice). */
  async knownKeys(siteId: string, keys: readonly string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const rows = await this.db
      .selectFrom('conversions')
      .select('dedupe_key')
      .where('site_id', '=', siteId)
      .where('dedupe_key', 'in', [...keys])
      .execute();
    return new Set(rows.map((r) => r.dedupe_key));
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
