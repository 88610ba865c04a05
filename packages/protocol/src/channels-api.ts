import Type, { type Static } from 'typebox';
import { Channel } from './chat-api.ts';

/** Per-channel routing settings of an account: which skill a new conversation joins, and what it weighs. */

const closed = { additionalProperties: false } as const;

/** Most a conversation of one channel may weigh, in live chats. */
export const MAX_CHANNEL_WEIGHT = 10;

export const ChannelSetting = Type.Object({
  channel: Channel,
  /** The skill a new conversation from this channel joins when its topic names none; null: the first skill. */
  defaultSkillId: Type.Union([Type.String(), Type.Null()]),
  /** What one conversation counts against an agent's capacity, in live chats (thousandths kept). */
  weight: Type.Number(),
});
export type ChannelSetting = Static<typeof ChannelSetting>;

export const ChannelSettings = Type.Object({ items: Type.Array(ChannelSetting) });
export type ChannelSettings = Static<typeof ChannelSettings>;

export const ChannelSettingInput = Type.Object(
  {
    channel: Channel,
    defaultSkillId: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()])),
    weight: Type.Optional(Type.Number({ minimum: 0, maximum: MAX_CHANNEL_WEIGHT })),
  },
  closed,
);
export type ChannelSettingInput = Static<typeof ChannelSettingInput>;

/** `PUT /api/v1/channels/settings`: the channels named change; the others keep their settings. */
export const ChannelSettingsInput = Type.Object(
  { items: Type.Array(ChannelSettingInput, { minItems: 1, maxItems: 10 }) },
  closed,
);
export type ChannelSettingsInput = Static<typeof ChannelSettingsInput>;
