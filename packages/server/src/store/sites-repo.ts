import type { Site, SiteCreate, SiteUpdate } from '@beckon/protocol/api';
import { type SiteWidgetLanguage, widgetLanguageOf } from '@beckon/protocol/widget-languages';
import type { Kysely, Selectable, Updateable } from 'kysely';
import { badRequest, notFound } from '../errors.ts';
import { newId, randomToken } from '../ids.ts';
import { iso, jsonArray } from './rows.ts';
import type { Database, SitesTable } from './schema.ts';
import type { SecretsRef } from './secret-box.ts';

/** A site as stored; the API adds the tag snippet, which depends on the public URL. */
export type SiteRecord = Omit<Site, 'snippet'> & { accountId: string };

const toSite = (r: Selectable<SitesTable>): SiteRecord => ({
  id: r.id,
  accountId: r.account_id,
  name: r.name,
  siteKey: r.site_key,
  allowedOrigins: jsonArray(r.allowed_origins),
  timeZone: r.time_zone,
  anonymizeIp: r.anonymize_ip === 1,
  recordCalls: Number(r.record_calls) === 1,
  widgetLanguage: (widgetLanguageOf(r.widget_language) ?? 'auto') as SiteWidgetLanguage,
  createdAt: iso(r.created_at)!,
});

/** Throws 400 unless `tz` is an IANA time zone this runtime knows. */
export function assertTimeZone(tz: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
  } catch {
    throw badRequest(`unknown time zone "${tz}"`, 'invalid_time_zone');
  }
}

const normaliseOrigins = (origins: readonly string[]) => [
  ...new Set(origins.map((o) => o.replace(/\/+$/, '').toLowerCase())),
];

/** Websites and apps of an account, each with a public site key and an origin allow-list. */
export class SitesRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly secrets: SecretsRef,
  ) {}

  async list(accountId: string): Promise<SiteRecord[]> {
    const rows = await this.db
      .selectFrom('sites')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toSite);
  }

  async get(accountId: string, id: string): Promise<SiteRecord> {
    const row = await this.db
      .selectFrom('sites')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw notFound('site');
    return toSite(row);
  }

  /** Looks a site up by its public key (the tag's only credential); not account-scoped by design. */
  async findBySiteKey(siteKey: string): Promise<SiteRecord | undefined> {
    const row = await this.db
      .selectFrom('sites')
      .selectAll()
      .where('site_key', '=', siteKey)
      .executeTakeFirst();
    return row ? toSite(row) : undefined;
  }

  async create(accountId: string, input: SiteCreate): Promise<SiteRecord> {
    const timeZone = input.timeZone ?? 'UTC';
    assertTimeZone(timeZone);
    const id = newId('site');
    await this.db
      .insertInto('sites')
      .values({
        id,
        account_id: accountId,
        name: input.name,
        site_key: randomToken(16),
        allowed_origins: JSON.stringify(normaliseOrigins(input.allowedOrigins ?? [])),
        time_zone: timeZone,
        anonymize_ip: input.anonymizeIp ? 1 : 0,
        record_calls: input.recordCalls ? 1 : 0,
        widget_language: input.widgetLanguage ?? 'auto',
        created_at: Date.now(),
      })
      .execute();
    return this.get(accountId, id);
  }

  async update(accountId: string, id: string, patch: SiteUpdate): Promise<SiteRecord> {
    await this.get(accountId, id);
    const values: Updateable<SitesTable> = {};
    if (patch.name !== undefined) values.name = patch.name;
    if (patch.allowedOrigins !== undefined)
      values.allowed_origins = JSON.stringify(normaliseOrigins(patch.allowedOrigins));
    if (patch.anonymizeIp !== undefined) values.anonymize_ip = patch.anonymizeIp ? 1 : 0;
    if (patch.timeZone !== undefined) {
      assertTimeZone(patch.timeZone);
      values.time_zone = patch.timeZone;
    }
    if (patch.recordCalls !== undefined) values.record_calls = patch.recordCalls ? 1 : 0;
    if (patch.widgetLanguage !== undefined) values.widget_language = patch.widgetLanguage;
    if (Object.keys(values).length > 0) {
      await this.db
        .updateTable('sites')
        .set(values)
        .where('account_id', '=', accountId)
        .where('id', '=', id)
        .execute();
    }
    return this.get(accountId, id);
  }

  /**
   * The key of the site's identify hashes (`userHash` = HMAC-SHA256 of the user id), made on first
   * use. Two nodes asking at once agree: the first one written stays. Stored sealed, since with it
   * anyone can sign in as any of the site's users.
   */
  async identitySecret(accountId: string, id: string): Promise<string> {
    const read = () =>
      this.db
        .selectFrom('sites')
        .select('identity_secret')
        .where('account_id', '=', accountId)
        .where('id', '=', id)
        .executeTakeFirst();
    const row = await read();
    if (!row) throw notFound('site');
    if (row.identity_secret) return this.secrets.box.open(row.identity_secret);
    await this.db
      .updateTable('sites')
      .set({ identity_secret: this.secrets.box.seal(randomToken(40)) })
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .where('identity_secret', 'is', null)
      .execute();
    return this.secrets.box.open((await read())!.identity_secret!);
  }

  /** Replaces the site's identity secret (the old one leaked): every userHash made with it stops working. */
  async rotateIdentitySecret(accountId: string, id: string): Promise<string> {
    const r = await this.db
      .updateTable('sites')
      .set({ identity_secret: this.secrets.box.seal(randomToken(40)) })
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) throw notFound('site');
    return this.identitySecret(accountId, id);
  }

  async delete(accountId: string, id: string): Promise<void> {
    const res = await this.db
      .deleteFrom('sites')
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (Number(res.numDeletedRows) === 0) throw notFound('site');
  }
}
