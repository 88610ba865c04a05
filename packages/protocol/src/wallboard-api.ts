import Type, { type Static, type TSchema } from 'typebox';

/**
 * The supervisor's wallboard: per skill, the queue now and today's service level; per agent, the
 * state they are in and their load now.
 */

const Iso = Type.String({ format: 'date-time' });
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const WallboardSkill = Type.Object({
  skillId: Type.String(),
  name: Type.String(),
  /** Conversations queued or offered now. */
  waiting: Type.Integer(),
  /** Seconds the oldest of them has waited. */
  longestWaitSeconds: Type.Number(),
  /** False when the skill sets no SLA targets: the SLA figures below are null. */
  hasTargets: Type.Boolean(),
  /** Waiting conversations already past their first-response target. */
  waitingOverTarget: Type.Integer(),
  /** Of today's decided first responses, how many met the target for their priority. */
  answeredWithinSla: Nullable(Type.Integer()),
  /** How many were decided today: answered (in time or late), or still waiting past the target. */
  slaDecided: Nullable(Type.Integer()),
  /** `answeredWithinSla / slaDecided`; null with no targets or nothing decided yet. */
  slaShare: Nullable(Type.Number()),
  /** Conversations of today the visitor left before an agent answered. */
  abandonedToday: Type.Integer(),
});
export type WallboardSkill = Static<typeof WallboardSkill>;

export const WallboardAgent = Type.Object({
  id: Type.String(),
  name: Type.String(),
  state: Type.Union([Type.Literal('online'), Type.Literal('away'), Type.Literal('offline')]),
  /** With `state: away`: the reason the agent picked. */
  awayReason: Nullable(Type.String()),
  /** Seconds since the agent entered the state; null when the state log does not say. */
  secondsInState: Nullable(Type.Number()),
  /** True while a console of the agent's is connected. */
  connected: Type.Boolean(),
  /** Chats the agent holds now. */
  chats: Type.Integer(),
  /** Chats offered to the agent and not yet taken. */
  offered: Type.Integer(),
  /** Calls the agent is on now. */
  calls: Type.Integer(),
  capacity: Type.Integer(),
  /** (chats + offered) / capacity. */
  load: Type.Number(),
});
export type WallboardAgent = Static<typeof WallboardAgent>;

export const Wallboard = Type.Object({
  at: Iso,
  skills: Type.Array(WallboardSkill),
  agents: Type.Array(WallboardAgent),
});
export type Wallboard = Static<typeof Wallboard>;

export const WallboardQuery = Type.Object(
  { tz: Type.Optional(Type.String({ maxLength: 64 })) },
  { additionalProperties: false },
);
export type WallboardQuery = Static<typeof WallboardQuery>;
