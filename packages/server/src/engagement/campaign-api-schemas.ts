import {
  AfterDeclineSchema,
  CampaignInputSchema,
  CampaignStatusSchema,
  type Condition,
  EngagementSchema,
  GoalSchema,
  ScheduleSchema,
  ScoreBandModeSchema,
  SurfacesSchema,
  UpliftSettingsSchema,
} from '@beckon/protocol';
import Type from 'typebox';

const Iso = Type.String({ format: 'date-time' });
/** A condition tree as stored (any depth; checked by `validateCampaignInput`, not by this schema). */
const Targeting = Type.Unsafe<Condition>({
  type: 'object',
  additionalProperties: true,
  description: 'Condition tree: {all:[…]}, {any:[…]}, {not:…} or {field, op, value}',
});

/** A campaign as the API returns it: the validated definition with defaults applied, plus bookkeeping. */
export const CampaignView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  status: CampaignStatusSchema,
  goal: GoalSchema,
  targeting: Targeting,
  schedule: Type.Optional(ScheduleSchema),
  frequency: Type.Object({
    perSession: Type.Optional(Type.Integer()),
    perVisitorPerDay: Type.Optional(Type.Integer()),
    afterDecline: AfterDeclineSchema,
  }),
  priority: Type.Integer(),
  controlShare: Type.Number(),
  engagement: EngagementSchema,
  attributionWindowDays: Type.Integer(),
  scoreBands: ScoreBandModeSchema,
  minimalEffect: Type.Optional(Type.Number()),
  uplift: Type.Optional(UpliftSettingsSchema),
  surfaces: Type.Optional(SurfacesSchema),
  version: Type.Integer(),
  createdAt: Iso,
  updatedAt: Iso,
});

/**
 * POST body (documented; checked in the handler so a fault is reported with its JSON-pointer path).
 * It has no `id`: the server chooses ids, so no answer can reveal another account's.
 */
export const CampaignCreateBody = CampaignInputSchema;

/** PATCH body: any subset of the create body; the merged campaign must be valid. */
export const CampaignPatchBody = Type.Partial(CampaignInputSchema);

export const CampaignListQuery = Type.Object({ status: Type.Optional(CampaignStatusSchema) });
