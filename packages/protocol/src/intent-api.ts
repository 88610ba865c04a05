import Type, { type Static } from 'typebox';

/**
 * Intent and sentiment: the intents an admin keeps (each with example phrases for the rules that
 * work without a model), and what a conversation was classified as.
 */

const Iso = Type.String({ format: 'date-time' });
const closed = { additionalProperties: false } as const;

/** The most example phrases one intent carries. */
export const INTENT_EXAMPLES = 30;

const IntentName = Type.String({ minLength: 1, maxLength: 60 });

/** An intent and the phrases that show it (matched whole-word, ignoring case and accents). */
export const IntentDef = Type.Object(
  {
    name: IntentName,
    examples: Type.Array(Type.String({ minLength: 1, maxLength: 120 }), { maxItems: INTENT_EXAMPLES }),
  },
  closed,
);
export type IntentDef = Static<typeof IntentDef>;

/** An intent as written: its name alone (no examples), or with example phrases. */
export const IntentInput = Type.Union([
  IntentName,
  Type.Object(
    {
      name: IntentName,
      examples: Type.Optional(
        Type.Array(Type.String({ minLength: 1, maxLength: 120 }), { maxItems: INTENT_EXAMPLES }),
      ),
    },
    closed,
  ),
]);
export type IntentInput = Static<typeof IntentInput>;

export const SENTIMENTS = ['positive', 'neutral', 'negative'] as const;
export const Sentiment = Type.Union([
  Type.Literal('positive'),
  Type.Literal('neutral'),
  Type.Literal('negative'),
]);
export type Sentiment = (typeof SENTIMENTS)[number];

/** Who classified: the model, or the example phrases and word lists. */
export const ClassificationSource = Type.Union([Type.Literal('model'), Type.Literal('rules')]);
export type ClassificationSource = Static<typeof ClassificationSource>;

/** How the last classification ended: a value, or why the model gave none. */
export const ClassificationState = Type.Union([
  Type.Literal('done'),
  Type.Literal('timeout'),
  Type.Literal('down'),
  Type.Literal('garbage'),
  Type.Literal('too_long'),
]);
export type ClassificationState = Static<typeof ClassificationState>;

export const Classification = Type.Object({
  /** One of the admin's intents; null when none fits (or the model failed before any value). */
  intent: Type.Union([Type.String(), Type.Null()]),
  sentiment: Type.Union([Sentiment, Type.Null()]),
  source: ClassificationSource,
  state: ClassificationState,
  /** The customer's lines read for it. */
  customerLines: Type.Integer(),
  updatedAt: Iso,
});
export type Classification = Static<typeof Classification>;
