import { request } from './http.ts';
import type { BusinessHours, List, Skill, SlaTargets } from './types.ts';

export interface SkillInput {
  name: string;
  maxWaitSeconds: number;
  offerTimeoutSeconds: number;
  transferSkillIds: string[];
  hours: BusinessHours | null;
  botId?: string | null;
  sla?: SlaTargets | null;
}

export async function listSkills(): Promise<Skill[]> {
  return (await request<List<Skill>>('GET', '/api/v1/skills')).items;
}

export function createSkill(input: SkillInput): Promise<Skill> {
  return request('POST', '/api/v1/skills', { body: input });
}

export function updateSkill(id: string, input: Partial<SkillInput>): Promise<Skill> {
  return request('PATCH', `/api/v1/skills/${encodeURIComponent(id)}`, { body: input });
}

export function deleteSkill(id: string): Promise<void> {
  return request('DELETE', `/api/v1/skills/${encodeURIComponent(id)}`);
}
