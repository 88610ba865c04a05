import Type, { type Static, type TSchema } from 'typebox';
import { ReportPeriod } from './reports-api.ts';

/** Shape of `GET /api/v1/reports/campaigns/{id}/variants`: each arm, each comparison, the interval over time. */

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Interval = Type.Tuple([Type.Number(), Type.Number()]);

/** What an always-valid comparison of `arm` with `against` says now (see docs/analytics.md, Variants). */
export const VariantVerdict = Type.Union([
  Type.Literal('keep_running'),
  Type.Literal('wins'),
  Type.Literal('loses'),
  Type.Literal('no_difference_likely'),
]);
export type VariantVerdict = Static<typeof VariantVerdict>;

/** One arm: the control group, or a variant (one no longer in the campaign is `removed`). */
export const VariantArm = Type.Object({
  /** The variant's key, or `control`. */
  key: Type.String(),
  control: Type.Boolean(),
  /** In the report's data but no longer among the campaign's variants: its visitors keep it, and get nothing more. */
  removed: Type.Boolean(),
  /** The variant's weight now (share of the visitors not held out); null for control and removed variants. */
  weight: Nullable(Type.Number()),
  /** Visitors who entered the arm in the period. */
  visitors: Type.Integer(),
  /** Their exposures (control: qualifications) to the campaign in the period; a visitor can have several. */
  exposures: Type.Integer(),
  /** Of them, visitors with at least one attributed conversion. */
  converted: Type.Integer(),
  conversions: Type.Integer(),
  revenue: Type.Number(),
  conversionRate: Type.Number(),
  revenuePerVisitor: Type.Number(),
});
export type VariantArm = Static<typeof VariantArm>;

/** `arm` against `against`: differences (arm − against) with always-valid intervals and p-values. */
export const VariantComparison = Type.Object({
  arm: Type.String(),
  against: Type.String(),
  /** Difference of conversion rates (absolute). */
  difference: Type.Number(),
  /** Always-valid interval of the difference: the running intersection over the days of the period. */
  interval: Nullable(Interval),
  /** Conversion rate of `arm` / that of `against` − 1, with its interval (null until both converted). */
  relative: Nullable(Type.Object({ estimate: Type.Number(), interval: Nullable(Interval) })),
  /** Always-valid p-value of "no difference" (the smallest over the days). */
  pValue: Type.Number(),
  enoughData: Type.Boolean(),
  verdict: VariantVerdict,
  /** Revenue per visitor, compared the same way. */
  revenue: Type.Object({
    difference: Type.Number(),
    interval: Nullable(Interval),
    pValue: Type.Number(),
    verdict: VariantVerdict,
  }),
});
export type VariantComparison = Static<typeof VariantComparison>;

/** A variant against control at the end of one day: the cumulative always-valid interval (for the chart). */
export const VariantDay = Type.Object({
  /** YYYY-MM-DD in the report's time zone. */
  date: Type.String(),
  arm: Type.String(),
  difference: Type.Number(),
  interval: Nullable(Interval),
  pValue: Type.Number(),
  enoughData: Type.Boolean(),
});
export type VariantDay = Static<typeof VariantDay>;

export const VariantsReport = Type.Object({
  period: ReportPeriod,
  currency: Nullable(Type.String()),
  campaignId: Type.String(),
  campaignName: Type.String(),
  controlShare: Type.Number(),
  /** ± this difference of conversion rates counts as "no difference" (the campaign's, or the default 0.005). */
  minimalEffect: Type.Number(),
  /** The error rate the intervals keep however often the report is read. */
  alpha: Type.Number(),
  method: Type.Literal('normal-mixture-confidence-sequence'),
  /** Whether the campaign has variants now (a campaign without them may still have data from when it had). */
  hasVariants: Type.Boolean(),
  /** Control first, then the variants in the campaign's order, then removed ones. */
  arms: Type.Array(VariantArm),
  /** Each variant against control, then each pair of variants. */
  comparisons: Type.Array(VariantComparison),
  series: Type.Array(VariantDay),
});
export type VariantsReport = Static<typeof VariantsReport>;
