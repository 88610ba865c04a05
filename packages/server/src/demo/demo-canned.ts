import type { CannedResponseCreate } from '@beckon/protocol/canned-responses';
import type { Store } from '../store/store.ts';

const SEEDED = 'demo.canned.v1';

/** Replies a storefront's agents type many times a day. */
export const DEMO_CANNED: CannedResponseCreate[] = [
  {
    shortcut: 'hello',
    title: 'Greeting',
    text: 'Hi {visitor.name}, I am {agent.firstName} from the Demo Store. How can I help you today?',
  },
  {
    shortcut: 'shipping',
    title: 'Shipping times',
    text: 'Orders placed before 2 pm ship the same day. Delivery takes 2–4 working days, and shipping is free on orders over $100.',
  },
  {
    shortcut: 'returns',
    title: 'Returns',
    text: 'You can return anything within 30 days for a full refund. Start a return from your order page and we will e-mail you a prepaid label.',
  },
];

/** Adds the demo canned responses once (a later run never brings back one an admin deleted). */
export async function seedDemoCannedResponses(store: Store, accountId: string): Promise<void> {
  if (await store.settings.get(SEEDED)) return;
  const have = new Set((await store.cannedResponses.list(accountId)).map((c) => c.shortcut));
  for (const c of DEMO_CANNED) if (!have.has(c.shortcut)) await store.cannedResponses.create(accountId, c);
  await store.settings.set(SEEDED, new Date().toISOString());
}
