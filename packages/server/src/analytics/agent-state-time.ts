import type { AgentStateTime } from '@beckon/protocol/reports-api';
import type { Kysely } from 'kysely';
import { type AgentStateRow, AgentStatesRepo } from '../store/agent-states-repo.ts';
import type { Database } from '../store/schema.ts';

const ORDER = { online: 0, away: 1, offline: 2 } as const;

/**
 * Per agent, the seconds spent online, away (per reason) and offline within [from, end). Each row
 * of the state log lasts until the agent's next one; the time before an agent's first row counts
 * as offline, since no console of theirs was open on record.
 */
export function timeInStates(
  rows: AgentStateRow[],
  from: number,
  end: number,
): Map<string, AgentStateTime[]> {
  const byUser = new Map<string, AgentStateRow[]>();
  for (const r of rows) byUser.set(r.userId, [...(byUser.get(r.userId) ?? []), r]);
  const out = new Map<string, AgentStateTime[]>();
  for (const [userId, list] of byUser) {
    const totals = new Map<string, AgentStateTime>();
    const add = (state: AgentStateTime['state'], reason: string | null, ms: number) => {
      if (ms <= 0) return;
      const key = `${state}\u0000${reason ?? ''}`;
      const t = totals.get(key) ?? { state, reason, seconds: 0 };
      t.seconds += ms / 1000;
      totals.set(key, t);
    };
    const first = list[0];
    if (first) add('offline', null, Math.min(first.at, end) - from);
    list.forEach((r, i) => {
      const start = Math.max(r.at, from);
      const stop = Math.min(list[i + 1]?.at ?? end, end);
      add(r.state, r.state === 'away' ? r.reason : null, stop - start);
    });
    out.set(
      userId,
      [...totals.values()].sort(
        (a, b) => ORDER[a.state] - ORDER[b.state] || (a.reason ?? '').localeCompare(b.reason ?? ''),
      ),
    );
  }
  return out;
}

/** The agents' time in each state over the range, from the state log. */
export async function stateTimesIn(
  db: Kysely<Database>,
  accountId: string,
  from: number,
  end: number,
): Promise<Map<string, AgentStateTime[]>> {
  return timeInStates(await new AgentStatesRepo(db).spans(accountId, from, end), from, end);
}
