import type {
  Contact,
  ContactDetail,
  ContactMergeView,
  ContactNames,
  ContactNote,
  ContactPage,
  IdentitySettings,
} from '@beckon/protocol/contacts-api';
import { request } from './http.ts';

export type { Contact, ContactDetail, ContactMergeView, ContactNote, ContactPage, IdentitySettings };

/** Contacts whose name, e-mail or phone contains `q`, latest seen first. */
export function searchContacts(q: string, cursor?: string, limit = 50): Promise<ContactPage> {
  const query = new URLSearchParams({ limit: String(limit) });
  if (q.trim()) query.set('q', q.trim());
  if (cursor) query.set('cursor', cursor);
  return request('GET', `/api/v1/contacts?${query}`);
}

/** The CSV export of the contacts matching `q` (a plain link: the browser downloads it). */
export const contactsCsvUrl = (q: string) =>
  `/api/v1/contacts/export.csv${q.trim() ? `?q=${encodeURIComponent(q.trim())}` : ''}`;

export function getContact(id: string): Promise<ContactDetail> {
  return request('GET', `/api/v1/contacts/${encodeURIComponent(id)}`);
}

export function addContactNote(id: string, body: string): Promise<ContactNote> {
  return request('POST', `/api/v1/contacts/${encodeURIComponent(id)}/notes`, { body: { body } });
}

/** Merges `otherId` into the contact `id` (which stays). */
export function mergeContact(id: string, otherId: string): Promise<ContactMergeView> {
  return request('POST', `/api/v1/contacts/${encodeURIComponent(id)}/merge`, {
    body: { contactId: otherId },
  });
}

export function undoMerge(mergeId: string): Promise<ContactMergeView> {
  return request('POST', `/api/v1/contacts/merges/${encodeURIComponent(mergeId)}/undo`);
}

export function contactNames(ids: string[], visitorIds: string[]): Promise<ContactNames> {
  const query = new URLSearchParams();
  if (ids.length) query.set('ids', ids.join(','));
  if (visitorIds.length) query.set('visitorIds', visitorIds.join(','));
  return request('GET', `/api/v1/contacts/names?${query}`);
}

export function getIdentity(siteId: string): Promise<IdentitySettings> {
  return request('GET', `/api/v1/sites/${encodeURIComponent(siteId)}/identity`);
}

export function rotateIdentity(siteId: string): Promise<IdentitySettings> {
  return request('POST', `/api/v1/sites/${encodeURIComponent(siteId)}/identity/rotate`);
}
