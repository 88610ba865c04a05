import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';

/**
 * The currency an account's shop sells in: that of its latest purchase with one (the tracker
 * reports it with each order). Null before any; the reports then show plain amounts.
 */
export async function accountCurrency(db: Kysely<Database>, accountId: string): Promise<string | null> {
  const row = await db
    .selectFrom('conversions')
    .select('currency')
    .where('account_id', '=', accountId)
    .where('currency', 'is not', null)
    .orderBy('ts', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.currency ?? null;
}
