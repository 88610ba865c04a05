import type {
  AgentFigures,
  ArmFigures,
  CampaignLift,
  ChannelFigures,
  ConversationFigures,
  CountryLiftFigures,
  DimensionFigures,
  FunnelReport,
  FunnelStage,
  LiveReport,
  TrendPoint,
  UpliftBandFigures,
} from '@beckon/protocol/reports-api';
import { type CsvColumn, toCsv } from './csv-table.ts';

/** A figure rounded for a CSV cell (null stays empty). */
export const round = (v: number | null | undefined, digits = 6) =>
  v === null || v === undefined ? null : Number(v.toFixed(digits));

/**
 * The columns with a last one naming the currency of their money (the account's; empty before any
 * purchase), on the rows that have money (`hasMoney`, default every row).
 */
function withCurrency<T>(
  columns: readonly CsvColumn<T>[],
  currency: string | null,
  hasMoney: (row: T) => boolean = () => true,
): CsvColumn<T>[] {
  return [...columns, { header: 'currency', value: (r) => (hasMoney(r) ? currency : null) }];
}

/** A funnel CSV row: a stage, or one of the two comparison groups. */
interface FunnelRow {
  row: string;
  label: string;
  visitors: number;
  rate?: number;
  rateOf?: string;
  rateFromTop?: number;
  figures?: ArmFigures;
}

const FUNNEL: CsvColumn<FunnelRow>[] = [
  { header: 'row', value: (r) => r.row },
  { header: 'label', value: (r) => r.label },
  { header: 'visitors', value: (r) => r.visitors },
  { header: 'rate', value: (r) => round(r.rate) },
  { header: 'rate_of', value: (r) => r.rateOf },
  { header: 'rate_from_top', value: (r) => round(r.rateFromTop) },
  { header: 'converted', value: (r) => r.figures?.converted },
  { header: 'conversions', value: (r) => r.figures?.conversions },
  { header: 'conversion_rate', value: (r) => round(r.figures?.conversionRate) },
  { header: 'revenue', value: (r) => round(r.figures?.revenue, 2) },
  { header: 'revenue_per_visitor', value: (r) => round(r.figures?.revenuePerVisitor, 4) },
];

/** One table: the funnel's stages, then the exposed and the control group with conversions and revenue. */
export function funnelCsv(r: Omit<FunnelReport, 'likeForLike'>): string {
  const rows: FunnelRow[] = r.stages.map((s: FunnelStage) => ({
    row: s.stage,
    label: s.label,
    visitors: s.visitors,
    rate: s.rate,
    rateOf: s.rateOf,
    rateFromTop: s.rateFromTop,
    figures: s.stage === 'converted' ? r.exposed : undefined,
  }));
  rows.push({
    row: 'exposed_group',
    label: 'Exposed group',
    visitors: r.exposed.visitors,
    figures: r.exposed,
  });
  rows.push({
    row: 'control_group',
    label: 'Control group',
    visitors: r.control.visitors,
    figures: r.control,
  });
  // The call step: each a share of the one before.
  const calls: Array<[string, string, number]> = [
    ['call_offered', 'Shown a call engagement', r.calls.offered],
    ['call_accepted', 'Accepted the call engagement', r.calls.accepted],
    ['call_answered', 'Call answered', r.calls.answered],
    ['call_converted', 'Converted after the call', r.calls.converted],
  ];
  calls.forEach(([row, label, visitors], i) => {
    const before = i > 0 ? calls[i - 1]! : null;
    rows.push({
      row,
      label,
      visitors,
      ...(before ? { rate: before[2] > 0 ? visitors / before[2] : 0, rateOf: before[0] } : {}),
    });
  });
  return toCsv(
    withCurrency(FUNNEL, r.currency, (row) => row.figures !== undefined),
    rows,
  );
}

const CONVERSATIONS: CsvColumn<ConversationFigures>[] = [
  { header: 'day', value: (r) => r.day },
  { header: 'conversations', value: (r) => r.conversations },
  { header: 'answered', value: (r) => r.answered },
  { header: 'missed', value: (r) => r.missed },
  { header: 'abandoned', value: (r) => r.abandoned },
  { header: 'transferred', value: (r) => r.transferred },
  { header: 'avg_wait_s', value: (r) => round(r.avgWaitSeconds, 1) },
  { header: 'max_wait_s', value: (r) => round(r.maxWaitSeconds, 1) },
  { header: 'avg_first_response_s', value: (r) => round(r.avgFirstResponseSeconds, 1) },
  { header: 'avg_handle_s', value: (r) => round(r.avgHandleSeconds, 1) },
  { header: 'csat_responses', value: (r) => r.csatResponses },
  { header: 'csat_average', value: (r) => round(r.csatAverage, 2) },
  { header: 'csat_satisfied', value: (r) => round(r.csatSatisfied, 4) },
];

/** One row per day, then the period's total. */
export const conversationsCsv = (days: ConversationFigures[], total: ConversationFigures) =>
  toCsv(CONVERSATIONS, [...days, total]);

/** One row per channel, then the period's total (`channel` is `total` there). */
export const channelsCsv = (channels: ChannelFigures[], total: ConversationFigures) =>
  toCsv(
    [{ header: 'channel', value: (r) => r.day }, ...CONVERSATIONS.slice(1)],
    [...channels.map((c) => ({ ...c, day: c.channel })), total],
  );

/** One row per intent or sentiment (`none` for conversations without one), then the period's total. */
export const dimensionCsv = (
  header: 'intent' | 'sentiment',
  rows: DimensionFigures[],
  total: ConversationFigures,
) =>
  toCsv(
    [{ header, value: (r) => r.day }, ...CONVERSATIONS.slice(1)],
    [...rows.map((r) => ({ ...r, day: r.value ?? 'none' })), total],
  );

/** An agent's time in one state, every away reason together. */
const secondsIn = (r: AgentFigures, state: AgentFigures['states'][number]['state']) =>
  r.states.filter((s) => s.state === state).reduce((sum, s) => sum + s.seconds, 0);

const AGENTS: CsvColumn<AgentFigures>[] = [
  { header: 'agent_id', value: (r) => r.agentId },
  { header: 'name', value: (r) => r.name },
  { header: 'capacity', value: (r) => r.capacity },
  { header: 'conversations', value: (r) => r.conversations },
  { header: 'closed', value: (r) => r.closed },
  { header: 'transferred_away', value: (r) => r.transferredAway },
  { header: 'missed_offers', value: (r) => r.missedOffers },
  { header: 'avg_first_response_s', value: (r) => round(r.avgFirstResponseSeconds, 1) },
  { header: 'avg_handle_s', value: (r) => round(r.avgHandleSeconds, 1) },
  { header: 'busy_hours', value: (r) => round(r.busyHours, 3) },
  { header: 'avg_concurrency', value: (r) => round(r.avgConcurrency, 3) },
  { header: 'peak_concurrency', value: (r) => r.peakConcurrency },
  { header: 'utilisation', value: (r) => round(r.utilisation, 4) },
  { header: 'csat_responses', value: (r) => r.csatResponses },
  { header: 'csat_average', value: (r) => round(r.csatAverage, 2) },
  { header: 'macro_runs', value: (r) => r.macroRuns },
  { header: 'online_s', value: (r) => round(secondsIn(r, 'online'), 0) },
  { header: 'away_s', value: (r) => round(secondsIn(r, 'away'), 0) },
  { header: 'offline_s', value: (r) => round(secondsIn(r, 'offline'), 0) },
];

export const agentsCsv = (agents: AgentFigures[]) => toCsv(AGENTS, agents);

/** Both groups' figures and the conversion lift, as each split of the lift report writes them. */
interface GroupFigures {
  exposed: { visitors: number; converted: number; conversionRate: number; revenuePerVisitor: number };
  control: GroupFigures['exposed'];
  absoluteLift: { estimate: number | null; ci: readonly number[] | null };
  relativeLift: GroupFigures['absoluteLift'];
}

function groupColumns<T extends GroupFigures>(): CsvColumn<T>[] {
  return [
    { header: 'exposed_visitors', value: (r) => r.exposed.visitors },
    { header: 'exposed_converted', value: (r) => r.exposed.converted },
    { header: 'exposed_rate', value: (r) => round(r.exposed.conversionRate) },
    { header: 'exposed_revenue_per_visitor', value: (r) => round(r.exposed.revenuePerVisitor, 4) },
    { header: 'control_visitors', value: (r) => r.control.visitors },
    { header: 'control_converted', value: (r) => r.control.converted },
    { header: 'control_rate', value: (r) => round(r.control.conversionRate) },
    { header: 'control_revenue_per_visitor', value: (r) => round(r.control.revenuePerVisitor, 4) },
    { header: 'absolute_lift', value: (r) => round(r.absoluteLift.estimate) },
    { header: 'absolute_lift_ci_low', value: (r) => round(r.absoluteLift.ci?.[0]) },
    { header: 'absolute_lift_ci_high', value: (r) => round(r.absoluteLift.ci?.[1]) },
    { header: 'relative_lift', value: (r) => round(r.relativeLift.estimate) },
    { header: 'relative_lift_ci_low', value: (r) => round(r.relativeLift.ci?.[0]) },
    { header: 'relative_lift_ci_high', value: (r) => round(r.relativeLift.ci?.[1]) },
  ];
}

const LIFT: CsvColumn<CampaignLift>[] = [
  { header: 'campaign_id', value: (r) => r.campaignId },
  { header: 'campaign', value: (r) => r.campaignName },
  { header: 'goal', value: (r) => r.goal },
  { header: 'window_days', value: (r) => r.attributionWindowDays },
  ...groupColumns<CampaignLift>(),
  { header: 'p_value', value: (r) => round(r.pValue, 8) },
  { header: 'revenue_per_visitor_difference', value: (r) => round(r.revenue.difference.estimate, 4) },
  { header: 'revenue_difference_ci_low', value: (r) => round(r.revenue.difference.ci?.[0], 4) },
  { header: 'revenue_difference_ci_high', value: (r) => round(r.revenue.difference.ci?.[1], 4) },
  { header: 'revenue_p_value', value: (r) => round(r.revenue.pValue, 8) },
  { header: 'verdict', value: (r) => r.verdict },
];

/** One row per campaign: both groups, the lifts with their 95 % intervals, the p-values and the verdict. */
export const liftCsv = (rows: CampaignLift[], currency: string | null) =>
  toCsv(withCurrency(LIFT, currency), rows);

const COUNTRIES: CsvColumn<CountryLiftFigures>[] = [
  { header: 'country', value: (r) => r.country },
  ...groupColumns<CountryLiftFigures>(),
  { header: 'p_value', value: (r) => round(r.pValue, 8) },
  { header: 'verdict', value: (r) => r.verdict },
];

/** One row per country (empty country: visitors whose location is unknown). */
export const countryLiftCsv = (rows: CountryLiftFigures[], currency: string | null) =>
  toCsv(withCurrency(COUNTRIES, currency), rows);

const UPLIFT_BANDS: CsvColumn<UpliftBandFigures>[] = [
  { header: 'band', value: (r) => r.band },
  { header: 'uplift_from', value: (r) => round(r.from, 6) },
  { header: 'uplift_to', value: (r) => round(r.to, 6) },
  ...groupColumns<UpliftBandFigures>(),
  { header: 'p_value', value: (r) => round(r.pValue, 8) },
  { header: 'verdict', value: (r) => r.verdict },
];

/** One row per band of predicted uplift, lowest first. */
export const upliftBandsCsv = (rows: UpliftBandFigures[], currency: string | null) =>
  toCsv(withCurrency(UPLIFT_BANDS, currency), rows);

const TREND: CsvColumn<TrendPoint>[] = [
  { header: 'minute', value: (r) => r.at },
  { header: 'events', value: (r) => r.events },
  { header: 'sessions', value: (r) => r.sessions },
  { header: 'exposures', value: (r) => r.exposures },
  { header: 'conversations', value: (r) => r.conversations },
  { header: 'conversions', value: (r) => r.conversions },
  { header: 'revenue', value: (r) => round(r.revenue, 2) },
];

/** The live dashboard's last-hour trend, minute by minute. */
export const liveCsv = (r: LiveReport) => toCsv(withCurrency(TREND, r.currency), r.trend);
