// The benchmark account's campaigns: a realistic mix over the fields the shopper load touches.
// About one in five can qualify under that load (and then expose, subject to caps, control group
// and capacity); the rest target other sections, devices, channels or carts, so every event
// still re-evaluates them without ever firing — as on a real site with many campaigns.
import type { CampaignInput, Condition, Engagement } from '@beckon/protocol';
import { APP_TRIGGER_SECTION, TRIGGER_EVENT } from './bench-site.ts';

type Kind = 'content' | 'invite' | 'button';

const engagement = (kind: Kind, skillId: string, i: number): Engagement =>
  kind === 'content'
    ? {
        type: 'content',
        title: `Offer ${i}`,
        text: 'Take 10% off today.',
        ctaLabel: 'Shop now',
        ctaUrl: `https://shop.example/offer/${i}`,
      }
    : kind === 'invite'
      ? {
          type: 'chat_invitation',
          skillId,
          message: 'Can we help?',
          style: 'toaster',
          offline: i % 2 === 0 ? 'offline_message' : 'none',
        }
      : { type: 'chat_button', skillId, label: 'Chat with us', offline: 'none' };

/** Rules the shopper load can satisfy (pages, sections, carts, scrolling, time on page). */
const QUALIFYING: { targeting: Condition; kind: Kind; frequency: CampaignInput['frequency'] }[] = [
  {
    targeting: {
      all: [
        { field: 'page.section', op: 'contains', value: 'checkout' },
        { field: 'cart.total', op: 'gte', value: 100 },
      ],
    },
    kind: 'invite',
    frequency: { perSession: 2, afterDecline: 'next_session' },
  },
  {
    targeting: {
      all: [
        { field: 'session.sectionViews.product', op: 'gte', value: 3 },
        { field: 'cart.items', op: 'lte', value: 1 },
      ],
    },
    kind: 'content',
    frequency: { perVisitorPerDay: 20, afterDecline: 'allow' },
  },
  {
    targeting: { all: [{ field: 'page.section', op: 'contains', value: 'cart' }] },
    kind: 'button',
    frequency: { afterDecline: 'allow' },
  },
  {
    targeting: {
      all: [
        { field: 'page.url', op: 'matches', value: '*/product/2*' },
        { field: 'page.timeOnPage', op: 'gte', value: 2 },
      ],
    },
    kind: 'invite',
    frequency: { perSession: 3 },
  },
  {
    targeting: { all: [{ field: 'event.scroll', op: 'within', value: 30 }] },
    kind: 'content',
    frequency: { perVisitorPerDay: 50, afterDecline: 'allow' },
  },
  {
    targeting: {
      any: [
        { field: 'cart.total', op: 'decreased' },
        { field: 'cart.items', op: 'gte', value: 3 },
      ],
    },
    kind: 'invite',
    frequency: { perSession: 5, afterDecline: 'allow' },
  },
  {
    targeting: {
      all: [
        { field: 'session.pageViews', op: 'gte', value: 20 },
        { field: 'visitor.device', op: 'equals', value: 'desktop' },
      ],
    },
    kind: 'content',
    frequency: { perSession: 1 },
  },
  {
    targeting: {
      all: [
        { field: 'session.timeOnSite', op: 'gte', value: 5 },
        { field: 'visitor.returning', op: 'equals', value: false },
        { field: 'page.path', op: 'in', value: ['/products', '/cart'] },
      ],
    },
    kind: 'button',
    frequency: { perSession: 4, afterDecline: 'allow' },
  },
];

/** Rules for what the load never does: other sections, devices, channels, bigger carts, later pages. */
function nonQualifying(i: number): Condition {
  switch (i % 8) {
    case 0:
      return { all: [{ field: 'page.section', op: 'contains', value: `collection-${i}` }] };
    case 1:
      return {
        all: [
          { field: 'cart.total', op: 'gte', value: 500 + 10 * i },
          { field: 'page.section', op: 'contains', value: 'checkout' },
        ],
      };
    case 2:
      return {
        all: [
          { field: 'visitor.device', op: 'equals', value: i % 3 === 0 ? 'mobile' : 'tablet' },
          { field: 'session.sectionViews.product', op: 'gte', value: 2 },
        ],
      };
    case 3:
      return { all: [{ field: 'marketing.channel', op: 'in', value: ['email', 'paid_search'] }] };
    case 4:
      return {
        any: [
          { field: 'page.url', op: 'matches', value: `*/product/${100 + i}*` },
          { field: 'event.newsletter_signup', op: 'within', value: 300 },
        ],
      };
    case 5:
      return {
        all: [
          { field: 'visitor.returning', op: 'equals', value: true },
          { field: 'session.pageViews', op: 'gte', value: 2 },
        ],
      };
    case 6:
      return {
        all: [
          { field: 'page.path', op: 'matches', value: `/blog/*` },
          { field: 'page.timeOnPage', op: 'gte', value: 20 + i },
        ],
      };
    default:
      return {
        all: [
          { field: 'cart.items', op: 'gte', value: 1 },
          { not: { field: 'cart.currency', op: 'in', value: ['USD', 'EUR'] } },
        ],
      };
  }
}

/** `n` active campaigns: the W2 trigger, then qualifying and non-qualifying rules, one in five qualifying. */
export function benchCampaigns(n: number, skillId: string): CampaignInput[] {
  const out: CampaignInput[] = [
    {
      name: 'Trigger (W2)',
      status: 'active',
      goal: { type: 'purchase' },
      targeting: { all: [{ field: `event.${TRIGGER_EVENT}`, op: 'within', value: 60 }] },
      frequency: { afterDecline: 'allow' },
      priority: 100,
      controlShare: 0,
      engagement: engagement('content', skillId, 0),
    },
  ];
  let q = 0;
  for (let i = 1; i < n; i++) {
    const rule = i % 5 === 0 && q < QUALIFYING.length ? QUALIFYING[q++]! : null;
    out.push({
      name: `Campaign ${i}`,
      status: 'active',
      goal: { type: 'purchase' },
      targeting: rule ? rule.targeting : nonQualifying(i),
      frequency: rule ? rule.frequency : { perSession: 1, afterDecline: 'never' },
      priority: i % 7,
      controlShare: i % 3 === 0 ? 0.2 : 0.1,
      engagement: engagement(
        rule ? rule.kind : (['content', 'invite', 'button'] as const)[i % 3]!,
        skillId,
        i,
      ),
    });
  }
  return out;
}

/** The mobile workload's campaign: an offer to app users on its checkout section, and no web visitor. */
export function appCampaign(skillId: string): CampaignInput {
  return {
    name: 'App checkout (W14)',
    status: 'active',
    goal: { type: 'purchase' },
    surfaces: 'app',
    targeting: { field: 'screen.section', op: 'equals', value: APP_TRIGGER_SECTION },
    frequency: { afterDecline: 'allow' },
    priority: 100,
    controlShare: 0,
    engagement: engagement('content', skillId, 0),
  };
}
