import Type, { type Static } from 'typebox';
import { MessageBody } from './chat-api.ts';

/**
 * Send later: an agent's reply (or a note reminder to the team) that is stored as a line of the
 * conversation at `sendAt`, through the outbox like any reply, whether or not its author is signed in.
 */

const closed = { additionalProperties: false } as const;
const Iso = Type.String({ format: 'date-time' });
const Text = Type.String({ ...MessageBody, minLength: 1 });

export const ScheduledStatus = Type.Union([
  Type.Literal('queued'),
  Type.Literal('sent'),
  Type.Literal('cancelled'),
  Type.Literal('failed'),
]);
export type ScheduledStatus = Static<typeof ScheduledStatus>;

export const ScheduledMessage = Type.Object({
  id: Type.String(),
  conversationId: Type.String(),
  authorId: Type.String(),
  authorName: Type.String(),
  text: Type.String(),
  /** An internal note (a reminder), never sent to the customer. */
  note: Type.Boolean(),
  sendAt: Iso,
  /** A customer line before `sendAt` cancels it. */
  cancelOnReply: Type.Boolean(),
  /** `queued` until its time (also while it is being sent), then `sent`, `cancelled` or `failed`. */
  status: ScheduledStatus,
  /** Why it failed or was cancelled; null otherwise. */
  reason: Type.Union([Type.String(), Type.Null()]),
  /** The line it became, once sent. */
  sentSeq: Type.Union([Type.Integer(), Type.Null()]),
  createdAt: Iso,
  updatedAt: Iso,
});
export type ScheduledMessage = Static<typeof ScheduledMessage>;

export const ScheduledMessageCreate = Type.Object(
  {
    text: Text,
    sendAt: Type.String({ format: 'date-time', description: 'In the future, within a year' }),
    note: Type.Optional(Type.Boolean({ description: 'A note reminder for the team instead of a reply' })),
    cancelOnReply: Type.Optional(
      Type.Boolean({ description: 'Cancel it when the customer writes before then (default false)' }),
    ),
  },
  closed,
);
export type ScheduledMessageCreate = Static<typeof ScheduledMessageCreate>;

export const ScheduledMessageUpdate = Type.Object(
  {
    text: Type.Optional(Text),
    sendAt: Type.Optional(Type.String({ format: 'date-time' })),
    cancelOnReply: Type.Optional(Type.Boolean()),
  },
  { ...closed, minProperties: 1 },
);
export type ScheduledMessageUpdate = Static<typeof ScheduledMessageUpdate>;

export const ScheduledMessageParams = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 64 }),
    messageId: Type.String({ minLength: 1, maxLength: 64 }),
  },
  closed,
);
export type ScheduledMessageParams = Static<typeof ScheduledMessageParams>;
