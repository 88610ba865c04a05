import Type, { type Static, type TSchema } from 'typebox';
import { IntentDef, IntentInput } from './intent-api.ts';

/**
 * Agent assist: an account's settings (off until an admin turns it on; a model the business runs
 * itself, or none), the suggestions the composer shows, and conversation summaries.
 */

const Iso = Type.String({ format: 'date-time' });
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const closed = { additionalProperties: false } as const;

/** The default deadline of one model call (seconds). */
export const DEFAULT_ASSIST_TIMEOUT_SECONDS = 8;
/** The most suggestions found by search (knowledge, canned, similar); a model may add one. */
export const SEARCH_SUGGESTIONS = 3;

export const TranslationProvider = Type.Union([Type.Literal('model'), Type.Literal('libretranslate')]);
export type TranslationProvider = Static<typeof TranslationProvider>;

const translationFields = {
  provider: TranslationProvider,
  /** A LibreTranslate-compatible server, with `libretranslate`. */
  baseUrl: Type.Optional(Type.String({ maxLength: 2000, pattern: '^(https?://.+)?$' })),
};

/** How lines are translated, as read back: the LibreTranslate key is never shown, only whether one is stored. */
export const AssistTranslation = Type.Object(
  { ...translationFields, hasApiKey: Type.Optional(Type.Boolean()) },
  closed,
);
export type AssistTranslation = Static<typeof AssistTranslation>;

/** How lines are translated, as saved. */
export const AssistTranslationUpdate = Type.Object(
  {
    ...translationFields,
    /** The LibreTranslate server's API key (sent as `api_key`); `null` removes it; left out keeps it. */
    apiKey: Type.Optional(Nullable(Type.String({ maxLength: 1000 }))),
  },
  closed,
);
export type AssistTranslationUpdate = Static<typeof AssistTranslationUpdate>;

/** What the model may be sent text for: each use left out works without a model. */
export const ModelUse = Type.Union([
  Type.Literal('suggestions'),
  Type.Literal('summaries'),
  Type.Literal('translation'),
  Type.Literal('intent'),
]);
export type ModelUse = Static<typeof ModelUse>;
/** Every use, the default: an account that never chose sends text to its model for all four. */
export const MODEL_USES: readonly ModelUse[] = ['suggestions', 'summaries', 'translation', 'intent'];

export const AssistSettings = Type.Object({
  enabled: Type.Boolean(),
  /** An OpenAI-compatible API base (llama.cpp, Ollama, vLLM…); empty: suggestions by search only. */
  baseUrl: Type.String(),
  model: Type.String(),
  /** True when an API key is stored (sealed at rest); the key is never read back. */
  hasApiKey: Type.Boolean(),
  timeoutSeconds: Type.Integer(),
  translation: AssistTranslation,
  /** What the model may be sent text for; the others work without it. */
  modelUses: Type.Array(ModelUse),
  /** The intents conversations are classified into, each with its example phrases. */
  intents: Type.Array(IntentDef),
  updatedAt: Nullable(Iso),
});
export type AssistSettings = Static<typeof AssistSettings>;

export const AssistUpdate = Type.Object(
  {
    enabled: Type.Boolean(),
    baseUrl: Type.String({ maxLength: 2000, pattern: '^(https?://.+)?$' }),
    model: Type.String({ maxLength: 200 }),
    /** A new key; `null` removes the stored one; left out keeps it. */
    apiKey: Type.Optional(Nullable(Type.String({ maxLength: 1000 }))),
    timeoutSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 60 })),
    translation: Type.Optional(AssistTranslationUpdate),
    /** What the model may be sent text for; left out, all four (the default). */
    modelUses: Type.Optional(Type.Array(ModelUse, { uniqueItems: true, maxItems: 4 })),
    /** Names, or `{ name, examples }` with the phrases the rules match without a model. */
    intents: Type.Optional(Type.Array(IntentInput, { maxItems: 50 })),
  },
  closed,
);
export type AssistUpdate = Static<typeof AssistUpdate>;

export const SuggestionSource = Type.Union([
  Type.Literal('knowledge'),
  Type.Literal('canned'),
  Type.Literal('similar'),
  Type.Literal('model'),
]);
export type SuggestionSource = Static<typeof SuggestionSource>;

export const Suggestion = Type.Object({
  source: SuggestionSource,
  text: Type.String(),
  /** The knowledge articles it comes from or cites. */
  articleIds: Type.Optional(Type.Array(Type.String())),
});
export type Suggestion = Static<typeof Suggestion>;

/** Why the model's suggestion is missing; the others are shown all the same. */
export const ModelState = Type.Union([
  Type.Literal('off'),
  Type.Literal('writing'),
  Type.Literal('done'),
  Type.Literal('timeout'),
  Type.Literal('down'),
  Type.Literal('garbage'),
  Type.Literal('too_long'),
]);
export type ModelState = Static<typeof ModelState>;

export const SuggestionList = Type.Object({
  /** The customer line these suggestions answer (absent when there is none yet). */
  seq: Type.Optional(Type.Integer({ minimum: 0 })),
  items: Type.Array(Suggestion),
  /** The model's suggestion: off (no model), writing (it streams to the agent socket), or why it failed. */
  model: Type.Optional(ModelState),
});
export type SuggestionList = Static<typeof SuggestionList>;

export const SuggestionOutcome = Type.Union([
  Type.Literal('shown'),
  Type.Literal('used'),
  Type.Literal('edited'),
  Type.Literal('ignored'),
]);
export type SuggestionOutcome = Static<typeof SuggestionOutcome>;

export const SuggestionFeedback = Type.Object(
  { source: SuggestionSource, outcome: SuggestionOutcome },
  closed,
);
export type SuggestionFeedback = Static<typeof SuggestionFeedback>;

/** Per agent and source: how often suggestions were shown, used as they were, used edited, or ignored. */
export const SuggestionUsage = Type.Object({
  agentId: Type.String(),
  source: SuggestionSource,
  shown: Type.Integer(),
  used: Type.Integer(),
  edited: Type.Integer(),
  ignored: Type.Integer(),
});
export type SuggestionUsage = Static<typeof SuggestionUsage>;

export const SummarySource = Type.Union([Type.Literal('model'), Type.Literal('extract')]);
export type SummarySource = Static<typeof SummarySource>;

/** The most of a summary kept (characters). */
export const SUMMARY_CHARS = 2000;

export const ConversationSummary = Type.Object({
  text: Type.String(),
  /** Who wrote it first: the model, or the key lines extracted without one. */
  source: SummarySource,
  /** The agent who last edited it by hand; null when nobody did. */
  editedBy: Type.Optional(Nullable(Type.String())),
  updatedAt: Iso,
});
export type ConversationSummary = Static<typeof ConversationSummary>;

export const SummaryUpdate = Type.Object(
  { text: Type.String({ minLength: 1, maxLength: SUMMARY_CHARS }) },
  closed,
);
export type SummaryUpdate = Static<typeof SummaryUpdate>;

/** A language as a two- or three-letter code (ISO 639), such as `es` or `de`. */
export const LanguageCode = Type.String({ pattern: '^[a-z]{2,3}$' });

/**
 * Where a line's translation stands: `done`; `unknown` (the detector did not know the customer's
 * language: shown as written); or why the service gave none (`down`, `timeout`, `garbage`, `too_long`).
 */
export const TranslationState = Type.Union([
  Type.Literal('done'),
  Type.Literal('unknown'),
  Type.Literal('down'),
  Type.Literal('timeout'),
  Type.Literal('garbage'),
  Type.Literal('too_long'),
]);
export type TranslationState = Static<typeof TranslationState>;

/**
 * A line seen through live translation. For a customer's line, `text` is its translation into the
 * agent's language; for an agent's translated reply, `text` is what the agent wrote, and the
 * message's own text is what the customer was sent. Either way the agent reads `text` first.
 */
export const MessageTranslation = Type.Object({
  /** The language of the message's own text; null when the detector did not know it. */
  language: Nullable(LanguageCode),
  /** The agent's language: the language of `text`. */
  agentLanguage: LanguageCode,
  /** The line in the agent's language; empty when there is no translation (see `state`). */
  text: Type.String(),
  state: TranslationState,
});
export type MessageTranslation = Static<typeof MessageTranslation>;

export const SeqTranslation = Type.Object({
  seq: Type.Integer({ minimum: 1 }),
  ...MessageTranslation.properties,
});
export type SeqTranslation = Static<typeof SeqTranslation>;

/** A conversation's translations, for the console opening it. */
export const ConversationTranslations = Type.Object({
  /** The customer's language as last detected; null before a line was recognised. */
  customerLanguage: Nullable(LanguageCode),
  /** The language of the agent asking (their console's; English when they chose none). */
  agentLanguage: LanguageCode,
  items: Type.Array(SeqTranslation),
});
export type ConversationTranslations = Static<typeof ConversationTranslations>;
