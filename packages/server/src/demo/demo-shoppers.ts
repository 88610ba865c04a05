import {
  applyEvent,
  applyOutcome,
  type Capacity,
  createVisitorState,
  type Decision,
  Field,
  setGeo,
  setScore,
  startSession,
  TargetingEngine,
  type VisitorState,
} from '@beckon/core';
import {
  calendarOf,
  DEFAULT_KINDS,
  DEFAULT_SPECIAL_DAYS,
  LF,
  PageStats,
  pageKey,
  pageKindOf,
  SessionFeatures,
  specialDayProximity,
} from '@beckon/core/features/index';
import { type BoundModel, scoreBound } from '@beckon/core/model/index';
import { createRng } from '@beckon/core/model/rng';
import type { Campaign, Device, VisitorEvent } from '@beckon/protocol';
import { zoneOffsetMs } from '../engagement/session-clock.ts';
import type { RecordedVisitor } from '../engagement/visitor-records.ts';
import { drawnToken, newTimeId } from '../ids.ts';
import type { FinishedSession } from '../store/model-sessions-repo.ts';
import type { ExposureOutcomeColumn, ExposuresTable } from '../store/schema.ts';
import { demoPlace } from './demo-places.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const PRODUCTS = [
  { path: '/demo/product-lamp', title: 'Oak Desk Lamp', price: 189 },
  { path: '/demo/product-throw', title: 'Washed Linen Throw', price: 129 },
  { path: '/demo/product-pour-over', title: 'Ceramic Pour-Over Set', price: 64 },
  { path: '/demo/product-mugs', title: 'Stoneware Mugs, Set of 4', price: 48 },
];
const PAGES: Record<string, { title: string; sections: string[] }> = {
  '/demo/': { title: 'Hearth & Oak — objects for slow mornings', sections: [] },
  '/demo/products': { title: 'Shop all', sections: ['catalog'] },
  '/demo/cart': { title: 'Your cart', sections: ['cart'] },
  '/demo/checkout': { title: 'Checkout', sections: ['checkout'] },
  '/demo/confirmation': { title: 'Thank you', sections: ['confirmation'] },
};
const DEVICES: Device[] = ['desktop', 'desktop', 'mobile', 'mobile', 'tablet'];
/** Where shoppers come from: a landing query string (UTM) or a referrer, as the tag reports them. */
const SOURCES: Array<{ query?: string; referrer?: string }> = [
  {},
  {},
  { referrer: 'https://www.google.com/' },
  { referrer: 'https://www.google.com/' },
  { referrer: 'https://duckduckgo.com/' },
  { referrer: 'https://www.instagram.com/' },
  { query: '?utm_source=newsletter&utm_medium=email&utm_campaign=autumn' },
  { query: '?utm_source=google&utm_medium=cpc&utm_campaign=lamps' },
  { referrer: 'https://www.apartmenttherapy.com/' },
];
const CURRENCY = 'USD';

type Step = 'home' | 'products' | 'product' | 'cart' | 'checkout' | 'buy' | 'leave';

/** Where a shopper goes next from each kind of page, with its chance (a simple Markov walk of a small shop). */
const NEXT: Record<Exclude<Step, 'buy' | 'leave'>, [Step, number][]> = {
  home: [
    ['products', 0.45],
    ['product', 0.3],
    ['leave', 0.25],
  ],
  products: [
    ['product', 0.7],
    ['leave', 0.3],
  ],
  product: [
    ['product', 0.25],
    ['cart', 0.18],
    ['products', 0.12],
    ['leave', 0.45],
  ],
  cart: [
    ['checkout', 0.5],
    ['products', 0.2],
    ['leave', 0.3],
  ],
  checkout: [
    ['buy', 0.55],
    ['leave', 0.45],
  ],
};

/**
 * What engagement does to a shopper, so the demo's lift report has an effect to find: a chat at
 * checkout answers the question that held them back, a clicked offer sends them to the cart.
 */
const CHECKOUT_BUY_AFTER_CHAT = 0.9;
const PRODUCT_TO_CART_AFTER_OFFER = 0.6;
/** …and its discount code makes the checkout likelier to end in a purchase. */
const CHECKOUT_BUY_AFTER_OFFER = 0.72;

function nextStep(from: Exclude<Step, 'buy' | 'leave'>, r: number): Step {
  let acc = 0;
  for (const [next, p] of NEXT[from]) {
    acc += p;
    if (r < acc) return next;
  }
  return 'leave';
}

/** How shoppers answer what they are shown: chances of each outcome, and how long they take. */
const ANSWERS: Record<string, Array<[ExposureOutcomeColumn, number]>> = {
  chat_invitation: [
    ['accepted', 0.45],
    ['dismissed', 0.3],
    ['ignored', 0.25],
  ],
  content: [
    ['clicked', 0.35],
    ['dismissed', 0.3],
    ['ignored', 0.35],
  ],
  offline_message: [
    ['dismissed', 0.6],
    ['ignored', 0.4],
  ],
};
/** A shopper who sees the chat button opens it on this share of pages. */
const BUTTON_OPENED = 0.012;

/** A chat's tag, then its lines (the visitor first, then the agent, in turn). */
type Script = [tag: string, ...lines: string[]];

/** Short chats about what holds a shopper back at checkout. */
export const CHECKOUT_CHATS: Script[] = [
  [
    'shipping',
    'Hi, do you ship to Canada?',
    'We do! Tracked shipping to Canada takes 5–7 working days.',
    'Great, thanks.',
    'Happy to help — enjoy your order!',
  ],
  [
    'product',
    'Is the bulb included with the lamp?',
    'Yes, a warm 2700 K LED bulb comes in the box.',
    'Perfect, ordering now.',
  ],
  [
    'returns',
    'If the colour looks different at home, can I send it back?',
    'Of course: 30 days of free returns, no questions asked.',
    'Good to know, thank you.',
  ],
  [
    'shipping',
    'When would it arrive if I order today?',
    'Orders placed before 2 pm leave the same day, and delivery takes 2–4 working days.',
    'Great, that works.',
  ],
  [
    'shipping',
    'Do I pay for shipping?',
    'Not on orders over $100: from there shipping is free, and taxes are included.',
    'Thanks!',
  ],
];
export const BUTTON_CHATS: Script[] = [
  ['product', 'Are the mugs dishwasher safe?', 'They are, and microwave safe too.', 'Lovely, thanks.'],
  [
    'product',
    'Is the linen throw pre-washed?',
    'Yes, it is stone-washed, so it will not shrink.',
    'Thank you!',
  ],
  [
    'product',
    'Do you have the lamp in black?',
    'Not yet, I am afraid — only natural oak for now.',
    'Ok, thanks anyway.',
  ],
];
/** Names and e-mails some shoppers give in the pre-chat form. */
const PEOPLE = [
  ['Maya Lindqvist', 'maya.lindqvist@example.com'],
  ['Tom Okafor', 'tom.okafor@example.net'],
  ['Ana Souza', 'ana.souza@example.org'],
  ['Jonas Weber', 'jonas.weber@example.com'],
  ['Priya Nair', 'priya.nair@example.net'],
  ['Liam Brennan', 'liam.brennan@example.org'],
  ['Chloé Martin', 'chloe.martin@example.com'],
  ['Kenji Sato', 'kenji.sato@example.net'],
] as const;
/** As agents close chats in the console; a chat whose shopper then buys is closed as a sale. */
const DISPOSITIONS = ['Question answered', 'Question answered', 'Resolved'];
const SALE = 'Sale made';
const CSAT_COMMENTS = ['Quick and helpful, thank you!', 'Answered right away.', '', '', 'Very friendly.'];

/** An agent who can answer the demo's chats. */
export interface DemoAgent {
  id: string;
  name: string;
  skillIds: readonly string[];
}

/** A chat the simulated shopper had, with its lines as they were sent. */
export interface SimulatedChat {
  visitorId: string;
  sessionId: string;
  skillId: string;
  source: 'invitation' | 'button';
  exposureId: string;
  invitation: { text: string; from: string | null } | null;
  priority: number;
  value: number;
  score: number | null;
  agent: DemoAgent;
  /** From the pre-chat form, when they filled it in. */
  contact: { name: string; email: string } | null;
  startedAt: number;
  assignedAt: number;
  lines: Array<{ from: 'visitor' | 'agent'; text: string; at: number }>;
  closedAt: number;
  disposition: string;
  tags: string[];
  csat: { score: number; comment: string | null } | null;
}

/** A purchase, as the tag reports it (an `attr` event of type `purchase`). */
export interface SimulatedPurchase {
  visitorId: string;
  sessionId: string;
  batchId: string;
  event: VisitorEvent;
  at: number;
}

/** A month of the demo shop: every row a real month of traffic would have left behind. */
export interface SimulatedShop {
  modelSessions: FinishedSession[];
  visitors: RecordedVisitor[];
  sessions: RecordedVisitor[];
  exposures: ExposuresTable[];
  chats: SimulatedChat[];
  purchases: SimulatedPurchase[];
}

export interface ShopSimulation {
  accountId: string;
  siteId: string;
  /** Origin of the demo store's pages (the URLs in journeys). */
  origin: string;
  timeZone: string;
  campaigns: readonly Campaign[];
  agents: readonly DemoAgent[];
  /** Scores each session live, as the tracker would (the shipped model). */
  model: BoundModel;
  sessions: number;
  now: number;
  seed: number;
  /** When agents were online: hours of the day (UTC) with someone to answer chats. */
  openHours?: readonly [number, number];
}

/**
 * Simulates a month of shoppers on the demo store: a seeded walk through its real pages, each page
 * view and cart change applied to a visitor state by the tracker's own reducers, scored by the
 * shipped model, and targeted by the account's real campaigns (conditions, caps, priorities, the
 * control group's stable hash). Shoppers answer what they are shown by chance; a chat or a clicked
 * offer makes a purchase likelier, the control group sees nothing. About a third come back for a
 * second visit.
 */
export function simulateShop(sim: ShopSimulation): SimulatedShop {
  const rand = createRng(sim.seed);
  // Ids from a generator of their own, so the same seed gives the same rows and the walk does not
  // depend on how many ids were drawn.
  const idRand = createRng(sim.seed ^ 0x5eed);
  const timeId = (prefix: string, at: number) => newTimeId(prefix, at, drawnToken(idRand, 10));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
  const chance = (p: number) => rand() < p;
  const out: SimulatedShop = {
    modelSessions: [],
    visitors: [],
    sessions: [],
    exposures: [],
    chats: [],
    purchases: [],
  };
  const site = { id: sim.siteId, accountId: sim.accountId };
  const stats = new PageStats();
  let clock = 0;
  const engine = new TargetingEngine({ newExposureId: () => timeId('exp', clock) });
  engine.setCampaigns(sim.campaigns);
  const campaigns = new Map(sim.campaigns.map((c) => [c.id, c]));
  const [open, close] = sim.openHours ?? [7, 23];
  const capacity = (): Capacity => {
    const hour = new Date(clock).getUTCHours();
    return hour >= open && hour < close ? 'available' : 'busy';
  };
  const chatsBy = new Map<string, number>();
  const agentFor = (skillId: string): DemoAgent => {
    const able = sim.agents.filter((a) => a.skillIds.includes(skillId));
    const pool = able.length > 0 ? able : sim.agents;
    // The least busy so far, as routing would pick over a month.
    return pool.reduce((best, a) => ((chatsBy.get(a.id) ?? 0) < (chatsBy.get(best.id) ?? 0) ? a : best));
  };
  const shoppers: RecordedVisitor[] = [];

  for (let i = 0; i < sim.sessions; i++) {
    // Four weeks that ended two hours ago: today's live figures are the visitors on the site now.
    const start =
      sim.now - 2 * HOUR_MS - 28 * DAY_MS + Math.floor(((i + rand()) / sim.sessions) * 28 * DAY_MS);
    const sessionId = timeId('ses', start);
    const device = pick(DEVICES);
    let shopper: RecordedVisitor;
    if (shoppers.length > 20 && chance(0.3)) {
      shopper = pick(shoppers.slice(-400));
      startSession(shopper.state, sessionId, start);
      shopper.sessionCount++;
      shopper.pages = [];
    } else {
      // As the tag makes them: 16 random bytes in hex.
      const visitorId = Array.from({ length: 32 }, () => Math.floor(rand() * 16).toString(16)).join('');
      shopper = {
        site,
        visitorId,
        state: createVisitorState({ visitorId, sessionId, returning: false, device }, start),
        batchIds: [],
        batchNext: 0,
        pages: [],
        landingUrl: null,
        referrer: null,
        sessionCount: 1,
        firstSeenAt: start,
      };
      setGeo(shopper.state, demoPlace(visitorId));
      shoppers.push(shopper);
      out.visitors.push(shopper);
    }
    const state: VisitorState = shopper.state;
    const local = start + zoneOffsetMs(sim.timeZone, start);
    const { month, weekend } = calendarOf(local);
    const f = new SessionFeatures();
    f.reset(sessionId, start, {
      month,
      weekend,
      specialDay: specialDayProximity(local, DEFAULT_SPECIAL_DAYS),
    });
    const source = pick(SOURCES);

    let at = start;
    let cart = 0;
    let items = 0;
    let product = pick(PRODUCTS);
    let chatted = false;
    let offerClicked = false;
    const chats: SimulatedChat[] = [];

    const score = () => {
      const s = scoreBound(sim.model, f.vector);
      f.dirty = false;
      return setScore(state, s);
    };
    /** What the shopper does with a decision: the exposure row, and their answer. */
    const answer = (d: Decision, now: number) => {
      const campaign = campaigns.get(d.campaignId)!;
      const type = d.engagement.type;
      const invite = type === 'chat_invitation' && !d.control ? d.engagement : null;
      const row: ExposuresTable = {
        id: d.exposureId,
        account_id: sim.accountId,
        site_id: sim.siteId,
        campaign_id: d.campaignId,
        visitor_id: shopper.visitorId,
        session_id: sessionId,
        engagement_type: type,
        control: d.control ? 1 : 0,
        outcome: null,
        score: state.score ?? null,
        agent_id: null,
        invitation_text: invite ? invite.message : null,
        invitation_from: null,
        created_at: now,
        shown_at: null,
        outcome_at: null,
      };
      out.exposures.push(row);
      if (d.control) return;
      row.shown_at = now + 300 + Math.floor(rand() * 500);
      let outcome: ExposureOutcomeColumn = 'shown';
      if (type === 'chat_button') {
        if (chance(BUTTON_OPENED) && !chatted) outcome = 'accepted';
      } else {
        const r = rand();
        let acc = 0;
        outcome = 'ignored';
        for (const [o, p] of ANSWERS[type] ?? ANSWERS.offline_message!) {
          acc += p;
          if (r < acc) {
            outcome = o;
            break;
          }
        }
      }
      row.outcome = outcome;
      if (outcome === 'shown') return;
      const answeredAt = row.shown_at + 2_000 + Math.floor(rand() * 12_000);
      row.outcome_at = answeredAt;
      // Ignored: nothing comes from the widget; the next page ends it, as on the live site.
      if (outcome !== 'ignored') applyOutcome(state, d.exposureId, outcome, answeredAt);
      if (outcome === 'clicked') offerClicked = true;
      if (outcome !== 'accepted') return;
      const skillId = 'skillId' in d.engagement ? d.engagement.skillId : null;
      if (!skillId) return;
      chatted = true;
      at = Math.max(at, chat(skillId, d, campaign.priority, answeredAt, invite?.message ?? null));
    };
    /** A chat from its start to its end; returns when the shopper is back to shopping. */
    const chat = (
      skillId: string,
      d: Decision,
      priority: number,
      startedAt: number,
      invitation: string | null,
    ) => {
      const agent = agentFor(skillId);
      chatsBy.set(agent.id, (chatsBy.get(agent.id) ?? 0) + 1);
      const [tag, ...script] = pick(invitation ? CHECKOUT_CHATS : BUTTON_CHATS);
      const assignedAt = startedAt + 2_000 + Math.floor(rand() * 15_000);
      let t = assignedAt + 3_000;
      const lines = script.map((text, n) => {
        t += 8_000 + Math.floor(rand() * 40_000);
        return { from: n % 2 === 0 ? ('visitor' as const) : ('agent' as const), text, at: t };
      });
      const closedAt = t + 20_000 + Math.floor(rand() * 60_000);
      const rated = chance(0.6);
      const stars = pick([5, 5, 5, 5, 5, 4, 4, 4, 3, 2]);
      const held: SimulatedChat = {
        visitorId: shopper.visitorId,
        sessionId,
        skillId,
        source: invitation ? 'invitation' : 'button',
        exposureId: d.exposureId,
        invitation: invitation ? { text: invitation, from: agent.name } : null,
        priority,
        value: cart,
        score: state.score ?? null,
        agent,
        contact: chance(0.55) ? (([name, email]) => ({ name, email }))(pick(PEOPLE)) : null,
        startedAt,
        assignedAt,
        lines,
        closedAt,
        disposition: pick(DISPOSITIONS),
        tags: [tag],
        csat: rated ? { score: stars, comment: stars >= 4 ? pick(CSAT_COMMENTS) || null : null } : null,
      };
      chats.push(held);
      out.chats.push(held);
      return closedAt;
    };
    /** Runs targeting after a change at `now`, as the tracker does after each batch. */
    const target = (changed: number, now: number) => {
      clock = now;
      let d = engine.evaluate(state, changed, now, capacity);
      for (let n = 0; d !== null && n < 8; n++) {
        answer(d, now);
        if (state.pendingExposureId !== null) break;
        clock = now;
        d = engine.evaluate(state, 0, now, capacity);
      }
    };
    /** A page view, then the time on it: timed conditions fire while the shopper stays. */
    const view = (path: string, title: string, sections: string[], dwellSeconds: number) => {
      const first = state.pageViews === 0;
      const url = `${sim.origin}${path}${first ? (source.query ?? '') : ''}`;
      const event: VisitorEvent = {
        type: 'page_view',
        url,
        title,
        sections,
        ts: at,
        ...(first && source.referrer ? { referrer: source.referrer } : {}),
      };
      let changed = applyEvent(state, event, at);
      if (first) {
        shopper.landingUrl = url;
        shopper.referrer = source.referrer ?? null;
        f.setVisitor(state.returning, state.device, state.marketing.channel);
      }
      shopper.pages.push({ page: state.page!, at });
      f.addPage(pageKey(path), pageKindOf(sections, DEFAULT_KINDS), sections, at, stats);
      changed |= score();
      target(changed, at);
      const leaveAt = at + Math.round(dwellSeconds * 1000);
      for (let t = engine.nextCheck(state, at), n = 0; t <= leaveAt && n < 20; n++) {
        target(Field.Clock, t);
        t = engine.nextCheck(state, t);
      }
      at = Math.max(at, leaveAt);
    };
    const page = (path: string, dwellSeconds: number) => {
      const p = PAGES[path]!;
      view(path, p.title, p.sections, dwellSeconds);
    };

    let step: Step = rand() < 0.6 ? 'home' : rand() < 0.6 ? 'product' : 'products';
    for (let hops = 0; hops < 12 && step !== 'leave'; hops++) {
      if (step === 'buy') {
        const talked = chats.at(-1);
        if (talked) talked.disposition = SALE;
        f.purchase(cart);
        const event: VisitorEvent = {
          type: 'attr',
          attrType: 'purchase',
          value: { orderId: `HO-${(10_000 + i).toString()}`, total: cart, currency: CURRENCY },
          ts: at,
        };
        applyEvent(state, event, at);
        applyEvent(
          state,
          { type: 'attr', attrType: 'cart', value: { items: [], total: 0, currency: CURRENCY }, ts: at },
          at,
        );
        out.purchases.push({
          visitorId: shopper.visitorId,
          sessionId,
          batchId: `demo-${i.toString(36)}`,
          event,
          at,
        });
        page('/demo/confirmation', 20);
        break;
      }
      if (step === 'home') page('/demo/', 5 + rand() * 25);
      else if (step === 'products') page('/demo/products', 10 + rand() * 40);
      else if (step === 'product') {
        product = pick(PRODUCTS);
        view(product.path, product.title, ['product'], 15 + rand() * 100);
      } else if (step === 'cart') {
        cart += product.price;
        items++;
        f.set(LF.CartValue, cart);
        f.set(LF.CartItems, items);
        const changed = applyEvent(
          state,
          {
            type: 'attr',
            attrType: 'cart',
            value: {
              items: [
                { sku: product.path.slice(14), name: product.title, price: product.price, quantity: 1 },
              ],
              total: cart,
              currency: CURRENCY,
            },
            ts: at,
          },
          at,
        );
        target(changed, at);
        page('/demo/cart', 10 + rand() * 30);
      } else page('/demo/checkout', 40 + rand() * 80);
      const r = rand();
      if (step === 'checkout' && chatted) step = r < CHECKOUT_BUY_AFTER_CHAT ? 'buy' : 'leave';
      else if (step === 'checkout' && offerClicked) step = r < CHECKOUT_BUY_AFTER_OFFER ? 'buy' : 'leave';
      else if (step === 'product' && offerClicked && r < PRODUCT_TO_CART_AFTER_OFFER) step = 'cart';
      else step = nextStep(step, r);
    }
    f.lastEventAt = at;
    state.lastEventAt = at;
    const pages = { pages: f.pages, pagesBeforePurchase: f.pagesBeforePurchase, revenue: f.revenue };
    stats.addSession(pages);
    out.modelSessions.push({
      row: {
        id: f.sessionId,
        account_id: sim.accountId,
        site_id: sim.siteId,
        visitor_id: shopper.visitorId,
        started_at: start,
        ended_at: at,
        features: JSON.stringify(Array.from(f.trainingVector(), (v) => (Number.isFinite(v) ? v : null))),
        purchased: f.beforePurchase !== null ? 1 : 0,
        revenue: f.revenue,
        page_views: f.pageViews,
        score: state.score ?? null,
      },
      pages,
    });
    // The session's row as it stood when it ended (the visitor object moves on to later sessions).
    out.sessions.push({ ...shopper, state: { ...state }, pages: [...shopper.pages] });
  }
  return out;
}
