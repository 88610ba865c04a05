import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  type CartItem,
  isClientFrame,
  toCampaign,
  type VisitorEvent,
  validateCampaignInput,
} from '@beckon/protocol';
import { TargetingEngine } from '../src/targeting/targeting-engine.ts';
import { applyEvent, createVisitorState, startSession, type VisitorState } from '../src/visitor-state.ts';

// Real click streams: the OTTO recsys sample (20 sessions, clicks / carts / orders), kept outside the repo.
const DATA = fileURLToPath(new URL('../../../../shared/data/otto_sample_sessions.jsonl', import.meta.url));
const IDLE_MS = 30 * 60_000; // the tag starts a new session after 30 minutes idle

interface OttoEvent {
  aid: number;
  ts: number;
  type: 'clicks' | 'carts' | 'orders';
}
interface OttoSession {
  session: number;
  events: OttoEvent[];
}

const sessions: OttoSession[] = existsSync(DATA)
  ? readFileSync(DATA, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l))
  : [];

/** OTTO has no prices: give each article a fixed one, in cents, so totals are exact. */
const priceCents = (aid: number) => 500 + (aid % 9500);

// ---- Expectations, computed straight from the raw file (no Beckon code) ----

interface Expected {
  visits: { clicks: number; fires: boolean }[];
  cartCents: number;
  cartQuantity: number;
  lastOrderCents: number | undefined;
}

function expectationsFor(session: OttoSession): Expected {
  const cart = new Map<number, number>();
  const visits: Expected['visits'] = [];
  let lastOrderCents: number | undefined;
  let prevTs = Number.NEGATIVE_INFINITY;
  let lastOrderTs = Number.NaN;
  for (const e of session.events) {
    if (e.ts - prevTs > IDLE_MS) visits.push({ clicks: 0, fires: false });
    prevTs = e.ts;
    const visit = visits.at(-1)!;
    if (e.type === 'clicks') visit.clicks++;
    if (e.type === 'carts') cart.set(e.aid, (cart.get(e.aid) ?? 0) + 1);
    if (e.type === 'orders') {
      lastOrderCents =
        (e.ts === lastOrderTs ? lastOrderCents! : 0) + priceCents(e.aid) * (cart.get(e.aid) ?? 1);
      lastOrderTs = e.ts;
      cart.delete(e.aid);
    }
    const quantity = [...cart.values()].reduce((a, b) => a + b, 0);
    if (visit.clicks >= 3 && quantity === 0) visit.fires = true;
  }
  let cartCents = 0;
  for (const [aid, q] of cart) cartCents += priceCents(aid) * q;
  return { visits, cartCents, cartQuantity: [...cart.values()].reduce((a, b) => a + b, 0), lastOrderCents };
}

// ---- The replay: raw events → tag events (validated as protocol frames) → applyEvent ----

const SHOP = 'https://shop.example';
const browsingDeeply = validateCampaignInput({
  name: 'Browsing deeply',
  status: 'active',
  goal: { type: 'purchase' },
  targeting: {
    all: [
      { field: 'session.sectionViews.product', op: 'gte', value: 3 },
      { field: 'cart.items', op: 'equals', value: 0 },
    ],
  },
  frequency: { perSession: 1 },
  controlShare: 0.2,
  engagement: {
    type: 'content',
    title: '10% off',
    text: 'Today only',
    ctaLabel: 'Shop now',
    ctaUrl: `${SHOP}/sale`,
  },
});

interface Replayed {
  state: VisitorState;
  visits: { pageViews: number; productViews: number; fired: boolean }[];
}

function cartEvent(cart: Map<number, number>, ts: number): VisitorEvent {
  const items: CartItem[] = [...cart].map(([aid, quantity]) => ({
    sku: String(aid),
    price: priceCents(aid) / 100,
    quantity,
  }));
  const cents = [...cart].reduce((sum, [aid, q]) => sum + priceCents(aid) * q, 0);
  return { type: 'attr', attrType: 'cart', value: { items, total: cents / 100, currency: 'EUR' }, ts };
}

/** Groups raw events into shop actions: orders placed at the same millisecond are one order. */
function actions(events: OttoEvent[]): OttoEvent[][] {
  const out: OttoEvent[][] = [];
  for (const e of events) {
    const last = out.at(-1);
    if (e.type === 'orders' && last?.[0]?.type === 'orders' && last[0].ts === e.ts) last.push(e);
    else out.push([e]);
  }
  return out;
}

/** Turns one shop action into what its tag would send. */
function toTagEvents(action: OttoEvent[], cart: Map<number, number>, session: number): VisitorEvent[] {
  const e = action[0]!;
  if (e.type === 'clicks')
    return [{ type: 'page_view', url: `${SHOP}/product/${e.aid}`, sections: ['product'], ts: e.ts }];
  if (e.type === 'carts') {
    cart.set(e.aid, (cart.get(e.aid) ?? 0) + 1);
    return [cartEvent(cart, e.ts)];
  }
  const items = action.map((o) => {
    const item = { sku: String(o.aid), price: priceCents(o.aid) / 100, quantity: cart.get(o.aid) ?? 1 };
    cart.delete(o.aid);
    return item;
  });
  const cents = items.reduce((sum, i) => sum + priceCents(Number(i.sku)) * i.quantity, 0);
  const purchase: VisitorEvent = {
    type: 'attr',
    attrType: 'purchase',
    value: { orderId: `${session}-${e.ts}`, total: cents / 100, currency: 'EUR', items },
    ts: e.ts,
  };
  return [purchase, cartEvent(cart, e.ts)]; // a shop sends the emptied cart after the order
}

function replay(session: OttoSession, engine: TargetingEngine): Replayed {
  const first = session.events[0]!.ts;
  const state = createVisitorState(
    {
      visitorId: `otto-${session.session}`,
      sessionId: `s${session.session}-0`,
      returning: false,
      device: 'desktop',
    },
    first,
  );
  const visits: Replayed['visits'] = [];
  const cart = new Map<number, number>();
  let prevTs = first;
  const close = () =>
    visits.push({
      pageViews: state.pageViews,
      productViews: state.sectionViews.get('product') ?? 0,
      fired: false,
    });
  let fired = false;
  for (const action of actions(session.events)) {
    const e = action[0]!;
    if (e.ts - prevTs > IDLE_MS) {
      close();
      visits.at(-1)!.fired = fired;
      fired = false;
      engine.evaluate(
        state,
        startSession(state, `s${session.session}-${visits.length}`, e.ts),
        e.ts,
        () => 'available',
      );
    }
    prevTs = e.ts;
    const events = toTagEvents(action, cart, session.session);
    assert.ok(
      isClientFrame({ type: 'batch', id: `b${e.ts}`, events }),
      'every replayed batch is a valid frame',
    );
    for (const ev of events) {
      const changed = applyEvent(state, ev, e.ts);
      if (engine.evaluate(state, changed, e.ts, () => 'available')) fired = true;
    }
  }
  close();
  visits.at(-1)!.fired = fired;
  return { state, visits };
}

describe('replaying the OTTO sample sessions', { skip: sessions.length === 0 && `missing ${DATA}` }, () => {
  assert.ok(browsingDeeply.ok);
  const engine = new TargetingEngine();
  assert.deepEqual(engine.setCampaigns([toCampaign('browsing-deeply', browsingDeeply.value)]), []);
  const results = sessions.map((s) => ({ raw: s, expected: expectationsFor(s), got: replay(s, engine) }));

  it('reads the whole sample', () => {
    assert.equal(sessions.length, 20);
    assert.equal(
      sessions.reduce((n, s) => n + s.events.length, 0),
      862,
    );
  });

  it('splits visits and counts product pages per visit', () => {
    for (const { raw, expected, got } of results) {
      assert.equal(got.visits.length, expected.visits.length, `session ${raw.session}`);
      got.visits.forEach((v, i) => {
        assert.equal(v.pageViews, expected.visits[i]!.clicks, `session ${raw.session} visit ${i}`);
        assert.equal(v.productViews, expected.visits[i]!.clicks);
      });
    }
  });

  it('ends each visitor with the expected cart and last order', () => {
    for (const { raw, expected, got } of results) {
      const cart = got.state.cart;
      assert.equal(Math.round((cart?.total ?? 0) * 100), expected.cartCents, `session ${raw.session}`);
      assert.equal(cart?.itemCount ?? 0, expected.cartQuantity);
      const purchase = got.state.attrs.purchase?.value.total;
      assert.equal(purchase === undefined ? undefined : Math.round(purchase * 100), expected.lastOrderCents);
    }
  });

  it('"≥ 3 product pages and no cart" fires in exactly the expected visits', () => {
    let fired = 0;
    let visits = 0;
    for (const { raw, expected, got } of results) {
      const want = expected.visits.map((v) => v.fires);
      assert.deepEqual(
        got.visits.map((v) => v.fired),
        want,
        `session ${raw.session}`,
      );
      fired += want.filter(Boolean).length;
      visits += want.length;
    }
    assert.ok(fired > 0 && fired < visits, `a real mix of verdicts (${fired} of ${visits} visits)`);
  });

  it('records one exposure or control qualification per firing visit', () => {
    for (const { expected, got } of results) {
      const firing = expected.visits.filter((v) => v.fires).length;
      assert.equal(got.state.exposures.length, Math.min(firing, 50));
      assert.ok(got.state.exposures.every((x) => x.campaignId === 'browsing-deeply'));
    }
  });
});
