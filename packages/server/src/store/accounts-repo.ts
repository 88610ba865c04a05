import type { Account } from '@beckon/protocol/api';
import type { Kysely } from 'kysely';
import { newId } from '../ids.ts';
import type { Database } from './schema.ts';

/** Tenants. Every other table hangs off an account. */
export class AccountsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async create(name: string): Promise<Account> {
    const id = newId('acc');
    await this.db.insertInto('accounts').values({ id, name, created_at: Date.now() }).execute();
    return { id, name };
  }

  async get(id: string): Promise<Account | undefined> {
    return this.db.selectFrom('accounts').select(['id', 'name']).where('id', '=', id).executeTakeFirst();
  }
}
