import { DEFAULT_MASKING, type MaskingSettings, type MaskPattern } from '@beckon/protocol/masking-api';
import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/** What each account masks in messages before they are stored (no row: the default). */
export class MaskingRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async get(accountId: string): Promise<MaskingSettings> {
    const row = await this.db
      .selectFrom('masking_settings')
      .select(['cards', 'ibans', 'patterns'])
      .where('account_id', '=', accountId)
      .executeTakeFirst();
    if (!row) return { ...DEFAULT_MASKING, patterns: [] };
    return {
      cards: Number(row.cards) === 1,
      ibans: Number(row.ibans) === 1,
      patterns: JSON.parse(row.patterns) as MaskPattern[],
    };
  }

  async set(accountId: string, s: MaskingSettings, now = Date.now()): Promise<void> {
    const values = {
      cards: s.cards ? 1 : 0,
      ibans: s.ibans ? 1 : 0,
      patterns: JSON.stringify(s.patterns),
      updated_at: now,
    };
    await this.db
      .insertInto('masking_settings')
      .values({ account_id: accountId, ...values })
      .onConflict((oc) => oc.column('account_id').doUpdateSet(values))
      .execute();
  }
}
