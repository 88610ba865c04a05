import type { Kysely } from 'kysely';

/**
 * Satisfaction surveys on the customer's own channel (WhatsApp, Messenger, Instagram, Telegram,
 * SMS, e-mail).
 * - `channel_settings.csat_survey`: whether a resolved conversation of that channel asks for a
 *   rating (0 or 1, off by default: a survey is a message the customer did not ask for).
 * - `csat_surveys`: the survey a resolved conversation was sent, until when a bare answer counts
 *   as its rating, and the provider id of the answer that rated it (a redelivery rates once).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('channel_settings')
    .addColumn('csat_survey', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createTable('csat_surveys')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('conversation_id', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('answer_id', 'text')
    .addColumn('answered_at', 'bigint')
    .addPrimaryKeyConstraint('csat_surveys_pk', ['account_id', 'conversation_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('csat_surveys').ifExists().execute();
  await db.schema.alterTable('channel_settings').dropColumn('csat_survey').execute();
}
