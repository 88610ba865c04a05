import Type, { type Static } from 'typebox';

/** Privacy requests (GDPR articles 15 and 17): who the request is about, by exactly one key. */
export const PrivacyRequest = Type.Object(
  {
    visitorId: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    contactId: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    email: Type.Optional(Type.String({ minLength: 3, maxLength: 320 })),
    /** A phone number in any common writing (`+44 20 …`, `0044…`): compared by its digits. */
    phone: Type.Optional(Type.String({ minLength: 6, maxLength: 32 })),
  },
  { additionalProperties: false },
);
export type PrivacyRequest = Static<typeof PrivacyRequest>;

const count = (description: string) => Type.Integer({ minimum: 0, description });

/**
 * What an erase did, per kind: rows deleted, or (visits, conversations, calls) kept for the
 * reports' counts with every id, detail and word of the person removed. Files are counted by the
 * rows that named them (attachments, recordings, mails).
 */
export const EraseResult = Type.Object({
  erased: Type.Object({
    contacts: count('Contacts deleted, merged ones included'),
    visitors: count('Visitor ids forgotten'),
    visits: count('Visits kept for the counts, cut loose from the visitor'),
    conversations: count('Conversations kept for the counts, with details, words and ids removed'),
    messages: count('Messages deleted'),
    attachments: count('Attachments deleted, with their files'),
    calls: count('Calls kept for the call reports, cut loose like their conversation'),
    recordings: count('Call recordings deleted, with their files'),
    callbacks: count('Callback requests deleted (they hold the number)'),
    mails: count('Raw inbound e-mails deleted'),
    channelMessages: count('Provider message ids deleted (WhatsApp, SMS, e-mail…)'),
    outbox: count('Outbound sends deleted, sent or pending'),
    events: count('Tracked events deleted'),
    identities: count('Channel identities deleted (page-scoped ids, chat ids)'),
    notes: count('Contact notes deleted'),
    consents: count('Consent records deleted'),
    pushDevices: count('Push tokens and app sign-ins deleted'),
    merges: count('Merge records deleted (they hold a copy of a merged contact)'),
    webhookDeliveries: count('Webhook deliveries deleted whose payload named the person'),
    automationEvents: count('Automation events deleted whose payload named the person'),
    auditEntries: count('Audit entries deleted that named the person'),
  }),
});
export type EraseResult = Static<typeof EraseResult>;
