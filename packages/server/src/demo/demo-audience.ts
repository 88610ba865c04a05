import type { Store } from '../store/store.ts';

/** The demo's saved segment: the newsletter's subscribers, whom a broadcast can reach. */
export const DEMO_AUDIENCE_SEGMENT = 'Newsletter subscribers';

/** A subscriber: name, address, number (or none), the opt-ins given, and where they live. */
type Subscriber = [
  name: string | null,
  email: string,
  phone: string | null,
  optIns: ('sms' | 'whatsapp')[],
  zone: string,
];

/**
 * People who signed up for the demo shop's newsletter. Every one can get an e-mail; some gave a
 * number and opted in to SMS or WhatsApp; one has no name, so a `{{name|there}}` fallback shows.
 */
const SUBSCRIBERS: readonly Subscriber[] = [
  ['Rosa Díaz', 'rosa.diaz@example.com', '+34600100201', ['whatsapp', 'sms'], 'Europe/Madrid'],
  ['Jonas Weber', 'jonas.weber@example.com', '+4915100100202', ['sms'], 'Europe/Berlin'],
  ['Mia Chen', 'mia.chen@example.com', null, [], 'America/Los_Angeles'],
  ['Oliver Smith', 'oliver.smith@example.com', '+447700100204', ['whatsapp'], 'Europe/London'],
  ['Chloé Martin', 'chloe.martin@example.com', '+33600100205', ['sms'], 'Europe/Paris'],
  ['Sanne de Vries', 'sanne.devries@example.com', null, [], 'Europe/Amsterdam'],
  ['Liam Johnson', 'liam.johnson@example.com', '+12125550107', ['sms'], 'America/New_York'],
  ['Hannah Fischer', 'hannah.fischer@example.com', '+4917600100208', ['whatsapp'], 'Europe/Berlin'],
  [null, 'shopper.1009@example.com', null, [], 'Europe/London'],
  ['Isla Campbell', 'isla.campbell@example.com', '+447700100210', ['whatsapp', 'sms'], 'Europe/London'],
  ['Lucas Moreau', 'lucas.moreau@example.com', null, [], 'Europe/Paris'],
  ['Emma Brown', 'emma.brown@example.com', '+14155550112', ['sms'], 'America/Los_Angeles'],
];

/**
 * Gives the demo account its newsletter's subscribers (contacts with an address, some with a number
 * and opt-ins) and a saved segment of them, so the Broadcasts page has someone to send to. Added
 * once: an account that has the segment keeps what it has.
 */
export async function seedDemoAudience(store: Store, accountId: string): Promise<number> {
  const segments = await store.segments.list(accountId);
  if (segments.some((s) => s.name === DEMO_AUDIENCE_SEGMENT)) return 0;
  for (const [name, email, phone, optIns, zone] of SUBSCRIBERS) {
    const c = await store.contacts.resolve(accountId, { name, email, ...(phone ? { phone } : {}) });
    await store.contacts.addAttributes(accountId, c.id, { newsletter: true, timeZone: zone });
    for (const channel of optIns)
      await store.consents.record(accountId, c.id, { channel, source: 'api', detail: 'newsletter sign-up' });
  }
  await store.segments.create(accountId, {
    name: DEMO_AUDIENCE_SEGMENT,
    filter: { field: 'attribute.newsletter', op: 'equals', value: true },
  });
  return SUBSCRIBERS.length;
}
