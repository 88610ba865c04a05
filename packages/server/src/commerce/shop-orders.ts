import { createHmac, timingSafeEqual } from 'node:crypto';
import { type CommercePlatform, VISITOR_ATTRIBUTE } from '@beckon/protocol/conversions-api';

/** An order as a shop's webhook describes it, in the terms of a server-side conversion. */
export interface ShopOrder {
  orderId: string;
  value: number;
  currency: string;
  occurredAt: number;
  visitorId?: string;
  email?: string;
  userId?: string;
  phone?: string;
}

/** What a delivery means: an order to record, one to skip (with why), or a body that is not an order. */
export type ShopDelivery = { order: ShopOrder } | { skip: string } | { invalid: string };

/** The signature header each platform sends: base64 HMAC-SHA256 of the raw body. */
export const SIGNATURE_HEADER: Record<CommercePlatform, string> = {
  shopify: 'x-shopify-hmac-sha256',
  woocommerce: 'x-wc-webhook-signature',
};

/** True when `signature` is the base64 HMAC-SHA256 of the exact body bytes under `secret`. */
export function signedBy(secret: string, raw: Buffer, signature: string | undefined): boolean {
  if (!signature) return false;
  const want = createHmac('sha256', secret).update(raw).digest();
  const got = Buffer.from(signature.trim(), 'base64');
  return got.length === want.length && timingSafeEqual(got, want);
}

/** WooCommerce's ping when a webhook is saved: `webhook_id=N`, form-encoded and unsigned. */
export const isWooPing = (raw: Buffer): boolean => /^webhook_id=\d{1,20}$/.test(raw.toString('utf8').trim());

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v.trim() !== '' ? v.trim() : typeof v === 'number' ? String(v) : undefined;
const VISITOR_ID = /^[\w-]{1,64}$/;

/** The Beckon visitor id among a list of `{name|key, value}` attributes. */
function visitorOf(list: unknown, keyField: 'name' | 'key'): string | undefined {
  if (!Array.isArray(list)) return undefined;
  for (const a of list) {
    if (!isObj(a) || a[keyField] !== VISITOR_ATTRIBUTE) continue;
    const v = str(a.value);
    if (v && VISITOR_ID.test(v)) return v;
  }
  return undefined;
}

function money(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/** Shopify `orders/create`: id, total_price, currency, created_at, email, phone, customer, note_attributes. */
export function shopifyDelivery(body: unknown, topic: string | undefined): ShopDelivery {
  if (topic && topic !== 'orders/create') return { skip: `topic ${topic}` };
  if (!isObj(body)) return { invalid: 'the body is not an order' };
  const occurredAt = Date.parse(str(body.processed_at) ?? str(body.created_at) ?? '');
  const order = orderOf(body.id, body.total_price, body.currency, occurredAt);
  if (!order) return { invalid: 'an order needs id, total_price, currency and created_at' };
  const customer = isObj(body.customer) ? body.customer : {};
  order.visitorId = visitorOf(body.note_attributes, 'name');
  order.email = str(body.email) ?? str(customer.email);
  const billing = isObj(body.billing_address) ? body.billing_address : {};
  order.phone = str(body.phone) ?? str(customer.phone) ?? str(billing.phone);
  return { order };
}

/** The facts every order must have, or undefined when one is missing or unreadable. */
function orderOf(id: unknown, total: unknown, currency: unknown, occurredAt: number): ShopOrder | undefined {
  const orderId = str(id);
  const value = money(total);
  const code = str(currency);
  if (!orderId || value === undefined || !code || Number.isNaN(occurredAt)) return undefined;
  return { orderId, value, currency: code, occurredAt };
}

/** Statuses of a WooCommerce order that has been paid for (or is being fulfilled). */
const PAID = new Set(['processing', 'completed']);

/** WooCommerce `order.created` / `order.updated`: counted once the order is paid (dedupe keeps it once). */
export function wooDelivery(body: unknown, topic: string | undefined): ShopDelivery {
  if (topic && topic !== 'order.created' && topic !== 'order.updated') return { skip: `topic ${topic}` };
  if (!isObj(body)) return { invalid: 'the body is not an order' };
  // WooCommerce's `_gmt` times are UTC without a zone designator.
  const gmt = str(body.date_paid_gmt) ?? str(body.date_created_gmt);
  const occurredAt = gmt ? Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(gmt) ? gmt : `${gmt}Z`) : Number.NaN;
  const order = orderOf(body.id, body.total, body.currency, occurredAt);
  if (!order) return { invalid: 'an order needs id, total, currency and date_created_gmt' };
  const status = str(body.status);
  if (status && !PAID.has(status)) return { skip: `status ${status}` };
  const billing = isObj(body.billing) ? body.billing : {};
  const customerId =
    typeof body.customer_id === 'number' && body.customer_id > 0 ? body.customer_id : undefined;
  order.visitorId = visitorOf(body.meta_data, 'key');
  order.email = str(billing.email);
  order.phone = str(billing.phone);
  if (customerId !== undefined) order.userId = String(customerId);
  return { order };
}
