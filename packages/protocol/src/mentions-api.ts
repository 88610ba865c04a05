import Type, { type Static } from 'typebox';

/**
 * Mentions: `@Name` in an internal note names a colleague, who is told at once (console) or by
 * e-mail when away. The console lists the notes that name the agent, unread first.
 */

export const Mention = Type.Object({
  id: Type.String(),
  conversationId: Type.String(),
  /** The note's sequence number in its conversation. */
  seq: Type.Integer({ minimum: 1 }),
  authorId: Type.String(),
  authorName: Type.String(),
  /** The note's text as stored. */
  text: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  /** When the mentioned agent marked it read; null while unread. */
  readAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
export type Mention = Static<typeof Mention>;

export const MentionList = Type.Object({
  items: Type.Array(Mention),
  /** Unread mentions of the caller in all (not only those listed). */
  unread: Type.Integer({ minimum: 0 }),
});
export type MentionList = Static<typeof MentionList>;

export const MentionListQuery = Type.Object(
  {
    unread: Type.Optional(Type.Boolean({ description: 'Only the unread ones' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
);
export type MentionListQuery = Static<typeof MentionListQuery>;

export const MentionsRead = Type.Object(
  {
    ids: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
        maxItems: 200,
        description: 'The mentions to mark read; absent: every mention of the caller',
      }),
    ),
  },
  { additionalProperties: false },
);
export type MentionsRead = Static<typeof MentionsRead>;

export const MentionsReadResult = Type.Object({
  /** How many were marked read now. */
  marked: Type.Integer({ minimum: 0 }),
  unread: Type.Integer({ minimum: 0 }),
});
