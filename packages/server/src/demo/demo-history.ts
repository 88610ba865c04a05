import { createHash } from 'node:crypto';
import { loadCampaignTerms } from '../analytics/campaign-terms.ts';
import type { ConversionCandidate } from '../analytics/conversion-feed.ts';
import { recordConversion } from '../analytics/conversion-recorder.ts';
import { sessionRow, visitorRow } from '../engagement/visitor-records.ts';
import { randomToken } from '../ids.ts';
import { defaultAccountModel } from '../scoring/model-registry.ts';
import type { Store } from '../store/store.ts';
import { type SimulatedChat, type SimulatedShop, simulateShop } from './demo-shoppers.ts';

/** What the demo's past month added (0 each when the account had it already). */
export interface DemoHistory {
  /** Finished sessions the purchase model trains on and takes page statistics from. */
  modelSessions: number;
  /** Visits, exposures, chats and purchases behind the analytics reports. */
  visits: number;
  exposures: number;
  conversations: number;
  purchases: number;
}

const CHUNK = 200;
const DAY_MS = 86_400_000;
/**
 * Simulated sessions on first start: enough that each demo campaign's control group holds some
 * hundreds of visitors, so its lift is resolved (docs/analytics.md, "The demo's history").
 */
export const DEMO_SESSIONS = 30_000;

/**
 * Gives the demo account a month of past shoppers, simulated by `simulateShop` through the demo
 * store's pages and the account's own campaigns: the purchase model's history (so scores work from
 * the first visit and the account's own model can be trained at once), and the visits, exposures,
 * chats and purchases the analytics reports read (so the dashboard, funnel, lift, conversation and
 * agent reports have a month to show). Purchases are attributed by the same code as live ones.
 * Each part is added only to an account that has none yet.
 */
export async function seedDemoHistory(
  store: Store,
  demo: { accountId: string; siteId: string },
  opts: { sessions?: number; now?: number; seed?: number } = {},
): Promise<DemoHistory> {
  const { accountId, siteId } = demo;
  const added: DemoHistory = { modelSessions: 0, visits: 0, exposures: 0, conversations: 0, purchases: 0 };
  const needModel = (await store.modelSessions.counts(accountId)).sessions === 0;
  const visited = await store.db
    .selectFrom('visitor_sessions')
    .select('id')
    .where('account_id', '=', accountId)
    .limit(1)
    .executeTakeFirst();
  const needActivity = visited === undefined;
  if (!needModel && !needActivity) return added;

  const site = await store.sites.get(accountId, siteId);
  const users = await store.users.list(accountId);
  const shop = simulateShop({
    accountId,
    siteId,
    origin: site.allowedOrigins[0] ?? 'http://localhost:3000',
    timeZone: site.timeZone,
    campaigns: (await store.campaigns.list(accountId)).filter((c) => c.status === 'active'),
    agents: users.map((u) => ({ id: u.id, name: u.name, skillIds: u.skillIds })),
    model: defaultAccountModel().bound,
    sessions: opts.sessions ?? DEMO_SESSIONS,
    now: historyEnd(opts.now ?? Date.now()),
    seed: opts.seed ?? 42,
  });
  await withoutSyncs(store, async () => {
    if (needModel) {
      for (let i = 0; i < shop.modelSessions.length; i += 250)
        await store.modelSessions.record(shop.modelSessions.slice(i, i + 250));
      added.modelSessions = shop.modelSessions.length;
    }
    if (needActivity) Object.assign(added, await writeActivity(store, accountId, siteId, shop));
  });
  return added;
}

/**
 * The history ends at the last midnight (UTC), not at the moment of install: the simulation then
 * runs over the same hours of the day on every install, so two demos hold the same history.
 */
export function historyEnd(now: number): number {
  return now - (now % DAY_MS);
}

/**
 * Runs the seeding with SQLite's commits synced once at the end, not one by one (wal-sync.ts): a
 * crash meanwhile may lose the last commits, never the file's consistency, and the history is
 * written before the node listens, so no one was answered for them. Thousands of small commits
 * then take seconds. PostgreSQL, and a SQLite store at `normal`, are left as they are.
 */
function withoutSyncs(store: Store, write: () => Promise<void>): Promise<void> {
  return store.walSync ? store.walSync.unsyncedDuring(write) : write();
}

async function inChunks<T>(rows: readonly T[], write: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await write(rows.slice(i, i + CHUNK));
}

async function writeActivity(store: Store, accountId: string, siteId: string, shop: SimulatedShop) {
  const { db } = store;
  await inChunks(shop.visitors.map(visitorRow), (rows) => db.insertInto('visitors').values(rows).execute());
  await inChunks(shop.sessions.map(sessionRow), (rows) =>
    db.insertInto('visitor_sessions').values(rows).execute(),
  );
  await inChunks(shop.exposures, (rows) => db.insertInto('exposures').values(rows).execute());
  for (const chat of shop.chats) await writeChat(store, accountId, siteId, chat);
  await inChunks(shop.purchases, (rows) =>
    db
      .insertInto('events')
      .values(
        rows.map((p) => ({
          account_id: accountId,
          site_id: siteId,
          visitor_id: p.visitorId,
          session_id: p.sessionId,
          batch_id: p.batchId,
          seq: 0,
          type: 'attr',
          name: 'purchase',
          payload: JSON.stringify(p.event),
          ts: p.at,
        })),
      )
      .execute(),
  );
  // Attributed now, by the attribution job's own code (the job then finds them recorded already).
  const terms = await loadCampaignTerms(db);
  const termsOf = async () => terms.campaigns.get(accountId) ?? new Map();
  for (const p of shop.purchases) {
    if (p.event.type !== 'attr' || p.event.attrType !== 'purchase') continue;
    const order = p.event.value;
    const candidate: ConversionCandidate = {
      accountId,
      siteId,
      visitorId: p.visitorId,
      sessionId: p.sessionId,
      batchId: p.batchId,
      seq: 0,
      kind: 'purchase',
      goalName: null,
      orderId: order.orderId,
      revenue: order.total,
      currency: order.currency ?? null,
      ts: p.at,
      dedupeKey: `order:${order.orderId}`,
    };
    await recordConversion(store, candidate, termsOf, p.at);
  }
  return {
    visits: shop.sessions.length,
    exposures: shop.exposures.length,
    conversations: shop.chats.length,
    purchases: shop.purchases.length,
  };
}

/** A finished chat, stored the way routing and the message writer store a live one. */
async function writeChat(
  store: Store,
  accountId: string,
  siteId: string,
  chat: SimulatedChat,
): Promise<void> {
  const token = randomToken(32);
  const created = await store.conversations.create(
    {
      accountId,
      siteId,
      visitorId: chat.visitorId,
      source: chat.source,
      originExposureId: chat.exposureId,
      skillId: chat.skillId,
      status: 'queued',
      priority: chat.priority,
      value: chat.value,
      score: chat.score,
      tokenHash: createHash('sha256').update(token).digest('hex'),
      ...(chat.contact ? { visitorName: chat.contact.name, visitorEmail: chat.contact.email } : {}),
      ...(chat.invitation ? { invitation: chat.invitation } : {}),
    },
    chat.startedAt,
  );
  const id = created.id;
  await store.db
    .updateTable('conversations')
    .set({
      status: 'active',
      assigned_agent_id: chat.agent.id,
      assigned_at: chat.assignedAt,
      updated_at: chat.assignedAt,
    })
    .where('id', '=', id)
    .execute();
  const agent = { kind: 'agent' as const, agentId: chat.agent.id, name: chat.agent.name, supervisor: false };
  for (const line of chat.lines) {
    await store.messages.appendBatch(
      [
        {
          accountId,
          conversationId: id,
          sender: line.from === 'visitor' ? { kind: 'visitor' } : agent,
          echoId: null,
          text: line.text,
        },
      ],
      line.at,
    );
  }
  const lastSeq = created.lastSeq + chat.lines.length;
  await store.db
    .updateTable('conversations')
    .set({
      status: 'closed',
      closed_at: chat.closedAt,
      closed_by: chat.agent.id,
      disposition: chat.disposition,
      tags: JSON.stringify(chat.tags),
      csat_score: chat.csat?.score ?? null,
      csat_comment: chat.csat?.comment ?? null,
      visitor_read_seq: lastSeq,
      agent_read_seq: lastSeq,
      updated_at: chat.closedAt,
    })
    .where('id', '=', id)
    .execute();
  await store.db
    .insertInto('conversation_assignments')
    .values({
      conversation_id: id,
      seq: 1,
      account_id: accountId,
      agent_id: chat.agent.id,
      assigned_at: chat.assignedAt,
      ended_at: chat.closedAt,
      end_reason: 'closed',
    })
    .execute();
}
