import type {
  CannedResponse,
  CannedResponseCreate,
  CannedResponseUpdate,
} from '@beckon/protocol/canned-responses';
import type { Kysely, Selectable } from 'kysely';
import { conflict, notFound } from '../errors.ts';
import { newId } from '../ids.ts';
import { isUniqueViolation } from './connect.ts';
import { iso } from './rows.ts';
import type { CannedResponsesTable, Database } from './schema.ts';

const toCanned = (r: Selectable<CannedResponsesTable>): CannedResponse => ({
  id: r.id,
  shortcut: r.shortcut,
  title: r.title,
  text: r.text,
  createdAt: iso(r.created_at)!,
  updatedAt: iso(r.updated_at)!,
});

const duplicate = (shortcut: string | undefined) =>
  conflict(`a canned response with the shortcut "/${shortcut}" already exists`);

/** An account's canned responses, unique by shortcut. */
export class CannedResponsesRepo {
  constructor(private readonly db: Kysely<Database>) {}

  /** Every canned response of the account, by shortcut. */
  async list(accountId: string): Promise<CannedResponse[]> {
    const rows = await this.db
      .selectFrom('canned_responses')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('shortcut')
      .execute();
    return rows.map(toCanned);
  }

  async get(accountId: string, id: string): Promise<CannedResponse> {
    const row = await this.db
      .selectFrom('canned_responses')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw notFound('canned response');
    return toCanned(row);
  }

  /** Adds one; 409 when the shortcut is taken in this account. */
  async create(accountId: string, input: CannedResponseCreate, now = Date.now()): Promise<CannedResponse> {
    const row: Selectable<CannedResponsesTable> = {
      id: newId('canned'),
      account_id: accountId,
      shortcut: input.shortcut,
      title: input.title,
      text: input.text,
      created_at: now,
      updated_at: now,
    };
    try {
      await this.db.insertInto('canned_responses').values(row).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw duplicate(input.shortcut);
      throw err;
    }
    return toCanned(row);
  }

  async update(
    accountId: string,
    id: string,
    patch: CannedResponseUpdate,
    now = Date.now(),
  ): Promise<CannedResponse> {
    try {
      const row = await this.db
        .updateTable('canned_responses')
        .set({ ...patch, updated_at: now })
        .where('account_id', '=', accountId)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      if (!row) throw notFound('canned response');
      return toCanned(row);
    } catch (err) {
      if (isUniqueViolation(err)) throw duplicate(patch.shortcut);
      throw err;
    }
  }

  async delete(accountId: string, id: string): Promise<void> {
    const res = await this.db
      .deleteFrom('canned_responses')
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (Number(res.numDeletedRows) === 0) throw notFound('canned response');
  }
}
