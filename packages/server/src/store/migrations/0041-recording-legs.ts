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

/**
 * A recorded call that is transferred goes on recording in the new agent's console: one recording
 * per leg (`call_recordings.leg`, unique with the call). SQLite cannot drop the old unique
 * constraint on `call_id`, so the table is rebuilt the same way on both stores.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('call_recordings_next')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('conversation_id', 'text', (c) => c.notNull())
    .addColumn('call_id', 'text', (c) => c.notNull())
    .addColumn('leg', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('agent_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('chunks', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('size', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('storage_key', 'text', (c) => c.notNull())
    .addColumn('attachment_id', 'text')
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .addUniqueConstraint('call_recordings_call_leg_key', ['call_id', 'leg'])
    .execute();
  const columns = sql.join(COLUMNS.map((c) => sql.ref(c)));
  await sql`insert into call_recordings_next (${columns}) select ${columns} from call_recordings`.execute(db);
  await db.schema.dropTable('call_recordings').execute();
  await db.schema.alterTable('call_recordings_next').renameTo('call_recordings').execute();
  await indexes(db);
}

async function indexes(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('call_recordings_conversation_idx')
    .on('call_recordings')
    .columns(['account_id', 'conversation_id'])
    .execute();
  await db.schema
    .createIndex('call_recordings_status_idx')
    .on('call_recordings')
    .columns(['status', 'updated_at'])
    .execute();
  await db.schema
    .createIndex('call_recordings_started_idx')
    .on('call_recordings')
    .columns(['account_id', 'started_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('call_recordings_prev')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('conversation_id', 'text', (c) => c.notNull())
    .addColumn('call_id', 'text', (c) => c.notNull().unique())
    .addColumn('agent_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('chunks', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('size', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('storage_key', 'text', (c) => c.notNull())
    .addColumn('attachment_id', 'text')
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .execute();
  // The first leg of each call is what the earlier schema can hold.
  const columns = sql.join(COLUMNS.map((c) => sql.ref(c)));
  await sql`insert into call_recordings_prev (${columns}) select ${columns} from call_recordings where leg = 0`.execute(
    db,
  );
  await db.schema.dropTable('call_recordings').execute();
  await db.schema.alterTable('call_recordings_prev').renameTo('call_recordings').execute();
  await indexes(db);
}
