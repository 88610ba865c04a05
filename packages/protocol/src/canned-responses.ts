import Type, { type Static } from 'typebox';
import { MAX_CANNED_TEXT_LENGTH, MAX_CANNED_TITLE_LENGTH, SHORTCUT_PATTERN } from './chat-limits.ts';

/**
 * Canned responses: an account's saved replies. An agent types `/shortcut` in the composer, the
 * console expands the variables with `expandCannedText` and shows the final text before sending.
 */

export { MAX_CANNED_TEXT_LENGTH, MAX_CANNED_TITLE_LENGTH, SHORTCUT_PATTERN };

const Shortcut = Type.String({
  pattern: SHORTCUT_PATTERN,
  description: 'Unique in the account, e.g. "hello"',
});
const Title = Type.String({ minLength: 1, maxLength: MAX_CANNED_TITLE_LENGTH });
const Text = Type.String({
  minLength: 1,
  maxLength: MAX_CANNED_TEXT_LENGTH,
  description: 'May use {visitor.name}, {visitor.email}, {agent.name}, {agent.firstName}',
});

export const CannedResponse = Type.Object({
  id: Type.String(),
  shortcut: Type.String(),
  title: Type.String(),
  text: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type CannedResponse = Static<typeof CannedResponse>;

export const CannedResponseCreate = Type.Object(
  { shortcut: Shortcut, title: Title, text: Text },
  { additionalProperties: false },
);
export type CannedResponseCreate = Static<typeof CannedResponseCreate>;

export const CannedResponseUpdate = Type.Object(
  { shortcut: Type.Optional(Shortcut), title: Type.Optional(Title), text: Type.Optional(Text) },
  { additionalProperties: false, minProperties: 1 },
);
export type CannedResponseUpdate = Static<typeof CannedResponseUpdate>;

/** A chat topic for the widget's pre-chat form: one of the account's skills, and whether it can take a chat now. */
export const ChatTopic = Type.Object({
  name: Type.String(),
  skillId: Type.String(),
  available: Type.Boolean(),
});
export type ChatTopic = Static<typeof ChatTopic>;

export const ChatTopics = Type.Object({ topics: Type.Array(ChatTopic) });
export type ChatTopics = Static<typeof ChatTopics>;
