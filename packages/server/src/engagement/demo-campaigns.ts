import type { CampaignInput } from '@beckon/protocol';
import { validateCampaignInput } from '@beckon/protocol';
import type { DemoSeedResult } from '../demo/seed.ts';
import type { Store } from '../store/store.ts';

const SEEDED = 'demo.campaigns.v1';
export const CHECKOUT_HESITATION = 'Checkout hesitation';
export const BROWSING_DEEPLY = 'Browsing deeply';

/** Seconds on a checkout page before "Checkout hesitation" fires: 30, or BECKON_DEMO_HESITATION_SECONDS (tests). */
export function hesitationSeconds(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.BECKON_DEMO_HESITATION_SECONDS;
  const n = raw === undefined || raw === '' ? 30 : Number(raw);
  return Number.isFinite(n) && n >= 0 ? n : 30;
}

/** The two demo campaigns, for a demo storefront served at `origin`. */
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
      controlShare: 0.1,
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
  ];
}

/**
 * Gives the demo account its two campaigns, once: on a fresh demo and on an older demo that
 * lacks them. Later deletions or edits by the user are respected (a setting marks it done).
 */
export async function seedDemoCampaigns(store: Store, demo: DemoSeedResult): Promise<void> {
  const key = `${SEEDED}.${demo.accountId}`;
  if (await store.settings.get(key)) return;
  const site = await store.sites.get(demo.accountId, demo.siteId);
  const origin = site.allowedOrigins[0] ?? 'http://localhost:3000';
  const existing = new Set((await store.campaigns.list(demo.accountId)).map((c) => c.name));
  for (const input of demoCampaigns(demo.skillIds.sales, origin)) {
    if (existing.has(input.name)) continue;
    const valid = validateCampaignInput(input);
    if (!valid.ok)
      throw new Error(`demo campaign "${input.name}" is invalid: ${JSON.stringify(valid.errors)}`);
    await store.campaigns.create(demo.accountId, valid.value);
  }
  await store.settings.set(key, new Date().toISOString());
}
