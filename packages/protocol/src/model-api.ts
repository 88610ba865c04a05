import Type, { type Static, type TSchema } from 'typebox';

/** Shapes of `/api/v1/model` and the score fields of visitors, shared by the server and the console. */

const Iso = Type.String({ format: 'date-time' });
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const PageKindSchema = Type.Union([
  Type.Literal('administrative'),
  Type.Literal('informational'),
  Type.Literal('product'),
]);

/** One feature's push on a visitor's score, in words a marketer reads. */
export const ScoreFactor = Type.Object({
  feature: Type.String(),
  label: Type.String(),
  value: Type.Number(),
  effect: Type.Union([Type.Literal('raised'), Type.Literal('lowered')]),
  /** Change in log-odds (positive raised the score). */
  weight: Type.Number(),
  text: Type.String(),
});
export type ScoreFactor = Static<typeof ScoreFactor>;

export const FeatureImportance = Type.Object({
  feature: Type.String(),
  label: Type.String(),
  /** Share of the average score movement (all features sum to 1). */
  importance: Type.Number(),
});
export type FeatureImportance = Static<typeof FeatureImportance>;

/** The model scoring an account's visitors now. */
export const ActiveModel = Type.Object({
  /** `default`: the model shipped pre-trained on the UCI data; `trained`: learned from this account's sessions. */
  source: Type.Union([Type.Literal('default'), Type.Literal('trained')]),
  id: Type.String(),
  trainedAt: Nullable(Iso),
  activatedAt: Nullable(Iso),
  /** Sessions it was trained on. */
  sessions: Type.Integer(),
  purchases: Type.Integer(),
  /** How the figures below were measured, e.g. "latest 20 % of sessions held out". */
  evaluation: Type.String(),
  evaluatedSessions: Type.Integer(),
  auroc: Type.Number(),
  aupr: Type.Number(),
  brier: Type.Number(),
  /** Score at or above which a visitor counts as a likely buyer. */
  threshold: Type.Number(),
  features: Type.Array(FeatureImportance),
});
export type ActiveModel = Static<typeof ActiveModel>;

export const TrainingOutcome = Type.Union([
  Type.Literal('activated'),
  Type.Literal('kept_current'),
  Type.Literal('not_enough_data'),
  Type.Literal('failed'),
]);
export type TrainingOutcome = Static<typeof TrainingOutcome>;

/** One training run and what became of its model. */
export const TrainingRun = Type.Object({
  id: Nullable(Type.String()),
  trigger: Type.String(),
  outcome: TrainingOutcome,
  message: Type.String(),
  at: Iso,
  sessions: Type.Integer(),
  purchases: Type.Integer(),
  auroc: Nullable(Type.Number()),
  /** The model it was compared with, on the same held-out sessions. */
  baselineAuroc: Nullable(Type.Number()),
});
export type TrainingRun = Static<typeof TrainingRun>;

/** One campaign's uplift training run, started with the account's model: a model, or why there is none. */
export const UpliftTrainingRun = Type.Object({
  campaignId: Type.String(),
  state: Type.Union([Type.Literal('trained'), Type.Literal('not_enough_data'), Type.Literal('failed')]),
  message: Type.String(),
  /** Exposed and control visitors, and how many of each converted, it learned from. */
  treated: Type.Integer(),
  control: Type.Integer(),
  treatedConversions: Type.Integer(),
  controlConversions: Type.Integer(),
  trainedAt: Iso,
});
export type UpliftTrainingRun = Static<typeof UpliftTrainingRun>;

/** "Train now": the purchase model's run, and the uplift runs of the campaigns that read predicted uplift. */
export const TrainNowRun = Type.Object({
  ...TrainingRun.properties,
  uplift: Type.Array(UpliftTrainingRun),
});
export type TrainNowRun = Static<typeof TrainNowRun>;

export const ModelStatus = Type.Object({
  active: ActiveModel,
  /** The account's own labelled sessions, and what it takes to train on them. */
  data: Type.Object({
    sessions: Type.Integer(),
    purchases: Type.Integer(),
    minSessions: Type.Integer(),
    minPurchases: Type.Integer(),
    enough: Type.Boolean(),
  }),
  training: Type.Object({
    running: Type.Boolean(),
    startedAt: Nullable(Iso),
    /** Scheduled training: every this many hours (0 = off). */
    everyHours: Type.Number(),
    nextAt: Nullable(Iso),
    history: Type.Array(TrainingRun),
  }),
});
export type ModelStatus = Static<typeof ModelStatus>;

/** A site's feature settings: section labels to page kinds, and its special-day calendar. */
export const SpecialDaySchema = Type.Union([
  Type.Object(
    {
      name: Type.String({ minLength: 1, maxLength: 60 }),
      month: Type.Integer({ minimum: 1, maximum: 12 }),
      day: Type.Integer({ minimum: 1, maximum: 31 }),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      name: Type.String({ minLength: 1, maxLength: 60 }),
      month: Type.Integer({ minimum: 1, maximum: 12 }),
      weekday: Type.Integer({ minimum: 0, maximum: 6 }),
      nth: Type.Union([Type.Literal(-1), Type.Integer({ minimum: 1, maximum: 5 })]),
      offsetDays: Type.Optional(Type.Integer({ minimum: -14, maximum: 14 })),
    },
    { additionalProperties: false },
  ),
]);

export const SiteModelSettings = Type.Object(
  {
    /** Section label → kind (null removes a default mapping). Merged over the defaults. */
    sectionKinds: Type.Record(
      Type.String({ pattern: '^[A-Za-z0-9_.:$ -]{1,64}$' }),
      Type.Union([PageKindSchema, Type.Null()]),
      { maxProperties: 200 },
    ),
    /** Kind of pages with no mapped label; null counts them in no kind. */
    unlabelled: Type.Union([PageKindSchema, Type.Null()]),
    /** The site's calendar; null uses the defaults. */
    specialDays: Type.Union([Type.Array(SpecialDaySchema, { maxItems: 50 }), Type.Null()]),
  },
  { additionalProperties: false },
);
export type SiteModelSettings = Static<typeof SiteModelSettings>;

export const SiteModelSettingsView = Type.Object({
  siteId: Type.String(),
  settings: SiteModelSettings,
  /** The mapping in force (defaults merged with the site's own). */
  effectiveKinds: Type.Record(Type.String(), PageKindSchema),
  effectiveSpecialDays: Type.Array(SpecialDaySchema),
});
export type SiteModelSettingsView = Static<typeof SiteModelSettingsView>;
