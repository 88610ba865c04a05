/**
 * The segment editor's words for fields and operators, and how a row of the editor (field ·
 * operator · value as typed) becomes a filter leaf and back. Fields and their operators come from
 * the protocol (`segment-fields.ts`), so the editor offers only what the server accepts.
 */
import {
  resolveSegmentField,
  SEGMENT_CHANNELS,
  SEGMENT_CONSENTS,
  type SegmentFieldRef,
  type SegmentOp,
  segmentOpsFor,
} from '@beckon/protocol/segment-fields';
import type { SegmentFilter, SegmentLeaf } from '@beckon/protocol/segment-filter';
import { t } from '../../i18n/i18n.ts';

/** A field as the editor lists it: `attribute.*` and `section.*` take a key typed beside them. */
export interface CatalogField {
  template: string;
  label: string;
  group: string;
}

export function catalog(): CatalogField[] {
  const contact = t('Contact');
  const reach = t('Reach');
  const buying = t('Purchases');
  const behaviour = t('Behaviour');
  return [
    { template: 'contact.name', label: t('Name'), group: contact },
    { template: 'contact.email', label: t('E-mail address'), group: contact },
    { template: 'contact.phone', label: t('Phone number'), group: contact },
    { template: 'contact.externalId', label: t('User id on your site'), group: contact },
    { template: 'contact.verified', label: t('Identity verified'), group: contact },
    { template: 'contact.createdAt', label: t('First known'), group: contact },
    { template: 'contact.lastSeen', label: t('Last seen'), group: contact },
    { template: 'country', label: t('Country (latest visit)'), group: contact },
    { template: 'attribute.*', label: t('Custom attribute'), group: contact },
    { template: 'channel', label: t('Can be reached on'), group: reach },
    { template: 'consent', label: t('Opted in to'), group: reach },
    { template: 'contact.emailOptOut', label: t('Unsubscribed from e-mail'), group: reach },
    { template: 'contact.smsOptOut', label: t('Texted STOP'), group: reach },
    { template: 'purchases.count', label: t('Number of purchases'), group: buying },
    { template: 'purchases.value', label: t('Total spent'), group: buying },
    { template: 'purchases.last', label: t('Last purchase'), group: buying },
    { template: 'score', label: t('Purchase score (latest visit)'), group: buying },
    { template: 'section.*', label: t('Viewed a page in section'), group: behaviour },
    { template: 'cart.abandoned', label: t('Left a cart worth'), group: behaviour },
  ];
}

export function opLabel(op: SegmentOp, ref: SegmentFieldRef): string {
  const channels = ref.kind === 'channels';
  switch (op) {
    case 'equals':
      return t('is');
    case 'not_equals':
      return t('is not');
    case 'contains':
      return channels ? t('includes') : t('contains');
    case 'not_contains':
      return t('does not include');
    case 'in':
      return t('is one of');
    case 'gte':
      return t('at least');
    case 'lte':
      return t('at most');
    case 'exists':
      return t('is set');
    case 'within':
      return t('in the last');
    case 'not_within':
      return t('not in the last');
    case 'since':
      return t('since');
    case 'not_since':
      return t('not since');
  }
}

/** One row of the editor, as typed. */
export interface Row {
  id: number;
  template: string;
  /** The attribute's key or the section's label. */
  key: string;
  op: SegmentOp;
  /** What the value control holds: text, a number, a date, "true"/"false", a channel. */
  value: string;
}

const fieldName = (row: Pick<Row, 'template' | 'key'>) =>
  row.template.endsWith('.*') ? row.template.slice(0, -1) + row.key.trim() : row.template;

/** The field a row names (with a placeholder key while none is typed), for its operators. */
export function refOf(row: Pick<Row, 'template' | 'key'>): SegmentFieldRef {
  return resolveSegmentField(fieldName(row)) ?? resolveSegmentField(row.template.replace('*', 'x'))!;
}

/** The operators the editor offers for a row's field ("is one of" on channels needs no list: add a row). */
export function opsOf(row: Pick<Row, 'template' | 'key'>): SegmentOp[] {
  const ref = refOf(row);
  return segmentOpsFor(ref).filter((op) => !(ref.kind === 'channels' && op === 'in'));
}

/** How the value control looks: a kind of input, and the choices of a list. */
export function valueControl(row: Row): {
  kind: 'text' | 'number' | 'days' | 'date' | 'choice' | 'none';
  choices?: [string, string][];
} {
  const ref = refOf(row);
  if (row.op === 'exists')
    return {
      kind: 'choice',
      choices: [
        ['true', t('yes')],
        ['false', t('no')],
      ],
    };
  if (row.op === 'within' || row.op === 'not_within') return { kind: 'days' };
  if (row.op === 'since' || row.op === 'not_since') return { kind: 'date' };
  if (ref.kind === 'boolean')
    return {
      kind: 'choice',
      choices: [
        ['true', t('yes')],
        ['false', t('no')],
      ],
    };
  if (ref.kind === 'channels') {
    const names: Record<string, string> = {
      email: t('E-mail'),
      sms: t('SMS'),
      whatsapp: 'WhatsApp',
      push: t('Push'),
    };
    const list = ref.base === 'consent' ? SEGMENT_CONSENTS : SEGMENT_CHANNELS;
    return { kind: 'choice', choices: list.map((c) => [c, names[c]!]) };
  }
  if (ref.kind === 'number' || row.op === 'gte' || row.op === 'lte') return { kind: 'number' };
  return { kind: 'text' };
}

/** A fresh value for a row whose field or operator changed: keep what still fits. */
export function defaultValue(row: Row): string {
  const control = valueControl(row);
  if (control.kind === 'choice')
    return control.choices!.some(([v]) => v === row.value) ? row.value : control.choices![0]![0];
  if (control.kind === 'days') return '30';
  if (control.kind === 'date') return new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
  if (control.kind === 'number')
    return Number.isFinite(Number(row.value)) && row.value.trim() !== '' ? row.value : '';
  return '';
}

/** A custom attribute's typed value: a number or yes/no when it reads as one. */
const attributeValue = (text: string): string | number | boolean => {
  const v = text.trim();
  if (v === 'true' || v === 'false') return v === 'true';
  return v !== '' && Number.isFinite(Number(v)) ? Number(v) : v;
};

/** The leaf a row stands for, or null while it is incomplete (then it is left out of the count). */
export function leafOf(row: Row): SegmentLeaf | null {
  if (row.template.endsWith('.*') && !row.key.trim()) return null;
  const field = fieldName(row);
  const ref = refOf(row);
  const control = valueControl(row);
  const text = row.value.trim();
  let value: SegmentLeaf['value'];
  if (control.kind === 'choice')
    value = ref.kind === 'channels' && row.op !== 'exists' ? text : text === 'true';
  else if (control.kind === 'days') {
    if (!(Number(text) > 0)) return null;
    value = Math.round(Number(text) * 86_400);
  } else if (control.kind === 'number') {
    if (text === '' || !Number.isFinite(Number(text))) return null;
    value = Number(text);
  } else if (control.kind === 'date') {
    if (!text) return null;
    value = text;
  } else {
    if (!text) return null;
    if (row.op === 'in') {
      const items = text
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      value = ref.kind === 'attribute' ? items.map((s) => attributeValue(s) as string | number) : items;
      if (ref.kind === 'country') value = items.map((s) => s.toUpperCase());
    } else if (ref.kind === 'attribute' && row.op !== 'contains') value = attributeValue(text);
    else value = ref.kind === 'country' ? text.toUpperCase() : text;
  }
  return { field, op: row.op, value };
}

/** The filter of the editor's rows: all or any of the complete ones. */
export function filterOf(mode: 'all' | 'any', rows: Row[]): SegmentFilter {
  const leaves = rows.map(leafOf).filter((l): l is SegmentLeaf => l !== null);
  return mode === 'any' && leaves.length > 0 ? { any: leaves } : { all: leaves };
}

let nextId = 1;

export function newRow(template = 'channel'): Row {
  const base: Row = { id: nextId++, template, key: '', op: 'equals', value: '' };
  const op = opsOf(base)[0]!;
  const row = { ...base, op };
  return { ...row, value: defaultValue(row) };
}

/** The editor's rows for a stored filter, or null when it is not a flat all / any of leaves (made through the API). */
export function rowsOf(filter: SegmentFilter): { mode: 'all' | 'any'; rows: Row[] } | null {
  const mode = 'any' in filter ? 'any' : 'all' in filter ? 'all' : null;
  const leaves =
    mode === 'any'
      ? (filter as { any: SegmentFilter[] }).any
      : mode === 'all'
        ? (filter as { all: SegmentFilter[] }).all
        : [filter];
  const rows: Row[] = [];
  for (const leaf of leaves) {
    if (!('field' in leaf)) return null;
    const ref = resolveSegmentField(leaf.field);
    if (!ref) return null;
    const template =
      ref.key !== undefined ? `${leaf.field.slice(0, leaf.field.length - ref.key.length)}*` : leaf.field;
    const row: Row = { id: nextId++, template, key: ref.key ?? '', op: leaf.op, value: '' };
    const control = valueControl(row);
    const v = leaf.value;
    row.value =
      control.kind === 'days'
        ? String(Math.round(((v as number) / 86_400) * 100) / 100)
        : Array.isArray(v)
          ? v.join(', ')
          : String(v);
    if (control.kind === 'choice' && ref.kind === 'channels' && leaf.op === 'in') return null;
    rows.push(row);
  }
  return { mode: mode ?? 'all', rows };
}
