import Type, { type Static, type TSchema } from 'typebox';
import { AgentStatus } from './api.ts';
import { SourceCounts } from './conversions-api.ts';

/** Report shapes of `/api/v1/reports/*`, shared by the server (validation, OpenAPI) and the console (types). */

const Id = Type.String({ minLength: 1, maxLength: 64 });
const Iso = Type.String({ format: 'date-time' });
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Interval = Type.Tuple([Type.Number(), Type.Number()]);
/** ISO 4217 code a report's money is in: the account's latest purchase's; null before any purchase. */
const Currency = Nullable(
  Type.String({ description: 'ISO 4217 code of the revenue figures; null before any purchase' }),
);

/** Filters every report accepts (dates as `YYYY-MM-DD` in `tz`, or full ISO date-times). */
export const ReportQuery = Type.Object(
  {
    from: Type.Optional(
      Type.String({ maxLength: 40, description: 'Start (inclusive); default 30 days before `to`' }),
    ),
    to: Type.Optional(
      Type.String({
        maxLength: 40,
        description: 'End (exclusive; a date means the end of that day); default now',
      }),
    ),
    siteId: Type.Optional(Id),
    campaignId: Type.Optional(Id),
    skillId: Type.Optional(Id),
    agentId: Type.Optional(Id),
    tz: Type.Optional(
      Type.String({ maxLength: 64, description: 'IANA time zone for dates and days (default UTC)' }),
    ),
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')])),
  },
  { additionalProperties: false },
);
export type ReportQuery = Static<typeof ReportQuery>;

/** The conversations report's query: its CSV by day (default), by intent or by sentiment. */
export const ConversationsReportQuery = Type.Object(
  {
    ...ReportQuery.properties,
    by: Type.Optional(
      Type.Union([Type.Literal('day'), Type.Literal('intent'), Type.Literal('sentiment')], {
        description: 'The CSV’s rows: per day (default), per intent or per sentiment',
      }),
    ),
  },
  { additionalProperties: false },
);
export type ConversationsReportQuery = Static<typeof ConversationsReportQuery>;

/** The period and filters a report was computed for. */
export const ReportPeriod = Type.Object({
  from: Iso,
  to: Iso,
  tz: Type.String(),
  siteId: Nullable(Type.String()),
  campaignId: Nullable(Type.String()),
  skillId: Nullable(Type.String()),
  agentId: Nullable(Type.String()),
});
export type ReportPeriod = Static<typeof ReportPeriod>;

export const FunnelStageName = Type.Union([
  Type.Literal('visitors'),
  Type.Literal('qualified'),
  Type.Literal('exposed'),
  Type.Literal('engaged'),
  Type.Literal('conversation'),
  Type.Literal('converted'),
]);
export type FunnelStageName = Static<typeof FunnelStageName>;

export const FunnelStage = Type.Object({
  stage: FunnelStageName,
  label: Type.String(),
  visitors: Type.Integer(),
  /**
   * Share of the stage it narrows (`rateOf`): the previous one, except `conversation`, which counts
   * every visitor who chatted however the chat started (a campaign, an agent's invitation, the
   * visitor's own click) and so is a share of `visitors`, and `converted`, which counts every
   * exposed visitor who converted (with or without a conversation) and so is a share of `exposed`.
   */
  rate: Type.Number(),
  rateOf: FunnelStageName,
  /** Share of the first stage. */
  rateFromTop: Type.Number(),
});
export type FunnelStage = Static<typeof FunnelStage>;

/** Visitors, converted visitors and money of one group (exposed or control). */
export const ArmFigures = Type.Object({
  visitors: Type.Integer(),
  converted: Type.Integer(),
  conversions: Type.Integer(),
  conversionRate: Type.Number(),
  revenue: Type.Number(),
  revenuePerVisitor: Type.Number(),
  /** Which sources saw the group's conversions: the tag only, a server only (API, shop webhook), or both. */
  sources: SourceCounts,
});
export type ArmFigures = Static<typeof ArmFigures>;

/** The funnel's call step, in visitors: shown a call engagement → accepted → call answered → converted. */
export const CallFunnel = Type.Object({
  offered: Type.Integer(),
  accepted: Type.Integer(),
  /** A call in the conversation the engagement opened was answered by an agent. */
  answered: Type.Integer(),
  /** Of those answered, a conversion attributed to the call's campaign. */
  converted: Type.Integer(),
});
export type CallFunnel = Static<typeof CallFunnel>;

export const LiftVerdict = Type.Union([
  Type.Literal('not_enough_data'),
  Type.Literal('treatment_better'),
  Type.Literal('control_better'),
  Type.Literal('no_significant_difference'),
]);

/**
 * Every campaign compared like for like: each campaign's engaged visitors against its own control
 * group, the differences weighted by engaged visitors. Pooled groups compare different visitors.
 */
export const LikeForLike = Type.Object({
  /** Campaigns with visitors in both groups. */
  campaigns: Type.Integer(),
  /** Campaigns left out: nobody held out, or nobody engaged. */
  excluded: Type.Integer(),
  exposedRate: Type.Number(),
  /** The campaigns' control rates, weighted as the engaged visitors are spread over them. */
  controlRate: Type.Number(),
  difference: Nullable(Type.Object({ estimate: Type.Number(), ci: Interval })),
  pValue: Type.Number(),
  verdict: LiftVerdict,
});
export type LikeForLike = Static<typeof LikeForLike>;

export const FunnelReport = Type.Object({
  period: ReportPeriod,
  stages: Type.Array(FunnelStage),
  /** Exposed visitors and what they bought within the attribution window. */
  exposed: ArmFigures,
  /** Control-group visitors (qualified, shown nothing) and what they bought within the same window. */
  control: ArmFigures,
  /** Every conversion on the filtered sites in the period, attributed or not. */
  allConversions: Type.Integer(),
  allRevenue: Type.Number(),
  /** Of `allConversions`, orders a server reported that no visit could be tied to. */
  unattributedConversions: Type.Integer(),
  currency: Currency,
  /** Visitors through the call engagements: offered → accepted → call answered → converted. */
  calls: CallFunnel,
  /** All campaigns like for like; null when the report is narrowed to one campaign. */
  likeForLike: Nullable(LikeForLike),
});
export type FunnelReport = Static<typeof FunnelReport>;

/** Conversation figures of one day (or of the whole period). */
export const ConversationFigures = Type.Object({
  /** `YYYY-MM-DD` in the report's time zone, or `total`. */
  day: Type.String(),
  conversations: Type.Integer(),
  answered: Type.Integer(),
  /** Never reached an agent (offline form, or closed unanswered by the system or an agent). */
  missed: Type.Integer(),
  /** The visitor left before an agent answered. */
  abandoned: Type.Integer(),
  transferred: Type.Integer(),
  avgWaitSeconds: Nullable(Type.Number()),
  maxWaitSeconds: Nullable(Type.Number()),
  avgFirstResponseSeconds: Nullable(Type.Number()),
  /** The same, counting only the skill's business hours (clock time for a skill without hours). */
  avgBusinessFirstResponseSeconds: Nullable(Type.Number()),
  avgHandleSeconds: Nullable(Type.Number()),
  csatResponses: Type.Integer(),
  csatAverage: Nullable(Type.Number()),
  /** Share of CSAT answers of 4 or 5. */
  csatSatisfied: Nullable(Type.Number()),
});
export type ConversationFigures = Static<typeof ConversationFigures>;

/** Bot-resolved against human-resolved conversations of the period. */
export const BotFigures = Type.Object({
  /** Conversations a bot took first. */
  botConversations: Type.Integer(),
  /** Closed while a bot still held them (never handed over). */
  botResolved: Type.Integer(),
  /** Handed over to people, by the bot or by its timeout. */
  handedOff: Type.Integer(),
  /** handedOff / botConversations; null without bot conversations. */
  handoffRate: Nullable(Type.Number()),
  botCsatResponses: Type.Integer(),
  botCsatAverage: Nullable(Type.Number()),
  /** Closed after a person took them (with or without a bot first). */
  humanResolved: Type.Integer(),
  humanCsatResponses: Type.Integer(),
  humanCsatAverage: Nullable(Type.Number()),
});
export type BotFigures = Static<typeof BotFigures>;

/** Conversation figures of one intent or one sentiment (assist); `value` null: not classified, or no intent fits. */
const { day: _dimensionDay, ...dimensionFields } = ConversationFigures.properties;
export const DimensionFigures = Type.Object({
  value: Nullable(Type.String()),
  ...dimensionFields,
});
export type DimensionFigures = Static<typeof DimensionFigures>;

export const ConversationsReport = Type.Object({
  period: ReportPeriod,
  total: ConversationFigures,
  days: Type.Array(ConversationFigures),
  /** For a period of one day, the same figures per hour; `day` holds the hour's start as an ISO instant. */
  hours: Type.Optional(Type.Array(ConversationFigures)),
  /** Bot-resolved and human-resolved conversations, handoff rate and the CSAT of each. */
  bots: Type.Optional(BotFigures),
  /** The same figures per intent and per sentiment, the busiest first; they add up to the total. */
  intents: Type.Optional(Type.Array(DimensionFigures)),
  sentiments: Type.Optional(Type.Array(DimensionFigures)),
});
export type ConversationsReport = Static<typeof ConversationsReport>;

const { day: _day, ...channelFields } = ConversationFigures.properties;

/** Conversation figures of one channel over the period (`web`, `email`, `whatsapp`, …). */
export const ChannelFigures = Type.Object({
  /** The conversations' `channel`: any value the API's `Channel` holds, new ones included. */
  channel: Type.String(),
  ...channelFields,
});
export type ChannelFigures = Static<typeof ChannelFigures>;

export const ChannelsReport = Type.Object({
  period: ReportPeriod,
  total: ConversationFigures,
  /** Channels with at least one conversation in the period, the busiest first. */
  channels: Type.Array(ChannelFigures),
});
export type ChannelsReport = Static<typeof ChannelsReport>;

/** Time an agent spent in one state over the range: online, away for one reason, or offline. */
export const AgentStateTime = Type.Object({
  state: AgentStatus,
  /** With `away`: the reason the agent picked (null: none given). */
  reason: Nullable(Type.String()),
  seconds: Type.Number(),
});
export type AgentStateTime = Static<typeof AgentStateTime>;

export const AgentFigures = Type.Object({
  agentId: Type.String(),
  name: Type.String(),
  capacity: Type.Integer(),
  conversations: Type.Integer(),
  closed: Type.Integer(),
  transferredAway: Type.Integer(),
  missedOffers: Type.Integer(),
  avgFirstResponseSeconds: Nullable(Type.Number()),
  avgHandleSeconds: Nullable(Type.Number()),
  /** Hours with at least one chat open. */
  busyHours: Type.Number(),
  /** Average chats open at once while busy. */
  avgConcurrency: Nullable(Type.Number()),
  peakConcurrency: Type.Integer(),
  /** avgConcurrency / capacity. */
  utilisation: Nullable(Type.Number()),
  csatResponses: Type.Integer(),
  csatAverage: Nullable(Type.Number()),
  /** Macros the agent ran in the range. */
  macroRuns: Type.Integer(),
  /** Time in each state over the range, from the agent's state log (online first, offline last). */
  states: Type.Array(AgentStateTime),
});
export type AgentFigures = Static<typeof AgentFigures>;

export const AgentsReport = Type.Object({ period: ReportPeriod, agents: Type.Array(AgentFigures) });
export type AgentsReport = Static<typeof AgentsReport>;

export const Estimate = Type.Object({
  estimate: Nullable(Type.Number()),
  ci: Nullable(Interval),
  method: Type.String(),
});
export type Estimate = Static<typeof Estimate>;

/** Exposed vs control of one campaign in a period: rates, revenue per visitor, lifts with 95 % intervals. */
export const CampaignLift = Type.Object({
  campaignId: Type.String(),
  campaignName: Type.String(),
  goal: Type.String(),
  attributionWindowDays: Type.Integer(),
  controlShare: Type.Number(),
  exposed: ArmFigures,
  control: ArmFigures,
  absoluteLift: Estimate,
  relativeLift: Estimate,
  pValue: Type.Number(),
  significant: Type.Boolean(),
  enoughData: Type.Boolean(),
  verdict: LiftVerdict,
  confidenceLevel: Type.Number(),
  minimumSample: Type.Object({ visitorsPerArm: Type.Integer(), totalConversions: Type.Integer() }),
  revenue: Type.Object({
    difference: Estimate,
    relativeDifference: Nullable(Type.Number()),
    pValue: Nullable(Type.Number()),
    significant: Type.Boolean(),
    bootstrap: Nullable(Type.Object({ ci: Interval, pValue: Type.Number(), iterations: Type.Integer() })),
  }),
});
export type CampaignLift = Static<typeof CampaignLift>;

export const CampaignLiftReport = Type.Object({
  period: ReportPeriod,
  currency: Currency,
  lift: CampaignLift,
});
export type CampaignLiftReport = Static<typeof CampaignLiftReport>;

/**
 * How the shown visitors' conversions spread over the listed campaigns. A conversion counts in full
 * for every campaign that showed the visitor its engagement within the campaign's window.
 */
export const CreditOverlap = Type.Object({
  /** Conversions counted once, however many campaigns count them. */
  conversions: Type.Integer(),
  /** The campaigns' conversions added up: one three campaigns count adds three. */
  summed: Type.Integer(),
  /** Conversions that more than one campaign counts. */
  shared: Type.Integer(),
  /** Revenue of the conversions, each counted once. */
  revenue: Type.Number(),
  /** The campaigns' revenue added up. */
  summedRevenue: Type.Number(),
});
export type CreditOverlap = Static<typeof CreditOverlap>;

export const CampaignLiftList = Type.Object({
  period: ReportPeriod,
  currency: Currency,
  campaigns: Type.Array(CampaignLift),
  /** The listed campaigns' conversions, counted once and added up. */
  overlap: Type.Optional(CreditOverlap),
});
export type CampaignLiftList = Static<typeof CampaignLiftList>;

export const SkillQueue = Type.Object({
  skillId: Type.String(),
  name: Type.String(),
  waiting: Type.Integer(),
  longestWaitSeconds: Type.Number(),
});
export type SkillQueue = Static<typeof SkillQueue>;

export const TrendPoint = Type.Object({
  /** Start of the minute. */
  at: Iso,
  events: Type.Integer(),
  sessions: Type.Integer(),
  exposures: Type.Integer(),
  conversations: Type.Integer(),
  conversions: Type.Integer(),
  revenue: Type.Number(),
});
export type TrendPoint = Static<typeof TrendPoint>;

/** The live dashboard: what is happening now, and the last hour minute by minute. */
export const LiveReport = Type.Object({
  at: Iso,
  siteId: Nullable(Type.String()),
  /** Visitors seen in the last 5 minutes. */
  visitorsNow: Type.Integer(),
  /** Visitors who qualified for a campaign (exposed or control) in the last 30 minutes. */
  qualified: Type.Integer(),
  /** Visitors shown an engagement in the last 30 minutes. */
  exposed: Type.Integer(),
  queues: Type.Array(SkillQueue),
  inQueue: Type.Integer(),
  chatsActive: Type.Integer(),
  agentsOnline: Type.Integer(),
  agentsAvailable: Type.Integer(),
  agentsAtCapacity: Type.Integer(),
  longestWaitSeconds: Type.Number(),
  avgFirstResponseTodaySeconds: Nullable(Type.Number()),
  conversationsToday: Type.Integer(),
  conversionsToday: Type.Integer(),
  revenueToday: Type.Number(),
  /** Of `revenueToday` and the trend's revenue. */
  currency: Currency,
  trend: Type.Array(TrendPoint),
});
export type LiveReport = Static<typeof LiveReport>;

export const LiveQuery = Type.Object(
  {
    siteId: Type.Optional(Id),
    tz: Type.Optional(Type.String({ maxLength: 64 })),
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')])),
  },
  { additionalProperties: false },
);
export type LiveQuery = Static<typeof LiveQuery>;

/** One arm within a score band. */
export const BandArmFigures = Type.Object({
  visitors: Type.Integer(),
  converted: Type.Integer(),
  conversionRate: Type.Number(),
  revenuePerVisitor: Type.Number(),
});

/** The visitors per group and conversions in all a verdict needs. */
const MinimumSample = Type.Object({ visitorsPerArm: Type.Integer(), totalConversions: Type.Integer() });

/** Exposed vs control within one group of a campaign's qualified visitors (a score band, a country). */
const GroupLiftFields = {
  exposed: BandArmFigures,
  control: BandArmFigures,
  absoluteLift: Estimate,
  relativeLift: Estimate,
  pValue: Type.Number(),
  enoughData: Type.Boolean(),
  verdict: LiftVerdict,
};

/** Exposed vs control among a campaign's qualified visitors whose score (when they qualified) fell in [from, to]. */
export const ScoreBandFigures = Type.Object({
  band: Type.Integer(),
  from: Type.Number(),
  to: Type.Number(),
  ...GroupLiftFields,
  /** What positive-lift targeting does with the band: target it, exclude it, or keep targeting it until it can tell. */
  status: Type.Union([Type.Literal('targeted'), Type.Literal('excluded'), Type.Literal('learning')]),
});
export type ScoreBandFigures = Static<typeof ScoreBandFigures>;

/** A campaign's lift split by the visitors' purchase score: does it reach people who would have bought anyway? */
export const ScoreBandReport = Type.Object({
  period: ReportPeriod,
  campaignId: Type.String(),
  campaignName: Type.String(),
  /** The campaign's targeting mode. */
  scoreBands: Type.Union([Type.Literal('all'), Type.Literal('positive_lift')]),
  /** Of each band's revenue per visitor. */
  currency: Currency,
  /** Deciles, quintiles (small samples), or none (no scored visitor yet). */
  kind: Type.Union([Type.Literal('decile'), Type.Literal('quintile'), Type.Literal('none')]),
  /** At least one band has enough data for a verdict; until then positive-lift mode targets everyone. */
  enoughData: Type.Boolean(),
  minimumSample: MinimumSample,
  bands: Type.Array(ScoreBandFigures),
  /** Qualified visitors without a score (before the model scored them). */
  unscored: Type.Object({ exposed: Type.Integer(), control: Type.Integer() }),
});
export type ScoreBandReport = Static<typeof ScoreBandReport>;

/** Exposed vs control among a campaign's qualified visitors whose predicted uplift fell in [from, to]. */
export const UpliftBandFigures = Type.Object({
  /** 1 = lowest predicted uplift. */
  band: Type.Integer(),
  from: Type.Number(),
  to: Type.Number(),
  ...GroupLiftFields,
});
export type UpliftBandFigures = Static<typeof UpliftBandFigures>;

/** A campaign's uplift model as last trained: a model, or why there is none, with the counts. */
export const UpliftModelState = Type.Object({
  state: Type.Union([
    Type.Literal('trained'),
    Type.Literal('not_enough_data'),
    Type.Literal('failed'),
    Type.Literal('not_trained'),
  ]),
  message: Type.String(),
  /** Exposed and control visitors, and how many of each converted, it learned from. */
  treated: Type.Integer(),
  control: Type.Integer(),
  treatedConversions: Type.Integer(),
  controlConversions: Type.Integer(),
  trainedAt: Nullable(Type.String({ format: 'date-time' })),
  /** The campaign is in the positive-only mode without a model: it targets everyone. */
  targetsEveryone: Type.Boolean(),
});
export type UpliftModelState = Static<typeof UpliftModelState>;

/** A campaign's lift split by its visitors' predicted uplift: does the model find whom the engagement helps? */
export const UpliftBandReport = Type.Object({
  period: ReportPeriod,
  campaignId: Type.String(),
  campaignName: Type.String(),
  /** The campaign's uplift mode, and the share of visitors targeted without the filter. */
  mode: Type.Union([Type.Literal('off'), Type.Literal('positive_only')]),
  holdout: Type.Number(),
  model: UpliftModelState,
  /** Of each band's revenue per visitor. */
  currency: Currency,
  minimumSample: MinimumSample,
  /** Quintiles of predicted uplift, ties kept in one band (so fewer when many visitors share one); empty without a model. */
  bands: Type.Array(UpliftBandFigures),
});
export type UpliftBandReport = Static<typeof UpliftBandReport>;

/** Exposed vs control among a campaign's qualified visitors from one country. */
export const CountryLiftFigures = Type.Object({
  /** ISO 3166-1 alpha-2, or null for visitors whose location is unknown (a private address, no database). */
  country: Nullable(Type.String()),
  ...GroupLiftFields,
});
export type CountryLiftFigures = Static<typeof CountryLiftFigures>;

/** A campaign's lift split by the visitors' country (where the visit came from, when they first qualified). */
export const CountryLiftReport = Type.Object({
  period: ReportPeriod,
  campaignId: Type.String(),
  campaignName: Type.String(),
  /** Of each country's revenue per visitor. */
  currency: Currency,
  minimumSample: MinimumSample,
  /** Countries by qualified visitors, most first; unknown locations last. */
  countries: Type.Array(CountryLiftFigures),
});
export type CountryLiftReport = Static<typeof CountryLiftReport>;
