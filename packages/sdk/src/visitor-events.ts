import type {
  CartItem,
  CustomEvent,
  ExposureOutcome,
  ExposureOutcomeEvent,
  IdentifyEvent,
  PageViewEvent,
  VisibilityEvent,
  VisitorEvent,
} from '@beckon/protocol';

/** A page view; `sections` label the page (e.g. ['product'] or ['checkout']). */
export function pageView(
  url: string,
  sections?: string[],
  extra: Partial<PageViewEvent> = {},
): PageViewEvent {
  return { type: 'page_view', url, ...(sections ? { sections } : {}), ts: Date.now(), ...extra };
}

/** The cart as it is now (the total is what targeting compares). */
export function cartAttr(total: number, items: CartItem[] = [], currency = 'EUR'): VisitorEvent {
  return { type: 'attr', attrType: 'cart', value: { items, total, currency }, ts: Date.now() };
}

/** A conversion: an order with its revenue. */
export function purchaseAttr(orderId: string, total: number, currency = 'EUR'): VisitorEvent {
  return { type: 'attr', attrType: 'purchase', value: { orderId, total, currency }, ts: Date.now() };
}

/** A custom named event with optional scalar properties. */
export function customEvent(name: string, props?: CustomEvent['props']): CustomEvent {
  return { type: 'event', name, ...(props ? { props } : {}), ts: Date.now() };
}

/**
 * Who the visitor is: `userId`, `email`, `name` and `phone` name the contact. `userHash`, the
 * HMAC-SHA256 of `userId` with the site's identity secret (made on the site's server), makes it a
 * verified identity; a wrong one is answered with an `identity_unverified` error frame.
 */
export function identifyEvent(
  traits: IdentifyEvent['traits'],
  opts: { userHash?: string } = {},
): IdentifyEvent {
  return { type: 'identify', traits, ...(opts.userHash ? { userHash: opts.userHash } : {}) };
}

/** What the visitor did with an engagement the server sent. */
export function exposureOutcome(exposureId: string, outcome: ExposureOutcome): ExposureOutcomeEvent {
  return { type: 'exposure_outcome', exposureId, outcome, ts: Date.now() };
}

/** The tab became hidden or visible (time on page only counts visible time). */
export function visibility(visible: boolean): VisibilityEvent {
  return { type: 'visibility', visible, ts: Date.now() };
}

let counter = 0;
const prefix = Math.random().toString(36).slice(2, 10);

/** A batch id unique to this process (the server drops a batch whose id it has seen). */
export function newBatchId(): string {
  return `b${prefix}${(++counter).toString(36)}`;
}
