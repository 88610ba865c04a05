/** Privacy requests: everything held about one person, exported as a ZIP or erased. */
import type { EraseResult } from '@beckon/protocol/privacy-api';
import { downloadFile, request } from './http.ts';

export type { EraseResult };

/** Who a request is about: a tag visitor or a contact. */
export type PrivacySubject = { visitorId: string } | { contactId: string };

export const exportPerson = (subject: PrivacySubject) => downloadFile('/api/v1/privacy/export', subject);

/** Erases the person; answers what went, per kind. */
export const erasePerson = (subject: PrivacySubject) =>
  request<EraseResult>('POST', '/api/v1/privacy/erase', { body: subject });
