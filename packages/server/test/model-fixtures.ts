import { LF, LIVE_FEATURE_COUNT } from '@beckon/core/features/index';
import { cartAttr, pageView, purchaseAttr, type VisitorClient } from '@beckon/sdk/index';
import { scoringOf } from '../src/scoring/scoring-runtime.ts';
import { visitor } from './engagement-fixtures.ts';
import type { TestServer } from './helpers/test-server.ts';

const LAMP = [{ sku: 'LAMP', name: 'Oak lamp', price: 120, quantity: 1 }];

/** The node's scoring runtime. */
export const scoring = (srv: TestServer) => scoringOf(srv.node.ctx);

/** A shop's visitor going through a session the way a buyer does: home, product, cart, checkout, purchase. */
export async function buyerSession(srv: TestServer, siteKey: string, visitorId: string): Promise<void> {
  const origin = new URL(srv.url).origin;
  const c = await visitor(srv, siteKey, visitorId);
  await c.sendBatch([pageView(`${origin}/`)]);
  await c.sendBatch([pageView(`${origin}/products/lamp`, ['product']), cartAttr(120, LAMP)]);
  await c.sendBatch([pageView(`${origin}/checkout`, ['checkout'])]);
  await c.sendBatch([
    purchaseAttr(`order-${visitorId}`, 120),
    pageView(`${origin}/confirmation`, ['confirmation']),
    cartAttr(0, []),
  ]);
  await c.close();
}

/** A visitor who reads a little and leaves. */
export async function browserSession(srv: TestServer, siteKey: string, visitorId: string): Promise<void> {
  const origin = new URL(srv.url).origin;
  const c = await visitor(srv, siteKey, visitorId);
  await c.sendBatch([pageView(`${origin}/`)]);
  await c.sendBatch([pageView(`${origin}/about`, ['about'])]);
  await c.close();
}

/** Ends every session being scored (as if their visitors had gone idle), writes them and reloads the page statistics. */
export async function finishSessions(srv: TestServer): Promise<void> {
  const rt = scoring(srv);
  rt.scorer.sweep(Date.now() + 86_400_000, 0);
  await rt.recorder.flush();
  await rt.sites.reloadAll();
}

/** Gives a site a history: `buyers` purchasing sessions and `browsers` short ones, all finished. */
export async function shopHistory(
  srv: TestServer,
  siteKey: string,
  buyers: number,
  browsers: number,
  prefix = 'h',
): Promise<void> {
  for (let i = 0; i < Math.max(buyers, browsers); i++) {
    if (i < buyers) await buyerSession(srv, siteKey, `${prefix}-buyer-${i}`);
    if (i < browsers) await browserSession(srv, siteKey, `${prefix}-browser-${i}`);
  }
  await finishSessions(srv);
}

export type { VisitorClient };

/**
 * Writes `n` labelled sessions straight into an account's training data: the cart value decides the
 * purchase (with 10 % of labels flipped), the UCI columns are noise — so the shipped model, which
 * reads only those, ranks them no better than chance, while a model trained on them learns the cart.
 */
export async function cartDrivenSessions(srv: TestServer, accountId: string, siteId: string, n: number) {
  let seed = 7;
  const rand = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const t0 = Date.now() - n * 60_000;
  const sessions = Array.from({ length: n }, (_, i) => {
    const cart = rand() < 0.3 ? 50 + Math.round(rand() * 200) : 0;
    const bought = cart > 0 !== rand() < 0.1;
    const v = Array.from({ length: LIVE_FEATURE_COUNT }, () => Math.round(rand() * 10));
    v[LF.PageValues] = Math.round(rand() * 20);
    v[LF.Month] = 1 + Math.floor(rand() * 12);
    v[LF.CartValue] = cart;
    v[LF.CartItems] = cart > 0 ? 1 : 0;
    return {
      row: {
        id: `syn-${accountId}-${i}`,
        account_id: accountId,
        site_id: siteId,
        visitor_id: `syn-${i}`,
        started_at: t0 + i * 60_000,
        ended_at: t0 + i * 60_000 + 30_000,
        features: JSON.stringify(v),
        purchased: bought ? 1 : 0,
        revenue: bought ? cart : 0,
        page_views: 3,
        score: null,
      },
      pages: { pages: ['/syn'], pagesBeforePurchase: 0, revenue: 0 },
    };
  });
  await srv.node.ctx.store.modelSessions.record(sessions);
  return sessions.filter((s) => s.row.purchased === 1).length;
}

/** A node that trains on a test's few hundred sessions, and whose timers wait for the test to ask. */
export const MODEL_TRAINING_TEST_ENV = {
  BECKON_MODEL_MIN_SESSIONS: '300',
  BECKON_MODEL_MIN_PURCHASES: '30',
  BECKON_MODEL_SWEEP_MS: '0',
  BECKON_MODEL_POLL_MS: '0',
  BECKON_MODEL_BAND_REFRESH_MS: '0',
  BECKON_MODEL_SCHEDULE_CHECK_MS: '0',
};
