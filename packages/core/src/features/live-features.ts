/**
 * The live model's inputs, in vector order. The first thirteen are the columns of the UCI "Online
 * Shoppers Purchasing Intention" data that a tag can reproduce in real time (the cold-start model is
 * trained on exactly these); the rest are what the tag knows beyond the data set, learned by an
 * account's own model. UCI's OperatingSystems, Browser, Region and TrafficType are opaque integer
 * codes whose mapping was never published, so the live model does not use them.
 */
export const LIVE_FEATURE_NAMES = [
  'Administrative',
  'Administrative_Duration',
  'Informational',
  'Informational_Duration',
  'ProductRelated',
  'ProductRelated_Duration',
  'BounceRates',
  'ExitRates',
  'PageValues',
  'SpecialDay',
  'Month',
  'VisitorType',
  'Weekend',
  'Device',
  'TrafficSource',
  'CartValue',
  'CartItems',
  'ProductViews',
  'Searches',
  'Customer',
  'CustomEvents',
] as const;

export type LiveFeatureName = (typeof LIVE_FEATURE_NAMES)[number];

/** Entries in a live feature vector. */
export const LIVE_FEATURE_COUNT = LIVE_FEATURE_NAMES.length;

/** Position of each live feature, so the hot path writes a reused Float64Array directly. */
export const LF: Readonly<Record<LiveFeatureName, number>> = Object.freeze(
  Object.fromEntries(LIVE_FEATURE_NAMES.map((name, i) => [name, i])) as Record<LiveFeatureName, number>,
);

/** The UCI columns the live model reproduces: what the cold-start model is trained on. */
export const UCI_LIVE_FEATURES: readonly LiveFeatureName[] = LIVE_FEATURE_NAMES.slice(0, 13);

/**
 * The UCI file stores bounce and exit rates on a 0–0.2 scale (0.2 is its maximum, and the value of
 * nearly every one-page session), so live rates (0–1) are multiplied by this before the model reads them.
 */
export const UCI_RATE_SCALE = 0.2;

/** Device codes of the `Device` feature. */
export const DEVICE_CODES: Readonly<Record<string, number>> = Object.freeze({
  desktop: 0,
  mobile: 1,
  tablet: 2,
  other: 3,
});

/** Marketing channel codes of the `TrafficSource` feature; a site's own channel names count as `other`. */
export const CHANNEL_CODES: Readonly<Record<string, number>> = Object.freeze({
  direct: 0,
  search: 1,
  social: 2,
  email: 3,
  paid: 4,
  affiliate: 5,
  referral: 6,
  internal: 7,
  other: 8,
});

/** The code of a device name (unknown names are `other`). */
export function deviceCode(device: string): number {
  return DEVICE_CODES[device] ?? 3;
}

/** The code of a marketing channel (unknown channels are `other`). */
export function channelCode(channel: string): number {
  return CHANNEL_CODES[channel] ?? 8;
}
