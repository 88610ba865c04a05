import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { isControl } from '@beckon/core';
import type { Condition, VisitorEvent } from '@beckon/protocol';
import { exposureOutcome, pageView, type VisitorClient } from '@beckon/sdk/index';
import { contentCampaign, flush, newTenant, visitor } from './engagement-fixtures.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

// A replay sends one event per batch as fast as acks come back: no rate limit applies here.
// Read by this file's servers as they start. Set in a hook: where several files share a process
// (scripts/test-group.mjs), each file has its own settings only while it runs.
before(() => {
  process.env.BECKON_RATE_VISITOR = '0';
  process.env.BECKON_RATE_ADDRESS = '0';
});

/**
 * The real OTTO sessions (../shared/data) replayed through the visitor protocol: clicks become
 * product page views (section "product"), carts become cart attributes, orders become purchases.
 * Expected visitor state and campaign verdicts are computed here from the raw file, independently
 * of the server. Time is compressed (the file spans weeks), so each OTTO session is one visit.
 */
const DATA = new URL('../../../../shared/data/otto_sample_sessions.jsonl', import.meta.url);
const ORIGIN = 'https://otto.example';

interface RawEvent {
  aid: number;
  ts: number;
  type: 'clicks' | 'carts' | 'orders';
}
interface RawSession {
  session: number;
  events: RawEvent[];
}

/** A deterministic price for an article (the data set has none): 3 … 99. */
const price = (aid: number) => (aid % 97) + 3;

/** One protocol event per raw click or cart, one purchase per order (items ordered together share a timestamp). */
interface Step {
  event: VisitorEvent;
  /** The visitor state after this step, as the campaigns below read it. */
  clicks: number;
  cartTotal: number;
  cartPrevTotal: number;
  cartItems: number;
  purchased: boolean;
  lastOrderTotal?: number;
}

function toSteps(s: RawSession): Step[] {
  const steps: Step[] = [];
  const cart = new Map<number, number>();
  let clicks = 0;
  let cartTotal = 0;
  let cartPrevTotal = 0;
  let purchased = false;
  let lastOrderTotal: number | undefined;
  const ev = s.events;
  for (let i = 0; i < ev.length; i++) {
    const e = ev[i]!;
    let event: VisitorEvent;
    if (e.type === 'clicks') {
      clicks++;
      event = pageView(`${ORIGIN}/product/${e.aid}`, ['product'], { title: `Article ${e.aid}` });
    } else if (e.type === 'carts') {
      cart.set(e.aid, (cart.get(e.aid) ?? 0) + 1);
      const items = [...cart].map(([aid, quantity]) => ({ sku: String(aid), price: price(aid), quantity }));
      const total = items.reduce((sum, it) => sum + it.price * it.quantity, 0);
      if (total !== cartTotal) cartPrevTotal = cartTotal;
      cartTotal = total;
      event = { type: 'attr', attrType: 'cart', value: { items, total, currency: 'EUR' }, ts: e.ts };
    } else {
      let total = price(e.aid);
      while (ev[i + 1]?.type === 'orders' && ev[i + 1]!.ts === e.ts) total += price(ev[++i]!.aid);
      purchased = true;
      lastOrderTotal = total;
      event = {
        type: 'attr',
        attrType: 'purchase',
        value: { orderId: `${s.session}-${e.ts}`, total, currency: 'EUR' },
        ts: e.ts,
      };
    }
    const cartItems = [...cart.values()].reduce((a, b) => a + b, 0);
    steps.push({ event, clicks, cartTotal, cartPrevTotal, cartItems, purchased, lastOrderTotal });
  }
  return steps;
}

/** The replay's campaigns: each with its rule for the server and the same rule over a step, for the test. */
const CAMPAIGNS: Array<{
  name: string;
  priority: number;
  controlShare: number;
  targeting: Condition;
  holds(s: Step): boolean;
}> = [
  {
    name: 'Deep browser',
    priority: 1,
    controlShare: 0.3,
    targeting: {
      all: [
        { field: 'session.sectionViews.product', op: 'gte', value: 3 },
        { field: 'cart.items', op: 'lte', value: 0 },
      ],
    },
    holds: (s) => s.clicks >= 3 && s.cartItems === 0,
  },
  {
    name: 'Big cart',
    priority: 5,
    controlShare: 0,
    targeting: { field: 'cart.total', op: 'gte', value: 200 },
    holds: (s) => s.cartTotal >= 200,
  },
  {
    name: 'Pricey add',
    priority: 4,
    controlShare: 0,
    targeting: { field: 'cart.total', op: 'increased', value: 50 },
    holds: (s) => s.cartTotal - s.cartPrevTotal >= 50,
  },
  {
    name: 'Buyer',
    priority: 3,
    controlShare: 0,
    targeting: { field: 'attr.purchase', op: 'within', value: 3600 },
    holds: (s) => s.purchased,
  },
];

interface Expected {
  /** Campaign names in the order they qualify (priority order within one step). */
  fired: string[];
}

/** Each campaign (capped at once per session) fires at the first step where its rule holds. */
function expectedVerdicts(steps: Step[]): Expected {
  const fired: string[] = [];
  for (const step of steps) {
    const now = CAMPAIGNS.filter((c) => !fired.includes(c.name) && c.holds(step)).sort(
      (a, b) => b.priority - a.priority,
    );
    fired.push(...now.map((c) => c.name));
  }
  return { fired };
}

describe('replay of the real OTTO sessions through the visitor protocol', () => {
  let srv: TestServer;
  let t: Awaited<ReturnType<typeof newTenant>>;
  const ids = new Map<string, string>();
  const sessions: RawSession[] = readFileSync(DATA, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

  before(async () => {
    srv = await startTestServer();
    t = await newTenant(srv, [ORIGIN]);
    const create = async (c: (typeof CAMPAIGNS)[number]) => {
      const res = await t.api.post(
        '/api/v1/campaigns',
        contentCampaign(c.name, c.targeting, {
          priority: c.priority,
          controlShare: c.controlShare,
          frequency: { perSession: 1 },
        }),
      );
      assert.equal(res.status, 201, JSON.stringify(res.body));
      ids.set(c.name, res.body.id);
      return res.body.id as string;
    };
    for (const c of CAMPAIGNS) await create(c);
    // The control group is a hash of visitor and campaign id, and ids are new each run: recreate a
    // campaign with a control share until one of the visitors it fires for is held out, so every
    // run also replays a control-group qualification.
    for (const c of CAMPAIGNS.filter((x) => x.controlShare > 0)) {
      const firedFor = sessions
        .filter((raw) => expectedVerdicts(toSteps(raw)).fired.includes(c.name))
        .map((raw) => `otto-${raw.session}`);
      for (let tries = 0; !firedFor.some((v) => isControl(v, ids.get(c.name)!, c.controlShare)); tries++) {
        assert.ok(tries < 50, `no visitor of ${c.name} falls in its control group`);
        const del = await t.api.delete(`/api/v1/campaigns/${ids.get(c.name)}`);
        assert.equal(del.status, 204, JSON.stringify(del.body));
        await create(c);
      }
    }
  });
  after(() => srv.close());

  it('the data set is what the README describes', () => {
    assert.equal(sessions.length, 20);
    assert.equal(
      sessions.reduce((n, s) => n + s.events.length, 0),
      862,
    );
  });

  it('reproduces every visitor’s state and every campaign verdict computed from the raw file', async () => {
    let totalEvents = 0;
    let controls = 0;
    let engaged = 0;
    for (const raw of sessions) {
      const visitorId = `otto-${raw.session}`;
      const steps = toSteps(raw);
      const expected = expectedVerdicts(steps);
      const v: VisitorClient = await visitor(srv, t.site.siteKey, visitorId, {
        origin: ORIGIN,
        url: `${ORIGIN}/`,
      });
      assert.equal(v.welcome?.returning, false);
      let sent = 0;
      for (const step of steps) {
        await v.sendBatch([step.event]);
        sent++;
        // Answer every engagement at once, as a visitor closing it would; the next one may follow.
        while (v.engages.length > engagedSoFar(v)) {
          const e = v.engages[answered.get(v) ?? 0]!;
          answered.set(v, (answered.get(v) ?? 0) + 1);
          await v.sendBatch([exposureOutcome(e.exposureId, 'dismissed')]);
          sent++;
        }
      }
      const visible = expected.fired.filter(
        (name) => !isControl(visitorId, ids.get(name)!, controlShareOf(name)),
      );
      assert.deepEqual(
        v.engages.map((e) => nameOf(ids, e.campaignId)),
        visible,
        `session ${raw.session}: engagements shown`,
      );
      const j = (await t.api.get(`/api/v1/visitors/${visitorId}`)).body;
      const last = steps.at(-1)!;
      assert.equal(j.pageViews, last.clicks, `session ${raw.session}: page views`);
      assert.equal(j.sectionViews.product ?? 0, last.clicks);
      assert.equal(j.cart?.total ?? 0, last.cartTotal, `session ${raw.session}: cart total`);
      assert.equal(j.cart?.itemCount ?? 0, last.cartItems);
      assert.equal(
        j.attributes.purchase?.value.total,
        last.lastOrderTotal,
        `session ${raw.session}: last order`,
      );
      const recorded = j.exposures
        .map(
          (x: { campaignName: string; control: boolean }) =>
            `${x.campaignName}${x.control ? ' (control)' : ''}`,
        )
        .sort();
      const predicted = expected.fired
        .map(
          (name) =>
            `${name}${isControl(visitorId, ids.get(name)!, controlShareOf(name)) ? ' (control)' : ''}`,
        )
        .sort();
      assert.deepEqual(recorded, predicted, `session ${raw.session}: exposures recorded`);
      controls += predicted.filter((p) => p.endsWith('(control)')).length;
      engaged += visible.length;
      await flush(srv);
      const stored = await srv.node.ctx.store.db
        .selectFrom('event_frames')
        .select((eb) => eb.fn.sum<number>('event_count').as('n'))
        .where('site_id', '=', t.site.id)
        .where('visitor_id', '=', visitorId)
        .executeTakeFirstOrThrow();
      assert.equal(Number(stored.n), sent, `session ${raw.session}: every event stored once`);
      totalEvents += sent;
      await v.close();
    }
    assert.ok(engaged > 5, `campaigns engaged ${engaged} times`);
    assert.ok(controls >= 1, 'at least one control-group qualification was recorded');
    assert.ok(totalEvents >= 862);
  });
});

const answered = new WeakMap<VisitorClient, number>();
const engagedSoFar = (v: VisitorClient) => answered.get(v) ?? 0;
const controlShareOf = (name: string) => CAMPAIGNS.find((c) => c.name === name)!.controlShare;
const nameOf = (ids: Map<string, string>, id: string) => [...ids].find(([, v]) => v === id)?.[0] ?? id;
