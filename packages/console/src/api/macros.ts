/** Macros: named sets of actions (reply, tags, status or snooze, assignment) an agent runs on a chat. */
import type { Macro, MacroActions, MacroCreate, MacroRun, MacroUpdate } from '@beckon/protocol/macros';
import { request } from './http.ts';
import type { List } from './types.ts';

export type { Macro, MacroActions, MacroCreate, MacroRun, MacroUpdate };

export async function listMacros(): Promise<Macro[]> {
  return (await request<List<Macro>>('GET', '/api/v1/macros')).items;
}

export function createMacro(input: MacroCreate): Promise<Macro> {
  return request('POST', '/api/v1/macros', { body: input });
}

export function updateMacro(id: string, patch: MacroUpdate): Promise<Macro> {
  return request('PATCH', `/api/v1/macros/${encodeURIComponent(id)}`, { body: patch });
}

export function deleteMacro(id: string): Promise<void> {
  return request('DELETE', `/api/v1/macros/${encodeURIComponent(id)}`);
}

export function runMacro(conversationId: string, macroId: string): Promise<MacroRun> {
  return request(
    'POST',
    `/api/v1/conversations/${encodeURIComponent(conversationId)}/macros/${encodeURIComponent(macroId)}/run`,
  );
}
