// A month of a busy shop, generated deterministically: sessions and their events (page views,
// product views, carts, custom events, purchases), campaign exposures with a 10 % control group,
// outcomes, and the conversations that accepted chat engagements (and visitors) started.
import type { ValidCampaignInput } from '@beckon/protocol';
import type { Store } from '../../../../packages/server/src/store/store.ts';
import type { BulkWriter, Cell } from './bulk-writer.ts';
import {
  ASSIGNMENTS,
  CONVERSATIONS,
  EVENTS,
  EXPOSURES,
  FRAMES,
  SESSIONS,
  VISITORS,
} from './dataset-columns.ts';

const DAY = 86_400_000;

/** What was generated, for the report and for sanity checks. */
export interface DatasetSummary {
  accountId: string;
  campaignIds: string[];
  events: number;
  sessions: number;
  visitors: number;
  exposures: number;
  conversations: number;
  purchases: number;
}

/** Mulberry32: small, fast, seeded. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Creates the account, sites, skills, agents and campaigns through the store (small, needs its rules). */
async function setUp(store: Store, campaigns: number) {
  const account = await store.accounts.create('Bench Shop');
  const sites = [
    await store.sites.create(account.id, { name: 'Shop', allowedOrigins: ['https://shop.example'] }),
    await store.sites.create(account.id, { name: 'Shop EU', allowedOrigins: ['https://eu.shop.example'] }),
  ];
  const skills = [
    await store.skills.create(account.id, { name: 'Sales' }),
    await store.skills.create(account.id, { name: 'Support' }),
  ];
  const agents: string[] = [];
  for (let i = 0; i < 12; i++) {
    const u = await store.users.create(account.id, {
      email: `agent${i}@bench.example`,
      name: `Agent ${i}`,
      role: 'agent',
      passwordHash: 'unused',
      skillIds: [skills[i % 2]!.id],
      capacity: 3,
    });
    agents.push(u.id);
  }
  const ids: string[] = [];
  const types: string[] = [];
  for (let i = 0; i < campaigns; i++) {
    const chat = i % 3 !== 2;
    const input = {
      name: `Campaign ${i}`,
      status: 'active',
      goal: i % 7 === 6 ? { type: 'event', name: 'signup' } : { type: 'purchase' },
      targeting: { field: 'page.timeOnPage', op: 'gte', value: 10 + i },
      frequency: {},
      priority: i,
      controlShare: 0.1,
      engagement: chat
        ? {
            type: 'chat_invitation',
            skillId: skills[i % 2]!.id,
            message: 'Can I help?',
            style: 'toaster',
            offline: 'none',
          }
        : {
            type: 'content',
            title: 'Free shipping',
            text: 'Today only',
            ctaLabel: 'Shop',
            ctaUrl: 'https://shop.example/',
          },
      attributionWindowDays: 7,
    } as ValidCampaignInput;
    // The first campaign tests two invitations, so the variants report reads real arms.
    if (i === 0 && 'message' in input.engagement)
      input.engagement.variants = [
        { key: 'a', weight: 0.5 },
        { key: 'b', weight: 0.5, message: 'Questions about sizes? Ask us.' },
      ];
    ids.push((await store.campaigns.create(account.id, input)).id);
    types.push(chat ? 'chat_invitation' : 'content');
  }
  return {
    accountId: account.id,
    siteIds: sites.map((s) => s.id),
    skillIds: skills.map((s) => s.id),
    agents,
    ids,
    types,
  };
}

/** Generates about `targetEvents` events (10 per session on average) and everything around them, ending at `now`. */
export async function generateDataset(
  store: Store,
  writer: BulkWriter,
  targetEvents: number,
  now: number,
  seed = 7,
): Promise<DatasetSummary> {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const env = await setUp(store, 20);
  const acct = env.accountId;
  const visitorCount = Math.max(10, Math.round(targetEvents / 16));
  const visitors = new Map<string, { site: string; first: number; last: number; sessions: number }>();
  let events = 0;
  let sessions = 0;
  let exposures = 0;
  let conversations = 0;
  let purchases = 0;
  const start = now - 30 * DAY;
  const conversation = async (row: Record<string, Cell>) => {
    conversations++;
    await writer.add(
      'conversations',
      CONVERSATIONS,
      CONVERSATIONS.map((c) => row[c.name] ?? null),
    );
    // The agents report reads who held each chat from the assignment history.
    if (row.assigned_agent_id) {
      await writer.add('conversation_assignments', ASSIGNMENTS, [
        row.id!,
        1,
        row.account_id!,
        row.assigned_agent_id,
        row.assigned_at!,
        row.closed_at ?? null,
        row.closed_at == null ? null : 'closed',
      ]);
    }
  };

  while (events < targetEvents) {
    const v = `v${Math.floor(r() * visitorCount)}`;
    const known = visitors.get(v);
    const site = known?.site ?? pick(env.siteIds);
    const sid = `s${sessions++}`;
    const t0 = start + Math.floor(r() * 30 * DAY);
    const n = Math.min(targetEvents - events, 3 + Math.floor(r() * 15));
    let t = t0;
    let exposure: { id: string; type: string; control: boolean; outcome: string | null } | null = null;
    const exposeAt = 2 + Math.floor(r() * 4);
    const buys = r() < 0.03;
    for (let i = 0; i < n; i++) {
      t += 5_000 + Math.floor(r() * 60_000);
      let type = 'page_view';
      let name: string | null = `/p/${Math.floor(r() * 500)}`;
      let payload = `{"type":"page_view","url":"https://shop.example${name}","ts":${t}}`;
      const roll = r();
      const last = i === n - 1;
      if (last && (buys || (exposure && !exposure.control && r() < 0.02))) {
        type = 'attr';
        name = 'purchase';
        payload = `{"type":"attr","attrType":"purchase","value":{"orderId":"${sid}","total":${(20 + r() * 200).toFixed(2)},"currency":"USD"},"ts":${t}}`;
        purchases++;
      } else if (roll < 0.1) {
        type = 'attr';
        name = 'product_view';
        payload = `{"type":"attr","attrType":"product_view","value":{"sku":"sku-${Math.floor(r() * 2000)}","price":49.9},"ts":${t}}`;
      } else if (roll < 0.15) {
        type = 'attr';
        name = 'cart';
        payload = `{"type":"attr","attrType":"cart","value":{"items":[],"total":${(r() * 300).toFixed(2)},"currency":"USD"},"ts":${t}}`;
      } else if (roll < 0.27) {
        type = 'event';
        name = roll < 0.152 ? 'signup' : pick(['video_play', 'newsletter', 'share', 'filter']);
        payload = `{"type":"event","name":"${name}","ts":${t}}`;
      }
      // Each event in a frame of its own (the log's worst case: most rows); purchases and custom
      // events also get a row in `events`, as the tracker writes them for attribution.
      const batch = `${sid}b${i}`;
      await writer.add('event_frames', FRAMES, [
        acct,
        site,
        v,
        sid,
        batch,
        t,
        1,
        `{"type":"batch","id":"${batch}","events":[${payload}]}`,
      ]);
      if (type === 'event' || name === 'purchase') {
        await writer.add('events', EVENTS, [acct, site, v, sid, batch, 0, type, name, payload, t]);
      }
      events++;
      if (i === exposeAt && r() < 0.3) {
        const c = Math.floor(r() * env.ids.length);
        const control = r() < 0.1;
        const chat = env.types[c] === 'chat_invitation';
        const o = r();
        const outcome = control
          ? null
          : chat
            ? o < 0.1
              ? 'accepted'
              : o < 0.4
                ? 'dismissed'
                : 'ignored'
            : o < 0.12
              ? 'clicked'
              : 'shown';
        exposure = { id: `x${exposures++}`, type: env.types[c]!, control, outcome };
        await writer.add('exposures', EXPOSURES, [
          exposure.id,
          acct,
          site,
          env.ids[c]!,
          v,
          sid,
          exposure.type,
          control ? 1 : 0,
          outcome,
          t,
          control ? null : t,
          outcome && outcome !== 'shown' ? t + 8000 : null,
          // A variant by the visitor's number, not a draw: the rest of the data stays as it was.
          c === 0 && !control ? (Number(v.slice(1)) % 2 === 0 ? 'a' : 'b') : null,
        ]);
        if (outcome === 'accepted' || (!chat && !control && r() < 0.01)) {
          const agent = pick(env.agents);
          const wait = 3_000 + Math.floor(r() * 90_000);
          const answered = r() < 0.9;
          await conversation({
            id: `cv${conversations}`,
            account_id: acct,
            site_id: site,
            visitor_id: v,
            channel: 'web',
            source: chat ? 'invitation' : 'visitor',
            origin_exposure_id: chat ? exposure.id : null,
            skill_id: pick(env.skillIds),
            status: 'closed',
            assigned_agent_id: answered ? agent : null,
            enqueued_at: t,
            skill_entered_at: t,
            assigned_at: answered ? t + wait : null,
            first_response_at: answered ? t + wait + 4_000 + Math.floor(r() * 30_000) : null,
            closed_at: t + wait + 60_000 + Math.floor(r() * 900_000),
            closed_by: answered ? agent : 'visitor',
            tags: '[]',
            csat_score: answered && r() < 0.3 ? 1 + Math.floor(r() * 5) : null,
            visitor_token_hash: `h${conversations}`,
            created_at: t,
            updated_at: t,
          });
        }
      }
    }
    await writer.add('visitor_sessions', SESSIONS, [
      sid,
      acct,
      site,
      v,
      known ? 1 : 0,
      'desktop',
      'https://shop.example/',
      null,
      'direct',
      null,
      n,
      t0,
      t,
    ]);
    visitors.set(v, {
      site,
      first: known?.first ?? t0,
      last: Math.max(known?.last ?? 0, t),
      sessions: (known?.sessions ?? 0) + 1,
    });
  }
  for (const [id, v] of visitors) {
    await writer.add('visitors', VISITORS, [v.site, id, acct, v.first, v.last, v.sessions, 'desktop', '{}']);
  }
  await writer.flush();
  return {
    accountId: acct,
    campaignIds: env.ids,
    events,
    sessions,
    visitors: visitors.size,
    exposures,
    conversations,
    purchases,
  };
}
