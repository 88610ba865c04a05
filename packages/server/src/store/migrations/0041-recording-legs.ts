import { type Kysely, sql } from 'kysely';

const COLUMNS = [
  'id',
  'account_id',
  'conversation_id',
  'call_id',
  'agent_id',
  'status',
  'chunks',
  'size',
  'storage_key',
  'attachment_id',
  'started_at',
  'updated_at',
  'finished_at',
] as const;

/** The recordings table under `name`: with `leg` (unique with the call), or as 0036 made it. */
async function createTable(db: Kysely<unknown>, name: string, legs: boolean): Promise<void> {
  let table = db.schema
    .createTable(name)
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('conversation_id', 'text', (c) => c.notNull())
    .addColumn('call_id', 'text', (c) => (legs ? c.notNull() : c.notNull().unique()))
    .addColumn('agent_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('chunks', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('size', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('storage_key', 'text', (c) => c.notNull())
    .addColumn('attachment_id', 'text')
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint');
  if (legs)
    table = table
      .addColumn('leg', 'integer', (c) => c.notNull().defaultTo(0))
      .addUniqueConstraint('call_recordings_call_leg_key', ['call_id', 'leg']);
  await table.execute();
}

/** Copies `from` into `to` (the columns both have), drops `from`, and gives `to` its name and indexes. */
async function replace(db: Kysely<unknown>, from: string, to: string, where = sql``): Promise<void> {
  const columns = sql.join(COLUMNS.map((c) => sql.ref(c)));
  await sql`insert into ${sql.table(to)} (${columns}) select ${columns} from ${sql.table(from)} ${where}`.execute(
    db,
  );
  await db.schema.dropTable(from).execute();
  await db.schema.alterTable(to).renameTo(from).execute();
  await db.schema
    .createIndex('call_recordings_conversation_idx')
    .on(from)
    .columns(['account_id', 'conversation_id'])
    .execute();
  await db.schema
    .createIndex('call_recordings_status_idx')
    .on(from)
    .columns(['status', 'updated_at'])
    .execute();
  await db.schema
    .createIndex('call_recordings_started_idx')
    .on(from)
    .columns(['account_id', 'started_at'])
    .execute();
}

/**
 * A recorded call that is transferred goes on recording in the new agent's console: one recording
 * per leg (`call_recordings.leg`, unique with the call). SQLite cannot drop the old unique
 * constraint on `call_id`, so the table is rebuilt the same way on both stores.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await createTable(db, 'call_recordings_next', true);
  await replace(db, 'call_recordings', 'call_recordings_next');
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // The first leg of each call is what the earlier schema can hold.
  await createTable(db, 'call_recordings_prev', false);
  await replace(db, 'call_recordings', 'call_recordings_prev', sql`where leg = 0`);
}
