import type { AgentPresence } from '../conversations/agent-presence.ts';
import type { CallRow } from '../store/calls-repo.ts';
import { DEFAULT_VOICE_SETTINGS } from '../store/calls-repo.ts';
import type { Store } from '../store/store.ts';

/**
 * Who a call rings next: agents of its skill (any skill when it has none) who are online, have a
 * console connected, take calls, are on no call and not ringing for another, and were not rung
 * for this call yet. The conversation's own agent comes first (a switch from chat to call), then
 * the least loaded, then whoever waited longest since their last assignment.
 */
export async function nextAgent(
  store: Store,
  presence: AgentPresence,
  call: CallRow,
  preferred: string | null,
  only?: string,
): Promise<string | undefined> {
  const accountId = call.account_id;
  const [agents, connected, busy, settings] = await Promise.all([
    store.routing.agents(accountId),
    presence.connected(accountId),
    store.calls.busyAgents(accountId),
    store.calls.settings(accountId),
  ]);
  const tried = new Set(JSON.parse(call.tried) as string[]);
  const free = agents.filter(
    (a) =>
      a.status === 'online' &&
      connected.has(a.id) &&
      (settings.get(a.id) ?? DEFAULT_VOICE_SETTINGS).takesCalls &&
      !busy.onCall.has(a.id) &&
      !busy.ringing.has(a.id) &&
      !tried.has(a.id) &&
      (only
        ? a.id === only
        : call.skill_id === null || a.skillIds.includes(call.skill_id) || a.id === preferred),
  );
  free.sort(
    (a, b) =>
      Number(b.id === preferred) - Number(a.id === preferred) ||
      a.load - b.load ||
      (a.lastAssignedAt ?? 0) - (b.lastAssignedAt ?? 0),
  );
  return free[0]?.id;
}

/** Whether an agent who takes calls is free for a skill now (a `call` engagement is offered only then). */
export async function voiceAvailable(
  store: Store,
  presence: AgentPresence,
  accountId: string,
  skillId: string,
) {
  const probe = { account_id: accountId, skill_id: skillId, tried: '[]' } as CallRow;
  return (await nextAgent(store, presence, probe, null)) !== undefined;
}
