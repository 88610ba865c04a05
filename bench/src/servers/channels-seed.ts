import type { Store } from '../../../packages/server/src/store/store.ts';

/** What W9's generator needs from the node, printed by the bench server as `channels JSON`. */
export interface ChannelsSeed {
  /** The WhatsApp connection's webhook path (`/hooks/whatsapp/ID`). */
  hookPath: string;
  phoneNumberId: string;
  appSecret: string;
  /** Agents of the WhatsApp skill, online, each taking `capacity` conversations. */
  agents: { cookie: string }[];
  capacity: number;
}

/**
 * W9's setup: a WhatsApp connection (its Graph API is never called: nothing is sent back), a
 * WhatsApp skill as the connection's default, and `agents` agents of that skill, online, each with
 * room for `capacity` conversations, so every customer of the run is held by one of them.
 */
export async function seedChannels(
  store: Store,
  accountId: string,
  agents: number,
  capacity: number,
): Promise<ChannelsSeed> {
  const skill = await store.skills.create(accountId, { name: 'WhatsApp', maxWaitSeconds: 3600 });
  const appSecret = 'bench-app-secret';
  const phoneNumberId = '106540352242922';
  const conn = await store.channelConnections.create(accountId, {
    type: 'whatsapp',
    name: 'Bench line',
    config: { phoneNumberId, accessToken: 'bench-token', appSecret, verifyToken: 'bench-verify' },
    apiBaseUrl: 'http://127.0.0.1:9',
    defaultSkillId: skill.id,
  });
  const seeded: { cookie: string }[] = [];
  for (let i = 0; i < agents; i++) {
    const user = await store.users.create(accountId, {
      email: `wa-agent${i}@bench.beckon.local`,
      name: `WhatsApp agent ${i}`,
      role: 'agent',
      passwordHash: 'no-sign-in',
      capacity,
      status: 'online',
      skillIds: [skill.id],
    });
    const session = await store.authSessions.create(user.id, accountId, 24 * 3600_000);
    seeded.push({ cookie: `beckon_session=${session.token}` });
  }
  return { hookPath: `/hooks/whatsapp/${conn.id}`, phoneNumberId, appSecret, agents: seeded, capacity };
}
