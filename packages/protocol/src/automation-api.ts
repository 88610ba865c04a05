import Type, { type Static, type TSchema } from 'typebox';
import { Channel } from './chat-api.ts';
import { Sentiment } from './intent-api.ts';

/**
 * Automation rules: when something happens to a conversation (the trigger), and the facts hold
 * (the conditions, all of them), do these steps (the actions, in order). Evaluated on the server
 * on the domain events the store emits; each firing is written to the rule's run log.
 */

const Iso = Type.String({ format: 'date-time' });
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const closed = { additionalProperties: false } as const;
const Id = Type.String({ minLength: 1, maxLength: 100 });
const Ids = Type.Array(Id, { minItems: 1, maxItems: 50, uniqueItems: true });

/** What starts a rule. */
export const AUTOMATION_TRIGGERS = [
  'conversation.created',
  'message.received',
  'conversation.idle',
  'conversation.resolved',
  'csat.received',
  'contact.identified',
  'conversation.classified',
] as const;
export type AutomationTriggerType = (typeof AUTOMATION_TRIGGERS)[number];

export const AutomationTrigger = Type.Union([
  Type.Object({ type: Type.Literal('conversation.created') }, closed),
  Type.Object(
    {
      type: Type.Literal('message.received'),
      /** Whose messages: the customer's (default), or the agents' too. */
      from: Type.Optional(Type.Union([Type.Literal('customer'), Type.Literal('anyone')])),
    },
    closed,
  ),
  Type.Object(
    {
      type: Type.Literal('conversation.idle'),
      /** Nobody wrote for this long in an open conversation; fires once per quiet spell. */
      minutes: Type.Integer({ minimum: 1, maximum: 10_080 }),
    },
    closed,
  ),
  Type.Object({ type: Type.Literal('conversation.resolved') }, closed),
  Type.Object({ type: Type.Literal('csat.received') }, closed),
  Type.Object({ type: Type.Literal('contact.identified') }, closed),
  /** Assist set or changed the conversation's intent or sentiment. */
  Type.Object({ type: Type.Literal('conversation.classified') }, closed),
]);
export type AutomationTrigger = Static<typeof AutomationTrigger>;

export const AutomationCondition = Type.Union([
  Type.Object(
    { type: Type.Literal('channel'), in: Type.Array(Channel, { minItems: 1, maxItems: 20 }) },
    closed,
  ),
  Type.Object({ type: Type.Literal('skill'), in: Ids }, closed),
  Type.Object({ type: Type.Literal('site'), in: Ids }, closed),
  Type.Object(
    {
      type: Type.Literal('contact_attribute'),
      key: Type.String({ minLength: 1, maxLength: 100 }),
      op: Type.Union([Type.Literal('equals'), Type.Literal('contains'), Type.Literal('exists')]),
      value: Type.Optional(Type.String({ maxLength: 500 })),
    },
    closed,
  ),
  Type.Object(
    {
      type: Type.Literal('text_contains'),
      /** Any of these words or phrases, ignoring case (the message, or a rating's comment). */
      any: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { minItems: 1, maxItems: 20 }),
    },
    closed,
  ),
  Type.Object(
    {
      type: Type.Literal('business_hours'),
      /** True: only while the conversation's skill is open; false: only while it is closed. */
      open: Type.Boolean(),
    },
    closed,
  ),
  Type.Object(
    {
      type: Type.Literal('purchase_score'),
      op: Type.Union([Type.Literal('at_least'), Type.Literal('below')]),
      /** The visitor's purchase propensity, 0 to 1. */
      value: Type.Number({ minimum: 0, maximum: 1 }),
    },
    closed,
  ),
  Type.Object(
    {
      type: Type.Literal('intent'),
      /** Any of these of the admin's intents (assist's classification), ignoring case. */
      in: Type.Array(Type.String({ minLength: 1, maxLength: 60 }), { minItems: 1, maxItems: 50 }),
    },
    closed,
  ),
  Type.Object(
    { type: Type.Literal('sentiment'), in: Type.Array(Sentiment, { minItems: 1, maxItems: 3 }) },
    closed,
  ),
]);
export type AutomationCondition = Static<typeof AutomationCondition>;

export const AutomationAction = Type.Union([
  Type.Object({ type: Type.Literal('assign_skill'), skillId: Id }, closed),
  Type.Object({ type: Type.Literal('assign_agent'), agentId: Id }, closed),
  Type.Object(
    { type: Type.Literal('set_priority'), priority: Type.Integer({ minimum: 0, maximum: 10 }) },
    closed,
  ),
  Type.Object(
    {
      type: Type.Literal('add_tags'),
      tags: Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { minItems: 1, maxItems: 20 }),
    },
    closed,
  ),
  Type.Object({ type: Type.Literal('send_canned'), cannedId: Id }, closed),
  Type.Object(
    { type: Type.Literal('snooze'), minutes: Type.Integer({ minimum: 1, maximum: 525_600 }) },
    closed,
  ),
  Type.Object({ type: Type.Literal('resolve') }, closed),
  Type.Object({ type: Type.Literal('send_webhook'), endpointId: Id }, closed),
  Type.Object(
    { type: Type.Literal('notify_email'), to: Type.String({ format: 'email', maxLength: 254 }) },
    closed,
  ),
]);
export type AutomationAction = Static<typeof AutomationAction>;
export type AutomationActionType = AutomationAction['type'];

export const AutomationRule = Type.Object({
  id: Type.String(),
  name: Type.String(),
  enabled: Type.Boolean(),
  trigger: AutomationTrigger,
  conditions: Type.Array(AutomationCondition),
  actions: Type.Array(AutomationAction),
  /** How many times it fired, and when last. */
  runs: Type.Integer(),
  lastRunAt: Nullable(Iso),
  createdAt: Iso,
  updatedAt: Iso,
});
export type AutomationRule = Static<typeof AutomationRule>;

const Name = Type.String({ minLength: 1, maxLength: 120 });
const Conditions = Type.Array(AutomationCondition, { maxItems: 20 });
const Actions = Type.Array(AutomationAction, { minItems: 1, maxItems: 10 });

export const AutomationRuleInput = Type.Object(
  {
    name: Name,
    enabled: Type.Optional(Type.Boolean()),
    trigger: AutomationTrigger,
    conditions: Type.Optional(Conditions),
    actions: Actions,
  },
  closed,
);
export type AutomationRuleInput = Static<typeof AutomationRuleInput>;

export const AutomationRulePatch = Type.Object(
  {
    name: Type.Optional(Name),
    enabled: Type.Optional(Type.Boolean()),
    trigger: Type.Optional(AutomationTrigger),
    conditions: Type.Optional(Conditions),
    actions: Type.Optional(Actions),
  },
  closed,
);
export type AutomationRulePatch = Static<typeof AutomationRulePatch>;

/** What one action of a firing did, or why it failed. */
export const AutomationStep = Type.Object({
  type: Type.String(),
  ok: Type.Boolean(),
  detail: Type.String(),
});
export type AutomationStep = Static<typeof AutomationStep>;

/** One firing of a rule: on which conversation, after which event, and each action's outcome. */
export const AutomationRun = Type.Object({
  id: Type.String(),
  ruleId: Type.String(),
  trigger: Type.String(),
  conversationId: Nullable(Type.String()),
  /** `running` (its actions are under way), `done` (each did its part), `failed` (one or more did not). */
  status: Type.Union([Type.Literal('running'), Type.Literal('done'), Type.Literal('failed')]),
  steps: Type.Array(AutomationStep),
  createdAt: Iso,
});
export type AutomationRun = Static<typeof AutomationRun>;

/** The body a rule's `send_webhook` action delivers (signed, like every webhook). */
export const AutomationWebhookPayload = Type.Object({
  type: Type.Literal('automation.fired'),
  timestamp: Iso,
  data: Type.Object({
    ruleId: Type.String(),
    ruleName: Type.String(),
    trigger: Type.String(),
    conversationId: Nullable(Type.String()),
  }),
});
