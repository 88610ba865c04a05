/** Agent assist settings (owners and admins). */
import type { AssistSettings, AssistUpdate } from '@beckon/protocol/assist-api';
import { request } from './http.ts';

export type { AssistSettings, AssistUpdate };

export function fetchAssist(): Promise<AssistSettings> {
  return request('GET', '/api/v1/assist');
}

export function saveAssist(input: AssistUpdate): Promise<AssistSettings> {
  return request('PUT', '/api/v1/assist', { body: input });
}
