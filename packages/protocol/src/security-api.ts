import { type Static, Type } from 'typebox';

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
