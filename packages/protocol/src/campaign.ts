import Type, { type Static, type TSchema } from 'typebox';
import { withVariants } from './campaign-variants.ts';
import { WIDGET_LANGUAGES } from './widget-languages.ts';

/** Operators a targeting leaf can use; which ones a field accepts is in `campaign-fields.ts`. */
export const CONDITION_OPS = [
  'equals',
  'not_equals',
  'contains',
  'matches',
  'in',
  'gte',
  'lte',
  'changed',
  'decreased',
  'increased',
  'within',
  'top_percent',
] as const;
export type ConditionOp = (typeof CONDITION_OPS)[number];

/** A regular expression for `matches`; a plain string value is a URL glob (`*` = anything) instead. */
export interface RegexValue {
  regex: string;
  flags?: string;
}
export type ConditionValue = string | number | boolean | ReadonlyArray<string | number> | RegexValue;

/** A test of one visitor-state field, e.g. `{ field: 'page.timeOnPage', op: 'gte', value: 30 }`. */
export interface LeafCondition {
  field: string;
  op: ConditionOp;
  value?: ConditionValue;
}
/** A campaign's targeting rule: a tree of all / any / not over leaf tests. */
export type Condition = { all: Condition[] } | { any: Condition[] } | { not: Condition } | LeafCondition;

/** Limits that keep a hostile or accidental condition tree cheap to compile and run. */
export const MAX_CONDITION_DEPTH = 10;
export const MAX_CONDITION_NODES = 200;
export const MAX_PATTERN_LENGTH = 512;
export const MAX_IN_VALUES = 100;

const closed = { additionalProperties: false } as const;
const id = () => Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' });
const text = (min: number, max: number) => Type.String({ minLength: min, maxLength: max });
/** http(s) only, so a campaign can never carry `javascript:` or `data:` links. */
const webUrl = () => Type.String({ maxLength: 2048, pattern: '^[Hh][Tt][Tt][Pp][Ss]?://[^\\s<>"]+$' });

/**
 * A campaign's texts in other languages: `{ de: { message: '…' }, ar: { … } }`, keyed by the
 * languages the widget speaks. The widget shows the visitor's language and falls back to the
 * default text for a language or a field left out.
 */
const translations = <T extends Record<string, TSchema>>(texts: T) =>
  Type.Optional(
    Type.Object(
      Object.fromEntries(WIDGET_LANGUAGES.map((lang) => [lang, Type.Optional(Type.Object(texts, closed))])),
      closed,
    ),
  );

export const ChatInvitationSchema = Type.Object(
  {
    type: Type.Literal('chat_invitation'),
    skillId: id(),
    message: text(1, 500),
    style: Type.Union([Type.Literal('toaster'), Type.Literal('overlay')]),
    offline: Type.Union([Type.Literal('offline_message'), Type.Literal('none')]),
    translations: translations({ message: Type.Optional(text(1, 500)) }),
  },
  closed,
);
export const ChatButtonSchema = Type.Object(
  {
    type: Type.Literal('chat_button'),
    skillId: id(),
    label: text(1, 60),
    offline: Type.Optional(Type.Union([Type.Literal('offline_message'), Type.Literal('none')])),
    translations: translations({ label: Type.Optional(text(1, 60)) }),
  },
  closed,
);
export const ContentSchema = Type.Object(
  {
    type: Type.Literal('content'),
    title: text(1, 120),
    text: text(0, 1000),
    imageUrl: Type.Optional(webUrl()),
    ctaLabel: text(1, 60),
    ctaUrl: webUrl(),
    translations: translations({
      title: Type.Optional(text(1, 120)),
      text: Type.Optional(text(0, 1000)),
      ctaLabel: Type.Optional(text(1, 60)),
    }),
  },
  closed,
);
/**
 * A voice call from the page: a "Call us" button (`label`), offered only while an agent of the
 * skill who takes calls is free. Clicking it opens the chat with the call's microphone explanation.
 */
export const CallSchema = Type.Object(
  {
    type: Type.Literal('call'),
    skillId: id(),
    label: Type.Optional(text(1, 60)),
    /** `callback`: while no one can answer, a "Call me back" button instead of nothing. */
    offline: Type.Optional(Type.Union([Type.Literal('callback'), Type.Literal('none')])),
    translations: translations({ label: Type.Optional(text(1, 60)) }),
  },
  closed,
);
/**
 * A "Call me back" button (`label`): the visitor leaves a phone number, a time window and a
 * topic, and an agent of the skill calls them then. It needs no one free now, so it is always offered.
 */
export const CallbackSchema = Type.Object(
  {
    type: Type.Literal('callback'),
    skillId: id(),
    label: Type.Optional(text(1, 60)),
    translations: translations({ label: Type.Optional(text(1, 60)) }),
  },
  closed,
);
/**
 * A message sent to an identified contact on another channel (e-mail, or the contact's app
 * conversation); nothing is rendered on the page. `auto` picks the app first, then e-mail.
 */
/** A WhatsApp template variable in a campaign: fixed text, or a field of the contact with a fallback. */
export const TemplateBindingSchema = Type.Union([
  Type.Object({ text: text(1, 1024) }, closed),
  Type.Object(
    {
      contact: Type.String({ pattern: '^(name|email|phone|attributes\\.[A-Za-z0-9_-]{1,64})$' }),
      /** Sent when the contact has no value there. */
      fallback: text(1, 1024),
    },
    closed,
  ),
]);
const bindings = Type.Record(Type.String({ pattern: '^[A-Za-z0-9_]{1,64}$' }), TemplateBindingSchema, {
  maxProperties: 60,
});
/** The approved WhatsApp template a campaign sends, with a binding per variable. */
export const CampaignTemplateSchema = Type.Object(
  {
    name: text(1, 512),
    language: text(2, 15),
    values: Type.Optional(
      Type.Object({ header: Type.Optional(bindings), body: Type.Optional(bindings) }, closed),
    ),
    /** The media of an IMAGE, VIDEO or DOCUMENT header: a public link every contact gets. */
    headerMedia: Type.Optional(
      Type.Object(
        {
          link: Type.String({ pattern: '^https?://[^\\s]+$', maxLength: 2048 }),
          filename: Type.Optional(text(1, 240)),
        },
        closed,
      ),
    ),
  },
  closed,
);
/**
 * A campaign's message to a known contact. `whatsapp` sends `template` through the connection
 * `connectionId`, `sms` sends `text` through it; both only to contacts who opted in. `push` is a
 * notification (`subject` its title) to an app user who left the app, on the devices they registered.
 */
export const MessageSchema = Type.Object(
  {
    type: Type.Literal('message'),
    subject: text(1, 150),
    text: text(1, 2000),
    channel: Type.Union([
      Type.Literal('auto'),
      Type.Literal('email'),
      Type.Literal('app'),
      Type.Literal('whatsapp'),
      Type.Literal('sms'),
      Type.Literal('push'),
    ]),
    connectionId: Type.Optional(id()),
    template: Type.Optional(CampaignTemplateSchema),
  },
  closed,
);
/** An engagement kind as a campaign holds it: the engagement, and optionally 2–5 variants of it (`campaign-variants.ts`). */
export const CampaignChatInvitationSchema = withVariants(ChatInvitationSchema);
export const CampaignChatButtonSchema = withVariants(ChatButtonSchema);
export const CampaignContentSchema = withVariants(ContentSchema);
export const CampaignMessageSchema = withVariants(MessageSchema);
export const CampaignCallSchema = withVariants(CallSchema);
export const CampaignCallbackSchema = withVariants(CallbackSchema);
/** What a campaign is configured to offer; with `variants`, each visitor not held out gets one of them. */
export const EngagementSchema = Type.Union([
  CampaignChatInvitationSchema,
  CampaignChatButtonSchema,
  CampaignContentSchema,
  CampaignMessageSchema,
  CampaignCallSchema,
  CampaignCallbackSchema,
]);
/** The form shown instead of a chat engagement when its skill cannot take a chat now. */
export const OfflineMessageSchema = Type.Object(
  {
    type: Type.Literal('offline_message'),
    skillId: id(),
    message: text(0, 500),
    /** The invitation's own message in other languages, so the offline form speaks the visitor's. */
    translations: translations({ message: Type.Optional(text(1, 500)) }),
  },
  closed,
);
/** What the visitor's tag is actually asked to render. */
export const DeliveredEngagementSchema = Type.Union([
  ChatInvitationSchema,
  ChatButtonSchema,
  ContentSchema,
  OfflineMessageSchema,
  CallSchema,
  CallbackSchema,
]);

export const GoalSchema = Type.Union([
  Type.Object({ type: Type.Literal('purchase') }, closed),
  Type.Object({ type: Type.Literal('event'), name: text(1, 64) }, closed),
]);

/** Days 0 (Sunday) … 6; a window with endMinute < startMinute runs overnight into the next day. */
export const ScheduleSchema = Type.Object(
  {
    timeZone: text(1, 64),
    days: Type.Array(Type.Integer({ minimum: 0, maximum: 6 }), {
      minItems: 1,
      maxItems: 7,
      uniqueItems: true,
    }),
    startMinute: Type.Integer({ minimum: 0, maximum: 1439 }),
    endMinute: Type.Integer({ minimum: 0, maximum: 1440 }),
  },
  closed,
);

export const AfterDeclineSchema = Type.Union([
  Type.Literal('never'),
  Type.Literal('next_session'),
  Type.Literal('allow'),
]);
export const FrequencySchema = Type.Object(
  {
    perSession: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    perVisitorPerDay: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    afterDecline: Type.Optional(AfterDeclineSchema),
  },
  closed,
);

/**
 * `all`: everyone the targeting selects. `positive_lift`: only visitors whose purchase score falls in
 * a band where the campaign's measured lift over its control group is positive (everyone until there
 * is enough data to tell).
 */
export const ScoreBandModeSchema = Type.Union([Type.Literal('all'), Type.Literal('positive_lift')]);

/**
 * Uplift targeting. `positive_only`: engage only visitors whose predicted uplift (the change in
 * purchase probability if engaged, from the campaign's own uplift model) is positive, except a
 * `holdout` share of visitors targeted without the filter, against which the mode is measured.
 * Until the campaign has an uplift model (not enough data) the mode targets everyone.
 */
export const UpliftSettingsSchema = Type.Object(
  {
    mode: Type.Union([Type.Literal('off'), Type.Literal('positive_only')]),
    holdout: Type.Optional(Type.Number({ minimum: 0.01, maximum: 0.5 })),
  },
  closed,
);

export const CampaignStatusSchema = Type.Union([
  Type.Literal('active'),
  Type.Literal('paused'),
  Type.Literal('draft'),
]);

/** Where a campaign runs: on web pages (the tag), in apps (the SDK), or both. */
export const SurfacesSchema = Type.Union([Type.Literal('web'), Type.Literal('app'), Type.Literal('both')]);
export type Surfaces = Static<typeof SurfacesSchema>;

/**
 * The body the REST API accepts. `targeting` is checked structurally by `validateCampaignInput`
 * (which reports the exact path of a fault), so here it is only required to be an object.
 */
export const CampaignInputSchema = Type.Object(
  {
    name: text(1, 120),
    status: CampaignStatusSchema,
    goal: GoalSchema,
    targeting: Type.Unsafe<Condition>({ type: 'object' }),
    schedule: Type.Optional(ScheduleSchema),
    frequency: Type.Optional(FrequencySchema),
    priority: Type.Optional(Type.Integer({ minimum: -1000, maximum: 1000 })),
    controlShare: Type.Optional(Type.Number({ minimum: 0, maximum: 0.9 })),
    engagement: EngagementSchema,
    attributionWindowDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 31 })),
    scoreBands: Type.Optional(ScoreBandModeSchema),
    /** The variants report's equivalence band (absolute difference of conversion rates; default 0.005). */
    minimalEffect: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 0.5 })),
    uplift: Type.Optional(UpliftSettingsSchema),
    /** Web pages, apps or both (default `web`). */
    surfaces: Type.Optional(SurfacesSchema),
  },
  closed,
);

export type CampaignStatus = Static<typeof CampaignStatusSchema>;
export type ScoreBandMode = Static<typeof ScoreBandModeSchema>;
/** Uplift mode with its holdout share filled in. */
export interface UpliftSettings {
  mode: 'off' | 'positive_only';
  holdout: number;
}
export type CampaignGoal = Static<typeof GoalSchema>;
export type Schedule = Static<typeof ScheduleSchema>;
export type AfterDecline = Static<typeof AfterDeclineSchema>;
export type ChatInvitation = Static<typeof ChatInvitationSchema>;
export type ChatButton = Static<typeof ChatButtonSchema>;
export type ContentOffer = Static<typeof ContentSchema>;
export type OfflineMessage = Static<typeof OfflineMessageSchema>;
export type ProactiveMessage = Static<typeof MessageSchema>;
export type TemplateBinding = Static<typeof TemplateBindingSchema>;
export type CampaignTemplate = Static<typeof CampaignTemplateSchema>;
export type Engagement = Static<typeof EngagementSchema>;
/** One variant of a campaign's engagement, whatever its kind. */
export type AnyEngagementVariant = NonNullable<Engagement['variants']>[number];
export type DeliveredEngagement = Static<typeof DeliveredEngagementSchema>;
export type CampaignInput = Static<typeof CampaignInputSchema>;

/** Frequency rules with defaults filled in. */
export interface Frequency {
  perSession?: number;
  perVisitorPerDay?: number;
  afterDecline: AfterDecline;
}

/** A validated campaign with every default applied: what targeting runs on. */
export interface Campaign {
  id: string;
  name: string;
  status: CampaignStatus;
  goal: CampaignGoal;
  targeting: Condition;
  schedule?: Schedule;
  frequency: Frequency;
  priority: number;
  controlShare: number;
  engagement: Engagement;
  attributionWindowDays: number;
  /** Absent means `all`. */
  scoreBands?: ScoreBandMode;
  /** Absent means `DEFAULT_MINIMAL_EFFECT`. */
  minimalEffect?: number;
  /** Absent means no uplift filter. */
  uplift?: UpliftSettings;
  /** Absent means `web`. */
  surfaces?: Surfaces;
}

export const CAMPAIGN_DEFAULTS = {
  priority: 0,
  controlShare: 0,
  attributionWindowDays: 7,
  afterDecline: 'next_session' as AfterDecline,
  scoreBands: 'all' as ScoreBandMode,
  upliftHoldout: 0.1,
} as const;
