/**
 * Which channel of the order a contact gets, as the sender chooses it (docs/broadcasts.md): e-mail
 * with an address and no opt-out; SMS with a number, an opt-in and no STOP; WhatsApp with a
 * number and an opt-in. None: skipped, `opted out` when an opt-out stopped it.
 */
import type { BroadcastChannel } from '../../api/broadcasts.ts';
import type { Consents, Contact } from './broadcast-sample.ts';

export type Route = { channel: BroadcastChannel } | { skip: 'opted out' | 'no reachable channel' };

export function routeOf(order: readonly BroadcastChannel[], contact: Contact, consents: Consents): Route {
  let optedOut = false;
  for (const channel of order) {
    if (channel === 'email') {
      if (!contact.email) continue;
      if (contact.emailOptOut) {
        optedOut = true;
        continue;
      }
      return { channel };
    }
    if (!contact.phone) continue;
    if (channel === 'sms' && consents.smsOptOut) {
      optedOut = true;
      continue;
    }
    if (consents.items.some((c) => c.channel === channel)) return { channel };
  }
  return { skip: optedOut ? 'opted out' : 'no reachable channel' };
}
