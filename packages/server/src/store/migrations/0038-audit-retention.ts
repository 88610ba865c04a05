import { type Kysely, SqliteAdapter, sql } from 'kysely';

/**
 * The audit log and retention.
 * - `audit_log`: who did what, when and from where; the application only appends. A trigger
 *   refuses UPDATE on both stores, so a bug or a hand-written query cannot rewrite history.
 *   DELETE stays possible: retention removes old rows.
 * - `retention_policies`: an account's limit per kind of data, in days (0: keep forever). A kind
 *   without a row uses the default (`retention/retention-policy.ts`).
 * - `retention_sweeps`: one row per account, claimed under a lease like the outbox, so one node
 *   sweeps an account at a time.
 * - `conversations_account_closed_idx`: the sweep finds old closed conversations by it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('actor_label', 'text')
    .addColumn('actor_role', 'text')
    .addColumn('auth_method', 'text')
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target_type', 'text')
    .addColumn('target_id', 'text')
    .addColumn('summary', 'text')
    .execute();
  await db.schema
    .createIndex('audit_log_account_at_idx')
    .on('audit_log')
    .columns(['account_id', 'at', 'id'])
    .execute();
  if (db.getExecutor().adapter instanceof SqliteAdapter) {
    await sql`CREATE TRIGGER audit_log_append_only BEFORE UPDATE ON audit_log
      BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`.execute(db);
  } else {
    await sql`CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$`.execute(db);
    await sql`CREATE TRIGGER audit_log_append_only BEFORE UPDATE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`.execute(db);
  }
  await db.schema
    .createTable('retention_policies')
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('days', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('retention_policies_pk', ['account_id', 'kind'])
    .execute();
  await db.schema
    .createTable('retention_sweeps')
    .addColumn('id', 'text', (c) => c.primaryKey().references('accounts.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('lease_until', 'bigint')
    .addColumn('claim_token', 'text')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('last_deleted', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createIndex('retention_sweeps_due_idx')
    .on('retention_sweeps')
    .columns(['status', 'next_attempt_at'])
    .execute();
  await db.schema
    .createIndex('conversations_account_closed_idx')
    .on('conversations')
    .columns(['account_id', 'closed_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('conversations_account_closed_idx').ifExists().execute();
  await db.schema.dropTable('retention_sweeps').ifExists().execute();
  await db.schema.dropTable('retention_policies').ifExists().execute();
  await db.schema.dropTable('audit_log').ifExists().execute();
  if (!(db.getExecutor().adapter instanceof SqliteAdapter))
    await sql`DROP FUNCTION IF EXISTS audit_log_append_only()`.execute(db);
}
