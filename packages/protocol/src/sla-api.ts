import Type, { type Static, type TSchema } from 'typebox';

/**
 * Service levels: the first-response and resolution targets a skill sets per priority band, the
 * breach event, and the SLA report. The bands map a conversation's numeric priority
 * (`slaPriorityOf` in `@beckon/core/sla/sla-clock`).
 */

const Iso = Type.String({ format: 'date-time' });
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

/** The priority bands targets are set for, lowest first. */
export const SLA_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type SlaPriority = (typeof SLA_PRIORITIES)[number];

/** The two clocks a conversation runs against. */
export const SLA_TARGETS = ['first_response', 'resolution'] as const;
export type SlaTargetName = (typeof SLA_TARGETS)[number];

/** Seconds (of business time, where the skill has hours) allowed for each target; null: no target. */
export const SlaTarget = Type.Object(
  {
    firstResponseSeconds: Nullable(Type.Integer({ minimum: 60, maximum: 90 * 86400 })),
    resolutionSeconds: Nullable(Type.Integer({ minimum: 60, maximum: 90 * 86400 })),
  },
  { additionalProperties: false },
);
export type SlaTarget = Static<typeof SlaTarget>;

/** A skill's targets per priority band; a band left out has no target. */
export const SlaTargets = Type.Object(
  {
    low: Type.Optional(SlaTarget),
    normal: Type.Optional(SlaTarget),
    high: Type.Optional(SlaTarget),
    urgent: Type.Optional(SlaTarget),
  },
  { additionalProperties: false },
);
export type SlaTargets = Static<typeof SlaTargets>;

/** The `conversation.sla_breached` webhook payload. */
export const SlaBreachPayload = Type.Object({
  conversationId: Type.String(),
  /** `first_response` or `resolution`. */
  target: Type.Union([Type.Literal('first_response'), Type.Literal('resolution')]),
  skillId: Type.String(),
  priority: Type.Union([
    Type.Literal('low'),
    Type.Literal('normal'),
    Type.Literal('high'),
    Type.Literal('urgent'),
  ]),
  agentId: Nullable(Type.String()),
  channel: Type.String(),
  /** When the target fell due. */
  dueAt: Iso,
  /** The target's length, in seconds of business time. */
  targetSeconds: Type.Integer(),
});
export type SlaBreachPayload = Static<typeof SlaBreachPayload>;

/** One row of a breakdown in the SLA report (a skill, an agent or a channel). */
export const SlaReportRow = Type.Object({
  key: Type.String(),
  label: Type.String(),
  conversations: Type.Integer(),
  firstResponseBreaches: Type.Integer(),
  resolutionBreaches: Type.Integer(),
});
export type SlaReportRow = Static<typeof SlaReportRow>;

/** A share of conversations that met a target, of those the target applied to and that are decided. */
export const SlaShare = Type.Object({
  met: Type.Integer(),
  total: Type.Integer(),
  /** met / total, or null when total is 0. */
  rate: Nullable(Type.Number()),
});

/** Conversations and breaches of one day (`YYYY-MM-DD`) or one hour. */
const SlaDay = Type.Object({
  date: Type.String(),
  conversations: Type.Integer(),
  firstResponseBreaches: Type.Integer(),
  resolutionBreaches: Type.Integer(),
});

/** `GET /api/v1/reports/sla`: targets met over the range, breaches by skill, agent and channel, by day. */
export const SlaReport = Type.Object({
  from: Iso,
  to: Iso,
  firstResponse: SlaShare,
  resolution: SlaShare,
  bySkill: Type.Array(SlaReportRow),
  byAgent: Type.Array(SlaReportRow),
  byChannel: Type.Array(SlaReportRow),
  days: Type.Array(SlaDay),
  /** For a period of one day, the same figures per hour; `date` holds the hour's start as an ISO instant. */
  hours: Type.Optional(Type.Array(SlaDay)),
});
export type SlaReport = Static<typeof SlaReport>;

/** `GET /api/v1/sla/breaches`: breaches recorded after `since` (the console's alerts). */
export const SlaBreachesQuery = Type.Object(
  {
    since: Type.Optional(Type.String({ format: 'date-time', description: 'Default: 10 minutes ago' })),
  },
  { additionalProperties: false },
);
export type SlaBreachesQuery = Static<typeof SlaBreachesQuery>;

/** A breach as the console lists it. */
export const SlaBreachView = Type.Object({
  ...SlaBreachPayload.properties,
  visitorName: Nullable(Type.String()),
  breachedAt: Iso,
});
export type SlaBreachView = Static<typeof SlaBreachView>;

export const SlaBreachList = Type.Object({ breaches: Type.Array(SlaBreachView) });
export type SlaBreachList = Static<typeof SlaBreachList>;
