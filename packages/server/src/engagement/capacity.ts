import type { Capacity } from '@beckon/core';
import { isOpen } from '@beckon/core/hours/business-hours';
import { skillReadiness } from '@beckon/core/routing/index';
import type { Store } from '../store/store.ts';

/**
 * Can this skill take a chat now, and who would answer? Asked synchronously on the hot path, so
 * answers come from a per-account cache refreshed in the background (every `ttlMs`).
 */
export interface CapacityCheck {
  capacity(accountId: string, skillId: string, kind?: 'chat' | 'voice'): Capacity;
  /** The agent a chat of this skill would go to now, when that is clear (for the invitation). */
  agentName(accountId: string, skillId: string): string | undefined;
  /** Loads the account's answer before its first visitor needs it. */
  prime(accountId: string): Promise<void>;
  close(): void;
}

/** Which agents hold a live console connection (the chat module's presence). */
export type ConnectedAgents = (accountId: string) => Promise<ReadonlySet<string>>;

interface SkillAnswer {
  capacity: Capacity;
  /** Whether an agent of the skill who takes calls is free (a `call` engagement). */
  voice: Capacity;
  agentName?: string;
}

interface Entry {
  skills: Map<string, SkillAnswer>;
  loadedAt: number;
  askedAt: number;
  loading: Promise<void> | null;
  handle: Map<string, number>;
  handleAt: number;
}

/** Accounts nobody asked about for this long are no longer refreshed (they reload on the next question). */
const IDLE_MS = 60_000;
/** Handle times move slowly: re-read once a minute, over the last hour. */
const HANDLE_TTL_MS = 60_000;
const HANDLE_WINDOW_MS = 3_600_000;

/**
 * Capacity as routing sees it: routing's own snapshot of the account (skills and their maximum
 * wait, the queue, agents with load = active chats + pending offers), presence for who is
 * connected, and routing's policy (`skillReadiness`): a chat engagement is offered when an
 * online, connected agent of the skill has a free slot after the queued chats, or when the
 * expected wait (from recent handle times) is under the skill's maximum wait.
 */
export function routingCapacity(
  store: Store,
  connected: ConnectedAgents,
  ttlMs: number,
  onError: (err: unknown) => void,
): CapacityCheck {
  const entries = new Map<string, Entry>();

  const refresh = async (accountId: string, entry: Entry): Promise<void> => {
    const now = Date.now();
    const [snap, present, busy, voice] = await Promise.all([
      store.routing.snapshot(accountId),
      connected(accountId),
      store.calls.busyAgents(accountId),
      store.calls.settings(accountId),
      now - entry.handleAt >= HANDLE_TTL_MS
        ? store.routing.handleTimes(accountId, now - HANDLE_WINDOW_MS).then((h) => {
            entry.handle = h;
            entry.handleAt = now;
          })
        : null,
    ]);
    const agents = snap.agents.map((a) => ({ ...a, connected: present.has(a.id) }));
    const queued = new Map<string, number>();
    for (const q of snap.queue) queued.set(q.skillId, (queued.get(q.skillId) ?? 0) + 1);
    const skills = new Map<string, SkillAnswer>();
    for (const skill of snap.skills.values()) {
      // Outside business hours a chat engagement shows its offline flow, and nobody takes calls.
      if (skill.hours && !isOpen(skill.hours, now)) {
        skills.set(skill.id, { capacity: 'busy', voice: 'busy' });
        continue;
      }
      const r = skillReadiness(skill, agents, queued.get(skill.id) ?? 0, entry.handle.get(skill.id) ?? null);
      const next = r.nextAgentId ? agents.find((a) => a.id === r.nextAgentId) : undefined;
      const callFree = agents.some(
        (a) =>
          a.connected &&
          a.status === 'online' &&
          a.skillIds.includes(skill.id) &&
          (voice.get(a.id)?.takesCalls ?? true) &&
          !busy.onCall.has(a.id) &&
          !busy.ringing.has(a.id),
      );
      skills.set(skill.id, {
        capacity: r.canTake ? 'available' : 'busy',
        voice: callFree ? 'available' : 'busy',
        agentName: next?.name,
      });
    }
    entry.skills = skills;
    entry.loadedAt = Date.now();
  };

  const load = (accountId: string, entry: Entry): Promise<void> => {
    entry.loading ??= refresh(accountId, entry)
      .catch(onError)
      .finally(() => {
        entry.loading = null;
      });
    return entry.loading;
  };

  const entryOf = (accountId: string): Entry => {
    let e = entries.get(accountId);
    if (!e) {
      e = {
        skills: new Map(),
        loadedAt: 0,
        askedAt: Date.now(),
        loading: null,
        handle: new Map(),
        handleAt: 0,
      };
      entries.set(accountId, e);
    }
    return e;
  };

  const answer = (accountId: string, skillId: string): SkillAnswer | undefined => {
    const e = entryOf(accountId);
    e.askedAt = Date.now();
    if (e.loadedAt === 0) void load(accountId, e);
    return e.skills.get(skillId);
  };

  const refresher = setInterval(
    () => {
      const now = Date.now();
      for (const [accountId, e] of entries) {
        if (now - e.askedAt > IDLE_MS) entries.delete(accountId);
        else if (now - e.loadedAt >= ttlMs) void load(accountId, e);
      }
    },
    Math.max(10, ttlMs),
  );
  refresher.unref();

  return {
    capacity: (accountId, skillId, kind = 'chat') => {
      const a = answer(accountId, skillId);
      return (kind === 'voice' ? a?.voice : a?.capacity) ?? 'busy';
    },
    agentName: (accountId, skillId) => answer(accountId, skillId)?.agentName,
    async prime(accountId) {
      const e = entryOf(accountId);
      e.askedAt = Date.now();
      if (Date.now() - e.loadedAt >= ttlMs) await load(accountId, e);
    },
    close() {
      clearInterval(refresher);
    },
  };
}
