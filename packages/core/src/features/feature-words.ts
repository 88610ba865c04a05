import { CHANNEL_CODES, DEVICE_CODES, UCI_RATE_SCALE } from './live-features.ts';

/** One feature's push on a visitor's score, in words a marketer reads. */
export interface ScoreFactor {
  feature: string;
  /** Short name of the feature ("Product pages"). */
  label: string;
  value: number;
  effect: 'raised' | 'lowered';
  /** Change in log-odds this feature made (positive raised the score). */
  weight: number;
  /** The fact behind it ("Browsed 7 product pages"). */
  text: string;
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const nameOf = (codes: Readonly<Record<string, number>>, code: number) =>
  Object.keys(codes).find((k) => codes[k] === code) ?? 'other';
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const pct = (rate: number) => `${Math.round((rate / UCI_RATE_SCALE) * 100)} %`;
/** "$1,250", "€12.50"; a bare amount when the currency is not known. */
function money(v: number, currency: string | undefined): string {
  const digits = v >= 100 ? 0 : 2;
  const opts: Intl.NumberFormatOptions = { minimumFractionDigits: digits, maximumFractionDigits: digits };
  if (currency) {
    try {
      return v.toLocaleString('en-US', { ...opts, style: 'currency', currency });
    } catch {
      // Not a currency this runtime knows: fall through to the bare amount with its code.
      return `${v.toLocaleString('en-US', opts)} ${currency}`;
    }
  }
  return v.toLocaleString('en-US', opts);
}

/** "2 min 5 s", "40 s". */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return s % 60 === 0 ? `${m} min` : `${m} min ${s % 60} s`;
}

const CHANNEL_TEXT: Record<string, string> = {
  direct: 'Came straight to the site',
  search: 'Came from a search engine',
  social: 'Came from social media',
  email: 'Came from an e-mail',
  paid: 'Came from a paid ad',
  affiliate: 'Came from an affiliate',
  referral: 'Came from another website',
  internal: 'Came from within the site',
  other: 'Came from another source',
};

type Words = [label: string, text: (v: number, currency: string | undefined) => string];

const WORDS: Record<string, Words> = {
  Administrative: [
    'Account pages',
    (v) => (v > 0 ? `Visited ${plural(v, 'account page')}` : 'No account pages yet'),
  ],
  Administrative_Duration: [
    'Time on account pages',
    (v) => (v > 0 ? `Spent ${formatDuration(v)} on account pages` : 'No time on account pages yet'),
  ],
  Informational: [
    'Information pages',
    (v) => (v > 0 ? `Read ${plural(v, 'information page')}` : 'No information pages yet'),
  ],
  Informational_Duration: [
    'Time on information pages',
    (v) => (v > 0 ? `Spent ${formatDuration(v)} on information pages` : 'No time on information pages yet'),
  ],
  ProductRelated: [
    'Product pages',
    (v) => (v > 0 ? `Browsed ${plural(v, 'product page')}` : 'No product pages yet'),
  ],
  ProductRelated_Duration: [
    'Time on product pages',
    (v) => (v > 0 ? `Spent ${formatDuration(v)} on product pages` : 'No time on product pages yet'),
  ],
  BounceRates: ['Bounce rate', (v) => `Viewed pages ${pct(v)} of visitors leave straight away`],
  ExitRates: ['Exit rate', (v) => `Viewed pages where ${pct(v)} of views end the visit`],
  PageValues: [
    'Page value',
    (v, currency) =>
      v > 0
        ? `Viewed pages that lead to sales (${money(v, currency)} per view)`
        : 'Viewed no pages that usually lead to a sale',
  ],
  SpecialDay: [
    'Special day',
    (v) => (v > 0 ? 'Shopping in the run-up to a special day' : 'No special day coming up'),
  ],
  Month: ['Month', (v) => `Visiting in ${MONTHS[v - 1] ?? 'an unknown month'}`],
  VisitorType: ['New or returning', (v) => (v === 1 ? 'Returning visitor' : 'First visit')],
  Weekend: ['Weekend', (v) => (v === 1 ? 'Visiting at the weekend' : 'Visiting on a weekday')],
  Device: ['Device', (v) => `On a ${nameOf(DEVICE_CODES, v)}`],
  TrafficSource: [
    'Traffic source',
    (v) => CHANNEL_TEXT[nameOf(CHANNEL_CODES, v)] ?? 'Came from another source',
  ],
  CartValue: [
    'Cart value',
    (v, currency) => (v > 0 ? `Has ${money(v, currency)} in the cart` : 'Nothing in the cart'),
  ],
  CartItems: ['Cart items', (v) => `${plural(v, 'item')} in the cart`],
  ProductViews: ['Products viewed', (v) => `Looked at ${plural(v, 'product')} in detail`],
  Searches: ['Searches', (v) => (v > 0 ? `Searched the site ${plural(v, 'time')}` : 'Has not searched')],
  Customer: ['Signed in', (v) => (v === 1 ? 'Signed-in customer' : 'Not signed in')],
  CustomEvents: ['Interactions', (v) => `${plural(v, 'tracked interaction')}`],
};

/**
 * Describes one feature's contribution to a score (`weight` in log-odds). `currency` (ISO 4217, the
 * visitor's cart's) prices the amounts; without it they print bare.
 */
export function describeFactor(
  feature: string,
  value: number,
  weight: number,
  currency?: string,
): ScoreFactor {
  const words = WORDS[feature];
  const known = Number.isFinite(value);
  return {
    feature,
    label: words?.[0] ?? feature,
    value: known ? value : 0,
    effect: weight >= 0 ? 'raised' : 'lowered',
    weight,
    text: !known
      ? `${words?.[0] ?? feature}: not known yet`
      : words
        ? words[1](value, currency)
        : `${feature}: ${value}`,
  };
}

/** Human name of a feature (for importance charts). */
export function featureLabel(feature: string): string {
  return WORDS[feature]?.[0] ?? feature;
}
