import { type Static, Type } from 'typebox';

const Days = (description: string) =>
  Type.Integer({ minimum: 0, maximum: 36_500, description: `${description}; 0 keeps them forever` });

/** How long an account keeps each kind of data, in days. */
export const RetentionPolicy = Type.Object({
  events: Days('Days tracked events (page views, custom events, frames) are kept'),
  visits: Days('Days visits (sessions) and visitors not seen since are kept'),
  conversations: Days('Days the messages of a closed conversation are kept'),
  attachments: Days('Days files sent in conversations are kept'),
  recordings: Days('Days call recordings are kept'),
  audit: Days('Days audit log entries are kept'),
});
export type RetentionPolicy = Static<typeof RetentionPolicy>;
export type RetentionKind = keyof RetentionPolicy;

/** A change of some limits; kinds left out keep their value. */
export const RetentionPolicyBody = Type.Partial(RetentionPolicy, { additionalProperties: false });
export type RetentionPolicyBody = Static<typeof RetentionPolicyBody>;

export const RetentionSettings = Type.Object({
  policy: RetentionPolicy,
  /** The limits an account has when it sets none. */
  defaults: RetentionPolicy,
  /** When the last sweep of this account ran, and when the next is due (null: not yet). */
  lastSweepAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  nextSweepAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
export type RetentionSettings = Static<typeof RetentionSettings>;

/** One audit log entry. */
export const AuditEntry = Type.Object({
  id: Type.String(),
  at: Type.String({ format: 'date-time' }),
  actor: Type.Object({
    type: Type.String({ description: '`user`, `api_key` or `system`' }),
    id: Type.Union([Type.String(), Type.Null()]),
    label: Type.Union([Type.String(), Type.Null()], { description: "The user's e-mail or the key's name" }),
    role: Type.Union([Type.String(), Type.Null()]),
    method: Type.Union([Type.String(), Type.Null()], { description: 'How the actor signed in' }),
  }),
  ip: Type.Union([Type.String(), Type.Null()]),
  userAgent: Type.Union([Type.String(), Type.Null()]),
  action: Type.String({ description: '`entity.past_verb`, e.g. `site.updated`' }),
  targetType: Type.Union([Type.String(), Type.Null()]),
  targetId: Type.Union([Type.String(), Type.Null()]),
  /** The fields the change sent, secrets redacted. */
  details: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
});
export type AuditEntry = Static<typeof AuditEntry>;

export const AuditPage = Type.Object({
  items: Type.Array(AuditEntry),
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});
export type AuditPage = Static<typeof AuditPage>;

export const AuditQuery = Type.Object(
  {
    actor: Type.Optional(Type.String({ maxLength: 200, description: "A user's or key's id, or an e-mail" })),
    action: Type.Optional(Type.String({ maxLength: 100 })),
    targetType: Type.Optional(Type.String({ maxLength: 60 })),
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  },
  { additionalProperties: false },
);
export type AuditQuery = Static<typeof AuditQuery>;
