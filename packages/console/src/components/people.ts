/** How people are shown: role names and avatar initials. */
import type { AgentStatus, Role } from '../api/types.ts';
import { t } from '../i18n/i18n.ts';

export const ROLES: Role[] = ['owner', 'admin', 'agent', 'analyst'];

// Getters: each read gives the label in the console's language at that moment.
export const ROLE_LABELS: Record<Role, string> = {
  get owner() {
    return t('Owner');
  },
  get admin() {
    return t('Admin');
  },
  get agent() {
    return t('Agent');
  },
  get analyst() {
    return t('Analyst');
  },
};

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  get owner() {
    return t('Everything, including other owners');
  },
  get admin() {
    return t('Sites, skills, team, API keys and campaigns');
  },
  get agent() {
    return t('Answers conversations');
  },
  get analyst() {
    return t('Reads reports');
  },
};

export const STATUSES: AgentStatus[] = ['online', 'away', 'offline'];

export const STATUS_LABELS: Record<AgentStatus, string> = {
  get online() {
    return t('Online');
  },
  get away() {
    return t('Away');
  },
  get offline() {
    return t('Offline');
  },
};

/**
 * Two letters for an avatar: "Ada Lovelace" → "AL". Only letters count, so punctuation, emoji or
 * markup pasted into a name ("Quinn <b>QA</b>" → "QQ") never shows as an initial.
 */
export function initials(name: string): string {
  // Each word's letters ("O’Neil" → "ONeil"); words without any (emoji, numbers) do not count.
  const words = name
    .replace(/<[^>]*>/g, ' ')
    .split(/\s+/)
    .map((word) => word.match(/\p{L}/gu) ?? [])
    .filter((letters) => letters.length > 0);
  if (words.length === 0) return '?';
  const first = words[0]!;
  const letters = words.length > 1 ? first[0]! + words.at(-1)![0]! : first.slice(0, 2).join('');
  return letters.toUpperCase();
}
