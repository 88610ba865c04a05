import Type, { type Static } from 'typebox';
import { SlaTargets } from './sla-api.ts';
import { type SiteWidgetLanguage, WIDGET_LANGUAGES } from './widget-languages.ts';

/** REST shapes shared by the server (validation, OpenAPI) and the console (types). */

export const Role = Type.Union([
  Type.Literal('owner'),
  Type.Literal('admin'),
  Type.Literal('agent'),
  Type.Literal('analyst'),
]);
export type Role = Static<typeof Role>;
export const AgentStatus = Type.Union([
  Type.Literal('online'),
  Type.Literal('away'),
  Type.Literal('offline'),
]);
export type AgentStatus = Static<typeof AgentStatus>;

const Id = Type.String({ minLength: 1, maxLength: 64 });
const Name = Type.String({ minLength: 1, maxLength: 120 });
const Iso = Type.String({ format: 'date-time' });
const Origin = Type.String({ minLength: 1, maxLength: 300, pattern: '^https?://[^/\\s]+$' });
const TimeZone = Type.String({ minLength: 1, maxLength: 64 });

export const ErrorBody = Type.Object({
  error: Type.Object({ code: Type.String(), message: Type.String() }),
});
export type ErrorBody = Static<typeof ErrorBody>;

export const Account = Type.Object({ id: Id, name: Type.String() });
export type Account = Static<typeof Account>;

export const User = Type.Object({
  id: Id,
  email: Type.String(),
  name: Type.String(),
  role: Role,
  skillIds: Type.Array(Id),
  capacity: Type.Integer(),
  status: AgentStatus,
  /** With `status: away`: the reason the agent picked. */
  awayReason: Type.Optional(Type.String()),
  createdAt: Iso,
});
export type User = Static<typeof User>;

/** An away reason's label, as an agent picks it in the status switch. */
export const AwayReason = Type.String({ minLength: 1, maxLength: 40, pattern: '\\S' });
/** The account's away reasons, in the order the status switch lists them. */
export const AwayReasons = Type.Object(
  { reasons: Type.Array(AwayReason, { maxItems: 20, uniqueItems: true }) },
  { additionalProperties: false },
);
export type AwayReasons = Static<typeof AwayReasons>;

export const UserCreate = Type.Object(
  {
    email: Type.String({ format: 'email', maxLength: 254 }),
    name: Name,
    password: Type.String({ minLength: 8, maxLength: 200 }),
    role: Role,
    skillIds: Type.Optional(Type.Array(Id, { maxItems: 50 })),
    capacity: Type.Optional(Type.Integer({ minimum: 0, maximum: 50 })),
  },
  { additionalProperties: false },
);
export type UserCreate = Static<typeof UserCreate>;

export const UserUpdate = Type.Object(
  {
    name: Type.Optional(Name),
    role: Type.Optional(Role),
    skillIds: Type.Optional(Type.Array(Id, { maxItems: 50 })),
    capacity: Type.Optional(Type.Integer({ minimum: 0, maximum: 50 })),
    status: Type.Optional(AgentStatus),
    password: Type.Optional(Type.String({ minLength: 8, maxLength: 200 })),
    currentPassword: Type.Optional(
      Type.String({
        maxLength: 200,
        description: 'Required with `password` when changing one’s own password.',
      }),
    ),
  },
  { additionalProperties: false },
);
export type UserUpdate = Static<typeof UserUpdate>;

/** A site's widget language: `auto` or one of the languages the widget speaks. */
export const WidgetLanguageSetting = Type.Unsafe<SiteWidgetLanguage>(
  Type.Union([Type.Literal('auto'), ...WIDGET_LANGUAGES.map((code) => Type.Literal(code))]),
);

export const Site = Type.Object({
  id: Id,
  name: Type.String(),
  siteKey: Type.String(),
  allowedOrigins: Type.Array(Type.String()),
  timeZone: Type.String(),
  /** Visitor addresses are cut to their network (IPv4 /24, IPv6 /48) before anything reads them. */
  anonymizeIp: Type.Boolean(),
  /** Calls on this site are recorded (off by default); both sides are told before it starts. */
  recordCalls: Type.Boolean(),
  /** The widget's language: `auto` follows the page's `<html lang>`, then the browser; a code fixes it. */
  widgetLanguage: WidgetLanguageSetting,
  snippet: Type.String(),
  createdAt: Iso,
});
export type Site = Static<typeof Site>;

export const SiteCreate = Type.Object(
  {
    name: Name,
    allowedOrigins: Type.Optional(Type.Array(Origin, { maxItems: 50 })),
    timeZone: Type.Optional(TimeZone),
    anonymizeIp: Type.Optional(Type.Boolean()),
    recordCalls: Type.Optional(Type.Boolean()),
    widgetLanguage: Type.Optional(WidgetLanguageSetting),
  },
  { additionalProperties: false },
);
export type SiteCreate = Static<typeof SiteCreate>;

export const SiteUpdate = Type.Object(
  {
    name: Type.Optional(Name),
    allowedOrigins: Type.Optional(Type.Array(Origin, { maxItems: 50 })),
    timeZone: Type.Optional(TimeZone),
    anonymizeIp: Type.Optional(Type.Boolean()),
    recordCalls: Type.Optional(Type.Boolean()),
    widgetLanguage: Type.Optional(WidgetLanguageSetting),
  },
  { additionalProperties: false },
);
export type SiteUpdate = Static<typeof SiteUpdate>;

/** `HH:MM`, 24-hour; `24:00` ends a day. */
const ClockTime = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$' });

/**
 * When a skill's agents work, in the skill's IANA time zone. An interval belongs to the day it
 * starts; one that ends at or before its start runs overnight. Holidays close their whole date.
 */
export const BusinessHours = Type.Object(
  {
    timeZone: TimeZone,
    weekly: Type.Array(
      Type.Object(
        {
          day: Type.Integer({ minimum: 0, maximum: 6, description: '0 = Sunday … 6 = Saturday' }),
          from: ClockTime,
          to: ClockTime,
        },
        { additionalProperties: false },
      ),
      { maxItems: 70 },
    ),
    holidays: Type.Array(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }), { maxItems: 400 }),
  },
  { additionalProperties: false },
);
export type BusinessHours = Static<typeof BusinessHours>;

export const Skill = Type.Object({
  id: Id,
  name: Type.String(),
  maxWaitSeconds: Type.Integer(),
  offerTimeoutSeconds: Type.Integer(),
  transferSkillIds: Type.Array(Id),
  /** Null: always open. */
  hours: Type.Union([BusinessHours, Type.Null()]),
  /** The bot its new conversations are offered to first; null: straight to people. */
  botId: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  /** First-response and resolution targets per priority band; null: none. */
  sla: Type.Optional(Type.Union([SlaTargets, Type.Null()])),
  createdAt: Iso,
});
export type Skill = Static<typeof Skill>;

const skillFields = {
  maxWaitSeconds: Type.Optional(Type.Integer({ minimum: 10, maximum: 86400 })),
  offerTimeoutSeconds: Type.Optional(Type.Integer({ minimum: 5, maximum: 600 })),
  transferSkillIds: Type.Optional(Type.Array(Id, { maxItems: 20 })),
  hours: Type.Optional(Type.Union([BusinessHours, Type.Null()])),
  botId: Type.Optional(Type.Union([Id, Type.Null()])),
  sla: Type.Optional(Type.Union([SlaTargets, Type.Null()])),
};
export const SkillCreate = Type.Object({ name: Name, ...skillFields }, { additionalProperties: false });
export type SkillCreate = Static<typeof SkillCreate>;

export const SkillUpdate = Type.Object(
  { name: Type.Optional(Name), ...skillFields },
  { additionalProperties: false },
);
export type SkillUpdate = Static<typeof SkillUpdate>;

export const ApiKey = Type.Object({
  id: Id,
  name: Type.String(),
  prefix: Type.String(),
  createdAt: Iso,
  lastUsedAt: Type.Union([Iso, Type.Null()]),
});
export type ApiKey = Static<typeof ApiKey>;

export const ApiKeyCreated = Type.Object({
  id: Id,
  name: Type.String(),
  prefix: Type.String(),
  createdAt: Iso,
  lastUsedAt: Type.Union([Iso, Type.Null()]),
  key: Type.String(),
});
export type ApiKeyCreated = Static<typeof ApiKeyCreated>;

export const ApiKeyCreate = Type.Object({ name: Name }, { additionalProperties: false });

export const LoginBody = Type.Object(
  {
    email: Type.String({ minLength: 1, maxLength: 254 }),
    password: Type.String({ minLength: 1, maxLength: 200 }),
    /** The 6-digit code of the user's authenticator app, when they turned two-factor sign-in on. */
    totpCode: Type.Optional(Type.String({ minLength: 1, maxLength: 12 })),
    /** Or one of their one-time recovery codes, for a lost authenticator. */
    recoveryCode: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
  },
  { additionalProperties: false },
);

/** The signed-in user's two-factor state: whether it is on, and whether the account requires it. */
export const TwoFactorState = Type.Object({
  enabled: Type.Boolean(),
  required: Type.Boolean(),
  /** Required and not set up: only the set-up, `GET /me` and sign-out work until it is done. */
  setupRequired: Type.Boolean(),
});
export type TwoFactorState = Static<typeof TwoFactorState>;

/** The languages the console speaks; a user's choice among them follows them to any browser. */
export const ConsoleLanguage = Type.Union([Type.Literal('en'), Type.Literal('de'), Type.Literal('es')]);
export type ConsoleLanguage = Static<typeof ConsoleLanguage>;

/** A user's choice of the console's language; null goes back to their browser's. */
export const ConsoleLanguageBody = Type.Object(
  { language: Type.Union([ConsoleLanguage, Type.Null()]) },
  { additionalProperties: false },
);

/**
 * The language an agent reads customers in (live translation): an ISO 639-1 code such as `fr`,
 * not only the console's languages; null follows the console's language.
 */
export const ReadingLanguageBody = Type.Object(
  { language: Type.Union([Type.String({ pattern: '^[a-z]{2}$' }), Type.Null()]) },
  { additionalProperties: false },
);
export type ReadingLanguageBody = Static<typeof ReadingLanguageBody>;

export const Me = Type.Object({
  user: User,
  account: Account,
  csrfToken: Type.String(),
  twoFactor: TwoFactorState,
  /** The console's language the user chose, or null for their browser's. */
  consoleLanguage: Type.Union([ConsoleLanguage, Type.Null()]),
  /** The language they read customers in (live translation), or null for the console's. */
  readingLanguage: Type.Optional(Type.Union([Type.String(), Type.Null()])),
});
export type Me = Static<typeof Me>;

/** The console's session check: who is signed in, or null (no session, or one that has ended). */
export const SessionCheck = Type.Object({ session: Type.Union([Me, Type.Null()]) });
export type SessionCheck = Static<typeof SessionCheck>;

/** `{ items: T[] }`, the shape of every list. */
export const ListOf = <T extends import('typebox').TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item) });
