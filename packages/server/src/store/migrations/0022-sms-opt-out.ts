import type { Kysely } from 'kysely';

/** A contact who texted STOP gets no SMS until they text START (carriers require it). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('contacts')
    .addColumn('sms_opt_out', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('contacts').dropColumn('sms_opt_out').execute();
}
