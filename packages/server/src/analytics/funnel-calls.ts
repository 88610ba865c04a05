import type { CallFunnel } from '@beckon/protocol/reports-api';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import type { ReportFilters } from './report-filters.ts';

/**
 * The funnel's call step, in visitors: shown a call engagement in the period → accepted it → a
 * call in the conversation it opened was answered → a conversion attributed to that engagement
 * (the call's campaign keeps the purchase as a conversation touch, see `touch-loader.ts`).
 */
export async function callFunnel(
  db: Kysely<Database>,
  f: ReportFilters,
  /** The period's call engagements shown (not held out), in the report's scope. */
  exposures: ReadonlyArray<{ id: string; site_id: string; visitor_id: string; outcome: string | null }>,
): Promise<CallFunnel> {
  const key = (r: { site_id: string; visitor_id: string }) => `${r.site_id}\u0000${r.visitor_id}`;
  const offered = new Set(exposures.map(key));
  const accepted = exposures.filter((e) => e.outcome === 'accepted');
  const ids = accepted.map((e) => e.id);
  const answered = new Set<string>();
  const converted = new Set<string>();
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const talked = await db
      .selectFrom('conversations as c')
      .innerJoin('calls as k', (j) =>
        j.onRef('k.conversation_id', '=', 'c.id').onRef('k.account_id', '=', 'c.account_id'),
      )
      .select(['c.site_id', 'c.visitor_id', 'c.origin_exposure_id'])
      .distinct()
      .where('c.account_id', '=', f.accountId)
      .where('c.origin_exposure_id', 'in', chunk)
      .where('k.answered_at', 'is not', null)
      .execute();
    const answeredExposures = new Set<string>();
    for (const t of talked) {
      if (!t.visitor_id || !t.site_id) continue;
      answered.add(key({ site_id: t.site_id, visitor_id: t.visitor_id }));
      answeredExposures.add(t.origin_exposure_id!);
    }
    if (answeredExposures.size === 0) continue;
    const bought = await db
      .selectFrom('attributions')
      .select(['site_id', 'visitor_id'])
      .distinct()
      .where('account_id', '=', f.accountId)
      .where('control', '=', 0)
      .where('exposure_id', 'in', [...answeredExposures])
      .execute();
    for (const b of bought) converted.add(key(b));
  }
  return {
    offered: offered.size,
    accepted: new Set(accepted.map(key)).size,
    answered: answered.size,
    converted: converted.size,
  };
}
