import type { Kysely, Selectable } from 'kysely';
import type { WhatsAppTemplatesTable } from './connection-schema.ts';
import { jsonObject } from './rows.ts';
import type { Database } from './schema.ts';

/** A template as Meta listed it: its identity, status, and the raw components to read it from. */
export interface StoredTemplate {
  name: string;
  language: string;
  status: string;
  category: string;
  /** Meta's `components` and `parameter_format`, as listed. */
  raw: { components?: unknown; parameter_format?: unknown };
  syncedAt: number;
}

const toTemplate = (r: Selectable<WhatsAppTemplatesTable>): StoredTemplate => ({
  name: r.name,
  language: r.language,
  status: r.status,
  category: r.category,
  raw: jsonObject(r.components),
  syncedAt: Number(r.synced_at),
});

/** The WhatsApp templates of each connection, replaced whole by each sync. */
export class WhatsAppTemplatesRepo {
  constructor(private readonly db: Kysely<Database>) {}

  /** Stores what Meta listed for a connection: templates no longer listed go. */
  async replace(
    accountId: string,
    connectionId: string,
    templates: readonly Omit<StoredTemplate, 'syncedAt'>[],
    now = Date.now(),
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .deleteFrom('whatsapp_templates')
        .where('account_id', '=', accountId)
        .where('connection_id', '=', connectionId)
        .execute();
      const seen = new Set<string>();
      const rows = templates
        .filter((t) => {
          const key = `${t.name}\u0000${t.language}`;
          if (seen.has(key)) return false;
          seen.add(key);
          return true;
        })
        .map((t) => ({
          account_id: accountId,
          connection_id: connectionId,
          name: t.name,
          language: t.language,
          status: t.status,
          category: t.category,
          components: JSON.stringify(t.raw),
          synced_at: now,
        }));
      for (let i = 0; i < rows.length; i += 200)
        await trx
          .insertInto('whatsapp_templates')
          .values(rows.slice(i, i + 200))
          .execute();
    });
  }

  async list(accountId: string, connectionId: string): Promise<StoredTemplate[]> {
    const rows = await this.db
      .selectFrom('whatsapp_templates')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('connection_id', '=', connectionId)
      .orderBy('name')
      .orderBy('language')
      .execute();
    return rows.map(toTemplate);
  }

  async find(
    accountId: string,
    connectionId: string,
    name: string,
    language: string,
  ): Promise<StoredTemplate | undefined> {
    const row = await this.db
      .selectFrom('whatsapp_templates')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('connection_id', '=', connectionId)
      .where('name', '=', name)
      .where('language', '=', language)
      .executeTakeFirst();
    return row ? toTemplate(row) : undefined;
  }
}
