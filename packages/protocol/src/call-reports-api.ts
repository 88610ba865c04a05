import Type, { type Static, type TSchema } from 'typebox';
import { ReportPeriod, ReportQuery } from './reports-api.ts';

/** Shapes of `GET /api/v1/reports/calls`: call service levels per agent, per skill and per day. */

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

/** The report filters, and the channel of the calls' conversations (`web`, `app`, …). */
export const CallsReportQuery = Type.Object(
  {
    ...ReportQuery.properties,
    channel: Type.Optional(Type.String({ minLength: 1, maxLength: 32, pattern: '^[a-z_]+$' })),
  },
  { additionalProperties: false },
);
export type CallsReportQuery = Static<typeof CallsReportQuery>;

/** Call figures of one group: the whole period, a day, a skill or an agent. */
export const CallFigures = Type.Object({
  /** Calls asked for (per agent: calls that rang them, or that they started). */
  offered: Type.Integer(),
  answered: Type.Integer(),
  /** Never answered: the visitor hung up while it rang, or no agent answered or was free. */
  abandoned: Type.Integer(),
  /** Per agent: rings that passed on to someone else (declined or let ring out). */
  missed: Type.Integer(),
  /** answered ÷ offered; null without calls. */
  answerRate: Nullable(Type.Number()),
  /** From the request to the answer, of answered calls. */
  avgWaitSeconds: Nullable(Type.Number()),
  p90WaitSeconds: Nullable(Type.Number()),
  avgTalkSeconds: Nullable(Type.Number()),
  totalTalkSeconds: Type.Number(),
  holdSeconds: Type.Number(),
  /** Calls passed to another agent or skill (per agent: passed on by them). */
  transfers: Type.Integer(),
  /**
   * Messages callers left on a phone number after hours (not calls: not in `offered`). Per agent
   * always 0: a voicemail reached no agent.
   */
  voicemails: Type.Integer(),
});
export type CallFigures = Static<typeof CallFigures>;

export const CallAgentFigures = Type.Object({
  agentId: Type.String(),
  name: Type.String(),
  ...CallFigures.properties,
});
export type CallAgentFigures = Static<typeof CallAgentFigures>;

export const CallSkillFigures = Type.Object({
  /** Null for calls of conversations without a skill. */
  skillId: Nullable(Type.String()),
  name: Type.String(),
  ...CallFigures.properties,
});
export type CallSkillFigures = Static<typeof CallSkillFigures>;

export const CallDayFigures = Type.Object({
  /** `YYYY-MM-DD` in the report's time zone. */
  day: Type.String(),
  ...CallFigures.properties,
});
export type CallDayFigures = Static<typeof CallDayFigures>;

/** Callbacks asked for in the period, by where they stand. */
export const CallbackFigures = Type.Object({
  requested: Type.Integer(),
  /** Waiting for their time (a rescheduled one too). */
  scheduled: Type.Integer(),
  /** In the queue or with an agent now. */
  queued: Type.Integer(),
  reached: Type.Integer(),
  noAnswer: Type.Integer(),
  wrongNumber: Type.Integer(),
  /** Put back for a new time at least once (they count in `scheduled` or their latest outcome too). */
  rescheduled: Type.Integer(),
});
export type CallbackFigures = Static<typeof CallbackFigures>;

export const CallsReport = Type.Object({
  period: ReportPeriod,
  channel: Nullable(Type.String()),
  total: CallFigures,
  days: Type.Array(CallDayFigures),
  /** For a period of one day, the same figures per hour; `day` holds the hour's start as an ISO instant. */
  hours: Type.Optional(Type.Array(CallDayFigures)),
  /** Skills with calls in the period, the busiest first. */
  skills: Type.Array(CallSkillFigures),
  /** Agents with calls in the period, the busiest first (a transferred call counts for each). */
  agents: Type.Array(CallAgentFigures),
  callbacks: CallbackFigures,
  /** Phone numbers that took voicemails in the period, the most first. */
  numbers: Type.Array(Type.Object({ number: Type.String(), voicemails: Type.Integer() })),
});
export type CallsReport = Static<typeof CallsReport>;
