import { CONTROL_ARM } from '@beckon/protocol/control-arm';
import { type Insertable, type Kysely, type Selectable, sql } from 'kysely';
import { iso } from './rows.ts';
import type { Database, ExposureOutcomeColumn, ExposuresTable } from './schema.ts';
import { runShaped } from './shaped-sql.ts';

export type ExposureRow = Insertable<ExposuresTable>;
export type { ExposureOutcomeColumn };

/** A later answer to an exposure: the tag reported it, or the server concluded it was ignored. */
export interface OutcomeUpdate {
  id: string;
  outcome: ExposureOutcomeColumn;
  at: number;
}

/** An exposure (or control qualification) as reports and the console read it. */
export interface ExposureView {
  id: string;
  campaignId: string | null;
  siteId: string;
  visitorId: string;
  sessionId: string;
  engagementType: string;
  control: boolean;
  outcome: ExposureOutcomeColumn | null;
  createdAt: string;
  shownAt: string | null;
  outcomeAt: string | null;
  /** The agent who sent a manual invitation; null for a campaign's exposure. */
  agentId: string | null;
  /** What a shown chat invitation said, and the name it came under: the opening of the chat it starts. */
  invitation: { text: string; from: string | null } | null;
}

const toView = (r: Selectable<ExposuresTable>): ExposureView => ({
  id: r.id,
  campaignId: r.campaign_id,
  siteId: r.site_id,
  visitorId: r.visitor_id,
  sessionId: r.session_id,
  engagementType: r.engagement_type,
  control: Number(r.control) === 1,
  outcome: r.outcome,
  createdAt: iso(r.created_at)!,
  shownAt: iso(r.shown_at),
  outcomeAt: iso(r.outcome_at),
  agentId: r.agent_id ?? null,
  invitation: r.invitation_text ? { text: r.invitation_text, from: r.invitation_from ?? null } : null,
});

/** Inserts new exposures; runs inside the writer's transaction. */
export async function insertExposures(db: Kysely<Database>, rows: ExposureRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) {
    await db
      .insertInto('exposures')
      .values(rows.slice(i, i + 200))
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }
}

/**
 * Applies outcomes in order. `shown` only fills in a pending exposure; a final answer
 * (accepted, dismissed, clicked, ignored) is kept once given, so a late report cannot overwrite it.
 */
export async function applyOutcomes(db: Kysely<Database>, updates: OutcomeUpdate[]): Promise<void> {
  for (const u of updates) {
    if (u.outcome === 'shown') {
      await db
        .updateTable('exposures')
        .set({ outcome: 'shown', shown_at: u.at })
        .where('id', '=', u.id)
        .where('outcome', 'is', null)
        .execute();
    } else {
      await db
        .updateTable('exposures')
        .set({ outcome: u.outcome, outcome_at: u.at })
        .where('id', '=', u.id)
        .where((eb) => eb.or([eb('outcome', 'is', null), eb('outcome', '=', 'shown')]))
        .execute();
    }
  }
}

/** Exposures and control qualifications, read for journeys, reports and tests. */
export class ExposuresRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async forVisitor(
    accountId: string,
    siteId: string,
    visitorId: string,
    limit = 100,
  ): Promise<ExposureView[]> {
    const rows = await this.db
      .selectFrom('exposures')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('site_id', '=', siteId)
      .where('visitor_id', '=', visitorId)
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toView);
  }

  async forCampaign(accountId: string, campaignId: string, limit = 1000): Promise<ExposureView[]> {
    const rows = await this.db
      .selectFrom('exposures')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('campaign_id', '=', campaignId)
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toView);
  }

  /**
   * The customer answered a conversation: the campaign message last sent into it (its line's echo id
   * names the exposure) counts as accepted. A final answer given before is kept. Returns the
   * exposure's id when it changed.
   */
  async acceptMessage(accountId: string, conversationId: string, at: number): Promise<string | null> {
    // Compiled once: this runs for every line an app user sends.
    const found = await runShaped<{ echo_id: string | null }>(
      this.db,
      'exposures:last-campaign-line',
      () =>
        this.db
          .selectFrom('messages')
          .select('echo_id')
          .where('conversation_id', '=', conversationId)
          .where('account_id', '=', accountId)
          // A literal, not a parameter: the planner then takes the campaign lines' partial index
          // (migration 0052); otherwise it reads every line of the conversation.
          .where('sender_kind', '=', sql.lit('invitation'))
          .where('echo_id', 'is not', null)
          .orderBy('seq', 'desc')
          .limit(1)
          .compile(),
      [conversationId, accountId, 1],
    );
    const line = found.rows[0];
    if (!line?.echo_id) return null;
    const r = await this.db
      .updateTable('exposures')
      .set({ outcome: 'accepted', outcome_at: at })
      .where('account_id', '=', accountId)
      .where('id', '=', line.echo_id)
      .where('engagement_type', '=', 'message')
      .where((eb) => eb.or([eb('outcome', 'is', null), eb('outcome', '=', 'shown')]))
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0 ? line.echo_id : null;
  }

  /**
   * The arm this visitor was recorded in, by campaign: a variant's key, or `control` for a visitor
   * held out. Campaigns that only showed the visitor their plain engagement are left out.
   */
  async armsOf(accountId: string, siteId: string, visitorId: string): Promise<Map<string, string>> {
    const rows = await this.db
      .selectFrom('exposures')
      .select((eb) => ['campaign_id', eb.fn.max('variant').as('variant'), eb.fn.max('control').as('control')])
      .where('site_id', '=', siteId)
      .where('visitor_id', '=', visitorId)
      .where('account_id', '=', accountId)
      .where('campaign_id', 'is not', null)
      .where((eb) => eb.or([eb('variant', 'is not', null), eb('control', '=', 1)]))
      .groupBy('campaign_id')
      .execute();
    const arms = new Map<string, string>();
    for (const r of rows) {
      if (r.variant) arms.set(r.campaign_id!, r.variant);
      else if (Number(r.control) === 1) arms.set(r.campaign_id!, CONTROL_ARM);
    }
    return arms;
  }

  async get(accountId: string, id: string): Promise<ExposureView | undefined> {
    const r = await this.db
      .selectFrom('exposures')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    return r ? toView(r) : undefined;
  }
}
