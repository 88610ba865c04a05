import Type, { type Static } from 'typebox';
import { Conversation, MessageBody } from './chat-api.ts';

/**
 * Macros: a named set of actions an agent runs on a conversation with one click or a key. A run
 * checks every action first and changes nothing when one cannot be done (a deleted skill, a
 * colleague who left); then it sends the reply, adds the tags, sets the status and assigns, in that
 * order. Shared macros belong to the account (owners and admins keep them); personal ones to
 * their author alone.
 */

const closed = { additionalProperties: false } as const;
const Iso = Type.String({ format: 'date-time' });
const Id = Type.String({ minLength: 1, maxLength: 64 });

/** At most a year of snooze, in minutes. */
export const MAX_MACRO_SNOOZE_MINUTES = 366 * 24 * 60;
export const MAX_MACRO_NAME_LENGTH = 80;

export const MacroStatus = Type.Union([
  Type.Literal('open'),
  Type.Literal('pending'),
  Type.Literal('resolved'),
]);
export type MacroStatus = Static<typeof MacroStatus>;

export const MacroActions = Type.Object(
  {
    reply: Type.Optional(
      Type.String({
        ...MessageBody,
        minLength: 1,
        description:
          'A reply to the customer; may use {visitor.name}, {visitor.email}, {agent.name}, {agent.firstName}',
      }),
    ),
    tags: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 40 }), {
        minItems: 1,
        maxItems: 20,
        description: 'Added to the conversation’s tags',
      }),
    ),
    /** open, pending (waiting on the customer) or resolved. */
    status: Type.Optional(MacroStatus),
    snoozeMinutes: Type.Optional(
      Type.Integer({
        minimum: 5,
        maximum: MAX_MACRO_SNOOZE_MINUTES,
        description: 'Snooze for this long (instead of a status)',
      }),
    ),
    assign: Type.Optional(
      Type.Union([Type.Object({ skillId: Id }, closed), Type.Object({ agentId: Id }, closed)], {
        description: 'Transfer to a skill’s queue or to an agent (not with resolved)',
      }),
    ),
  },
  { ...closed, minProperties: 1 },
);
export type MacroActions = Static<typeof MacroActions>;

export const Macro = Type.Object({
  id: Type.String(),
  name: Type.String(),
  /** Shared with the whole account; false: the author's own. */
  shared: Type.Boolean(),
  /** The author of a personal macro; null for a shared one. */
  ownerId: Type.Union([Type.String(), Type.Null()]),
  actions: MacroActions,
  createdAt: Iso,
  updatedAt: Iso,
});
export type Macro = Static<typeof Macro>;

const Name = Type.String({ minLength: 1, maxLength: MAX_MACRO_NAME_LENGTH });

export const MacroCreate = Type.Object(
  {
    name: Name,
    shared: Type.Optional(
      Type.Boolean({ description: 'Shared with the account (owners and admins); default: your own' }),
    ),
    actions: MacroActions,
  },
  closed,
);
export type MacroCreate = Static<typeof MacroCreate>;

export const MacroUpdate = Type.Object(
  { name: Type.Optional(Name), shared: Type.Optional(Type.Boolean()), actions: Type.Optional(MacroActions) },
  { ...closed, minProperties: 1 },
);
export type MacroUpdate = Static<typeof MacroUpdate>;

export const MacroRunParams = Type.Object({ id: Id, macroId: Id }, closed);
export type MacroRunParams = Static<typeof MacroRunParams>;

/** One action a run did, in the agent's words. */
export const MacroStep = Type.Object({
  type: Type.Union([
    Type.Literal('reply'),
    Type.Literal('tags'),
    Type.Literal('status'),
    Type.Literal('snooze'),
    Type.Literal('assign'),
  ]),
  detail: Type.String(),
});
export type MacroStep = Static<typeof MacroStep>;

export const MacroRun = Type.Object({
  id: Type.String(),
  macroId: Type.String(),
  /** What was done, in order. */
  steps: Type.Array(MacroStep),
  /** The reply's line, when the macro sent one. */
  replySeq: Type.Union([Type.Integer(), Type.Null()]),
  conversation: Conversation,
});
export type MacroRun = Static<typeof MacroRun>;
