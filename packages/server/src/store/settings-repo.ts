import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/** Installation-wide key/value settings (e.g. which account is the demo). */
export class SettingsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async get(key: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('settings')
      .select('value')
      .where('key', '=', key)
      .executeTakeFirst();
    return row?.value;
  }

  /** The stored value, or `initial` stored now when there was none (first writer wins across nodes). */
  async getOrInit(key: string, initial: string): Promise<string> {
    await this.db
      .insertInto('settings')
      .values({ key, value: initial })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    return (await this.get(key)) ?? initial;
  }

  async set(key: string, value: string): Promise<void> {
    await this.db
      .insertInto('settings')
      .values({ key, value })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
      .execute();
  }
}
