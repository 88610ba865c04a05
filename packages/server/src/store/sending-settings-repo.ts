import type { Kysely, Selectable } from 'kysely';
import type { SendingSettingsTable } from './broadcast-schema.ts';
import type { Database } from './schema.ts';

export type SendingSettingsRow = Selectable<SendingSettingsTable>;
export type SendingSettingsChange = Partial<Omit<SendingSettingsRow, 'account_id' | 'updated_at'>>;

/**
 * An account's broadcast guardrails as stored: a null column takes its default, so a default
 * changed in a later release reaches every account that never set its own.
 */
export class SendingSettingsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async find(accountId: string): Promise<SendingSettingsRow | undefined> {
    return this.db
      .selectFrom('sending_settings')
      .selectAll()
      .where('account_id', '=', accountId)
      .executeTakeFirst();
  }

  /** Changes the columns given; the others keep theirs. */
  async change(accountId: string, change: SendingSettingsChange, now: number): Promise<void> {
    const empty: SendingSettingsRow = {
      account_id: accountId,
      time_zone: null,
      quiet_from: null,
      quiet_to: null,
      whatsapp_per_second: null,
      sms_per_second: null,
      email_per_minute: null,
      cap_messages: null,
      cap_days: null,
      updated_at: now,
    };
    await this.db
      .insertInto('sending_settings')
      .values({ ...empty, ...change })
      .onConflict((oc) => oc.column('account_id').doUpdateSet({ ...change, updated_at: now }))
      .execute();
  }

  /** The zone of the account's first site: the default of its sending zone. */
  async siteZone(accountId: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('sites')
      .select('time_zone')
      .where('account_id', '=', accountId)
      .orderBy('created_at')
      .limit(1)
      .executeTakeFirst();
    return row?.time_zone ?? undefined;
  }
}
