/** A filter in one line of words, for the segment list. */
import type { SegmentFilter } from '@beckon/protocol/segment-filter';
import { t } from '../../i18n/i18n.ts';
import { catalog, opLabel, refOf, rowsOf, valueControl } from './segment-catalog.ts';

export function filterSummary(filter: SegmentFilter): string {
  const flat = rowsOf(filter);
  if (!flat) return t('A nested filter (made through the API)');
  if (flat.rows.length === 0) return t('Every contact');
  const fields = catalog();
  const parts = flat.rows.map((row) => {
    const label = fields.find((f) => f.template === row.template)?.label ?? row.template;
    const control = valueControl(row);
    const choice = control.choices?.find(([v]) => v === row.value)?.[1];
    const value =
      control.kind === 'days'
        ? t('{count, plural, one {# day} other {# days}}', { count: Number(row.value) })
        : (choice ?? row.value);
    return `${label}${row.key ? ` “${row.key}”` : ''} ${opLabel(row.op, refOf(row))} ${value}`;
  });
  return parts.join(flat.mode === 'any' ? t(' · or ') : ' · ');
}
