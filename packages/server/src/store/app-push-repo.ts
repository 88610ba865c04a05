import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import { randomToken, sha256 } from '../ids.ts';
import type { SitePushSettingsTable } from './app-push-schema.ts';
import { refreshOptInFacts } from './contact-facts.ts';
import type { Database } from './schema.ts';
import type { SecretsRef } from './secret-box.ts';

/** Who an app token signs in. */
export interface AppTokenOwner {
  accountId: string;
  siteId: string;
  contactId: string;
}

export interface PushDevice {
  platform: 'fcm' | 'apns';
  token: string;
}

export type SitePushSettings = Omit<SitePushSettingsTable, 'site_id' | 'account_id'>;
export type SitePushSettingsPatch = Partial<
  Pick<SitePushSettings, 'fcm_service_account' | 'apns' | 'webhook_url' | 'webhook_secret'>
>;

/** The columns that hold credentials, sealed at rest. */
const SEALED = ['fcm_service_account', 'apns', 'webhook_secret'] as const;

/** Rows of the contact or of a contact merged into it. */
const ownOrMerged =
  (accountId: string, contactId: string) =>
  (eb: ExpressionBuilder<Database, 'push_devices' | 'app_tokens'>) =>
    eb.or([
      eb('contact_id', '=', contactId),
      eb(
        'contact_id',
        'in',
        eb
          .selectFrom('contacts')
          .select('id')
          .where('account_id', '=', accountId)
          .where('merged_into', '=', contactId),
      ),
    ]);

/** How one push went, for the site's settings page. */
export type PushOutcome =
  | { ok: true }
  | { ok: false; provider: 'fcm' | 'apns' | 'webhook'; code: string; message: string };

/**
 * In-app messaging's store: app tokens (hashed), the devices of app users, and per-site push
 * settings. Every method takes the account id first, except the token lookup, where the token is
 * the only credential.
 */
export class AppPushRepo {
  constructor(
    private readonly db: Kysely<Database>,
    /** Push credentials are sealed at rest. */
    private readonly secrets: SecretsRef,
  ) {}

  /** The credential columns of a patch, sealed (a field left out stays out). */
  private sealed(patch: SitePushSettingsPatch): SitePushSettingsPatch {
    const box = this.secrets.box;
    const out = { ...patch };
    for (const k of SEALED) if (out[k] !== undefined) out[k] = box.sealNullable(out[k] ?? null);
    return out;
  }

  /** A new app token for the contact on the site (shown once; only its hash is kept). */
  async createToken(accountId: string, siteId: string, contactId: string, now = Date.now()): Promise<string> {
    const token = `at_${randomToken(40)}`;
    await this.db
      .insertInto('app_tokens')
      .values({
        token_hash: sha256(token),
        account_id: accountId,
        site_id: siteId,
        contact_id: contactId,
        created_at: now,
      })
      .execute();
    return token;
  }

  /** The contact a presented token signs in, if any (a merged-away contact answers its survivor). */
  async tokenOwner(token: string): Promise<AppTokenOwner | undefined> {
    if (token.length > 128) return undefined;
    const row = await this.db
      .selectFrom('app_tokens')
      .innerJoin('contacts', 'contacts.id', 'app_tokens.contact_id')
      .select([
        'app_tokens.account_id',
        'app_tokens.site_id',
        'app_tokens.contact_id',
        'contacts.merged_into',
      ])
      .where('app_tokens.token_hash', '=', sha256(token))
      .executeTakeFirst();
    return (
      row && { accountId: row.account_id, siteId: row.site_id, contactId: row.merged_into ?? row.contact_id }
    );
  }

  /** The id of the contact's latest conversation in the site's app, if any. */
  async latestConversationId(
    accountId: string,
    siteId: string,
    contactId: string,
  ): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('conversations')
      .select('id')
      .where('account_id', '=', accountId)
      .where('contact_id', '=', contactId)
      .where('site_id', '=', siteId)
      .where('channel', '=', 'app')
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row?.id;
  }

  /** Registers a device for the contact; a device now signed in as someone else moves to them. */
  async addDevice(
    accountId: string,
    siteId: string,
    contactId: string,
    device: PushDevice,
    now = Date.now(),
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const before = await trx
        .selectFrom('push_devices')
        .select('contact_id')
        .where('site_id', '=', siteId)
        .where('platform', '=', device.platform)
        .where('token', '=', device.token)
        .executeTakeFirst();
      await trx
        .insertInto('push_devices')
        .values({
          site_id: siteId,
          platform: device.platform,
          token: device.token,
          account_id: accountId,
          contact_id: contactId,
          created_at: now,
        })
        .onConflict((oc) =>
          oc
            .columns(['site_id', 'platform', 'token'])
            .doUpdateSet({ contact_id: contactId, created_at: now }),
        )
        .execute();
      // Segments read who has a device from the contacts' facts (the one it left, the one it joined).
      if (before?.contact_id !== contactId)
        await refreshOptInFacts(trx, accountId, before ? [before.contact_id, contactId] : [contactId]);
    });
  }

  /** The devices of the contact and of contacts merged into it: a merge keeps the survivor's phones. */
  async devicesOf(accountId: string, siteId: string, contactId: string): Promise<PushDevice[]> {
    return this.db
      .selectFrom('push_devices')
      .select(['platform', 'token'])
      .where('account_id', '=', accountId)
      .where('site_id', '=', siteId)
      .where(ownOrMerged(accountId, contactId))
      .orderBy('created_at')
      .execute();
  }

  /** The contact (or one merged into it) has a device for the site's push: its notification permission. */
  async hasDevice(accountId: string, siteId: string, contactId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('push_devices')
      .select('token')
      .where('account_id', '=', accountId)
      .where('site_id', '=', siteId)
      .where(ownOrMerged(accountId, contactId))
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** The sites whose app the contact (or one merged into it) signed in to, and those with a device of theirs. */
  async sitesOf(accountId: string, contactId: string): Promise<{ appSites: string[]; pushSites: string[] }> {
    const app = await this.db
      .selectFrom('app_tokens')
      .select('site_id')
      .distinct()
      .where('account_id', '=', accountId)
      .where(ownOrMerged(accountId, contactId))
      .orderBy('site_id')
      .execute();
    const push = await this.db
      .selectFrom('push_devices')
      .select('site_id')
      .distinct()
      .where('account_id', '=', accountId)
      .where(ownOrMerged(accountId, contactId))
      .orderBy('site_id')
      .execute();
    return { appSites: app.map((r) => r.site_id), pushSites: push.map((r) => r.site_id) };
  }

  /** The contact (or one merged into it) signed in to the site's app: an in-app message can wait there. */
  async signedIn(accountId: string, siteId: string, contactId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('app_tokens')
      .select('token_hash')
      .where('account_id', '=', accountId)
      .where('site_id', '=', siteId)
      .where(ownOrMerged(accountId, contactId))
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  /**
   * Which of `contactIds` (themselves or a contact merged into them) signed in to the site's app
   * (`app_tokens`) or have a device for its push (`push_devices`): `signedIn` and `hasDevice` for a
   * page of contacts in one read.
   */
  async reachableOf(
    table: 'app_tokens' | 'push_devices',
    accountId: string,
    siteId: string,
    contactIds: readonly string[],
  ): Promise<Set<string>> {
    if (contactIds.length === 0) return new Set();
    const ids = [...contactIds];
    const t = sql.table(table);
    const list = sql.join(ids);
    const rows = await sql<{ owner: string }>`
      select contact_id as owner from ${t}
      where account_id = ${accountId} and site_id = ${siteId} and contact_id in (${list})
      union all
      select c.merged_into as owner from contacts c join ${t} r on r.contact_id = c.id
      where c.account_id = ${accountId} and r.site_id = ${siteId} and c.merged_into in (${list})`.execute(
      this.db,
    );
    return new Set(rows.rows.map((r) => r.owner));
  }

  /** Forgets devices a provider called dead. */
  async dropDevices(accountId: string, siteId: string, tokens: readonly string[]): Promise<void> {
    if (tokens.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      const gone = await trx
        .deleteFrom('push_devices')
        .where('account_id', '=', accountId)
        .where('site_id', '=', siteId)
        .where('token', 'in', tokens)
        .returning('contact_id')
        .execute();
      // Segments read who has a device from the contacts' facts.
      await refreshOptInFacts(
        trx,
        accountId,
        gone.map((r) => r.contact_id),
      );
    });
  }

  async settings(accountId: string, siteId: string): Promise<SitePushSettings | undefined> {
    const row = await this.db
      .selectFrom('site_push_settings')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('site_id', '=', siteId)
      .executeTakeFirst();
    if (!row) return undefined;
    const { site_id: _s, account_id: _a, ...rest } = row;
    const box = this.secrets.box;
    return {
      ...rest,
      fcm_service_account: box.openNullable(rest.fcm_service_account),
      apns: box.openNullable(rest.apns),
      webhook_secret: box.openNullable(rest.webhook_secret),
      last_error_at: rest.last_error_at == null ? null : Number(rest.last_error_at),
      last_success_at: rest.last_success_at == null ? null : Number(rest.last_success_at),
      updated_at: Number(rest.updated_at),
    };
  }

  /** Sets or clears credentials (a field left out stays as it was); the last error goes with a change. */
  async saveSettings(
    accountId: string,
    siteId: string,
    patch: SitePushSettingsPatch,
    now = Date.now(),
  ): Promise<void> {
    patch = this.sealed(patch);
    const cleared = {
      last_error_code: null,
      last_error: null,
      last_error_provider: null,
      last_error_at: null,
    };
    await this.db
      .insertInto('site_push_settings')
      .values({
        site_id: siteId,
        account_id: accountId,
        fcm_service_account: null,
        apns: null,
        webhook_url: null,
        webhook_secret: null,
        last_success_at: null,
        ...cleared,
        ...patch,
        updated_at: now,
      })
      .onConflict((oc) => oc.column('site_id').doUpdateSet({ ...patch, ...cleared, updated_at: now }))
      .execute();
  }

  /** Records how a push went. The last error keeps its time beside the last success; a change of settings clears it. */
  async recordOutcome(
    accountId: string,
    siteId: string,
    outcome: PushOutcome,
    now = Date.now(),
  ): Promise<void> {
    await this.db
      .updateTable('site_push_settings')
      .set(
        outcome.ok
          ? { last_success_at: now }
          : {
              last_error_code: outcome.code,
              last_error: outcome.message.slice(0, 500),
              last_error_provider: outcome.provider,
              last_error_at: now,
            },
      )
      .where('account_id', '=', accountId)
      .where('site_id', '=', siteId)
      .execute();
  }
}
