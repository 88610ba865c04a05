import { businessTimeBetween } from '@beckon/core/hours/business-hours';
import type { BotFigures, ConversationFigures, ConversationsReport } from '@beckon/protocol/reports-api';
import { type ExpressionBuilder, type Kysely, type RawBuilder, sql } from 'kysely';
import { zoneOffsetMs } from '../engagement/session-clock.ts';
import { heldBy } from '../store/assignment-history.ts';
import type { Database } from '../store/schema.ts';
import { hoursOf } from '../store/skills-repo.ts';
import { DAY_MS } from './attribution-rules.ts';
import { classificationBreakdown } from './classification-breakdown.ts';
import { campaignScope, HOUR_MS, hourStarts, periodOf, type ReportFilters } from './report-filters.ts';

const n = (v: unknown) => Number(v ?? 0);
const seconds = (v: unknown) => (v == null ? null : Number(v) / 1000);

/**
 * The account's conversations created in the period (not a campaign's unanswered message),
 * narrowed by site, skill, campaign of origin and agent (every agent who held it, not only the last one: a transfer leaves both their shares).
 */
export function conversationsIn(db: Kysely<Database>, f: ReportFilters) {
  let q = db
    .selectFrom('conversations as c')
    .where('c.account_id', '=', f.accountId)
    .where('c.created_at', '>=', f.from)
    .where('c.created_at', '<', f.to)
    // A campaign's message nobody answered yet is no conversation (see proactive-messages.ts).
    .where((eb) => eb.or([eb('c.closed_by', 'is', null), eb('c.closed_by', '!=', 'campaign')]));
  if (f.siteId) q = q.where('c.site_id', '=', f.siteId);
  if (f.skillId) q = q.where('c.skill_id', '=', f.skillId);
  if (f.agentId) q = q.where(heldBy(f.agentId, 'c.id'));
  const scope = f.campaignId ? campaignScope(f) : null;
  if (scope) {
    q = q.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('exposures as e')
          .select(sql`1`.as('one'))
          .whereRef('e.id', '=', 'c.origin_exposure_id')
          .where('e.campaign_id', 'in', scope.length > 0 ? scope : ['-']),
      ),
    );
  }
  return q;
}

/** Every local day the period touches (as day numbers since the epoch), so quiet days show as zeros. */
function everyDay(f: ReportFilters, offset: number): number[] {
  const first = Math.floor((f.from + offset) / DAY_MS);
  const last = Math.floor((f.to - 1 + offset) / DAY_MS);
  const days: number[] = [];
  for (let d = first; d <= last; d++) days.push(d);
  return days;
}

/**
 * The aggregates of a group of conversations (a day, a channel): counts, wait, first response,
 * handle time and CSAT, as raw sums that `figuresOf` turns into averages.
 */
export function conversationAggregates(
  eb: ExpressionBuilder<Database & { c: Database['conversations'] }, 'c'>,
) {
  return [
    eb.fn.countAll().as('conversations'),
    eb.fn.count('c.assigned_at').as('answered'),
    sql<number>`sum(case when c.assigned_at is null and (c.status = 'offline' or (c.status = 'closed' and coalesce(c.closed_by, '') <> 'visitor')) then 1 else 0 end)`.as(
      'missed',
    ),
    sql<number>`sum(case when c.assigned_at is null and c.status = 'closed' and c.closed_by = 'visitor' then 1 else 0 end)`.as(
      'abandoned',
    ),
    // To another agent or back to a queue: either ends a hold as transferred.
    sql<number>`sum(case when exists (select 1 from conversation_assignments h where h.conversation_id = c.id and h.end_reason = 'transferred') then 1 else 0 end)`.as(
      'transferred',
    ),
    sql<number>`sum(c.assigned_at - c.enqueued_at)`.as('wait_sum'),
    sql<number>`max(c.assigned_at - c.enqueued_at)`.as('wait_max'),
    eb.fn.count('c.first_response_at').as('fr_n'),
    sql<number>`sum(c.first_response_at - c.enqueued_at)`.as('fr_sum'),
    sql<number>`sum(case when c.closed_at is not null and c.assigned_at is not null then 1 else 0 end)`.as(
      'handled',
    ),
    sql<number>`sum(case when c.assigned_at is not null then c.closed_at - c.assigned_at end)`.as(
      'handle_sum',
    ),
    eb.fn.count('c.csat_score').as('csat_n'),
    eb.fn.sum<number>('c.csat_score').as('csat_sum'),
    sql<number>`sum(case when c.csat_score >= 4 then 1 else 0 end)`.as('csat_good'),
  ] as const;
}

/** One group's figures from its `conversationAggregates` row (an empty row gives zeros and nulls). */
export function figuresOf(label: string, r: Record<string, unknown>): ConversationFigures {
  const answered = n(r.answered);
  const frN = n(r.fr_n);
  const handled = n(r.handled);
  const csatN = n(r.csat_n);
  return {
    day: label,
    conversations: n(r.conversations),
    answered,
    missed: n(r.missed),
    abandoned: n(r.abandoned),
    transferred: n(r.transferred),
    avgWaitSeconds: answered > 0 ? seconds(n(r.wait_sum) / answered) : null,
    maxWaitSeconds: answered > 0 ? seconds(r.wait_max) : null,
    avgFirstResponseSeconds: frN > 0 ? seconds(n(r.fr_sum) / frN) : null,
    // Only reports that add business time (`bfr_sum`) have it; the others answer null.
    avgBusinessFirstResponseSeconds: frN > 0 && r.bfr_sum !== undefined ? seconds(n(r.bfr_sum) / frN) : null,
    avgHandleSeconds: handled > 0 ? seconds(n(r.handle_sum) / handled) : null,
    csatResponses: csatN,
    csatAverage: csatN > 0 ? n(r.csat_sum) / csatN : null,
    csatSatisfied: csatN > 0 ? n(r.csat_good) / csatN : null,
  };
}

/** The groups' rows summed into the period's total (the longest wait is the longest of all). */
export function totalOf(rows: readonly Record<string, unknown>[], skip: string): ConversationFigures {
  const total: Record<string, number> = {};
  let waitMax: number | null = null;
  for (const r of rows) {
    for (const [k, v] of Object.entries(r))
      if (k !== skip && k !== 'wait_max') total[k] = (total[k] ?? 0) + n(v);
    if (r.wait_max != null) waitMax = Math.max(waitMax ?? 0, n(r.wait_max));
  }
  return figuresOf('total', { ...total, wait_max: waitMax });
}

/**
 * Conversation volume and service levels per day and in total: answered, missed (never reached an
 * agent), abandoned (the visitor left first), transferred, wait, first response and handle times, CSAT.
 * Wait and handle time count from the first assignment, which a transfer keeps.
 */
export async function conversationsReport(
  db: Kysely<Database>,
  f: ReportFilters,
): Promise<ConversationsReport> {
  const offset = zoneOffsetMs(f.tz, f.to);
  // Literals, not parameters: PostgreSQL must see the grouped expression and the selected one as equal.
  const day = sql<number>`(c.created_at + ${sql.lit(offset)}) / ${sql.lit(DAY_MS)}`;
  const rows = await figuresBy(db, f, day, (createdAt) => Math.floor((createdAt + offset) / DAY_MS));
  const starts = hourStarts(f);
  let hours: ConversationFigures[] | undefined;
  if (starts) {
    // Hours counted from the period's start, so a day with a clock change keeps its 23 or 25.
    const hour = sql<number>`(c.created_at - ${sql.lit(f.from)}) / ${sql.lit(HOUR_MS)}`;
    const byHour = await figuresBy(db, f, hour, (createdAt) => Math.floor((createdAt - f.from) / HOUR_MS));
    hours = starts.map((start, i) => {
      const r = byHour.find((x) => n(x.bucket) === i);
      return figuresOf(new Date(start).toISOString(), r ?? {});
    });
  }

  return {
    period: periodOf(f),
    total: totalOf(rows, 'bucket'),
    days: everyDay(f, offset).map((day) => {
      const r = rows.find((x) => n(x.bucket) === day);
      return figuresOf(new Date(day * DAY_MS).toISOString().slice(0, 10), r ?? {});
    }),
    ...(hours ? { hours } : {}),
    bots: await botFigures(db, f),
    intents: await classificationBreakdown(db, f, 'intent'),
    sentiments: await classificationBreakdown(db, f, 'sentiment'),
  };
}

/** The conversations' aggregates grouped by a bucket (a day, an hour), with business-hours first responses. */
async function figuresBy(
  db: Kysely<Database>,
  f: ReportFilters,
  bucket: RawBuilder<number>,
  bucketOf: (createdAt: number) => number,
): Promise<Array<Record<string, unknown>>> {
  const rows = (await conversationsIn(db, f)
    .select((eb) => [bucket.as('bucket'), ...conversationAggregates(eb)])
    .groupBy(bucket)
    .orderBy(bucket)
    .execute()) as Array<Record<string, unknown>>;
  const business = await businessFirstResponses(db, f, bucketOf);
  for (const r of rows) r.bfr_sum = business.get(n(r.bucket)) ?? 0;
  return rows;
}

/**
 * Bot-resolved (closed while a bot held it) against human-resolved (closed after a person took it)
 * conversations, the handoff rate of the bots' conversations, and the CSAT of each side.
 */
async function botFigures(db: Kysely<Database>, f: ReportFilters): Promise<BotFigures> {
  const byBot = sql`c.first_bot_id is not null and c.handoff_at is null and c.status = 'closed'`;
  const byPeople = sql`c.status = 'closed' and c.assigned_at is not null`;
  const r = (await conversationsIn(db, f)
    .select([
      sql<number>`sum(case when c.first_bot_id is not null then 1 else 0 end)`.as('bot_n'),
      sql<number>`sum(case when ${byBot} then 1 else 0 end)`.as('bot_resolved'),
      sql<number>`sum(case when c.first_bot_id is not null and c.handoff_at is not null then 1 else 0 end)`.as(
        'handed',
      ),
      sql<number>`sum(case when ${byBot} and c.csat_score is not null then 1 else 0 end)`.as('bot_csat_n'),
      sql<number>`sum(case when ${byBot} then c.csat_score else 0 end)`.as('bot_csat_sum'),
      sql<number>`sum(case when ${byPeople} then 1 else 0 end)`.as('human_resolved'),
      sql<number>`sum(case when ${byPeople} and c.csat_score is not null then 1 else 0 end)`.as(
        'human_csat_n',
      ),
      sql<number>`sum(case when ${byPeople} then c.csat_score else 0 end)`.as('human_csat_sum'),
    ])
    .executeTakeFirst()) as Record<string, unknown> | undefined;
  const botN = n(r?.bot_n);
  const botCsat = n(r?.bot_csat_n);
  const humanCsat = n(r?.human_csat_n);
  return {
    botConversations: botN,
    botResolved: n(r?.bot_resolved),
    handedOff: n(r?.handed),
    handoffRate: botN > 0 ? n(r?.handed) / botN : null,
    botCsatResponses: botCsat,
    botCsatAverage: botCsat > 0 ? n(r?.bot_csat_sum) / botCsat : null,
    humanResolved: n(r?.human_resolved),
    humanCsatResponses: humanCsat,
    humanCsatAverage: humanCsat > 0 ? n(r?.human_csat_sum) / humanCsat : null,
  };
}

/**
 * First response counted in the skill's business hours, summed per bucket (a local day, an hour): a request at 16:55
 * on Friday answered at 09:05 on Monday is ten minutes. A skill without hours counts clock time.
 */
async function businessFirstResponses(
  db: Kysely<Database>,
  f: ReportFilters,
  bucketOf: (createdAt: number) => number,
): Promise<Map<number, number>> {
  const [rows, skills] = await Promise.all([
    conversationsIn(db, f)
      .select(['c.created_at', 'c.enqueued_at', 'c.first_response_at', 'c.skill_id'])
      .where('c.first_response_at', 'is not', null)
      .execute(),
    db.selectFrom('skills').select(['id', 'business_hours']).where('account_id', '=', f.accountId).execute(),
  ]);
  const hours = new Map(skills.map((s) => [s.id, hoursOf(s.business_hours)]));
  const byBucket = new Map<number, number>();
  for (const r of rows) {
    const from = n(r.enqueued_at);
    const to = n(r.first_response_at);
    const h = r.skill_id ? hours.get(r.skill_id) : null;
    const ms = h ? businessTimeBetween(h, from, to) : to - from;
    const bucket = bucketOf(n(r.created_at));
    byBucket.set(bucket, (byBucket.get(bucket) ?? 0) + ms);
  }
  return byBucket;
}
