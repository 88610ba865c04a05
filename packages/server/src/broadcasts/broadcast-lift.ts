import {
  compareProportions,
  DEFAULT_CONFIDENCE_LEVEL,
  type SampleSummary,
  welchTest,
} from '@beckon/core/stats/index';
import type { BroadcastArm, BroadcastLift } from '@beckon/protocol/broadcasts-api';
import { accountCurrency } from '../analytics/account-currency.ts';
import { proportionLift } from '../analytics/lift-report.ts';
import type { ArmCounts, BroadcastRecord } from '../store/broadcasts-repo.ts';
import type { Store } from '../store/store.ts';

const DAY_MS = 86_400_000;

const armOf = (a: ArmCounts): BroadcastArm => ({
  contacts: a.contacts,
  converted: a.converted,
  conversions: a.conversions,
  conversionRate: a.contacts > 0 ? a.converted / a.contacts : 0,
  revenue: a.revenue,
  revenuePerContact: a.contacts > 0 ? a.revenue / a.contacts : 0,
});

/** An arm's revenue per contact (zeros counted) as Welch's test reads it: count, mean, sample variance. */
function revenueSample(a: ArmCounts): SampleSummary {
  const n = a.contacts;
  const mean = n > 0 ? a.revenue / n : 0;
  const variance = n > 1 ? Math.max(0, (a.revenueSquares - a.revenue * mean) / (n - 1)) : 0;
  return { n, sum: a.revenue, mean, variance };
}

/**
 * Revenue per contact, send arm minus holdout, with Welch's t interval (the campaign lift's
 * headline revenue interval); no estimate while an arm is empty, no interval below two contacts.
 */
function revenueDifference(
  send: ArmCounts,
  holdout: ArmCounts,
  enoughData: boolean,
): BroadcastLift['revenue'] {
  if (send.contacts === 0 || holdout.contacts === 0)
    return { difference: { estimate: null, ci: null, method: 'welch-t' }, pValue: null, significant: false };
  const s = revenueSample(send);
  const h = revenueSample(holdout);
  const w = welchTest(s, h);
  return {
    difference: { estimate: s.mean - h.mean, ci: w ? w.ci : null, method: 'welch-t' },
    pValue: w ? w.pValue : null,
    significant: enoughData && w !== null && w.pValue < 1 - DEFAULT_CONFIDENCE_LEVEL,
  };
}

/**
 * The broadcast's send arm against its holdout, intention to treat: every contact of the send arm
 * (reached or skipped) against every held-out contact. The holdout is drawn by a hash before the
 * sender looks at a contact's channels, so both arms hold the unreachable alike and the comparison
 * is unbiased. The rates are compared with the campaign lift's statistics. Null before the send starts.
 */
export async function broadcastLift(store: Store, b: BroadcastRecord): Promise<BroadcastLift | null> {
  if (b.startedAt === null) return null;
  const counts = await store.broadcasts.armCounts(b.accountId, b.id, b.attributionWindowDays * DAY_MS);
  const send = armOf(counts.send);
  const holdout = armOf(counts.holdout);
  const p = compareProportions(
    { n: send.contacts, conversions: Math.min(send.converted, send.contacts), label: 'send' },
    { n: holdout.contacts, conversions: Math.min(holdout.converted, holdout.contacts), label: 'holdout' },
  );
  return {
    attributionWindowDays: b.attributionWindowDays,
    currency: (await accountCurrency(store.db, b.accountId)) ?? '',
    send,
    holdout,
    ...proportionLift(p, send.contacts, holdout.contacts),
    revenue: revenueDifference(counts.send, counts.holdout, p.enoughData),
  };
}
