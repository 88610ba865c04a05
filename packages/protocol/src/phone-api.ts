import Type, { type Static } from 'typebox';
import { BusinessHours } from './api.ts';

/**
 * Phone calls through a SIP trunk (docs/phone.md): an account's trunks (a carrier's registrar
 * and credentials), its numbers (each to a skill or a short menu), and calls Beckon dials.
 */

const Id = Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' });
/** A telephone number in E.164: `+`, then 6 to 15 digits. */
export const E164 = Type.String({ pattern: '^\\+[1-9][0-9]{5,14}$', maxLength: 16 });
/** A host name or an IP address (no scheme, no port). */
const Host = Type.String({ minLength: 1, maxLength: 253, pattern: '^[A-Za-z0-9.:\\[\\]-]+$' });

export const TrunkTransport = Type.Union([Type.Literal('udp'), Type.Literal('tcp'), Type.Literal('tls')]);

/** Where a trunk's registration stands, as the gateway last told. */
export const TrunkStatus = Type.Union([
  Type.Literal('pending'),
  Type.Literal('registering'),
  Type.Literal('registered'),
  Type.Literal('failed'),
  Type.Literal('no_gateway'),
]);
export type TrunkStatus = Static<typeof TrunkStatus>;

export const PhoneTrunkCreate = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    host: Host,
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65_535 })),
    transport: Type.Optional(TrunkTransport),
    username: Type.String({ minLength: 1, maxLength: 128, pattern: '^[^\\s@:<>"]+$' }),
    password: Type.String({ minLength: 1, maxLength: 256 }),
  },
  { additionalProperties: false },
);
export type PhoneTrunkCreate = Static<typeof PhoneTrunkCreate>;

/** Changes to a trunk; the gateway registers it again with them. */
export const PhoneTrunkPatch = Type.Object(
  {
    name: Type.Optional(PhoneTrunkCreate.properties.name),
    host: Type.Optional(Host),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65_535 })),
    transport: Type.Optional(TrunkTransport),
    username: Type.Optional(PhoneTrunkCreate.properties.username),
    /** A new password; leave it out to keep the one stored. */
    password: Type.Optional(PhoneTrunkCreate.properties.password),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type PhoneTrunkPatch = Static<typeof PhoneTrunkPatch>;

/** A trunk as the API shows it: never its password. */
export const PhoneTrunk = Type.Object({
  id: Type.String(),
  name: Type.String(),
  host: Type.String(),
  port: Type.Integer(),
  transport: TrunkTransport,
  username: Type.String(),
  status: TrunkStatus,
  /** Why the last registration failed (the trunk's answer), or null. */
  statusReason: Type.Union([Type.String(), Type.Null()]),
  /** When a failed registration is tried again (ISO time), or null when none is planned. */
  retryAt: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
});
export type PhoneTrunk = Static<typeof PhoneTrunk>;

/** One choice of a menu: the digit the caller presses and the skill it leads to. */
export const MenuChoice = Type.Object(
  {
    digit: Type.String({ pattern: '^[0-9*#]$' }),
    label: Type.String({ minLength: 1, maxLength: 100 }),
    skillId: Id,
  },
  { additionalProperties: false },
);
export const PhoneMenu = Type.Object(
  {
    greeting: Type.String({ minLength: 1, maxLength: 500 }),
    choices: Type.Array(MenuChoice, { minItems: 1, maxItems: 10 }),
  },
  { additionalProperties: false },
);
export type PhoneMenu = Static<typeof PhoneMenu>;

export const AfterHours = Type.Object(
  {
    action: Type.Union([Type.Literal('message'), Type.Literal('voicemail')]),
    message: Type.String({ minLength: 1, maxLength: 500 }),
  },
  { additionalProperties: false },
);
export type AfterHours = Static<typeof AfterHours>;

/** The languages a number's prompts are spoken in (espeak-ng voices on the gateway). */
export const PhoneLanguage = Type.Union([Type.Literal('en'), Type.Literal('de'), Type.Literal('es')]);
export type PhoneLanguage = Static<typeof PhoneLanguage>;

export const PhoneNumberCreate = Type.Object(
  {
    number: E164,
    trunkId: Id,
    /** Calls go to this skill's queue; give `skillId` or `menu`. */
    skillId: Type.Optional(Id),
    menu: Type.Optional(PhoneMenu),
    /** When calls are taken; none: the skill's hours (a menu without hours is always open). */
    hours: Type.Optional(Type.Union([BusinessHours, Type.Null()])),
    afterHours: Type.Optional(AfterHours),
    /** Record the number's calls in the agent's console; the caller hears so before an agent is connected. */
    recordCalls: Type.Optional(Type.Boolean()),
    /** The language the caller hears prompts in; default `en`. */
    language: Type.Optional(PhoneLanguage),
  },
  { additionalProperties: false },
);
export type PhoneNumberCreate = Static<typeof PhoneNumberCreate>;

/**
 * Changes to a number. A new `skillId` replaces its menu and a new `menu` its skill; `null`
 * clears the hours or the after-hours answer. The result is checked as a new number would be.
 */
export const PhoneNumberPatch = Type.Object(
  {
    number: Type.Optional(E164),
    trunkId: Type.Optional(Id),
    skillId: Type.Optional(Id),
    menu: Type.Optional(PhoneMenu),
    hours: Type.Optional(Type.Union([BusinessHours, Type.Null()])),
    afterHours: Type.Optional(Type.Union([AfterHours, Type.Null()])),
    recordCalls: Type.Optional(Type.Boolean()),
    language: Type.Optional(PhoneLanguage),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type PhoneNumberPatch = Static<typeof PhoneNumberPatch>;

export const PhoneNumber = Type.Object({
  id: Type.String(),
  number: Type.String(),
  trunkId: Type.String(),
  skillId: Type.Union([Type.String(), Type.Null()]),
  menu: Type.Union([PhoneMenu, Type.Null()]),
  hours: Type.Union([BusinessHours, Type.Null()]),
  afterHours: Type.Union([AfterHours, Type.Null()]),
  recordCalls: Type.Boolean(),
  language: PhoneLanguage,
  createdAt: Type.String(),
});
export type PhoneNumber = Static<typeof PhoneNumber>;

/** Dials a contact's phone, or a number, from the console: the agent's browser talks through the gateway. */
export const CallDial = Type.Object(
  {
    contactId: Type.Optional(Id),
    number: Type.Optional(E164),
    /** A queued callback the agent holds: its number is dialled in its conversation. */
    callbackId: Type.Optional(Id),
    /** The number the call shows as its caller (one of the account's); default: the first. */
    fromNumberId: Type.Optional(Id),
  },
  { additionalProperties: false },
);
export type CallDial = Static<typeof CallDial>;
