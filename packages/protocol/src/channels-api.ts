import Type, { type Static } from 'typebox';
import { Channel } from './chat-api.ts';

/** Per-channel routing settings of an account: which skill a new conversation joins, and what it weighs. */

const closed = { additionalProperties: false } as const;

/** Most a conversation of one channel may weigh, in live chats. */
export const MAX_CHANNEL_WEIGHT = 10;

/** A WhatsApp template by its name and language, as the number's template list shows them. */
export const SurveyTemplate = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 512 }),
    language: Type.String({ minLength: 2, maxLength: 15 }),
  },
  closed,
);
export type SurveyTemplate = Static<typeof SurveyTemplate>;

export const ChannelSetting = Type.Object({
  channel: Channel,
  /** The skill a new conversation from this channel joins when its topic names none; null: the first skill. */
  defaultSkillId: Type.Union([Type.String(), Type.Null()]),
  /** What one conversation counts against an agent's capacity, in live chats (thousandths kept). */
  weight: Type.Number(),
  /**
   * Whether a resolved conversation of this channel asks the customer for a rating there (WhatsApp,
   * Messenger, Instagram, Telegram, SMS and e-mail; web chat asks in the widget, the others never).
   */
  csatSurvey: Type.Boolean(),
  /**
   * WhatsApp: the approved template the survey is sent as once Meta's 24-hour window has closed
   * (a free-form message is refused then). Null: such a survey is skipped, with a note to agents.
   */
  csatTemplate: Type.Union([SurveyTemplate, Type.Null()]),
});
export type ChannelSetting = Static<typeof ChannelSetting>;

export const ChannelSettings = Type.Object({ items: Type.Array(ChannelSetting) });
export type ChannelSettings = Static<typeof ChannelSettings>;

export const ChannelSettingInput = Type.Object(
  {
    channel: Channel,
    defaultSkillId: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()])),
    weight: Type.Optional(Type.Number({ minimum: 0, maximum: MAX_CHANNEL_WEIGHT })),
    csatSurvey: Type.Optional(Type.Boolean()),
    csatTemplate: Type.Optional(Type.Union([SurveyTemplate, Type.Null()])),
  },
  closed,
);
export type ChannelSettingInput = Static<typeof ChannelSettingInput>;

/** The channels whose resolved conversations can send a satisfaction survey of their own. */
export const SURVEY_CHANNELS = ['whatsapp', 'messenger', 'instagram', 'telegram', 'sms', 'email'] as const;

/** `PUT /api/v1/channels/settings`: the channels named change; the others keep their settings. */
export const ChannelSettingsInput = Type.Object(
  { items: Type.Array(ChannelSettingInput, { minItems: 1, maxItems: 10 }) },
  closed,
);
export type ChannelSettingsInput = Static<typeof ChannelSettingsInput>;
