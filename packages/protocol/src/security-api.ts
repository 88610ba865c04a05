import { type Static, Type } from 'typebox';
import { Role } from './api.ts';

/** What an authenticator app scans to set up two-factor sign-in (shown once). */
export const TotpEnrolment = Type.Object({
  /** The base32 secret, for typing in by hand. */
  secret: Type.String(),
  otpauthUrl: Type.String(),
  /** The same URL as an SVG QR code. */
  qrSvg: Type.String(),
});
export type TotpEnrolment = Static<typeof TotpEnrolment>;

export const TotpCodeBody = Type.Object(
  { code: Type.String({ minLength: 1, maxLength: 12 }) },
  { additionalProperties: false },
);
export type TotpCodeBody = Static<typeof TotpCodeBody>;

/** Confirms a sensitive change with the user's current password. */
export const PasswordConfirmBody = Type.Object(
  { password: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);
export type PasswordConfirmBody = Static<typeof PasswordConfirmBody>;

/** One-time recovery codes, shown once when made. */
export const RecoveryCodes = Type.Object({ recoveryCodes: Type.Array(Type.String()) });
export type RecoveryCodes = Static<typeof RecoveryCodes>;

export const TotpStatus = Type.Object({
  enabled: Type.Boolean(),
  /** The account requires two-factor sign-in of every member. */
  required: Type.Boolean(),
  recoveryCodesLeft: Type.Integer(),
});
export type TotpStatus = Static<typeof TotpStatus>;

export const AccountSecurity = Type.Object({ requireTotp: Type.Boolean() });
export type AccountSecurity = Static<typeof AccountSecurity>;

export const AccountSecurityBody = Type.Object(
  { requireTotp: Type.Boolean() },
  { additionalProperties: false },
);

/** A console sign-in session, as its user or an owner sees it. */
export const SessionInfo = Type.Object({
  id: Type.String(),
  userId: Type.String(),
  userName: Type.String(),
  userEmail: Type.String(),
  userAgent: Type.Union([Type.String(), Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
  /** `password`, `password+totp` or `password+recovery`. */
  method: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  lastSeenAt: Type.String({ format: 'date-time' }),
  expiresAt: Type.String({ format: 'date-time' }),
  /** The session making this request. */
  current: Type.Boolean(),
});
export type SessionInfo = Static<typeof SessionInfo>;

export const SessionList = Type.Object({ items: Type.Array(SessionInfo) });
export type SessionList = Static<typeof SessionList>;

/** An account's OpenID Connect provider, as the owner sees it (the client secret never comes back). */
export const SsoSettings = Type.Object({
  configured: Type.Literal(true),
  issuer: Type.String(),
  clientId: Type.String(),
  clientSecretSet: Type.Boolean(),
  /** E-mail domains whose people sign in through this provider. */
  domains: Type.Array(Type.String()),
  /** The ID token claim that lists the user's groups. */
  groupsClaim: Type.String(),
  /** Provider group → role; the strongest role among a user's groups wins. */
  roleMap: Type.Record(Type.String(), Role),
  /** The role of a new user whose groups map to none; null refuses them. */
  defaultRole: Type.Union([Role, Type.Null()]),
  /** People of the domains are created at their first sign-in. */
  jit: Type.Boolean(),
  enabled: Type.Boolean(),
  /** Paste this into the provider as the redirect (callback) URI. */
  redirectUri: Type.String(),
});
export type SsoSettings = Static<typeof SsoSettings>;

/** What the account's single sign-on is: its settings, or not set up yet (with the URI the provider will need). */
export const SsoState = Type.Union([
  SsoSettings,
  Type.Object({
    configured: Type.Literal(false),
    /** Paste this into the provider as the redirect (callback) URI. */
    redirectUri: Type.String(),
  }),
]);
export type SsoState = Static<typeof SsoState>;

export const SsoSettingsBody = Type.Object(
  {
    issuer: Type.String({ minLength: 1, maxLength: 500 }),
    clientId: Type.String({ minLength: 1, maxLength: 300 }),
    /** Required the first time; left out, the stored one is kept. */
    clientSecret: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    domains: Type.Array(
      Type.String({ minLength: 3, maxLength: 253, pattern: '^[A-Za-z0-9.-]+\\.[A-Za-z]{2,}$' }),
      {
        minItems: 1,
        maxItems: 20,
      },
    ),
    groupsClaim: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    roleMap: Type.Optional(Type.Record(Type.String({ maxLength: 200 }), Role)),
    defaultRole: Type.Optional(Type.Union([Role, Type.Null()])),
    jit: Type.Optional(Type.Boolean()),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type SsoSettingsBody = Static<typeof SsoSettingsBody>;

export const SsoStartBody = Type.Object(
  { email: Type.String({ minLength: 3, maxLength: 254 }) },
  { additionalProperties: false },
);

export const SsoStart = Type.Object({
  /** Send the browser here; it comes back to the callback and into the console. */
  authorizationUrl: Type.String(),
});

export const SsoProbe = Type.Object({ issuer: Type.String(), authorizationEndpoint: Type.String() });
