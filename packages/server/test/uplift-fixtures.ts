import { LF, LIVE_FEATURE_COUNT } from '@beckon/core/features/index';
import { sql } from 'kysely';
import { analyticsOf } from '../src/analytics/analytics-runtime.ts';
import { AnalyticsFixture, DAY, HOUR, ids } from './analytics-fixtures.ts';
import type { TestServer } from './helpers/test-server.ts';

/** Conversions per 100 visitors of each kind and arm: the engagement helps cart holders and puts browsers off. */
export const HELPED = { exposed: 40, control: 10 };
export const UNHELPED = { exposed: 5, control: 10 };

/** The live feature vector of a visitor of one kind: one to three items in the cart, or none; the rest alike. */
export function kindVector(cart: boolean, i = 0): number[] {
  const v = Array.from({ length: LIVE_FEATURE_COUNT }, () => 1);
  v[LF.CartItems] = cart ? 1 + (i % 3) : 0;
  return v;
}

/**
 * A campaign's history: `perArm` exposed and `perArm` control visitors of each kind (cart holders,
 * whom the engagement helps, and browsers, whom it does not), each with the recorded session they
 * qualified in and purchases at the kind's rates, attributed by the analytics job.
 */
export async function upliftHistory(
  srv: TestServer,
  accountId: string,
  siteId: string,
  campaignId: string,
  perArm = 200,
  prefix = 'u',
): Promise<void> {
  const { store } = srv.node.ctx;
  const f = new AnalyticsFixture(store, accountId, siteId);
  const at = Date.now() - DAY;
  for (const [kind, rates] of [
    ['cart', HELPED],
    ['browse', UNHELPED],
  ] as const) {
    for (const arm of ['exposed', 'control'] as const) {
      const visitors = ids(`${prefix}-${kind}-${arm}-`, perArm);
      await f.visit(visitors, at);
      await f.expose(visitors, campaignId, at, { control: arm === 'control' });
      const sessions = visitors.map((v, i) => ({
        row: {
          id: `ses-${v}`,
          account_id: accountId,
          site_id: siteId,
          visitor_id: v,
          started_at: at,
          ended_at: at + 60_000,
          features: JSON.stringify(kindVector(kind === 'cart', i)),
          purchased: 0,
          revenue: 0,
          page_views: 3,
          score: null,
        },
        pages: { pages: ['/u'], pagesBeforePurchase: 0, revenue: 0 },
      }));
      await store.modelSessions.record(sessions);
      const converting = Math.round((rates[arm] * perArm) / 100);
      // Every tenth visitor of the arm until the rate is reached, so converters spread over the noise.
      const order = visitors.map((_, i) => i).sort((a, b) => (a % 10) - (b % 10) || a - b);
      for (const i of order.slice(0, converting)) {
        await f.purchase(visitors[i]!, at + HOUR, `o-${visitors[i]}`, 40);
      }
    }
  }
  await store.db
    .updateTable('exposures')
    .set({ session_id: sql<string>`'ses-' || visitor_id` })
    .where('campaign_id', '=', campaignId)
    .execute();
  await analyticsOf(srv.node.ctx).job.catchUp();
}
