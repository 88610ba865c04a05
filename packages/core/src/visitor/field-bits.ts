import { ATTR_TYPES, type AttrType } from '@beckon/protocol';

/**
 * Bits naming the parts of visitor state a targeting rule can read. `applyEvent` returns the
 * bits it touched; a campaign is re-evaluated only when they meet the bits of its inputs.
 */
export const Field = {
  /** Current page: url, path, sections. */
  Page: 1 << 0,
  /** The page clock restarted, paused or resumed (time on page). */
  PageTime: 1 << 1,
  /** Session counters: page views, views by section, session start. */
  Session: 1 << 2,
  /** Visitor facts: returning, device, location. */
  Visitor: 1 << 3,
  Marketing: 1 << 4,
  Cart: 1 << 5,
  /** Custom events (counts and last times). */
  Event: 1 << 6,
  Score: 1 << 7,
  /** Exposures and their outcomes (frequency caps, declines). */
  Exposure: 1 << 8,
  /** Identify traits, and the contact the visitor is linked to. */
  Traits: 1 << 9,
  /** Time passed: set by the caller when a timer from `nextCheck` fires. */
  Clock: 1 << 10,
} as const;

const ATTR_SHIFT = 11;

/** The bit of one engagement attribute type (cart, purchase, …). */
export function attrBit(type: AttrType): number {
  return 1 << (ATTR_SHIFT + ATTR_TYPES.indexOf(type));
}

/** Every bit: pass this after a campaign or session change to re-evaluate everything. */
export const ALL_FIELDS = (1 << (ATTR_SHIFT + ATTR_TYPES.length)) - 1;

const NAMES: string[] = [...Object.keys(Field), ...ATTR_TYPES.map((t) => `attr.${t}`)];

/** Names of the bits set in a mask, for logs and tests. */
export function describeFields(mask: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < NAMES.length; i++) if (mask & (1 << i)) out.push(NAMES[i]!);
  return out;
}
