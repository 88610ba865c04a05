import type { Macro, MacroActions } from '@beckon/protocol/macros';
import type { Kysely, Selectable } from 'kysely';
import { notFound } from '../errors.ts';
import { newId } from '../ids.ts';
import type { MacrosTable } from './collab-schema.ts';
import { iso } from './rows.ts';
import type { Database } from './schema.ts';

const toMacro = (r: Selectable<MacrosTable>): Macro => ({
  id: r.id,
  name: r.name,
  shared: r.owner_id === null,
  ownerId: r.owner_id,
  actions: JSON.parse(r.actions) as MacroActions,
  createdAt: iso(r.created_at)!,
  updatedAt: iso(r.updated_at)!,
});

/** An account's macros (shared, or one user's own) and the count of their runs. */
export class MacrosRepo {
  constructor(private readonly db: Kysely<Database>) {}

  /** The shared macros and the user's own, by name; another user's own are never listed. */
  async visible(accountId: string, userId: string | null): Promise<Macro[]> {
    const rows = await this.db
      .selectFrom('macros')
      .selectAll()
      .where('account_id', '=', accountId)
      .where((eb) =>
        userId === null
          ? eb('owner_id', 'is', null)
          : eb.or([eb('owner_id', 'is', null), eb('owner_id', '=', userId)]),
      )
      .orderBy('name')
      .orderBy('id')
      .execute();
    return rows.map(toMacro);
  }

  /** One macro the user may see (shared, or theirs), else 404 without telling whether it exists. */
  async get(accountId: string, id: string, userId: string | null): Promise<Macro> {
    const row = await this.db
      .selectFrom('macros')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row || (row.owner_id !== null && row.owner_id !== userId)) throw notFound('macro');
    return toMacro(row);
  }

  async create(
    accountId: string,
    input: { name: string; ownerId: string | null; actions: MacroActions },
    now = Date.now(),
  ): Promise<Macro> {
    const row: Selectable<MacrosTable> = {
      id: newId('macro'),
      account_id: accountId,
      owner_id: input.ownerId,
      name: input.name,
      actions: JSON.stringify(input.actions),
      created_at: now,
      updated_at: now,
    };
    await this.db.insertInto('macros').values(row).execute();
    return toMacro(row);
  }

  async update(
    accountId: string,
    id: string,
    patch: { name?: string; ownerId?: string | null; actions?: MacroActions },
    now = Date.now(),
  ): Promise<Macro> {
    const row = await this.db
      .updateTable('macros')
      .set({
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.ownerId !== undefined ? { owner_id: patch.ownerId } : {}),
        ...(patch.actions !== undefined ? { actions: JSON.stringify(patch.actions) } : {}),
        updated_at: now,
      })
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw notFound('macro');
    return toMacro(row);
  }

  async delete(accountId: string, id: string): Promise<void> {
    await this.db.deleteFrom('macros').where('account_id', '=', accountId).where('id', '=', id).execute();
  }

  /** Records one run (the agents report counts them). */
  async recordRun(
    accountId: string,
    run: { id: string; macroId: string; agentId: string; conversationId: string },
    now = Date.now(),
  ): Promise<void> {
    await this.db
      .insertInto('macro_runs')
      .values({
        id: run.id,
        account_id: accountId,
        macro_id: run.macroId,
        agent_id: run.agentId,
        conversation_id: run.conversationId,
        created_at: now,
      })
      .execute();
  }
}
