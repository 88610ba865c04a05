import type { CampaignInput } from '@beckon/protocol';
import { validateCampaignInput } from '@beckon/protocol';
import { seededId } from '../ids.ts';
import type { Store } from '../store/store.ts';

export const CHECKOUT_HESITATION = 'Checkout hesitation';
export const BROWSING_DEEPLY = 'Browsing deeply';
export const CHAT_WITH_US = 'Chat with us';

/**
 * The demo's campaigns by the release that added them: each set is given once (a setting marks it
 * done), so a demo from before a release gets what the release added, and nothing it deleted comes back.
 */
const RELEASES = [
  { setting: 'demo.campaigns.v1', names: [CHECKOUT_HESITATION, BROWSING_DEEPLY] },
  { setting: 'demo.campaigns.v2', names: [CHAT_WITH_US] },
];

/** Seconds on a checkout page before "Checkout hesitation" fires: 30, or BECKON_DEMO_HESITATION_SECONDS (tests). */
export function hesitationSeconds(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.BECKON_DEMO_HESITATION_SECONDS;
  const n = raw === undefined || raw === '' ? 30 : Number(raw);
  return Number.isFinite(n) && n >= 0 ? n : 30;
}

/** The demo campaigns, for a demo storefront served at `origin`. */
export function demoCampaigns(
  salesSkillId: string,
  origin: string,
  seconds = hesitationSeconds(),
): CampaignInput[] {
  return [
    {
      name: CHECKOUT_HESITATION,
      status: 'active',
      goal: { type: 'purchase' },
      targeting: {
        all: [
          { field: 'page.section', op: 'contains', value: 'checkout' },
          { field: 'page.timeOnPage', op: 'gte', value: seconds },
          { field: 'cart.total', op: 'gte', value: 100 },
        ],
      },
      frequency: { perSession: 1, afterDecline: 'next_session' },
      priority: 10,
      controlShare: 0.2,
      engagement: {
        type: 'chat_invitation',
        skillId: salesSkillId,
        message: 'Any questions before you order? Our sales team is here to help.',
        style: 'toaster',
        offline: 'offline_message',
      },
    },
    {
      name: BROWSING_DEEPLY,
      status: 'active',
      goal: { type: 'purchase' },
      targeting: {
        all: [
          { field: 'session.sectionViews.product', op: 'gte', value: 3 },
          { field: 'cart.items', op: 'lte', value: 0 },
        ],
      },
      frequency: { perSession: 1, afterDecline: 'next_session' },
      priority: 0,
      controlShare: 0.2,
      engagement: {
        type: 'content',
        title: '10% off',
        text: 'Found something you like? Take 10% off your first order with code HELLO10.',
        ctaLabel: 'See the products',
        ctaUrl: `${origin}/demo/products.html`,
      },
    },
    {
      // A way to chat for everyone else: the control group, and whoever the others do not target.
      // A chat button holds nothing back, so the campaigns above still engage when they qualify.
      name: CHAT_WITH_US,
      status: 'active',
      goal: { type: 'purchase' },
      // On every page (a second on it, so a new page turns the condition over), while someone can answer.
      targeting: { all: [{ field: 'page.timeOnPage', op: 'gte', value: 1 }] },
      priority: -10,
      controlShare: 0,
      engagement: { type: 'chat_button', skillId: salesSkillId, label: 'Chat with us', offline: 'none' },
    },
  ];
}

/**
 * A demo campaign's id, the same on every install: visitors fall in a campaign's control group by a
 * hash of their id and the campaign's, so seeded ids make every demo's history, and its lift, the same.
 * Another account seeded in the same store (tests, an older demo) gets random ids instead.
 */
export function demoCampaignId(name: string): string {
  return seededId('cmp', `beckon-demo-campaign:${name}`);
}

/**
 * Gives the demo account its campaigns, once per release: on a fresh demo and on an older demo that
 * lacks them. Later deletions or edits by the user are respected (a setting marks each release done).
 */
export async function seedDemoCampaigns(
  store: Store,
  demo: { accountId: string; siteId: string; skillIds: { sales: string } },
): Promise<void> {
  const site = await store.sites.get(demo.accountId, demo.siteId);
  const origin = site.allowedOrigins[0] ?? 'http://localhost:3000';
  const campaigns = demoCampaigns(demo.skillIds.sales, origin);
  for (const release of RELEASES) {
    const key = `${release.setting}.${demo.accountId}`;
    if (await store.settings.get(key)) continue;
    const existing = new Set((await store.campaigns.list(demo.accountId)).map((c) => c.name));
    for (const input of campaigns.filter((c) => release.names.includes(c.name))) {
      if (existing.has(input.name)) continue;
      const valid = validateCampaignInput(input);
      if (!valid.ok)
        throw new Error(`demo campaign "${input.name}" is invalid: ${JSON.stringify(valid.errors)}`);
      // A store holds one demo account; another account seeded the same way gets ids of its own.
      const seeded = demoCampaignId(input.name);
      const taken = await store.db
        .selectFrom('campaigns')
        .select('id')
        .where('id', '=', seeded)
        .executeTakeFirst();
      await store.campaigns.create(demo.accountId, valid.value, taken ? undefined : seeded);
    }
    await store.settings.set(key, new Date().toISOString());
  }
}
