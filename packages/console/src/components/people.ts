/** How people are shown: role names and avatar initials. */
import type { AgentStatus, Role } from '../api/types.ts';

export const ROLES: Role[] = ['owner', 'admin', 'agent', 'analyst'];

export const ROLE_LABELS: Record<Role, string> = {
  owner: 'Owner',
  admin: 'Admin',
  agent: 'Agent',
  analyst: 'Analyst',
};

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  owner: 'Everything, including other owners',
  admin: 'Sites, skills, team, API keys and campaigns',
  agent: 'Answers conversations',
  analyst: 'Reads reports',
};

export const STATUSES: AgentStatus[] = ['online', 'away', 'offline'];

export const STATUS_LABELS: Record<AgentStatus, string> = {
  online: 'Online',
  away: 'Away',
  offline: 'Offline',
};

/** Two letters for an avatar: "Ada Lovelace" → "AL". */
export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) return '?';
  const letters = parts.length > 1 ? parts[0]![0]! + parts.at(-1)![0]! : parts[0]!.slice(0, 2);
  return letters.toUpperCase();
}
