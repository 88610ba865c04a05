import type { Kysely } from 'kysely';

/**
 * The widget's language per site.
 * - `sites.widget_language`: `auto` (the page's `<html lang>`, then the browser) or a language code
 *   the widget speaks, which then wins over the page.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('sites')
    .addColumn('widget_language', 'text', (c) => c.notNull().defaultTo('auto'))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sites').dropColumn('widget_language').execute();
}
