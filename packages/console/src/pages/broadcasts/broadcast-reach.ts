/**
 * Which channel of the order a contact gets, as the sender chooses it (docs/broadcasts.md): e-mail
 * with an address and no opt-out; SMS with a number, an opt-in and no STOP; WhatsApp with a
 * number and an opt-in; in the app when signed in to the chosen site's app; by push with a device
 * for it. None: skipped, `opted out` when an opt-out stopped it.
 */
import type { BroadcastChannel } from '../../api/broadcasts.ts';
import type { Consents, Contact } from './broadcast-sample.ts';

export type Route = { channel: BroadcastChannel } | { skip: 'opted out' | 'no reachable channel' };

export function routeOf(
  order: readonly BroadcastChannel[],
  contact: Contact,
  consents: Consents,
  /** The site of the app and push messages. */
  sites: { app?: string; push?: string } = {},
): Route {
  let optedOut = false;
  for (const channel of order) {
    if (channel === 'app' || channel === 'push') {
      const site = sites[channel];
      const list = channel === 'app' ? consents.appSites : consents.pushSites;
      if (site && list.includes(site)) return { channel };
      continue;
    }
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
