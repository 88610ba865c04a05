import type { ApiKey, ApiKeyCreated } from '@beckon/protocol/api';
import type { Kysely, Selectable } from 'kysely';
import { notFound } from '../errors.ts';
import { newId, randomToken, sha256 } from '../ids.ts';
import { iso } from './rows.ts';
import type { ApiKeysTable, Database } from './schema.ts';

const toKey = (r: Selectable<ApiKeysTable>): ApiKey => ({
  id: r.id,
  name: r.name,
  prefix: r.prefix,
  createdAt: iso(r.created_at)!,
  lastUsedAt: iso(r.last_used_at),
});

/** Account API keys for server-to-server calls; only their hash is stored. */
export class ApiKeysRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async list(accountId: string): Promise<ApiKey[]> {
    const rows = await this.db
      .selectFrom('api_keys')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('created_at')
      .execute();
    return rows.map(toKey);
  }

  /** Creates a key; the returned `key` is the only time the secret is ever visible. */
  async create(accountId: string, name: string): Promise<ApiKeyCreated> {
    const id = newId('key');
    const key = `bk_${randomToken(40)}`;
    const row = {
      id,
      account_id: accountId,
      name,
      prefix: key.slice(0, 10),
      key_hash: sha256(key),
      created_at: Date.now(),
      last_used_at: null,
    };
    await this.db.insertInto('api_keys').values(row).execute();
    return { ...toKey(row), key };
  }

  async delete(accountId: string, id: string): Promise<void> {
    const res = await this.db
      .deleteFrom('api_keys')
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (Number(res.numDeletedRows) === 0) throw notFound('API key');
  }

  /** The account a presented key belongs to, or undefined; records when it was last used (at most once a minute). */
  async authenticate(key: string): Promise<{ accountId: string; keyId: string; name: string } | undefined> {
    const row = await this.db
      .selectFrom('api_keys')
      .selectAll()
      .where('key_hash', '=', sha256(key))
      .executeTakeFirst();
    if (!row) return undefined;
    const now = Date.now();
    if (row.last_used_at == null || now - Number(row.last_used_at) > 60_000) {
      await this.db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', row.id).execute();
    }
    return { accountId: row.account_id, keyId: row.id, name: row.name };
  }
}
