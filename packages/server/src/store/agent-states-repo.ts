import type { Kysely } from 'kysely';
import { newId } from '../ids.ts';
import type { AgentStateLogTable, Database } from './schema.ts';

export type AgentState = AgentStateLogTable['state'];

/** What an admin starts with: the reasons most teams use. */
export const DEFAULT_AWAY_REASONS: readonly string[] = ['Break', 'Meeting', 'Training', 'Lunch'];

/** One span of an agent's state log, as the report reads it. */
export interface AgentStateRow {
  userId: string;
  state: AgentState;
  reason: string | null;
  at: number;
}

/** Agents' state log (online, away with a reason, offline) and the account's away reasons. */
export class AgentStatesRepo {
  constructor(private readonly db: Kysely<Database>) {}

  /** The account's away reasons, in the admin's order (the default set until they edit it). */
  async awayReasons(accountId: string): Promise<string[]> {
    const row = await this.db
      .selectFrom('away_reasons')
      .select('reasons')
      .where('account_id', '=', accountId)
      .executeTakeFirst();
    return row ? (JSON.parse(row.reasons) as string[]) : [...DEFAULT_AWAY_REASONS];
  }

  async setAwayReasons(accountId: string, reasons: string[]): Promise<void> {
    const value = JSON.stringify(reasons);
    await this.db
      .insertInto('away_reasons')
      .values({ account_id: accountId, reasons: value })
      .onConflict((oc) => oc.column('account_id').doUpdateSet({ reasons: value }))
      .execute();
  }

  /** Notes the agent's state from `at` on; a repeat of the state they are in adds nothing. */
  async record(
    accountId: string,
    userId: string,
    state: AgentState,
    reason: string | null,
    at = Date.now(),
  ): Promise<void> {
    const last = await this.db
      .selectFrom('agent_state_log')
      .select(['state', 'reason'])
      .where('account_id', '=', accountId)
      .where('user_id', '=', userId)
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .executeTakeFirst();
    if (last && last.state === state && (last.reason ?? null) === reason) return;
    await this.db
      .insertInto('agent_state_log')
      .values({ id: newId('ast'), account_id: accountId, user_id: userId, state, reason, at })
      .execute();
  }

  /**
   * The rows that shape the range [from, to): per agent, the last one before `from` (the state
   * the range opens in) and every one inside it, oldest first.
   */
  async spans(accountId: string, from: number, to: number): Promise<AgentStateRow[]> {
    const rows = await this.db
      .selectFrom('agent_state_log')
      .select(['user_id', 'state', 'reason', 'at', 'id'])
      .where('account_id', '=', accountId)
      .where('at', '<', to)
      .orderBy('user_id')
      .orderBy('at')
      .orderBy('id')
      .execute();
    const out: AgentStateRow[] = [];
    const opening = new Map<string, AgentStateRow>();
    for (const r of rows) {
      const row = { userId: r.user_id, state: r.state, reason: r.reason, at: Number(r.at) };
      if (row.at < from) opening.set(row.userId, row);
      else out.push(row);
    }
    return [...opening.values(), ...out].sort((a, b) =>
      a.userId === b.userId ? a.at - b.at : a.userId < b.userId ? -1 : 1,
    );
  }
}
