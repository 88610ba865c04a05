import type { Store } from '../src/store/store.ts';
import { AnalyticsFixture, campaignInput, DAY, HOUR, ids, MIN } from './analytics-fixtures.ts';

/** The ids and period of the constructed report scenario. */
export interface ReportScenario {
  fx: AnalyticsFixture;
  /** Chat invitation campaign with a control group: 400 exposed, 200 held out. */
  invite: string;
  /** Content offer without a control group: 50 visitors shown it, all clicked. */
  offer: string;
  salesAgent: string;
  supportAgent: string;
  salesSkill: string;
  /** First day of the period (YYYY-MM-DD) and its last day (inclusive). */
  from: string;
  to: string;
  t0: number;
}

/**
 * A period of ten days whose every figure is known:
 * - 1000 visitors (a0–a399 exposed to Invite, k0–k199 its control group, w0–w399 others);
 * - Invite: a0–a99 accepted, a100–a119 dismissed; a0–a29 chatted (a0–a19 with the sales agent,
 *   two chats at a time; a20–a29 with the support agent, one at a time); a0–a39 bought for 50 a
 *   day later, k0–k9 for 40; a40 bought 8 days later (outside the 7-day window);
 * - Offer: w0–w49 shown and clicked; w0 bought for 25;
 * - a second day: 5 chats nobody answered (2 missed to the offline form, 3 abandoned by the visitor);
 * - CSAT: a0–a9 gave 5, a10–a14 gave 3;
 * - a0's chat was taken by the support agent after 15 s and transferred to the sales agent at 30 s;
 *   the support agent also let a1's offer time out.
 */
export async function seedReportScenario(
  store: Store,
  accountId: string,
  siteId: string,
): Promise<ReportScenario> {
  const day0 = new Date(Date.now() - 10 * DAY).toISOString().slice(0, 10);
  const t0 = Date.parse(`${day0}T00:00:00Z`);
  const fx = new AnalyticsFixture(store, accountId, siteId);
  const skills = await store.skills.list(accountId);
  const salesSkill = skills.find((s) => s.name === 'Sales')!.id;
  const users = await store.users.list(accountId);
  const salesAgent = users.find((u) => u.email === 'sales@demo.beckon.local')!.id;
  const supportAgent = users.find((u) => u.email === 'support@demo.beckon.local')!.id;
  const invite = (
    await store.campaigns.create(
      accountId,
      campaignInput('Invite', {
        controlShare: 0.33,
        engagement: {
          type: 'chat_invitation',
          skillId: salesSkill,
          message: 'Hi',
          style: 'toaster',
          offline: 'none',
        },
      }),
    )
  ).id;
  const offer = (await store.campaigns.create(accountId, campaignInput('Offer', { controlShare: 0 }))).id;

  const a = ids('a', 400);
  const k = ids('k', 200);
  const w = ids('w', 400);
  await fx.visit([...a, ...k, ...w], t0 + 30 * MIN);
  const at = t0 + HOUR;
  const accepted = await fx.expose(a.slice(0, 100), invite, at, {
    type: 'chat_invitation',
    outcome: 'accepted',
  });
  await fx.expose(a.slice(100, 120), invite, at, { type: 'chat_invitation', outcome: 'dismissed' });
  await fx.expose(a.slice(120), invite, at, { type: 'chat_invitation', outcome: 'shown' });
  await fx.expose(k, invite, at, { control: true, type: 'chat_invitation' });
  await fx.expose(w.slice(0, 50), offer, t0 + 2 * HOUR, { outcome: 'clicked' });

  const convs: string[] = [];
  for (let i = 0; i < 30; i++) {
    const sales = i < 20;
    const start = at + MIN + (sales ? Math.floor(i / 2) : i - 20) * 20 * MIN;
    convs.push(
      await fx.conversation(a[i]!, {
        at: start,
        exposureId: accepted[i]!,
        skillId: salesSkill,
        agentId: sales ? salesAgent : supportAgent,
        ...(i === 0 ? { transferredFrom: { agentId: supportAgent, assignedAfter: 15_000 } } : {}),
        assignedAfter: 30_000,
        firstResponseAfter: 45_000,
        closedAfter: 30_000 + 10 * MIN,
        csat: i < 10 ? 5 : i < 15 ? 3 : undefined,
      }),
    );
  }
  await store.db
    .insertInto('conversation_passes')
    .values({
      conversation_id: convs[1]!,
      agent_id: supportAgent,
      account_id: accountId,
      reason: 'timeout',
      created_at: at + 2 * MIN,
    })
    .execute();
  for (let i = 0; i < 5; i++) {
    await fx.conversation(w[100 + i]!, {
      at: t0 + DAY + i * MIN,
      skillId: salesSkill,
      ...(i < 2 ? { status: 'offline' as const } : { closedAfter: 2 * MIN, closedBy: 'visitor' }),
    });
  }

  for (let i = 0; i < 40; i++) await fx.purchase(a[i]!, t0 + DAY + i * 1000, `oa${i}`, 50);
  for (let i = 0; i < 10; i++) await fx.purchase(k[i]!, t0 + DAY + i * 1000, `ok${i}`, 40);
  await fx.purchase(a[40]!, t0 + 8 * DAY, 'oa40', 70);
  await fx.purchase(w[0]!, t0 + DAY, 'ow0', 25);

  const last = new Date(t0 + 9 * DAY).toISOString().slice(0, 10);
  return { fx, invite, offer, salesAgent, supportAgent, salesSkill, from: day0, to: last, t0 };
}
