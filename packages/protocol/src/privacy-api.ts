import Type, { type Static } from 'typebox';

/** Privacy requests (GDPR articles 15 and 17): who the request is about, by exactly one key. */
export const PrivacyRequest = Type.Object(
  {
    visitorId: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    contactId: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    email: Type.Optional(Type.String({ minLength: 3, maxLength: 320 })),
  },
  { additionalProperties: false },
);
export type PrivacyRequest = Static<typeof PrivacyRequest>;

/** What an erase removed (contacts, visitors, messages, events, files) or cut loose (conversations). */
export const EraseResult = Type.Object({
  erased: Type.Object({
    contacts: Type.Integer(),
    visitors: Type.Integer(),
    /** Kept for the reports' counts, with the person's details, words and ids removed. */
    conversations: Type.Integer(),
    messages: Type.Integer(),
    events: Type.Integer(),
    attachments: Type.Integer(),
  }),
});
export type EraseResult = Static<typeof EraseResult>;
