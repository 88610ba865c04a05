import type { Kysely } from 'kysely';

/**
 * `sites.anonymize_ip`: 1 when the site's visitor addresses are cut to their network (IPv4 /24,
 * IPv6 /48) where they enter, before anything reads them (see docs/security.md, Privacy).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('sites')
    .addColumn('anonymize_ip', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sites').dropColumn('anonymize_ip').execute();
}
