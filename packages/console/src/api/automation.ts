import type {
  AutomationAction,
  AutomationCondition,
  AutomationRule,
  AutomationRuleInput,
  AutomationRulePatch,
  AutomationRun,
  AutomationTrigger,
} from '@beckon/protocol/automation-api';
import { request } from './http.ts';
import type { List } from './types.ts';

export type { AutomationAction, AutomationCondition, AutomationRule, AutomationRun, AutomationTrigger };

const base = '/api/v1/automation-rules';
const one = (id: string) => `${base}/${encodeURIComponent(id)}`;

export async function listRules(): Promise<AutomationRule[]> {
  return (await request<List<AutomationRule>>('GET', base)).items;
}

export function createRule(body: AutomationRuleInput): Promise<AutomationRule> {
  return request('POST', base, { body });
}

export function updateRule(id: string, body: AutomationRulePatch): Promise<AutomationRule> {
  return request('PATCH', one(id), { body });
}

export function deleteRule(id: string): Promise<void> {
  return request('DELETE', one(id));
}

export async function listRuns(id: string): Promise<AutomationRun[]> {
  return (await request<List<AutomationRun>>('GET', `${one(id)}/runs`)).items;
}
