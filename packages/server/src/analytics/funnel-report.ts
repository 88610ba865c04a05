import type { ArmFigures, FunnelReport, FunnelStage, FunnelStageName } from '@beckon/protocol/reports-api';
import { type ExpressionBuilder, type Kysely, SqliteAdapter, sql } from 'kysely';
import { heldBy } from '../store/assignment-history.ts';
import type { Database } from '../store/schema.ts';
import { accountCurrency } from './account-currency.ts';
import { DAY_MS, MAX_WINDOW_DAYS } from './attribution-rules.ts';
import { conversationsIn } from './conversations-report.ts';
import { callFunnel } from './funnel-calls.ts';
import { campaignScope, periodOf, type ReportFilters } from './report-filters.ts';

const LABELS: Record<FunnelStageName, string> = {
  visitors: 'Visitors',
  qualified: 'Qualified for a campaign',
  exposed: 'Shown an engagement',
  engaged: 'Accepted or clicked',
  conversation: 'Had a conversation',
  converted: 'Converted',
};

/**
 * Stages that are no subset of the one before, and the stage they are a share of: a conversation
 * need not follow an engagement, and a conversion need not follow a conversation.
 */
const SHARE_OF: Partial<Record<FunnelStageName, FunnelStageName>> = {
  conversation: 'visitors',
  converted: 'exposed',
};

const n = (v: unknown) => Number(v ?? 0);

/** Campaign exposures (and control qualifications) of the period, narrowed by site and campaign scope. */
export function cohortExposures(db: Kysely<Database>, f: ReportFilters) {
  let q = db
    .selectFrom('exposures')
    .where('exposures.account_id', '=', f.accountId)
    .where('exposures.site_id', 'in', f.siteIds)
    .where('exposures.created_at', '>=', f.from)
    .where('exposures.created_at', '<', f.to)
    .where('exposures.campaign_id', 'is not', null);
  const scope = campaignScope(f);
  if (scope) q = q.where('exposures.campaign_id', 'in', scope.length > 0 ? scope : ['-']);
  return q;
}

/**
 * Attributed conversions of cohort visitors: each row is one conversion credited to a campaign the
 * visitor was exposed to (or held out of) in the period, made at or after that exposure; the conversion
 * may fall after the period (within the campaign's window). Shared by the funnel and the lift reports.
 */
export function cohortAttributions(db: Kysely<Database>, f: ReportFilters) {
  let q = db
    .selectFrom('attributions as a')
    .where('a.account_id', '=', f.accountId)
    .where('a.site_id', 'in', f.siteIds)
    .where('a.campaign_id', 'is not', null)
    .where('a.conversion_ts', '>=', f.from)
    .where('a.conversion_ts', '<', f.to + MAX_WINDOW_DAYS * DAY_MS)
    .where((eb) =>
      eb.exists(
        rowExposures(eb, f)
          .select(sql`1`.as('one'))
          // Only conversions that followed the visitor's in-period exposure belong to this cohort.
          .whereRef('e.created_at', '<=', 'a.conversion_ts'),
      ),
    );
  const scope = campaignScope(f);
  if (scope) q = q.where('a.campaign_id', 'in', scope.length > 0 ? scope : ['-']);
  return q;
}

/**
 * The exposures (or control qualifications) in the period of the visitor, campaign and group an
 * attribution row `a` names: the row's place in the cohort.
 */
export function rowExposures(
  eb: ExpressionBuilder<Database & { a: Database['attributions'] }, 'a'>,
  f: Pick<ReportFilters, 'from' | 'to'>,
) {
  return eb
    .selectFrom('exposures as e')
    .whereRef('e.site_id', '=', 'a.site_id')
    .whereRef('e.visitor_id', '=', 'a.visitor_id')
    .whereRef('e.campaign_id', '=', 'a.campaign_id')
    .whereRef('e.control', '=', 'a.control')
    .where('e.created_at', '>=', f.from)
    .where('e.created_at', '<', f.to);
}

/** Visitors, converted visitors, conversions and revenue of one group, from its attribution rows. */
export function armFigures(
  visitors: number,
  rows: ReadonlyArray<{
    site_id: string;
    visitor_id: string;
    conversion_id: string;
    revenue: number;
    sources?: string;
  }>,
): ArmFigures {
  const buyers = new Set<string>();
  const conversions = new Map<string, number>();
  const seenBy = new Map<string, string>();
  for (const r of rows) {
    buyers.add(`${r.site_id}\u0000${r.visitor_id}`);
    conversions.set(r.conversion_id, Number(r.revenue));
    seenBy.set(r.conversion_id, r.sources ?? 'tag');
  }
  let revenue = 0;
  for (const v of conversions.values()) revenue += v;
  return {
    sources: sourceCounts(seenBy.values()),
    visitors,
    converted: buyers.size,
    conversions: conversions.size,
    conversionRate: visitors > 0 ? buyers.size / visitors : 0,
    revenue,
    revenuePerVisitor: visitors > 0 ? revenue / visitors : 0,
  };
}

/** The attribution columns `armFigures` reads (and the group each row is in). */
export const ARM_COLUMNS = [
  'a.control',
  'a.site_id',
  'a.visitor_id',
  'a.conversion_id',
  'a.revenue',
  'a.sources',
] as const;

/** Counts conversions by who saw them: the tag only, a server only, or both. */
function sourceCounts(columns: Iterable<string>): ArmFigures['sources'] {
  const out = { tagOnly: 0, serverOnly: 0, both: 0 };
  for (const text of columns) {
    const list = text.split(',');
    const tag = list.includes('tag');
    if (tag && list.length > 1) out.both++;
    else if (tag) out.tagOnly++;
    else out.serverOnly++;
  }
  return out;
}

const visitorKey = (r: { site_id: string; visitor_id: string }) => `${r.site_id}\u0000${r.visitor_id}`;
/** Most visitor ids in one query's IN list. */
const VISITOR_CHUNK = 500;

/**
 * Which of these visitors were shown an engagement (not only held out) in the period and scope, a
 * chunk at a time by the visitors' index (site, visitor, time). The account is the sites' (the
 * filters hold the account's sites only): with an account term SQLite read the account's
 * exposures by time instead, and a correlated NOT EXISTS per attribution row did that once per
 * row (W7's funnel went from 0.1 to 3.4 s).
 */
async function exposedAmong(
  db: Kysely<Database>,
  f: ReportFilters,
  rows: ReadonlyArray<{ site_id: string; visitor_id: string }>,
): Promise<Set<string>> {
  const ids = [...new Set(rows.map((r) => r.visitor_id))];
  const scope = campaignScope(f);
  const out = new Set<string>();
  for (let i = 0; i < ids.length; i += VISITOR_CHUNK) {
    let q = db
      .selectFrom('exposures')
      .select(['exposures.site_id', 'exposures.visitor_id'])
      .distinct()
      .where('exposures.site_id', 'in', f.siteIds)
      .where('exposures.visitor_id', 'in', ids.slice(i, i + VISITOR_CHUNK))
      .where('exposures.created_at', '>=', f.from)
      .where('exposures.created_at', '<', f.to)
      .where('exposures.campaign_id', 'is not', null)
      .where('exposures.control', '=', 0);
    if (scope) q = q.where('exposures.campaign_id', 'in', scope.length > 0 ? scope : ['-']);
    const found = await q.execute();
    for (const r of found) out.add(visitorKey(r));
  }
  return out;
}

/**
 * Distinct visitors whose visit began in the period, over the account's sites. Each site's are
 * counted alone and added up: over one column, SQLite's distinct tree is a third cheaper than over
 * (site, visitor) pairs, and PostgreSQL still hashes (its count(distinct) would sort).
 */
async function periodVisitors(db: Kysely<Database>, f: ReportFilters): Promise<number> {
  if (!(db.getExecutor().adapter instanceof SqliteAdapter)) {
    const perSite = await db
      .selectFrom('sites as t')
      .select((eb) => [
        't.id',
        eb
          .selectFrom(
            eb
              .selectFrom('visitor_sessions as s')
              .select('s.visitor_id')
              .distinct()
              .where('s.account_id', '=', f.accountId)
              .whereRef('s.site_id', '=', 't.id')
              .where('s.started_at', '>=', f.from)
              .where('s.started_at', '<', f.to)
              .as('x'),
          )
          .select((c) => c.fn.countAll().as('n'))
          .as('n'),
      ])
      .where('t.id', 'in', f.siteIds)
      .execute();
    return perSite.reduce((sum, r) => sum + n(r.n), 0);
  }
  const counts = await Promise.all(f.siteIds.map((siteId) => siteVisitorsSqlite(db, f, siteId)));
  return counts.reduce((a, b) => a + b, 0);
}

/**
 * One site's distinct visitors of the period on SQLite. Through the time index it collects the
 * period's ids in a distinct tree; through the visitor index (site, visitor, time) the ids come in
 * order and need no tree, but every session of the site is read, in the period or not. Read alone
 * the ordered scan costs about a third per row (W7: 15 against 46 ms of CPU for 100,000 sessions),
 * so it is taken when the site's sessions span at most twice the period.
 */
async function siteVisitorsSqlite(db: Kysely<Database>, f: ReportFilters, siteId: string): Promise<number> {
  const span = await sql<{ first: number | null; last: number | null }>`
    select (select min(started_at) from visitor_sessions where account_id = ${f.accountId} and site_id = ${siteId}) as first,
           (select max(started_at) from visitor_sessions where account_id = ${f.accountId} and site_id = ${siteId}) as last`.execute(
    db,
  );
  const { first, last } = span.rows[0] ?? { first: null, last: null };
  if (first === null || last === null) return 0;
  const ordered = Number(last) - Number(first) <= 2 * (f.to - f.from);
  const counted = ordered
    ? await sql<{ n: number }>`
        select count(*) as n from (select distinct visitor_id from visitor_sessions indexed by visitor_sessions_visitor_idx
        where site_id = ${siteId} and started_at >= ${f.from} and started_at < ${f.to})`.execute(db)
    : await sql<{ n: number }>`
        select count(*) as n from (select distinct visitor_id from visitor_sessions
        where account_id = ${f.accountId} and site_id = ${siteId} and started_at >= ${f.from} and started_at < ${f.to})`.execute(
        db,
      );
  return n(counted.rows[0]?.n);
}

/**
 * The engagement funnel of a period: visitors → qualified → exposed → accepted/clicked →
 * conversation → converted (within the attribution window), with the control group beside it.
 * Qualified, exposed, engaged and converted are visitors qualified in the period, each a subset of
 * the one before (converted: of exposed); "had a conversation" is every visitor of the period who
 * chatted in it, however the chat started, so it is a share of all visitors.
 */
export async function funnelReport(
  db: Kysely<Database>,
  f: ReportFilters,
): Promise<Omit<FunnelReport, 'likeForLike'>> {
  return (await funnelAndAttributions(db, f)).report;
}

/** An attribution row of the funnel's cohort, with the campaign credited. */
export type CohortAttribution = {
  campaign_id: string | null;
  control: number;
  site_id: string;
  visitor_id: string;
  conversion_id: string;
  revenue: number;
  sources: string;
};

/**
 * The funnel, and the cohort's attribution rows it read, so the like-for-like comparison beside it
 * need not read them again (null when an agent filter narrowed them: that comparison is not narrowed).
 */
export async function funnelAndAttributions(
  db: Kysely<Database>,
  f: ReportFilters,
): Promise<{ report: Omit<FunnelReport, 'likeForLike'>; attributions: CohortAttribution[] | null }> {
  // The stages' queries do not depend on each other: on a store with several readers (PostgreSQL's
  // pool, SQLite's report threads) they run side by side.
  const visitorsQuery = periodVisitors(db, f);

  const perVisitor = cohortExposures(db, f)
    .select([
      'exposures.site_id',
      'exposures.visitor_id',
      sql<number>`max(case when exposures.control = 0 then 1 else 0 end)`.as('exp'),
      sql<number>`max(case when exposures.control = 0 and exposures.outcome in ('accepted', 'clicked') then 1 else 0 end)`.as(
        'eng',
      ),
    ])
    .groupBy(['exposures.site_id', 'exposures.visitor_id']);
  const stagesQuery = db
    .selectFrom(perVisitor.as('v'))
    .select((eb) => [
      eb.fn.countAll().as('qualified'),
      eb.fn.sum<number>('v.exp').as('exposed'),
      eb.fn.sum<number>('v.eng').as('engaged'),
    ])
    .executeTakeFirst();

  // Whatever started the chat (a campaign's invitation or button, an agent's invitation, the
  // visitor's own click): the Conversations report's conversations, of visitors whose visit began
  // in the period (the first stage), so this stage is a share of it.
  const talked = conversationsIn(db, f)
    .select(['c.site_id', 'c.visitor_id'])
    .distinct()
    .where('c.site_id', 'in', f.siteIds)
    .where('c.visitor_id', 'is not', null)
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('visitor_sessions as s')
          .select(sql`1`.as('one'))
          .whereRef('s.site_id', '=', 'c.site_id')
          .whereRef('s.visitor_id', '=', 'c.visitor_id')
          .where('s.started_at', '>=', f.from)
          .where('s.started_at', '<', f.to),
      ),
    );
  const conversationQuery = db
    .selectFrom(talked.as('t'))
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirst();

  let attributed = cohortAttributions(db, f).select([...ARM_COLUMNS, 'a.campaign_id']);
  // Credited to every agent who held the chat by the time of the conversion (the last holder is
  // the one the attribution names), not to one who took it over afterwards.
  if (f.agentId) attributed = attributed.where(heldBy(f.agentId, 'a.conversation_id', 'a.conversion_ts'));
  const allQuery = db
    .selectFrom('conversions')
    .select((eb) => [
      eb.fn.countAll().as('n'),
      eb.fn.sum<number>('revenue').as('revenue'),
      eb.fn.sum<number>('unattributed').as('unattributed'),
    ])
    .where('account_id', '=', f.accountId)
    .where('site_id', 'in', f.siteIds)
    .where('ts', '>=', f.from)
    .where('ts', '<', f.to)
    .executeTakeFirst();
  const callsQuery = cohortExposures(db, f)
    .select(['exposures.id', 'exposures.site_id', 'exposures.visitor_id', 'exposures.outcome'])
    .where('exposures.engagement_type', '=', 'call')
    .where('exposures.control', '=', 0)
    .execute();
  const [visitors, q, talkedRow, rows, all, currency, callRows] = await Promise.all([
    visitorsQuery,
    stagesQuery,
    conversationQuery,
    attributed.execute() as Promise<CohortAttribution[]>,
    allQuery,
    accountCurrency(db, f.accountId),
    callsQuery,
  ]);
  const qualified = n(q?.qualified);
  const exposed = n(q?.exposed);
  const conversation = n(talkedRow?.n);
  const exposedArm = armFigures(
    exposed,
    rows.filter((r) => Number(r.control) === 0),
  );
  // The control group is the visitors held out of everything they qualified for (those not
  // exposed): a visitor held out of one campaign but shown another is in the exposed group, and
  // so are their conversions.
  const held = rows.filter((r) => Number(r.control) === 1);
  const shown = await exposedAmong(db, f, held);
  const controlArm = armFigures(
    qualified - exposed,
    held.filter((r) => !shown.has(visitorKey(r))),
  );

  const counts: Array<[FunnelStageName, number]> = [
    ['visitors', visitors],
    ['qualified', qualified],
    ['exposed', exposed],
    ['engaged', n(q?.engaged)],
    ['conversation', conversation],
    ['converted', exposedArm.converted],
  ];
  const stages: FunnelStage[] = counts.map(([stage, count], i) => {
    const rateOf: FunnelStageName = i === 0 ? stage : (SHARE_OF[stage] ?? counts[i - 1]![0]);
    const base = counts.find(([name]) => name === rateOf)![1];
    return {
      stage,
      label: LABELS[stage],
      visitors: count,
      rate: base > 0 ? count / base : 0,
      rateOf,
      rateFromTop: visitors > 0 ? count / visitors : 0,
    };
  });
  const report = {
    period: periodOf(f),
    stages,
    exposed: exposedArm,
    control: controlArm,
    allConversions: n(all?.n),
    allRevenue: n(all?.revenue),
    unattributedConversions: n(all?.unattributed),
    currency,
    calls: await callFunnel(db, f, callRows),
  };
  return { report, attributions: f.agentId ? null : rows };
}
