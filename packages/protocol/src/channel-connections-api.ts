import Type, { type Static } from 'typebox';

/**
 * Connections to messaging providers (`POST /api/v1/channels`): one body per provider, holding its
 * credentials. Secrets go in and never come out: a listing says which fields are set.
 */

const closed = { additionalProperties: false } as const;
const id = (description: string) => Type.String({ minLength: 1, maxLength: 128, description });
const secret = (description: string) => Type.String({ minLength: 1, maxLength: 1024, description });

/** Fields every connection has besides its provider's credentials. */
const common = {
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 80, description: 'Shown to agents' })),
  apiBaseUrl: Type.Optional(
    Type.String({
      pattern: '^https?://[^\\s]+$',
      maxLength: 300,
      description: "The provider's API root, when not its public one (a proxy, a test server)",
    }),
  ),
  defaultSkillId: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()])),
};

export const WhatsAppConnectionInput = Type.Object(
  {
    type: Type.Literal('whatsapp'),
    ...common,
    phoneNumberId: id('The WhatsApp Business phone number id'),
    accessToken: secret('A system user access token with whatsapp_business_messaging'),
    appSecret: secret("The Meta app's secret: webhook signatures are checked with it"),
    verifyToken: secret('Any string: Meta sends it back when the webhook is verified'),
    wabaId: Type.Optional(id('The WhatsApp Business Account id: its message templates are read from it')),
  },
  closed,
);

/** Messenger and Instagram share the Graph API's page credentials (Messenger Platform). */
const pageCredentials = {
  ...common,
  pageId: id('The Facebook page id'),
  pageAccessToken: secret('A page access token with pages_messaging (and instagram_manage_messages)'),
  appSecret: secret("The Meta app's secret: webhook signatures are checked with it"),
  verifyToken: secret('Any string: Meta sends it back when the webhook is verified'),
};

export const MessengerConnectionInput = Type.Object(
  { type: Type.Literal('messenger'), ...pageCredentials },
  closed,
);

/** Instagram messaging goes through the linked page; webhooks name the Instagram account itself. */
export const InstagramConnectionInput = Type.Object(
  {
    type: Type.Literal('instagram'),
    ...pageCredentials,
    instagramAccountId: Type.String({
      pattern: '^[0-9]{1,64}$',
      description: "The Instagram professional account's id (IGID), linked to the page",
    }),
  },
  closed,
);

export const TelegramConnectionInput = Type.Object(
  {
    type: Type.Literal('telegram'),
    ...common,
    botToken: Type.String({
      pattern: '^[0-9]{1,20}:[A-Za-z0-9_-]{20,100}$',
      description: "The bot's token from @BotFather",
    }),
  },
  closed,
);

export const SmsConnectionInput = Type.Object(
  {
    type: Type.Literal('sms'),
    ...common,
    accountSid: id('The Twilio account SID'),
    authToken: secret('The Twilio auth token: status callbacks and inbound messages are signed with it'),
    from: Type.String({
      pattern: '^(\\+[1-9][0-9]{5,14}|MG[0-9a-fA-F]{32})$',
      description: 'The number messages are sent from (E.164), or a Messaging Service SID (MG…)',
    }),
  },
  closed,
);

export const ChannelConnectionInput = Type.Union([
  WhatsAppConnectionInput,
  MessengerConnectionInput,
  InstagramConnectionInput,
  TelegramConnectionInput,
  SmsConnectionInput,
]);
export type ChannelConnectionInput = Static<typeof ChannelConnectionInput>;

export const ConnectionType = Type.Union([
  Type.Literal('whatsapp'),
  Type.Literal('messenger'),
  Type.Literal('instagram'),
  Type.Literal('telegram'),
  Type.Literal('sms'),
]);
export type ConnectionType = Static<typeof ConnectionType>;

/** `POST /api/v1/channels` answers where the provider is to send its webhooks. */
export const ChannelConnectionCreated = Type.Object({
  id: Type.String(),
  webhookUrl: Type.String(),
});

export const ChannelConnection = Type.Object({
  id: Type.String(),
  type: ConnectionType,
  name: Type.String(),
  webhookUrl: Type.String(),
  apiBaseUrl: Type.Union([Type.String(), Type.Null()]),
  defaultSkillId: Type.Union([Type.String(), Type.Null()]),
  /** Which credential fields are set (their values never leave the server). */
  credentials: Type.Record(Type.String(), Type.Boolean()),
  createdAt: Type.Number(),
});
export type ChannelConnection = Static<typeof ChannelConnection>;

export const ChannelConnections = Type.Object({ items: Type.Array(ChannelConnection) });

/** `POST /api/v1/channels/:id/test`: whether the provider accepts the stored credentials. */
export const ChannelConnectionTest = Type.Union([
  Type.Object({
    ok: Type.Literal(true),
    /** Who the provider says the credentials belong to: a number's name, a bot's username. */
    identity: Type.String(),
  }),
  Type.Object({ ok: Type.Literal(false), reason: Type.String() }),
]);
export type ChannelConnectionTest = Static<typeof ChannelConnectionTest>;
