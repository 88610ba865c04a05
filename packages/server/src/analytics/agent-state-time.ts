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

/**
 * A console closed for no longer than this and opened again in the same state (a reload, signing
 * out and in) did not change the agent's state: the wallboard's time in state goes on.
 */
export const SAME_STATE_GAP_MS = 5 * 60_000;

/**
 * Since when one agent has been in `state`, from their state log rows (oldest first): the start of
 * the newest run in that state (an away reason included), across short closed-console gaps; null
 * when the newest row is another state.
 */
export function inStateSince(rows: readonly AgentStateRow[], state: AgentStateRow['state']): number | null {
  let i = rows.length - 1;
  if (rows[i]?.state !== state) return null;
  const now = rows[i]!;
  while (i >= 2) {
    const gap = rows[i - 1]!;
    const before = rows[i - 2]!;
    const resumed =
      gap.state === 'offline' &&
      rows[i]!.at - gap.at <= SAME_STATE_GAP_MS &&
      before.state === now.state &&
      before.reason === now.reason;
    if (!resumed) break;
    i -= 2;
  }
  return rows[i]!.at;
}
