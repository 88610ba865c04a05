/**
 * The targeting fields the rule builder offers, mirroring packages/protocol/src/campaign-fields.ts
 * (whose runtime pulls in the schema compiler, which the console's CSP and budget both forbid).
 * A template is a field name, or one with a `*` the person fills in (a section or event name).
 */
import type { ConditionOp } from '../../api/types.ts';
import { COUNTRY_CODES, countryName } from '../../components/country-names.ts';
import { t } from '../../i18n/i18n.ts';

export type FieldKind = 'string' | 'number' | 'boolean' | 'list' | 'time' | 'event' | 'presence';

export interface FieldTemplate {
  /** The field name, with `*` where a key (section or event name) goes. */
  template: string;
  label: string;
  group: string;
  kind: FieldKind;
  /** Keeps its previous value, so changed / increased / decreased apply. */
  history: boolean;
  /** Label and hint of the key input, for templates with a `*`. */
  keyLabel?: string;
  keyPlaceholder?: string;
  /** Known values, offered as a list (device) or as suggestions (channel). */
  choices?: readonly string[];
  strictChoices?: boolean;
  /** How a choice reads (a country's name for its code); the choice itself when absent. */
  choiceLabel?: (choice: string) => string;
  /** What a number measures, shown after the value ("s", "$", "pages"). */
  unit?: string;
  /** Not offered any more (another field says the same); only shown on a condition saved with it. */
  superseded?: boolean;
}

const DEVICES = ['desktop', 'tablet', 'mobile', 'other'] as const;
const PLATFORMS = ['web', 'ios', 'android'] as const;
const CHANNELS = [
  'direct',
  'search',
  'social',
  'email',
  'paid',
  'affiliate',
  'referral',
  'internal',
  'other',
] as const;

/** The browser's IANA zones, suggested for the time zone field (empty where the browser cannot list them). */
const TIME_ZONES: readonly string[] =
  typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];

/**
 * Scalar fields of each engagement attribute, as attributes.ts defines them (arrays left out). The
 * cart's are those of the Cart group (`cart.total` reads the same reported cart), so they are not
 * offered twice: see SUPERSEDED.
 */
const ATTRIBUTES: { type: string; label: string; fields: [string, string, 'string' | 'number'][] }[] = [
  { type: 'cart', label: 'Cart attribute', fields: [] },
  {
    type: 'purchase',
    label: 'Purchase',
    fields: [
      ['orderId', 'order id', 'string'],
      ['total', 'total', 'number'],
      ['currency', 'currency', 'string'],
    ],
  },
  {
    type: 'product_view',
    label: 'Product viewed',
    fields: [
      ['sku', 'SKU', 'string'],
      ['name', 'name', 'string'],
      ['price', 'price', 'number'],
      ['category', 'category', 'string'],
    ],
  },
  {
    type: 'customer',
    label: 'Customer',
    fields: [
      ['type', 'type', 'string'],
      ['status', 'status', 'string'],
      ['tier', 'tier', 'string'],
      ['balance', 'balance', 'number'],
      ['id', 'id', 'string'],
    ],
  },
  {
    type: 'marketing',
    label: 'Marketing attribute',
    fields: [
      ['channel', 'channel', 'string'],
      ['campaign', 'campaign', 'string'],
      ['affiliate', 'affiliate', 'string'],
      ['source', 'source', 'string'],
    ],
  },
  {
    type: 'lead',
    label: 'Lead',
    fields: [
      ['topic', 'topic', 'string'],
      ['value', 'value', 'number'],
    ],
  },
  {
    type: 'service',
    label: 'Service',
    fields: [
      ['topic', 'topic', 'string'],
      ['status', 'status', 'string'],
    ],
  },
  {
    type: 'error',
    label: 'Error',
    fields: [
      ['code', 'code', 'string'],
      ['message', 'message', 'string'],
    ],
  },
  { type: 'search', label: 'Search', fields: [['keywords', 'keywords', 'string']] },
  {
    type: 'personal',
    label: 'Personal',
    fields: [
      ['name', 'name', 'string'],
      ['language', 'language', 'string'],
      ['email', 'e-mail', 'string'],
    ],
  },
];

/** Each field's label in the user's language, by template (the English one is the catalog's own). */
const LABELS: Record<string, () => string> = {
  'attr.cart.total': () => t('Cart total (as last reported)'),
  'attr.cart.currency': () => t('Cart currency (as last reported)'),
  'page.url': () => t('Page URL'),
  'page.path': () => t('Page path'),
  'page.section': () => t('Page section'),
  'page.timeOnPage': () => t('Time on page'),
  'session.timeOnSite': () => t('Time on site'),
  'session.pageViews': () => t('Pages this visit'),
  'session.sectionViews.*': () => t('Pages in a section'),
  'visitor.returning': () => t('Returning visitor'),
  'visitor.device': () => t('Device'),
  score: () => t('Purchase score'),
  'marketing.channel': () => t('Marketing channel'),
  'marketing.source': () => t('Marketing source'),
  'marketing.medium': () => t('Marketing medium'),
  'marketing.campaign': () => t('Marketing campaign'),
  'cart.total': () => t('Cart total'),
  'cart.items': () => t('Cart items'),
  'cart.currency': () => t('Cart currency'),
  'geo.country': () => t('Country'),
  platform: () => t('Platform'),
  'app.version': () => t('App version'),
  'screen.name': () => t('Screen'),
  'screen.section': () => t('Screen section'),
  'geo.region': () => t('Region'),
  'geo.city': () => t('City'),
  'geo.timezone': () => t('Time zone'),
  'geo.localHour': () => t('Local hour'),
  'event.*': () => t('Custom event'),
  'attr.cart': () => t('Cart attribute (reported)'),
  'attr.purchase': () => t('Purchase (reported)'),
  'attr.purchase.orderId': () => t('Purchase order id'),
  'attr.purchase.total': () => t('Purchase total'),
  'attr.purchase.currency': () => t('Purchase currency'),
  'attr.product_view': () => t('Product viewed (reported)'),
  'attr.product_view.sku': () => t('Product viewed SKU'),
  'attr.product_view.name': () => t('Product viewed name'),
  'attr.product_view.price': () => t('Product viewed price'),
  'attr.product_view.category': () => t('Product viewed category'),
  'attr.customer': () => t('Customer (reported)'),
  'attr.customer.type': () => t('Customer type'),
  'attr.customer.status': () => t('Customer status'),
  'attr.customer.tier': () => t('Customer tier'),
  'attr.customer.balance': () => t('Customer balance'),
  'attr.customer.id': () => t('Customer id'),
  'attr.marketing': () => t('Marketing attribute (reported)'),
  'attr.marketing.channel': () => t('Marketing attribute channel'),
  'attr.marketing.campaign': () => t('Marketing attribute campaign'),
  'attr.marketing.affiliate': () => t('Marketing attribute affiliate'),
  'attr.marketing.source': () => t('Marketing attribute source'),
  'attr.lead': () => t('Lead (reported)'),
  'attr.lead.topic': () => t('Lead topic'),
  'attr.lead.value': () => t('Lead value'),
  'attr.service': () => t('Service (reported)'),
  'attr.service.topic': () => t('Service topic'),
  'attr.service.status': () => t('Service status'),
  'attr.error': () => t('Error (reported)'),
  'attr.error.code': () => t('Error code'),
  'attr.error.message': () => t('Error message'),
  'attr.search': () => t('Search (reported)'),
  'attr.search.keywords': () => t('Search keywords'),
  'attr.personal': () => t('Personal (reported)'),
  'attr.personal.name': () => t('Personal name'),
  'attr.personal.language': () => t('Personal language'),
  'attr.personal.email': () => t('Personal e-mail'),
};

/** Each group's label in the user's language, by its English label. */
const GROUP_LABELS: Record<string, () => string> = {
  Cart: () => t('Cart'),
  Page: () => t('Page'),
  Visit: () => t('Visit'),
  Visitor: () => t('Visitor'),
  Source: () => t('Source'),
  Location: () => t('Location'),
  App: () => t('App'),
  Events: () => t('Events'),
  'Attribute: Cart attribute': () => t('Attribute: Cart attribute'),
  'Attribute: Purchase': () => t('Attribute: Purchase'),
  'Attribute: Product viewed': () => t('Attribute: Product viewed'),
  'Attribute: Customer': () => t('Attribute: Customer'),
  'Attribute: Marketing attribute': () => t('Attribute: Marketing attribute'),
  'Attribute: Lead': () => t('Attribute: Lead'),
  'Attribute: Service': () => t('Attribute: Service'),
  'Attribute: Error': () => t('Attribute: Error'),
  'Attribute: Search': () => t('Attribute: Search'),
  'Attribute: Personal': () => t('Attribute: Personal'),
};

/** The section or event name input of a template with a `*`, in the user's language. */
function keyTexts(template: string): { label: string; placeholder: string } {
  return template === 'event.*'
    ? { label: t('Event name'), placeholder: t('e.g. newsletter_signup') }
    : { label: t('Section'), placeholder: t('e.g. product') };
}

/**
 * A catalog entry. `group` stays the English label (the key fields are grouped by); `label` and the
 * key input's texts are read in the user's language on each use.
 */
function fixed(
  template: string,
  label: string,
  group: string,
  kind: FieldKind,
  extra: Partial<FieldTemplate> = {},
): FieldTemplate {
  const field: FieldTemplate = { template, label, group, kind, history: false, ...extra };
  Object.defineProperty(field, 'label', {
    get: () => LABELS[template]?.() ?? label,
    enumerable: true,
  });
  if (extra.keyLabel) {
    Object.defineProperty(field, 'keyLabel', { get: () => keyTexts(template).label, enumerable: true });
    Object.defineProperty(field, 'keyPlaceholder', {
      get: () => keyTexts(template).placeholder,
      enumerable: true,
    });
  }
  return field;
}

/**
 * The cart attribute's own total and currency: what "Cart total" and "Cart currency" read, except
 * that with no cart reported they are empty rather than 0. Kept so campaigns saved with them still
 * show (and save) as they are.
 */
const SUPERSEDED: readonly FieldTemplate[] = [
  fixed('attr.cart.total', 'Cart total (as last reported)', 'Cart', 'number', {
    history: true,
    superseded: true,
  }),
  fixed('attr.cart.currency', 'Cart currency (as last reported)', 'Cart', 'string', {
    history: true,
    superseded: true,
  }),
];

export const FIELD_TEMPLATES: readonly FieldTemplate[] = [
  fixed('page.url', 'Page URL', 'Page', 'string'),
  fixed('page.path', 'Page path', 'Page', 'string'),
  fixed('page.section', 'Page section', 'Page', 'list'),
  fixed('page.timeOnPage', 'Time on page', 'Page', 'time', { unit: 's' }),
  fixed('session.timeOnSite', 'Time on site', 'Visit', 'time', { unit: 's' }),
  fixed('session.pageViews', 'Pages this visit', 'Visit', 'number', { unit: 'pages' }),
  fixed('session.sectionViews.*', 'Pages in a section', 'Visit', 'number', {
    unit: 'pages',
    keyLabel: 'Section',
    keyPlaceholder: 'e.g. product',
  }),
  fixed('visitor.returning', 'Returning visitor', 'Visitor', 'boolean'),
  fixed('visitor.device', 'Device', 'Visitor', 'string', { choices: DEVICES, strictChoices: true }),
  fixed('score', 'Purchase score', 'Visitor', 'number', { unit: '0–1' }),
  fixed('uplift', 'Predicted uplift', 'Visitor', 'number', { unit: '−1–1' }),
  fixed('marketing.channel', 'Marketing channel', 'Source', 'string', { choices: CHANNELS }),
  fixed('marketing.source', 'Marketing source', 'Source', 'string'),
  fixed('marketing.medium', 'Marketing medium', 'Source', 'string'),
  fixed('marketing.campaign', 'Marketing campaign', 'Source', 'string'),
  fixed('geo.country', 'Country', 'Location', 'string', {
    choices: COUNTRY_CODES,
    strictChoices: true,
    choiceLabel: countryName,
  }),
  fixed('geo.region', 'Region', 'Location', 'string'),
  fixed('geo.city', 'City', 'Location', 'string'),
  fixed('geo.timezone', 'Time zone', 'Location', 'string', { choices: TIME_ZONES }),
  fixed('geo.localHour', 'Local hour', 'Location', 'number', { unit: 'hour' }),
  fixed('platform', 'Platform', 'App', 'string', { choices: PLATFORMS, strictChoices: true }),
  fixed('app.version', 'App version', 'App', 'string'),
  fixed('screen.name', 'Screen', 'App', 'string'),
  fixed('screen.section', 'Screen section', 'App', 'string'),
  fixed('cart.total', 'Cart total', 'Cart', 'number', { history: true }),
  fixed('cart.items', 'Cart items', 'Cart', 'number', { history: true, unit: 'items' }),
  fixed('cart.currency', 'Cart currency', 'Cart', 'string'),
  fixed('event.*', 'Custom event', 'Events', 'event', {
    keyLabel: 'Event name',
    keyPlaceholder: 'e.g. newsletter_signup',
  }),
  ...SUPERSEDED,
  ...ATTRIBUTES.flatMap(({ type, label, fields }) => [
    fixed(`attr.${type}`, `${label} (reported)`, `Attribute: ${label}`, 'presence'),
    ...fields.map(([key, name, kind]) =>
      fixed(`attr.${type}.${key}`, `${label} ${name}`, `Attribute: ${label}`, kind, { history: true }),
    ),
  ]),
];

const BY_TEMPLATE = new Map(FIELD_TEMPLATES.map((field) => [field.template, field]));

export interface FieldGroup {
  label: string;
  fields: FieldTemplate[];
}

function groupFields(fields: readonly FieldTemplate[]): FieldGroup[] {
  const groups = new Map<string, FieldTemplate[]>();
  for (const field of fields) {
    const list = groups.get(field.group) ?? [];
    list.push(field);
    groups.set(field.group, list);
  }
  return [...groups].map(([group, list]) => ({
    get label() {
      return GROUP_LABELS[group]?.() ?? group;
    },
    fields: list,
  }));
}

/** The fields offered, grouped for <optgroup>s, in catalog order. */
export const FIELD_GROUPS: readonly FieldGroup[] = groupFields(FIELD_TEMPLATES.filter((f) => !f.superseded));

/** The groups a condition's field picker lists: those offered, plus its own field if no longer offered. */
export function fieldGroupsFor(template: string): readonly FieldGroup[] {
  const own = BY_TEMPLATE.get(template);
  return own?.superseded
    ? groupFields(FIELD_TEMPLATES.filter((f) => !f.superseded || f === own))
    : FIELD_GROUPS;
}

export function fieldTemplate(template: string): FieldTemplate | undefined {
  return BY_TEMPLATE.get(template);
}

/** Splits a stored field name into its template and key: `event.signup` → ['event.*', 'signup']. */
export function parseFieldName(name: string): { template: string; key: string } | null {
  if (BY_TEMPLATE.has(name) && !name.includes('*')) return { template: name, key: '' };
  for (const prefix of ['session.sectionViews.', 'event.']) {
    if (name.startsWith(prefix) && name.length > prefix.length) {
      return { template: `${prefix}*`, key: name.slice(prefix.length) };
    }
  }
  return null;
}

/** The stored field name for a template and key. */
export function fieldName(template: string, key: string): string {
  return template.endsWith('*') ? template.slice(0, -1) + key.trim() : template;
}

/** Section and event names the server accepts (campaign-fields.ts NAME). */
export const KEY_PATTERN = /^[A-Za-z0-9_.:$ -]{1,64}$/;

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

/** The operators a field accepts, in the order the menu shows them. */
export function opsFor(field: FieldTemplate): readonly ConditionOp[] {
  // The purchase score also ranks a visitor among the site's recent visitors (as the server allows).
  if (field.template === 'score') return ['gte', 'lte', 'top_percent', 'equals', 'not_equals', 'in'];
  // A country is one of a list of codes (as the server allows).
  if (field.template === 'geo.country' || field.template === 'platform')
    return ['equals', 'not_equals', 'in'];
  return field.history ? [...BY_KIND[field.kind], ...HISTORY_OPS[field.kind]] : BY_KIND[field.kind];
}

/** How an operator reads in a sentence for a field of this kind ("is at least", "happened within"). */
export function opLabel(op: ConditionOp, kind: FieldKind): string {
  switch (op) {
    case 'equals':
      return t('is');
    case 'not_equals':
      return t('is not');
    case 'contains':
      return kind === 'list' ? t('includes') : t('contains');
    case 'matches':
      return kind === 'list' ? t('has one matching') : t('matches');
    case 'in':
      return kind === 'list' ? t('includes one of') : t('is one of');
    case 'gte':
      return kind === 'event' ? t('happened at least') : t('is at least');
    case 'lte':
      return kind === 'event' ? t('happened at most') : t('is at most');
    case 'changed':
      return t('changed');
    case 'decreased':
      return t('decreased');
    case 'increased':
      return t('increased');
    case 'within':
      return kind === 'presence' ? t('was reported within') : t('happened within');
    case 'top_percent':
      return t('is in the top');
  }
}
