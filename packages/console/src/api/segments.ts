import type { SegmentFilter } from '@beckon/protocol/segment-filter';
import type { SegmentMembersPage, SegmentPreview, SegmentView } from '@beckon/protocol/segments-api';
import { request } from './http.ts';
import type { List } from './types.ts';

export type { SegmentMembersPage, SegmentPreview, SegmentView };

export async function listSegments(): Promise<SegmentView[]> {
  return (await request<List<SegmentView>>('GET', '/api/v1/segments')).items;
}

export function getSegment(id: string): Promise<SegmentView> {
  return request('GET', `/api/v1/segments/${encodeURIComponent(id)}`);
}

export function createSegment(input: { name: string; filter: SegmentFilter }): Promise<SegmentView> {
  return request('POST', '/api/v1/segments', { body: input });
}

export function updateSegment(
  id: string,
  input: { name?: string; filter?: SegmentFilter },
): Promise<SegmentView> {
  return request('PATCH', `/api/v1/segments/${encodeURIComponent(id)}`, { body: input });
}

export function deleteSegment(id: string): Promise<void> {
  return request('DELETE', `/api/v1/segments/${encodeURIComponent(id)}`);
}

/** The count and first members of a filter being edited (nothing is saved). */
export function previewSegment(filter: SegmentFilter, limit = 8): Promise<SegmentPreview> {
  return request('POST', '/api/v1/segments/preview', { body: { filter, limit } });
}

/** A page of a saved segment's members in contact id order; pass `next` as `after`. */
export function listSegmentMembers(id: string, limit = 50, after?: string): Promise<SegmentMembersPage> {
  const q = new URLSearchParams({ limit: String(limit) });
  if (after) q.set('after', after);
  return request('GET', `/api/v1/segments/${encodeURIComponent(id)}/contacts?${q}`);
}
