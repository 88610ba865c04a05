import type { Kysely, Selectable } from 'kysely';
import { newId } from '../ids.ts';
import type { Database } from './schema.ts';
import type { CallbackStatus, CallbacksTable } from './voice-schema.ts';

export type CallbackRow = Selectable<CallbacksTable>;

/** Callbacks visitors asked for. Every change is a compare-and-set on the status. */
export class CallbacksRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async create(
    input: Pick<
      CallbackRow,
      | 'account_id'
      | 'site_id'
      | 'conversation_id'
      | 'skill_id'
      | 'phone'
      | 'topic'
      | 'window_start'
      | 'window_end'
    >,
    now = Date.now(),
  ): Promise<CallbackRow> {
    const row: CallbackRow = {
      ...input,
      id: newId('cb'),
      due_at: Math.max(now, Number(input.window_start)),
      status: 'scheduled',
      task_conversation_id: null,
      outcome: null,
      attempts: 0,
      created_at: now,
      updated_at: now,
    };
    await this.db.insertInto('callbacks').values(row).execute();
    return row;
  }

  /** Scheduled callbacks whose time has come, of every account. */
  async due(now: number, limit = 100): Promise<CallbackRow[]> {
    return this.db
      .selectFrom('callbacks')
      .selectAll()
      .where('status', '=', 'scheduled')
      .where('due_at', '<=', now)
      .orderBy('due_at')
      .limit(limit)
      .execute();
  }

  async change(
    accountId: string,
    id: string,
    from: CallbackStatus,
    patch: Partial<Omit<CallbackRow, 'id' | 'account_id'>>,
  ): Promise<CallbackRow | undefined> {
    return this.db
      .updateTable('callbacks')
      .set({ ...patch, updated_at: patch.updated_at ?? Date.now() })
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .where('status', '=', from)
      .returningAll()
      .executeTakeFirst();
  }

  /** The callback an agent works in a conversation, if it is one. */
  async forTask(accountId: string, conversationId: string): Promise<CallbackRow | undefined> {
    return this.db
      .selectFrom('callbacks')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('task_conversation_id', '=', conversationId)
      .executeTakeFirst();
  }

  async get(accountId: string, id: string): Promise<CallbackRow | undefined> {
    return this.db
      .selectFrom('callbacks')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /** An account's callbacks in the given states, soonest due first (the inbox's Callbacks view). */
  async list(accountId: string, statuses: CallbackStatus[], limit = 200): Promise<CallbackRow[]> {
    return this.db
      .selectFrom('callbacks')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('status', 'in', statuses)
      .orderBy('due_at')
      .orderBy('id')
      .limit(limit)
      .execute();
  }
}
