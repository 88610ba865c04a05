import Type, { type Static } from 'typebox';
import { EchoId, MessageText, VisitorConversation, VisitorMessage } from './chat-api.ts';

/** The Messaging API for apps (`/api/v1/messaging/…`) and the sites' push settings. */

const closed = { additionalProperties: false } as const;
const Nullable = <T extends import('typebox').TSchema>(t: T) => Type.Union([t, Type.Null()]);

/** Sign in an app user the site vouches for: `userHash` = hex HMAC-SHA256(userId, identity secret). */
export const MessagingSessionInput = Type.Object(
  {
    siteKey: Type.String({ minLength: 1, maxLength: 64 }),
    userId: Type.String({ minLength: 1, maxLength: 200 }),
    userHash: Type.String({ minLength: 1, maxLength: 128 }),
    name: Type.Optional(Type.String({ maxLength: 120 })),
    email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
  },
  closed,
);
export type MessagingSessionInput = Static<typeof MessagingSessionInput>;

export const MessagingSession = Type.Object({
  /** The app token: `hello{token}` on `/v1/chat`, and the `x-beckon-chat-token` header. Shown once. */
  token: Type.String(),
  contactId: Type.String(),
  /** The user's latest conversation in the app (a resolved one reopens when they write), or null. */
  conversation: Nullable(VisitorConversation),
});
export type MessagingSession = Static<typeof MessagingSession>;

export const MessagingSendInput = Type.Object({ echoId: EchoId, text: MessageText }, closed);
export type MessagingSendInput = Static<typeof MessagingSendInput>;

export const MessagingSendResult = Type.Object({
  message: VisitorMessage,
  conversation: VisitorConversation,
  duplicate: Type.Boolean(),
});

export const MessagingUnread = Type.Object({
  /** Agents' lines after what the user read, on any device. */
  unread: Type.Integer({ minimum: 0 }),
  lastSeq: Type.Integer({ minimum: 0 }),
  readSeq: Type.Integer({ minimum: 0 }),
});

export const PushPlatform = Type.Union([Type.Literal('fcm'), Type.Literal('apns')]);
export const PushTokenInput = Type.Object(
  {
    platform: PushPlatform,
    /** FCM registration tokens are long and URL-safe; APNs device tokens are hex. */
    token: Type.String({ pattern: '^[A-Za-z0-9_:.-]{8,4096}$' }),
  },
  closed,
);
export type PushTokenInput = Static<typeof PushTokenInput>;

const ApnsInput = Type.Object(
  {
    /** The .p8 file's text. */
    key: Type.String({ minLength: 1, maxLength: 4000 }),
    keyId: Type.String({ pattern: '^[A-Z0-9]{10}$' }),
    teamId: Type.String({ pattern: '^[A-Z0-9]{10}$' }),
    bundleId: Type.String({ pattern: '^[A-Za-z0-9.-]{1,155}$' }),
    environment: Type.Union([Type.Literal('production'), Type.Literal('sandbox')]),
  },
  closed,
);

/** Set (an object), clear (null) or keep (left out) each way of pushing. */
export const PushSettingsInput = Type.Object(
  {
    fcm: Type.Optional(
      Nullable(Type.Object({ serviceAccount: Type.String({ minLength: 2, maxLength: 20_000 }) }, closed)),
    ),
    apns: Type.Optional(Nullable(ApnsInput)),
    webhook: Type.Optional(
      Nullable(
        Type.Object(
          {
            url: Type.String({ pattern: '^https?://[^\\s]+$', maxLength: 2048 }),
            secret: Type.String({ minLength: 16, maxLength: 200 }),
          },
          closed,
        ),
      ),
    ),
  },
  closed,
);
export type PushSettingsInput = Static<typeof PushSettingsInput>;

/** What is set, never the secrets, and how the last push went. */
export const PushSettings = Type.Object({
  fcm: Nullable(Type.Object({ projectId: Type.String(), clientEmail: Type.String() })),
  apns: Nullable(
    Type.Object({
      keyId: Type.String(),
      teamId: Type.String(),
      bundleId: Type.String(),
      environment: Type.String(),
    }),
  ),
  webhook: Nullable(Type.Object({ url: Type.String() })),
  lastError: Nullable(
    Type.Object({
      provider: Type.String(),
      code: Type.String(),
      message: Type.String(),
      at: Type.String({ format: 'date-time' }),
    }),
  ),
  lastSuccessAt: Nullable(Type.String({ format: 'date-time' })),
});
export type PushSettings = Static<typeof PushSettings>;
