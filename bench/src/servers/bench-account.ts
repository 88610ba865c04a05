import { validateCampaignInput } from '@beckon/protocol';
import { chatOf } from '../../../packages/server/src/conversations/chat-module.ts';
import type { BeckonNode } from '../../../packages/server/src/node.ts';
import { appCampaign, benchCampaigns } from './bench-campaigns.ts';
import { BENCH_ORIGIN } from './bench-site.ts';

/** The bench account as seeded: its id, its site's id and the site key visitors connect with. */
export interface BenchAccount {
  accountId: string;
  siteId: string;
  siteKey: string;
}

/**
 * The account every visitor workload runs against: one site (the bench origin allowed), a Sales
 * skill with one agent online and present on the bus (so routing and capacity count them, as if
 * their console were open), and `campaigns` active campaigns of the realistic mix; with `app`, one
 * more that engages app users on a checkout screen (the mobile workload).
 */
export async function seedBenchAccount(
  node: BeckonNode,
  campaigns: number,
  app = false,
): Promise<BenchAccount> {
  const { store } = node.ctx;
  const account = await store.accounts.create('Bench');
  const site = await store.sites.create(account.id, { name: 'Bench site', allowedOrigins: [BENCH_ORIGIN] });
  const skill = await store.skills.create(account.id, { name: 'Sales' });
  const agent = await store.users.create(account.id, {
    email: 'agent@bench.example',
    name: 'Bench Agent',
    role: 'agent',
    passwordHash: 'x',
    capacity: 5,
    status: 'online',
    skillIds: [skill.id],
  });
  await chatOf(node.ctx)?.presence.add(account.id, agent.id);
  const inputs = benchCampaigns(campaigns, skill.id);
  if (app) inputs.push(appCampaign(skill.id));
  for (const input of inputs) {
    const v = validateCampaignInput(input);
    if (!v.ok) throw new Error(`bench campaign invalid: ${JSON.stringify(v.errors)}`);
    await store.campaigns.create(account.id, v.value);
  }
  return { accountId: account.id, siteId: site.id, siteKey: site.siteKey };
}
