import { type Kysely, sql } from 'kysely';

/**
 * Two-factor sign-in and sessions a user can see and end.
 * - `user_totp`: one authenticator per user; `enabled_at` stays null until a first code proves it.
 * - `user_recovery_codes`: hashes of one-time codes for a lost authenticator.
 * - `accounts.require_totp`: every member must set up an authenticator before using the console.
 * - `auth_sessions` gains a public `ref`, where and how it signed in, and when it was last used.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('user_totp')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('enabled_at', 'bigint')
    // The last 30-second step a code was accepted for: a code is good once.
    .addColumn('last_step', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('user_recovery_codes')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .addPrimaryKeyConstraint('user_recovery_codes_pk', ['user_id', 'code_hash'])
    .execute();
  await db.schema
    .alterTable('accounts')
    .addColumn('require_totp', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  for (const [name, type] of [
    ['ref', 'text'],
    ['user_agent', 'text'],
    ['ip', 'text'],
    ['method', 'text'],
    ['last_seen_at', 'bigint'],
  ] as const)
    await db.schema.alterTable('auth_sessions').addColumn(name, type).execute();
  await sql`update auth_sessions set ref = substr(id, 1, 16), last_seen_at = created_at`.execute(db);
  await db.schema.createIndex('auth_sessions_account_idx').on('auth_sessions').column('account_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('auth_sessions_account_idx').ifExists().execute();
  for (const name of ['last_seen_at', 'method', 'ip', 'user_agent', 'ref'])
    await db.schema.alterTable('auth_sessions').dropColumn(name).execute();
  await db.schema.alterTable('accounts').dropColumn('require_totp').execute();
  await db.schema.dropTable('user_recovery_codes').ifExists().execute();
  await db.schema.dropTable('user_totp').ifExists().execute();
}
