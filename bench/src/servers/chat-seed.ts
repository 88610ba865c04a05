import type { Store } from '../../../packages/server/src/store/store.ts';
import type { SeededAgent } from '../load/chat-transport-beckon.ts';

/**
 * W3's people: one skill and one agent (capacity 1, online) per conversation pair, each with a
 * console session, so pair i's visitor, asking for skill i, is routed to agent i and no other.
 * Sessions are made in the store (no password sign-in: nobody signs in as these agents).
 */
export async function seedChatAgents(store: Store, accountId: string, pairs: number): Promise<SeededAgent[]> {
  const out: SeededAgent[] = [];
  for (let i = 0; i < pairs; i++) {
    const skill = await store.skills.create(accountId, { name: `Pair ${i}`, maxWaitSeconds: 3600 });
    const user = await store.users.create(accountId, {
      email: `agent${i}@bench.beckon.local`,
      name: `Agent ${i}`,
      role: 'agent',
      passwordHash: 'no-sign-in',
      capacity: 1,
      status: 'online',
      skillIds: [skill.id],
    });
    const session = await store.authSessions.create(user.id, accountId, 24 * 3600_000);
    out.push({ skillId: skill.id, cookie: `beckon_session=${session.token}` });
  }
  return out;
}
