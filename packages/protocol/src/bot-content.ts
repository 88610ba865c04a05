import Type, { type Static } from 'typebox';

/**
 * What a bot's line may carry besides its text: quick-reply buttons and one card. Shared by the
 * chat messages (the widget renders them) and the bot APIs (a bot sends them). Plain text only:
 * clients render every field as text, never as HTML.
 */

const closed = { additionalProperties: false } as const;

/** A button under a bot's line; a click sends its title as the visitor's next line. */
export const QuickReply = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 40 }),
    /** What the bot reads back when the visitor picks it (defaults to the title). */
    payload: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  closed,
);
export type QuickReply = Static<typeof QuickReply>;

/** A card: a title, a short text, and an optional link (an article, a product). */
export const Card = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 200 }),
    text: Type.Optional(Type.String({ maxLength: 1000 })),
    url: Type.Optional(Type.String({ maxLength: 2000, pattern: '^https?://' })),
    linkText: Type.Optional(Type.String({ minLength: 1, maxLength: 60 })),
  },
  closed,
);
export type Card = Static<typeof Card>;

export const MAX_QUICK_REPLIES = 10;

/** The extras of a bot's line. */
export const RichContent = Type.Object(
  {
    quickReplies: Type.Optional(Type.Array(QuickReply, { maxItems: MAX_QUICK_REPLIES })),
    card: Type.Optional(Card),
  },
  closed,
);
export type RichContent = Static<typeof RichContent>;
