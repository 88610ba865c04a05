import { rebuildContactFacts } from '../../../packages/server/src/store/contact-facts.ts';
import type { Store } from '../../../packages/server/src/store/store.ts';
import { reachOf } from './broadcast-people.ts';

/** What the broadcast workload needs from the node, printed by the bench server as `broadcast JSON`. */
export interface BroadcastSeed {
  accountId: string;
  /** An admin API key of the account: the workload connects the providers and sends through the API. */
  apiKey: string;
  contacts: number;
  /** Seconds the seed took (contacts, opt-ins and their facts). */
  seedSeconds: number;
}

const CHUNK = 500;

/**
 * The broadcast workload's audience: `n` contacts of the account (broadcast-people.ts says who is
 * reachable how), written in large transactions rather than one API call each, then their facts
 * filled as migration 0060 does, so segments count and page them as they would real ones.
 */
export async function seedBroadcast(store: Store, accountId: string, n: number): Promise<BroadcastSeed> {
  const started = performance.now();
  const key = await store.apiKeys.create(accountId, 'Broadcast bench');
  const now = Date.now();
  for (let from = 0; from < n; from += CHUNK * 20) {
    await store.db.transaction().execute(async (trx) => {
      for (let at = from; at < Math.min(n, from + CHUNK * 20); at += CHUNK) {
        const contacts = [];
        const consents = [];
        for (let i = at; i < Math.min(n, at + CHUNK); i++) {
          const r = reachOf(i);
          const id = `con_b${String(i).padStart(8, '0')}`;
          contacts.push({
            id,
            account_id: accountId,
            name: i % 3 === 0 ? null : `Contact ${i}`,
            email: r.email,
            phone: r.phone,
            external_id: null,
            verified: 0,
            attributes: JSON.stringify({ list: 'spring' }),
            email_opt_out: 0,
            sms_opt_out: r.smsStop ? 1 : 0,
            merged_into: null,
            created_at: now,
            updated_at: now,
            last_seen_at: now,
          });
          for (const channel of ['whatsapp', 'sms'] as const)
            if (r[channel])
              consents.push({
                account_id: accountId,
                contact_id: id,
                channel,
                source: 'api',
                detail: 'bench',
                created_at: now,
              });
        }
        await trx.insertInto('contacts').values(contacts).execute();
        if (consents.length) await trx.insertInto('contact_consents').values(consents).execute();
      }
    });
  }
  await rebuildContactFacts(store.db, accountId);
  return {
    accountId,
    apiKey: key.key,
    contacts: n,
    seedSeconds: Math.round((performance.now() - started) / 100) / 10,
  };
}
