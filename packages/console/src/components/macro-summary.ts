/** What a macro does, in a few words per action, for the picker and the settings list. */
import type { MacroActions } from '@beckon/protocol/macros';
import { t } from '../i18n/i18n.ts';

/** Snooze lengths a macro offers, in minutes, with their names. */
export function snoozeLengths(): { minutes: number; label: string }[] {
  return [
    { minutes: 60, label: t('1 hour') },
    { minutes: 240, label: t('4 hours') },
    { minutes: 1440, label: t('1 day') },
    { minutes: 4320, label: t('3 days') },
    { minutes: 10080, label: t('1 week') },
  ];
}

const snoozeLabel = (minutes: number) =>
  snoozeLengths().find((s) => s.minutes === minutes)?.label ??
  t('{count, plural, one {# minute} other {# minutes}}', { count: minutes });

/** Each action as a short phrase, in the order a run does them. */
export function macroSummary(
  a: MacroActions,
  names: { skill: (id: string) => string | null; user: (id: string) => string | null },
): string[] {
  const parts: string[] = [];
  if (a.reply) parts.push(t('Reply'));
  if (a.tags?.length) parts.push(t('Tag {tags}', { tags: a.tags.join(', ') }));
  if (a.status === 'open') parts.push(t('Mark open'));
  if (a.status === 'pending') parts.push(t('Mark pending'));
  if (a.status === 'resolved') parts.push(t('Resolve'));
  if (a.snoozeMinutes) parts.push(t('Snooze {length}', { length: snoozeLabel(a.snoozeMinutes) }));
  if (a.assign && 'skillId' in a.assign)
    parts.push(t('Assign to {name}', { name: names.skill(a.assign.skillId) ?? t('a deleted skill') }));
  if (a.assign && 'agentId' in a.assign)
    parts.push(t('Assign to {name}', { name: names.user(a.assign.agentId) ?? t('a former colleague') }));
  return parts;
}
