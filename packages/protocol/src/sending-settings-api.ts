import Type, { type Static } from 'typebox';

/**
 * An account's broadcast guardrails (see docs/broadcasts.md): how fast each channel may send, the
 * hours nobody is messaged, and how many broadcast messages a contact gets at most.
 */

const closed = { additionalProperties: false };
/** `HH:MM`, 24-hour. */
const ClockTime = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' });

export const QuietHours = Type.Object(
  {
    /** Quiet from this local time… */
    from: ClockTime,
    /** …until this one; at or before `from`, the quiet hours run overnight. */
    to: ClockTime,
  },
  closed,
);

export const Throughput = Type.Object(
  {
    /** WhatsApp messages a second: the phone number's Cloud API throughput (80 by default, 1000 once Meta upgrades it). */
    whatsappPerSecond: Type.Integer({ minimum: 1, maximum: 1000 }),
    /** SMS a second: the sending number's limit (a long code 1, toll-free 3, a short code 100). */
    smsPerSecond: Type.Integer({ minimum: 1, maximum: 1000 }),
    /** E-mails a minute the SMTP relay accepts. */
    emailPerMinute: Type.Integer({ minimum: 1, maximum: 60_000 }),
  },
  closed,
);

export const FrequencyCap = Type.Object(
  {
    /** At most this many broadcast messages… */
    messages: Type.Integer({ minimum: 1, maximum: 1000 }),
    /** …per contact in this many days. */
    days: Type.Integer({ minimum: 1, maximum: 365 }),
  },
  closed,
);

export const SendingSettings = Type.Object({
  /** IANA zone of the quiet hours and local-time sends for contacts whose own zone is unknown. */
  timeZone: Type.String(),
  /** Null: none. */
  quietHours: Type.Union([QuietHours, Type.Null()]),
  throughput: Throughput,
  /** Null: no cap. */
  frequencyCap: Type.Union([FrequencyCap, Type.Null()]),
  /** The values an account gets when it sets none. */
  defaults: Type.Object({ timeZone: Type.String(), throughput: Throughput }),
});
export type SendingSettings = Static<typeof SendingSettings>;

export const SendingSettingsBody = Type.Object(
  {
    timeZone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    quietHours: Type.Optional(Type.Union([QuietHours, Type.Null()])),
    /** Channels left out keep theirs. */
    throughput: Type.Optional(Type.Partial(Throughput, closed)),
    frequencyCap: Type.Optional(Type.Union([FrequencyCap, Type.Null()])),
  },
  closed,
);
export type SendingSettingsBody = Static<typeof SendingSettingsBody>;
