import { seedDemoEmail } from '../../../packages/server/src/channels/email/demo-email.ts';
import type { Store } from '../../../packages/server/src/store/store.ts';
import type { SeededAgent } from '../load/chat-transport-beckon.ts';

/** What W8's generators need from the node, printed by the bench server as `messaging JSON`. */
export interface MessagingSeed {
  /** An account API key: reads the site's identity secret and counts the stored conversations. */
  apiKey: string;
  siteId: string;
  /** The bench site's inbound address (any address of the domain reaches it). */
  inbound: string;
  /** The SMTP listener's port, or null when `BECKON_SMTP_PORT` was not set. */
  smtpPort: number | null;
  /** One agent per app user, in the app channel's skill. */
  appAgents: SeededAgent[];
}

/**
 * W8's setup: an API key, the site's inbound address (as the demo gets: `support@` and the
 * domain's catch-all), and with `appPairs` an App skill made the app channel's default, with one
 * agent per app user. The app channel weighs 1 here (0.5 by default), so an agent of capacity 1
 * holds one app conversation and each new one goes to the one agent still free.
 */
export async function seedMessaging(
  store: Store,
  account: { accountId: string; siteId: string },
  domain: string,
  smtpPort: number | null,
  appPairs: number,
): Promise<MessagingSeed> {
  const { accountId, siteId } = account;
  const key = await store.apiKeys.create(accountId, 'Bench');
  await seedDemoEmail(store, accountId, siteId, domain);
  const appAgents: SeededAgent[] = [];
  if (appPairs > 0) {
    const skill = await store.skills.create(accountId, { name: 'App', maxWaitSeconds: 3600 });
    await store.channelSettings.put(accountId, [{ channel: 'app', defaultSkillId: skill.id, weight: 1 }]);
    for (let i = 0; i < appPairs; i++) {
      const user = await store.users.create(accountId, {
        email: `app-agent${i}@bench.beckon.local`,
        name: `App agent ${i}`,
        role: 'agent',
        passwordHash: 'no-sign-in',
        capacity: 1,
        status: 'online',
        skillIds: [skill.id],
      });
      const session = await store.authSessions.create(user.id, accountId, 24 * 3600_000);
      appAgents.push({ skillId: skill.id, cookie: `beckon_session=${session.token}` });
    }
  }
  return { apiKey: key.key, siteId, inbound: `support@${domain}`, smtpPort, appAgents };
}
