import type { Kysely } from 'kysely';
import { rebuildContactFacts } from '../contact-facts.ts';

/** The facts a probe read before (migration 0060), and those added here. */
const PROBED = ['contact_id', 'purchase_count', 'purchase_total', 'last_purchase_at', 'score', 'country'];
const ADDED = ['open_cart_total', 'sms_opt_in', 'whatsapp_opt_in', 'push_device'] as const;

const probeIndex = (db: Kysely<unknown>, columns: string[]) =>
  db.schema.createIndex('contact_facts_segment_idx').on('contact_facts').columns(columns).execute();

/**
 * A contact's open cart (the largest cart put together after its latest purchase) and its opt-ins
 * to SMS and WhatsApp and push device (its own or a merged contact's) join its facts, so a segment
 * on abandoned carts or on a channel reads one row per contact instead of its visitors' carts and
 * its opt-in rows (issue 47: a count over 1 M contacts under 1 s). Filled here from the histories
 * there are (every fact: migration 0060 leaves them to this one).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('contact_facts').addColumn('open_cart_total', 'double precision').execute();
  for (const column of ADDED.slice(1))
    await db.schema
      .alterTable('contact_facts')
      .addColumn(column, 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  // A segment's probe of a contact's facts reads this index alone: it holds the new facts too.
  await db.schema.dropIndex('contact_facts_segment_idx').execute();
  await probeIndex(db, [...PROBED, ...ADDED]);
  // The contacts with a cart left open, largest first: few, so a count of them starts here.
  await db.schema
    .createIndex('contact_facts_cart_idx')
    .on('contact_facts')
    .columns(['account_id', 'open_cart_total', 'contact_id'])
    .where('open_cart_total', 'is not', null)
    .execute();
  await rebuildContactFacts(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('contact_facts_cart_idx').execute();
  await db.schema.dropIndex('contact_facts_segment_idx').execute();
  for (const column of ADDED) await db.schema.alterTable('contact_facts').dropColumn(column).execute();
  await probeIndex(db, PROBED);
}
