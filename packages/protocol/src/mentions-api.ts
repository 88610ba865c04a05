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

/** Someone a note may mention: an id and the display name written after `@`. */
export interface Mentionable {
  id: string;
  name: string;
}

const isWordChar = (ch: string | undefined) => ch !== undefined && /[\p{L}\p{N}_.\-+]/u.test(ch);
const isNameEnd = (ch: string | undefined) => ch === undefined || !/[\p{L}\p{N}_]/u.test(ch);

/**
 * The people `@Name` names in `text`, each once, in order of first mention. An `@` counts at the
 * start or after a character that cannot be part of an e-mail address's local part (so
 * `ada@example.com` names no one); the longest name that follows it, compared without regard to
 * case and ending where a word ends, wins ("@Ada Lovelace" names Ada Lovelace, not Ada).
 */
export function findMentions(text: string, people: readonly Mentionable[]): string[] {
  const byLength = people
    .filter((p) => p.name.trim().length > 0)
    .map((p) => ({ id: p.id, name: p.name.trim().toLocaleLowerCase() }))
    .sort((a, b) => b.name.length - a.name.length);
  const lower = text.toLocaleLowerCase();
  const found: string[] = [];
  for (let at = lower.indexOf('@'); at >= 0; at = lower.indexOf('@', at + 1)) {
    if (isWordChar(lower[at - 1])) continue;
    const rest = lower.slice(at + 1);
    const hit = byLength.find((p) => rest.startsWith(p.name) && isNameEnd(rest[p.name.length]));
    if (hit && !found.includes(hit.id)) found.push(hit.id);
  }
  return found;
}

/** The text after an unfinished `@` at the caret, for the composer's picker; null when there is none. */
export function mentionQueryAt(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const at = before.lastIndexOf('@');
  if (at < 0 || isWordChar(before[at - 1])) return null;
  const query = before.slice(at + 1);
  if (query.length > 40 || /[\n@]/.test(query) || /\s\s/.test(query)) return null;
  return { start: at, query };
}
