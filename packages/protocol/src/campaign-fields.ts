import { type AttrType, attributeFieldKinds, isAttrType } from './attributes.ts';
import type { ConditionOp } from './campaign.ts';

/**
 * How a field's value behaves:
 * string / number / boolean — a plain value; list — a set of strings (page sections);
 * time — seconds that grow while the visitor stays; event — a custom event (when, how often);
 * presence — an attribute as a whole (when it was last reported).
 */
export type FieldKind = 'string' | 'number' | 'boolean' | 'list' | 'time' | 'event' | 'presence';

/** Which part of visitor state a field reads. */
export type FieldBase =
  | 'page.url'
  | 'page.path'
  | 'page.section'
  | 'page.timeOnPage'
  | 'session.timeOnSite'
  | 'session.pageViews'
  | 'session.sectionViews'
  | 'visitor.returning'
  | 'visitor.device'
  | 'marketing.channel'
  | 'marketing.source'
  | 'marketing.medium'
  | 'marketing.campaign'
  | 'cart.total'
  | 'cart.items'
  | 'cart.currency'
  | 'attr'
  | 'attr.field'
  | 'event'
  | 'score'
  | 'uplift'
  | 'geo.country'
  | 'geo.region'
  | 'geo.city'
  | 'geo.timezone'
  | 'geo.localHour'
  | 'platform'
  | 'app.version'
  | 'screen.name'
  | 'screen.section';

/** A parsed field name, e.g. `attr.customer.tier` → base 'attr.field', attrType 'customer', key 'tier'. */
export interface FieldRef {
  name: string;
  base: FieldBase;
  kind: FieldKind;
  /** The field keeps its previous value, so changed / increased / decreased apply. */
  history: boolean;
  /** Section name, event name or attribute field name. */
  key?: string;
  attrType?: AttrType;
}

type Fixed = Omit<FieldRef, 'name'>;
const FIXED: Record<string, Fixed> = {
  'page.url': { base: 'page.url', kind: 'string', history: false },
  'page.path': { base: 'page.path', kind: 'string', history: false },
  'page.section': { base: 'page.section', kind: 'list', history: false },
  'page.timeOnPage': { base: 'page.timeOnPage', kind: 'time', history: false },
  'session.timeOnSite': { base: 'session.timeOnSite', kind: 'time', history: false },
  'session.pageViews': { base: 'session.pageViews', kind: 'number', history: false },
  'visitor.returning': { base: 'visitor.returning', kind: 'boolean', history: false },
  'visitor.device': { base: 'visitor.device', kind: 'string', history: false },
  'marketing.channel': { base: 'marketing.channel', kind: 'string', history: false },
  'marketing.source': { base: 'marketing.source', kind: 'string', history: false },
  'marketing.medium': { base: 'marketing.medium', kind: 'string', history: false },
  'marketing.campaign': { base: 'marketing.campaign', kind: 'string', history: false },
  'cart.total': { base: 'cart.total', kind: 'number', history: true },
  'cart.items': { base: 'cart.items', kind: 'number', history: true },
  'cart.currency': { base: 'cart.currency', kind: 'string', history: false },
  score: { base: 'score', kind: 'number', history: false },
  uplift: { base: 'uplift', kind: 'number', history: false },
  'geo.country': { base: 'geo.country', kind: 'string', history: false },
  'geo.region': { base: 'geo.region', kind: 'string', history: false },
  'geo.city': { base: 'geo.city', kind: 'string', history: false },
  'geo.timezone': { base: 'geo.timezone', kind: 'string', history: false },
  'geo.localHour': { base: 'geo.localHour', kind: 'number', history: false },
  /** `web`, `ios` or `android`. */
  platform: { base: 'platform', kind: 'string', history: false },
  /** The app's version as the app reports it (absent on the web). */
  'app.version': { base: 'app.version', kind: 'string', history: false },
  /** The app screen the user is on and its section (absent on the web). */
  'screen.name': { base: 'screen.name', kind: 'string', history: false },
  'screen.section': { base: 'screen.section', kind: 'string', history: false },
};

const NAME = /^[A-Za-z0-9_.:$ -]{1,64}$/;

/** Parses a targeting field name; null when the field does not exist. */
export function resolveField(name: string): FieldRef | null {
  if (typeof name !== 'string' || name.length > 200) return null;
  const fixed = FIXED[name];
  if (fixed && Object.hasOwn(FIXED, name)) return { name, ...fixed };
  if (name.startsWith('session.sectionViews.')) {
    const key = name.slice('session.sectionViews.'.length);
    return NAME.test(key)
      ? { name, base: 'session.sectionViews', kind: 'number', history: false, key }
      : null;
  }
  if (name.startsWith('event.')) {
    const key = name.slice('event.'.length);
    return NAME.test(key) ? { name, base: 'event', kind: 'event', history: false, key } : null;
  }
  if (name.startsWith('attr.')) {
    const rest = name.slice('attr.'.length);
    const dot = rest.indexOf('.');
    const type = dot < 0 ? rest : rest.slice(0, dot);
    if (!isAttrType(type)) return null;
    if (dot < 0) return { name, base: 'attr', kind: 'presence', history: false, attrType: type };
    const key = rest.slice(dot + 1);
    const kinds = attributeFieldKinds(type);
    if (!Object.hasOwn(kinds, key)) return null;
    return { name, base: 'attr.field', kind: kinds[key]!, history: true, attrType: type, key };
  }
  return null;
}

const BY_KIND: Record<FieldKind, readonly ConditionOp[]> = {
  string: ['equals', 'not_equals', 'contains', 'matches', 'in'],
  number: ['equals', 'not_equals', 'gte', 'lte', 'in'],
  boolean: ['equals', 'not_equals'],
  list: ['contains', 'in', 'matches'],
  time: ['gte', 'lte'],
  event: ['within', 'gte', 'lte'],
  presence: ['within'],
};
const HISTORY_OPS: Record<FieldKind, readonly ConditionOp[]> = {
  string: ['changed'],
  number: ['changed', 'decreased', 'increased'],
  boolean: ['changed'],
  list: [],
  time: [],
  event: [],
  presence: [],
};

/** The operators a field accepts (used by validation and by the console's rule builder). */
export function opsForField(ref: FieldRef): readonly ConditionOp[] {
  if (ref.base === 'score') return SCORE_OPS;
  if (ref.base === 'geo.country' || ref.base === 'platform') return COUNTRY_OPS;
  return ref.history ? [...BY_KIND[ref.kind], ...HISTORY_OPS[ref.kind]] : BY_KIND[ref.kind];
}

/** The purchase score also ranks a visitor among the site's recent visitors ("in the top 20 %"). */
const SCORE_OPS: readonly ConditionOp[] = [...BY_KIND.number, 'top_percent'];

/** A country (or a platform) is one of a list of codes: no substring or pattern of a code means anything. */
const COUNTRY_OPS: readonly ConditionOp[] = ['equals', 'not_equals', 'in'];

/** Example field names for documentation and the console's field picker. */
export const FIELD_EXAMPLES: readonly string[] = [
  ...Object.keys(FIXED),
  'session.sectionViews.<section>',
  'attr.<type>',
  'attr.<type>.<field>',
  'event.<name>',
];
