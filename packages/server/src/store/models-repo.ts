import type { Insertable, Kysely, Selectable } from 'kysely';
import type { ModelsTable } from './model-schema.ts';
import type { Database } from './schema.ts';

export type ModelRow = Selectable<ModelsTable>;

/** Models trained per account; at most one active at a time. */
export class ModelsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  /** The account's active model, if it has trained one that was activated. */
  async active(accountId: string): Promise<ModelRow | undefined> {
    return this.db
      .selectFrom('models')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('status', '=', 'active')
      .executeTakeFirst();
  }

  /** Id of the active model (or null): what nodes poll to notice a model trained elsewhere. */
  async activeId(accountId: string): Promise<string | null> {
    const r = await this.db
      .selectFrom('models')
      .select('id')
      .where('account_id', '=', accountId)
      .where('status', '=', 'active')
      .executeTakeFirst();
    return r?.id ?? null;
  }

  /** Recent training results, newest first, without the model bodies. */
  async history(accountId: string, limit = 10): Promise<Omit<ModelRow, 'model'>[]> {
    return this.db
      .selectFrom('models')
      .select([
        'id',
        'account_id',
        'status',
        'trigger',
        'sessions',
        'purchases',
        'holdout_sessions',
        'auroc',
        'aupr',
        'brier',
        'baseline_auroc',
        'message',
        'trained_at',
        'activated_at',
      ])
      .where('account_id', '=', accountId)
      .orderBy('trained_at', 'desc')
      .limit(limit)
      .execute();
  }

  /** When the account last trained (whatever the outcome), or null. */
  async lastTrainedAt(accountId: string): Promise<number | null> {
    const r = await this.db
      .selectFrom('models')
      .select((eb) => eb.fn.max('trained_at').as('t'))
      .where('account_id', '=', accountId)
      .executeTakeFirst();
    return r?.t == null ? null : Number(r.t);
  }

  /** Stores a trained model; an `active` one retires the previous active model in the same transaction. */
  async add(row: Insertable<ModelsTable>): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      if (row.status === 'active') {
        await trx
          .updateTable('models')
          .set({ status: 'retired' })
          .where('account_id', '=', row.account_id)
          .where('status', '=', 'active')
          .execute();
      }
      await trx.insertInto('models').values(row).execute();
    });
  }
}
