import Type, { type Static } from 'typebox';
import { Conversation, Message } from './chat-api.ts';

/**
 * Merging two conversations of one contact: the other conversation joins this one's thread (in
 * time order, its messages left where they were written) and is closed; undo within 24 hours puts
 * it back as it was.
 */

const closed = { additionalProperties: false } as const;
const Id = Type.String({ minLength: 1, maxLength: 64 });
const Iso = Type.String({ format: 'date-time' });

/** How long a merge can be undone. */
export const MERGE_UNDO_MS = 24 * 3600_000;

export const ConversationMerge = Type.Object({
  id: Type.String(),
  /** The conversation the thread is shown in. */
  keptId: Type.String(),
  /** The conversation that joined it. */
  mergedId: Type.String(),
  mergedBy: Type.Union([Type.String(), Type.Null()]),
  createdAt: Iso,
  /** Until when it can be undone. */
  undoUntil: Iso,
  undoneAt: Type.Union([Iso, Type.Null()]),
});
export type ConversationMerge = Static<typeof ConversationMerge>;

export const MergeInput = Type.Object({ otherConversationId: Id }, closed);
export type MergeInput = Static<typeof MergeInput>;

export const UnmergeInput = Type.Object(
  {
    otherConversationId: Type.Optional(
      Type.String({ ...Id, description: 'Which merged conversation to take out (default: the latest)' }),
    ),
  },
  closed,
);
export type UnmergeInput = Static<typeof UnmergeInput>;

/** A conversation merged into this one, with its messages, for the one thread. */
export const MergedPart = Type.Object({
  merge: ConversationMerge,
  conversation: Conversation,
  messages: Type.Array(Message),
});
export type MergedPart = Static<typeof MergedPart>;

export const MergedParts = Type.Object({ items: Type.Array(MergedPart) });
export type MergedParts = Static<typeof MergedParts>;
