import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';
import { isSecretSetting, type SecretsRef } from './secret-box.ts';

/**
 * Installation-wide key/value settings (e.g. which account is the demo). The values of the
 * settings named in `SECRET_SETTINGS` are sealed with the node's key.
 */
export class SettingsRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly secrets: SecretsRef,
  ) {}

  async get(key: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('settings')
      .select('value')
      .where('key', '=', key)
      .executeTakeFirst();
    return row && (isSecretSetting(key) ? this.secrets.box.open(row.value) : row.value);
  }

  /** The stored value, or `initial` stored now when there was none (first writer wins across nodes). */
  async getOrInit(key: string, initial: string): Promise<string> {
    await this.db
      .insertInto('settings')
      .values({ key, value: this.stored(key, initial) })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    return (await this.get(key)) ?? initial;
  }

  async set(key: string, value: string): Promise<void> {
    const stored = this.stored(key, value);
    await this.db
      .insertInto('settings')
      .values({ key, value: stored })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: stored }))
      .execute();
  }

  private stored(key: string, value: string): string {
    return isSecretSetting(key) ? this.secrets.box.seal(value) : value;
  }
}
