import type { SiteModelSettings } from '@beckon/protocol/model-api';
import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/** A site's settings with nothing of its own: the default mapping and calendar. */
export const DEFAULT_SITE_MODEL_SETTINGS: SiteModelSettings = {
  sectionKinds: {},
  unlabelled: 'informational',
  specialDays: null,
};

function parse<T>(text: string | null, fallback: T): T {
  if (text === null) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/** Per-site feature settings of the propensity model (section kinds, special days). */
export class ModelSettingsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  /** The site's settings, or the defaults when it has none. */
  async get(siteId: string): Promise<SiteModelSettings> {
    const r = await this.db
      .selectFrom('model_site_settings')
      .selectAll()
      .where('site_id', '=', siteId)
      .executeTakeFirst();
    if (!r) return structuredClone(DEFAULT_SITE_MODEL_SETTINGS);
    return {
      sectionKinds: parse(r.section_kinds, {}),
      unlabelled: (r.unlabelled as SiteModelSettings['unlabelled']) ?? null,
      specialDays: parse(r.special_days, null),
    };
  }

  /** Replaces a site's settings (the caller checked the site belongs to the account). */
  async put(accountId: string, siteId: string, s: SiteModelSettings): Promise<void> {
    const values = {
      section_kinds: JSON.stringify(s.sectionKinds),
      unlabelled: s.unlabelled,
      special_days: s.specialDays === null ? null : JSON.stringify(s.specialDays),
      updated_at: Date.now(),
    };
    await this.db
      .insertInto('model_site_settings')
      .values({ site_id: siteId, account_id: accountId, ...values })
      .onConflict((oc) => oc.column('site_id').doUpdateSet(values))
      .execute();
  }
}
