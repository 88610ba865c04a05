import type { AttributeValues, AttrType } from '@beckon/protocol';
import { attrBit, Field } from './field-bits.ts';
import type { MarketingSource } from './marketing-source.ts';
import type { AttrEntry, VisitorState } from './visitor-shape.ts';

/** How many distinct cart totals a state remembers. */
export const CART_HISTORY = 10;

/** Stores an engagement attribute (keeping the previous differing value) and updates cart / marketing. */
export function applyAttr(
  state: VisitorState,
  type: AttrType,
  value: AttributeValues[AttrType],
  now: number,
): number {
  const entries = state.attrs as Record<AttrType, AttrEntry<unknown> | undefined>;
  const old = entries[type];
  let changed = attrBit(type);
  if (old === undefined) entries[type] = { value, prev: null, at: now };
  else {
    if (!sameValue(old.value, value)) {
      old.prev = old.value;
      old.value = value;
    }
    old.at = now;
  }
  if (type === 'cart') changed |= applyCart(state, value as AttributeValues['cart']);
  else if (type === 'marketing') {
    state.marketing = mergeMarketing(state.marketing, value as AttributeValues['marketing']);
    changed |= Field.Marketing;
  }
  return changed;
}

function applyCart(state: VisitorState, value: AttributeValues['cart']): number {
  let itemCount = 0;
  for (const item of value.items) itemCount += item.quantity;
  const cart = state.cart;
  const total = value.total;
  if (cart && cart.total === total && cart.itemCount === itemCount && cart.currency === value.currency) {
    cart.items = value.items;
    return Field.Cart;
  }
  state.cartPrev = cart ? { total: cart.total, itemCount: cart.itemCount } : { total: 0, itemCount: 0 };
  state.cart = { items: value.items, total, itemCount, currency: value.currency };
  const totals = state.cartTotals;
  totals.push(total);
  if (totals.length > CART_HISTORY) totals.shift();
  return Field.Cart;
}

/** Overlays a `marketing` attribute's fields on a classified source. */
export function mergeMarketing(
  base: MarketingSource,
  attr: AttributeValues['marketing'] | undefined,
): MarketingSource {
  if (!attr) return base;
  const out: MarketingSource = { ...base };
  if (attr.channel) out.channel = attr.channel;
  if (attr.source) out.source = attr.source;
  if (attr.campaign) out.campaign = attr.campaign;
  return out;
}

/** Shallow equality for attribute values (arrays compared item by item, one level deep). */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    const x = (a as Record<string, unknown>)[k];
    const y = (b as Record<string, unknown>)[k];
    if (x === y) continue;
    if (!Array.isArray(x) || !Array.isArray(y) || x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!sameValue(x[i], y[i])) return false;
  }
  return true;
}
