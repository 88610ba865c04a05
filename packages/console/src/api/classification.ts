/** A conversation's intent and sentiment (agent assist's classification). */
import type { Classification } from '@beckon/protocol/intent-api';
import { request } from './http.ts';

export type { Classification };

/** The conversation's classification; rejects with a 404 before the first. */
export function getClassification(conversationId: string): Promise<Classification> {
  return request('GET', `/api/v1/conversations/${encodeURIComponent(conversationId)}/classification`);
}
