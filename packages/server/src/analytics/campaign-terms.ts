import type { Kysely } from 'kysely';
import { goalEventName } from '../store/campaigns-repo.ts';
import type { Database } from '../store/schema.ts';
import { type CampaignTerms, windowDaysOf } from './attribution-rules.ts';

/** Every campaign's goal and window by account, and the goal event names each account watches. */
export interface TermsSnapshot {
  campaigns: Map<string, Map<string, CampaignTerms>>;
  goals: Map<string, Set<string>>;
}

/**
 * Reads the goal and attribution window of every campaign (deleted ones too: their exposures still
 * count), or of one account's.
 */
export async function loadCampaignTerms(db: Kysely<Database>, accountId?: string): Promise<TermsSnapshot> {
  let q = db.selectFrom('campaigns').select(['id', 'account_id', 'goal', 'attribution_window_days']);
  if (accountId) q = q.where('account_id', '=', accountId);
  const rows = await q.execute();
  const snapshot: TermsSnapshot = { campaigns: new Map(), goals: new Map() };
  for (const r of rows) {
    // An unreadable goal falls back to purchases, the default goal.
    const name = goalEventName(r.goal);
    const goal: CampaignTerms['goal'] = name === null ? { type: 'purchase' } : { type: 'event', name };
    let map = snapshot.campaigns.get(r.account_id);
    if (!map) {
      map = new Map();
      snapshot.campaigns.set(r.account_id, map);
    }
    map.set(r.id, { goal, windowDays: windowDaysOf(Number(r.attribution_window_days)) });
    if (goal.type === 'event') {
      let names = snapshot.goals.get(r.account_id);
      if (!names) {
        names = new Set();
        snapshot.goals.set(r.account_id, names);
      }
      names.add(goal.name);
    }
  }
  return snapshot;
}

/** Changes whenever any campaign is created, edited or deleted (the terms are re-read then). */
export async function termsFingerprint(db: Kysely<Database>): Promise<string> {
  const r = await db
    .selectFrom('campaigns')
    .select((eb) => [
      eb.fn.countAll().as('n'),
      eb.fn.sum<number>('version').as('versions'),
      eb.fn.max('updated_at').as('last'),
    ])
    .executeTakeFirst();
  return `${Number(r?.n ?? 0)}:${Number(r?.versions ?? 0)}:${Number(r?.last ?? 0)}`;
}
