/** Privacy requests: everything held about one person, exported as a ZIP or erased. */
import { downloadFile, request } from './http.ts';

/** Who a request is about: a tag visitor or a contact. */
export type PrivacySubject = { visitorId: string } | { contactId: string };

export interface EraseResult {
  erased: {
    contacts: number;
    visitors: number;
    conversations: number;
    messages: number;
    events: number;
    attachments: number;
  };
}

export const exportPerson = (subject: PrivacySubject) => downloadFile('/api/v1/privacy/export', subject);

export const erasePerson = (subject: PrivacySubject) =>
  request<EraseResult>('POST', '/api/v1/privacy/erase', { body: subject });
