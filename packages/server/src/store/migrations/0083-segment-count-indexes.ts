import type { Kysely } from 'kysely';

/**
 * An index from which a segment's count reads the contacts of a country (segment-sql.ts,
 * `segmentDriver`): by account, country and number of purchases, with the contact id, so "bought
 * twice in Germany" reads those contacts' ids from the index alone instead of every contact's
 * facts (issue 47: a count over 1 M contacts under 1 s).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('contact_facts_country_idx')
    .on('contact_facts')
    .columns(['account_id', 'country', 'purchase_count', 'contact_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('contact_facts_country_idx').execute();
}
