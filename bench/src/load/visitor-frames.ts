// Tag-like frames for load generation: what the real tag sends, in the mix a shopper produces.
const PAGES = ['/', '/products', '/product/1', '/product/2', '/product/3', '/cart', '/checkout'];
const SECTIONS = [['home'], ['product'], ['product'], ['product'], ['product'], ['cart'], ['checkout']];

export const helloFrame = (visitorId: string, origin: string) =>
  JSON.stringify({ type: 'hello', visitorId, page: { url: `${origin}/` }, device: 'desktop' });

/** One event of the shopper mix: page views, a custom event and cart updates, rotating per socket. */
function shopperEvent(socket: number, seq: number, j: number, origin: string, ts: number): unknown {
  const k = (socket + seq + j) % 10;
  if (k < 6) {
    const p = (seq + j) % PAGES.length;
    return { type: 'page_view', url: `${origin}${PAGES[p]}`, sections: SECTIONS[p], ts };
  }
  if (k < 8) return { type: 'event', name: 'scroll', props: { depth: (seq % 4) * 25 }, ts };
  const qty = 1 + (seq % 3);
  return {
    type: 'attr',
    attrType: 'cart',
    value: {
      items: [{ sku: `sku-${socket % 50}`, price: 40, quantity: qty }],
      total: 40 * qty,
      currency: 'USD',
    },
    ts,
  };
}

/** A batch of `size` events of the shopper mix (no answers to engagements). */
export function batchFrame(id: string, socket: number, seq: number, size: number, origin: string): string {
  const ts = Date.now();
  const events: unknown[] = [];
  for (let j = 0; j < size; j++) events.push(shopperEvent(socket, seq, j, origin, ts));
  return JSON.stringify({ type: 'batch', id, events });
}

/**
 * Shoppers that also behave like the tag's widget: an engagement that arrives is reported
 * `shown` in the socket's next batch, and every third one is then dismissed (the answers take
 * the place of shopper events, so batches keep their size).
 */
export class ShopperScript {
  /** Engage frames received (all sockets). */
  engages = 0;
  private readonly answers = new Map<number, { exposureId: string; outcome: string }[]>();

  constructor(
    private readonly origin: string,
    private readonly size: number,
    private readonly prefix: string,
  ) {}

  hello = (i: number): string => helloFrame(`${this.prefix}-${i}`, this.origin);

  frame = (i: number, id: string): string => {
    const seq = Number(id.slice(id.indexOf('-') + 1));
    const ts = Date.now();
    const events: unknown[] = [];
    const due = this.answers.get(i);
    if (due) {
      for (const a of due.splice(0, this.size)) events.push({ type: 'exposure_outcome', ...a, ts });
      if (due.length === 0) this.answers.delete(i);
    }
    for (let j = events.length; j < this.size; j++) events.push(shopperEvent(i, seq, j, this.origin, ts));
    return JSON.stringify({ type: 'batch', id, events });
  };

  onOther = (i: number, text: string): void => {
    if (!text.startsWith('{"type":"engage"')) return;
    const { exposureId } = JSON.parse(text) as { exposureId: string };
    this.engages++;
    const list = this.answers.get(i) ?? [];
    list.push({ exposureId, outcome: 'shown' });
    if (this.engages % 3 === 0) list.push({ exposureId, outcome: 'dismissed' });
    this.answers.set(i, list);
  };
}

/** The acknowledged batch id of a server frame (cheap check before parsing). */
export function ackIdOf(text: string): string | undefined {
  // Both servers answer exactly `{"type":"ack","id":"…"}` (batch ids need no escaping).
  if (!text.startsWith(ACK_PREFIX)) return undefined;
  return text.slice(ACK_PREFIX.length, -2);
}

const ACK_PREFIX = '{"type":"ack","id":"';
