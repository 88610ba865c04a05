import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ValidCampaignInput, validateCampaignInput } from '@beckon/protocol';
import type { Insertable } from 'kysely';
import { hashPassword } from '../src/auth/passwords.ts';
import { newId } from '../src/ids.ts';
import type { ConversationAssignmentsTable, ConversationsTable } from '../src/store/schema.ts';
import { Store } from '../src/store/store.ts';
import { ApiClient } from './helpers/api-client.ts';
import { TEST_PG_URL } from './helpers/postgres.ts';
import { freshPgStore } from './helpers/schema-template.ts';
import type { TestServer } from './helpers/test-server.ts';

export const MIN = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** A valid campaign (defaults filled in by the protocol's validator): purchase goal, a content offer, 7-day window. */
export function campaignInput(name: string, over: Record<string, unknown> = {}): ValidCampaignInput {
  const result = validateCampaignInput({
    name,
    status: 'active',
    goal: { type: 'purchase' },
    targeting: { field: 'page.timeOnPage', op: 'gte', value: 5 },
    controlShare: 0.1,
    engagement: {
      type: 'content',
      title: 'Offer',
      text: '10% off',
      ctaLabel: 'Shop',
      ctaUrl: 'https://shop.example/',
    },
    attributionWindowDays: 7,
    ...over,
  });
  if (!result.ok) throw new Error(`invalid test campaign: ${JSON.stringify(result.errors)}`);
  return result.value;
}

export interface ConversationSpec {
  at: number;
  exposureId?: string | null;
  skillId?: string | null;
  agentId?: string | null;
  /** ms after `at` */
  assignedAfter?: number;
  /** An agent who took it first (ms after `at`) and transferred it to `agentId` at `assignedAfter`. */
  transferredFrom?: { agentId: string; assignedAfter: number };
  firstResponseAfter?: number;
  closedAfter?: number;
  closedBy?: string;
  status?: ConversationsTable['status'];
  csat?: number;
}

/**
 * Writes analytics inputs straight through the store with exact timestamps, so every figure a
 * report shows is known in advance: sessions, exposures (and control qualifications),
 * conversations, and purchase or goal events in the event log.
 */
export class AnalyticsFixture {
  private batch = 0;

  constructor(
    readonly store: Store,
    readonly accountId: string,
    readonly siteId: string,
  ) {}

  async visit(visitorIds: readonly string[], at: number, lastSeenAt = at): Promise<void> {
    const db = this.store.db;
    for (let i = 0; i < visitorIds.length; i += 200) {
      const chunk = visitorIds.slice(i, i + 200);
      await db
        .insertInto('visitors')
        .values(
          chunk.map((id) => ({
            site_id: this.siteId,
            id,
            account_id: this.accountId,
            first_seen_at: at,
            last_seen_at: lastSeenAt,
            session_count: 1,
            device: 'desktop',
            state: '{}',
          })),
        )
        .onConflict((oc) => oc.columns(['site_id', 'id']).doUpdateSet({ last_seen_at: lastSeenAt }))
        .execute();
      await db
        .insertInto('visitor_sessions')
        .values(
          chunk.map((id) => ({
            id: newId('ses'),
            account_id: this.accountId,
            site_id: this.siteId,
            visitor_id: id,
            returning: 0,
            device: 'desktop',
            landing_url: null,
            referrer: null,
            channel: null,
            source: null,
            page_views: 1,
            started_at: at,
            last_event_at: at,
          })),
        )
        .execute();
    }
  }

  async expose(
    visitorIds: readonly string[],
    campaignId: string | null,
    at: number,
    opts: {
      control?: boolean;
      type?: string;
      outcome?: 'shown' | 'accepted' | 'clicked' | 'dismissed' | 'ignored' | null;
      /** The variant shown (campaigns with variants). */
      variant?: string;
    } = {},
  ): Promise<string[]> {
    const ids = visitorIds.map(() => newId('exp'));
    for (let i = 0; i < visitorIds.length; i += 200) {
      await this.store.db
        .insertInto('exposures')
        .values(
          visitorIds.slice(i, i + 200).map((visitorId, j) => ({
            id: ids[i + j]!,
            account_id: this.accountId,
            site_id: this.siteId,
            campaign_id: campaignId,
            visitor_id: visitorId,
            session_id: 'ses_fixture',
            engagement_type: opts.type ?? 'content',
            control: opts.control ? 1 : 0,
            outcome: opts.control ? null : (opts.outcome ?? 'shown'),
            variant: opts.variant ?? null,
            created_at: at,
            shown_at: opts.control ? null : at,
            outcome_at: null,
          })),
        )
        .execute();
    }
    return ids;
  }

  async conversation(visitorId: string | null, s: ConversationSpec): Promise<string> {
    const c = await this.store.conversations.create(
      {
        accountId: this.accountId,
        siteId: this.siteId,
        visitorId,
        source: s.exposureId ? 'invitation' : 'visitor',
        originExposureId: s.exposureId ?? null,
        skillId: s.skillId ?? null,
        status: 'queued',
        tokenHash: newId('tok'),
      },
      s.at,
    );
    const plus = (d?: number) => (d === undefined ? null : s.at + d);
    const first = s.transferredFrom?.assignedAfter ?? s.assignedAfter;
    await this.store.db
      .updateTable('conversations')
      .set({
        assigned_agent_id: s.agentId ?? null,
        assigned_at: plus(first),
        first_response_at: plus(s.firstResponseAfter),
        closed_at: plus(s.closedAfter),
        closed_by: s.closedBy ?? (s.closedAfter === undefined ? null : (s.agentId ?? 'visitor')),
        status:
          s.status ??
          (s.closedAfter !== undefined ? 'closed' : s.assignedAfter !== undefined ? 'active' : 'queued'),
        csat_score: s.csat ?? null,
      })
      .where('id', '=', c.id)
      .execute();
    // Who held it when, as accepting, transferring and closing record it.
    const holds: Array<Insertable<ConversationAssignmentsTable>> = [];
    if (s.transferredFrom && s.assignedAfter !== undefined) {
      holds.push({
        conversation_id: c.id,
        seq: 1,
        account_id: this.accountId,
        agent_id: s.transferredFrom.agentId,
        assigned_at: s.at + s.transferredFrom.assignedAfter,
        ended_at: s.at + s.assignedAfter,
        end_reason: 'transferred',
      });
    }
    if (s.agentId && s.assignedAfter !== undefined) {
      holds.push({
        conversation_id: c.id,
        seq: holds.length + 1,
        account_id: this.accountId,
        agent_id: s.agentId,
        assigned_at: s.at + s.assignedAfter,
        ended_at: plus(s.closedAfter),
        end_reason: s.closedAfter === undefined ? null : 'closed',
      });
    }
    if (holds.length > 0) await this.store.db.insertInto('conversation_assignments').values(holds).execute();
    return c.id;
  }

  /** Purchase events as the tracker stores them: `{type:'attr', attrType:'purchase', value:{orderId,total,currency}}`. */
  async purchase(visitorId: string, at: number, orderId: string, total: number): Promise<void> {
    await this.event(visitorId, at, 'attr', 'purchase', {
      type: 'attr',
      attrType: 'purchase',
      value: { orderId, total, currency: 'USD' },
      ts: at,
    });
  }

  async goal(
    visitorId: string,
    at: number,
    name: string,
    props: Record<string, unknown> = {},
  ): Promise<void> {
    await this.event(visitorId, at, 'event', name, { type: 'event', name, props, ts: at });
  }

  async event(
    visitorId: string,
    at: number,
    type: string,
    name: string | null,
    payload: unknown,
  ): Promise<void> {
    await this.store.db
      .insertInto('events')
      .values({
        account_id: this.accountId,
        site_id: this.siteId,
        visitor_id: visitorId,
        session_id: 'ses_fixture',
        batch_id: `b${++this.batch}`,
        seq: 0,
        type,
        name,
        payload: JSON.stringify(payload),
        ts: at,
      })
      .execute();
  }
}

/** `prefix0 … prefix(n-1)` */
export const ids = (prefix: string, n: number, start = 0) =>
  Array.from({ length: n }, (_, i) => `${prefix}${start + i}`);

/**
 * A migrated, empty store for analytics tests: PostgreSQL (its own) when asked for or when
 * DATABASE_URL is set, else a temporary SQLite file.
 */
export async function openTestStore(
  kind?: 'sqlite' | 'postgres',
): Promise<{ store: Store; kind: string; dispose(): Promise<void> }> {
  if (kind === 'postgres' || (!kind && process.env.DATABASE_URL)) {
    const pg = await freshPgStore(TEST_PG_URL);
    const store = await Store.open({ databaseUrl: pg.url, pgSchema: pg.schema });
    await store.migrate(); // nothing to do on a copy
    return {
      store,
      kind: 'postgres',
      async dispose() {
        await store.close();
        await pg.drop();
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'beckon-analytics-'));
  const store = await Store.open({ sqlitePath: join(dir, 'beckon.db') });
  await store.migrate();
  return {
    store,
    kind: 'sqlite',
    async dispose() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The owner of another account ("Other Co"), signed in: what they must never see of the demo's. */
export async function otherAccountOwner(srv: TestServer): Promise<ApiClient> {
  const { store } = srv.node.ctx;
  const acct = await store.accounts.create('Other Co');
  await store.users.create(acct.id, {
    email: 'owner@other.example',
    name: 'Other',
    role: 'owner',
    passwordHash: await hashPassword('other-owner-pw'),
  });
  const other = new ApiClient(srv.node.app);
  await other.login('owner@other.example', 'other-owner-pw');
  return other;
}
