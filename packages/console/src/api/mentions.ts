/** Mentions: the internal notes that name me (`@Name`), unread first. */
import type { Mention, MentionList } from '@beckon/protocol/mentions-api';
import { request } from './http.ts';

export type { Mention, MentionList };

export function listMentions(): Promise<MentionList> {
  return request('GET', '/api/v1/mentions?limit=100');
}

/** Marks the named mentions read (all of mine when `ids` is absent); answers how many stay unread. */
export function markMentionsRead(ids?: string[]): Promise<{ marked: number; unread: number }> {
  return request('POST', '/api/v1/mentions/read', { body: ids ? { ids } : {} });
}
