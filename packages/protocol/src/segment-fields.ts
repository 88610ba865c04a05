/**
 * The fields a segment filter tests, and the operators each accepts. A segment filter has the
 * shape of a campaign's targeting (`{all}`, `{any}`, `{not}`, `{field, op, value}`) and reuses its
 * operator names, but its fields describe a contact and their history, not a visitor on the page.
 */

/** Operators a segment leaf can use. */
export const SEGMENT_OPS = [
  'equals',
  'not_equals',
  'contains',
  'not_contains',
  'in',
  'gte',
  'lte',
  'exists',
  'within',
  'not_within',
  'since',
  'not_since',
] as const;
export type SegmentOp = (typeof SEGMENT_OPS)[number];

/**
 * How a field's value behaves: text, number, yes/no, a moment (`within` seconds, `since` a date),
 * a set of channels, a custom attribute (text, number or yes/no), a behaviour with a time window.
 */
export type SegmentFieldKind =
  | 'string'
  | 'country'
  | 'number'
  | 'boolean'
  | 'time'
  | 'channels'
  | 'attribute'
  | 'activity';

/** Which part of a contact a field reads. */
export type SegmentFieldBase =
  | 'contact.name'
  | 'contact.email'
  | 'contact.phone'
  | 'contact.externalId'
  | 'contact.verified'
  | 'contact.emailOptOut'
  | 'contact.smsOptOut'
  | 'contact.createdAt'
  | 'contact.lastSeen'
  | 'channel'
  | 'consent'
  | 'purchases.count'
  | 'purchases.value'
  | 'purchases.last'
  | 'score'
  | 'country'
  | 'cart.abandoned'
  | 'section'
  | 'attribute';

export interface SegmentFieldRef {
  name: string;
  base: SegmentFieldBase;
  kind: SegmentFieldKind;
  /** The attribute's key, or the page section's label. */
  key?: string;
}

/** Channels a contact can be reached on (`channel`). */
export const SEGMENT_CHANNELS = ['email', 'sms', 'whatsapp', 'push'] as const;
/** Channels a contact can opt in to (`consent`). */
export const SEGMENT_CONSENTS = ['whatsapp', 'sms'] as const;

const FIXED: Record<string, Omit<SegmentFieldRef, 'name'>> = {
  'contact.name': { base: 'contact.name', kind: 'string' },
  'contact.email': { base: 'contact.email', kind: 'string' },
  'contact.phone': { base: 'contact.phone', kind: 'string' },
  'contact.externalId': { base: 'contact.externalId', kind: 'string' },
  'contact.verified': { base: 'contact.verified', kind: 'boolean' },
  'contact.emailOptOut': { base: 'contact.emailOptOut', kind: 'boolean' },
  'contact.smsOptOut': { base: 'contact.smsOptOut', kind: 'boolean' },
  'contact.createdAt': { base: 'contact.createdAt', kind: 'time' },
  'contact.lastSeen': { base: 'contact.lastSeen', kind: 'time' },
  channel: { base: 'channel', kind: 'channels' },
  consent: { base: 'consent', kind: 'channels' },
  'purchases.count': { base: 'purchases.count', kind: 'number' },
  'purchases.value': { base: 'purchases.value', kind: 'number' },
  'purchases.last': { base: 'purchases.last', kind: 'time' },
  score: { base: 'score', kind: 'number' },
  country: { base: 'country', kind: 'country' },
  'cart.abandoned': { base: 'cart.abandoned', kind: 'number' },
};

/** A custom attribute key or a section label: what the tag and the contacts API accept. */
const KEY = /^[A-Za-z0-9_.:$ -]{1,64}$/;

/** Parses a segment field name; null when there is no such field. */
export function resolveSegmentField(name: unknown): SegmentFieldRef | null {
  if (typeof name !== 'string' || name.length > 200) return null;
  if (Object.hasOwn(FIXED, name)) return { name, ...FIXED[name]! };
  for (const [prefix, base, kind] of [
    ['attribute.', 'attribute', 'attribute'],
    ['section.', 'section', 'activity'],
  ] as const) {
    if (!name.startsWith(prefix)) continue;
    const key = name.slice(prefix.length);
    return KEY.test(key) ? { name, base, kind, key } : null;
  }
  return null;
}

const BY_KIND: Record<SegmentFieldKind, readonly SegmentOp[]> = {
  string: ['equals', 'not_equals', 'contains', 'in', 'exists'],
  country: ['equals', 'not_equals', 'in', 'exists'],
  number: ['equals', 'not_equals', 'gte', 'lte'],
  boolean: ['equals'],
  time: ['within', 'not_within', 'since', 'not_since'],
  channels: ['contains', 'not_contains', 'in'],
  attribute: ['equals', 'not_equals', 'contains', 'in', 'gte', 'lte', 'exists'],
  activity: ['within', 'not_within'],
};

/** The operators a field accepts (validation and the console's filter editor). */
export function segmentOpsFor(ref: SegmentFieldRef): readonly SegmentOp[] {
  // "Left a cart worth at least V": a threshold, not an exact amount.
  if (ref.base === 'cart.abandoned') return ['gte'];
  return BY_KIND[ref.kind];
}

/** Field names for documentation and the console's field picker. */
export const SEGMENT_FIELD_EXAMPLES: readonly string[] = [
  ...Object.keys(FIXED),
  'attribute.<key>',
  'section.<label>',
];
