import type { ConversionSource } from '@beckon/protocol/conversions-api';
import { sql } from 'kysely';
import type { Bus } from '../bus/bus.ts';
import { badRequest } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { normaliseEmail, normalisePhone } from '../store/contacts-repo.ts';
import type { StoredConversion } from '../store/conversions-repo.ts';
import type { Store } from '../store/store.ts';
import { DAY_MS } from './attribution-rules.ts';
import { loadCampaignTerms } from './campaign-terms.ts';
import { conversionAttributed } from './conversion-attributed.ts';
import type { ConversionCandidate } from './conversion-feed.ts';
import { attachConversion, type RecordedConversion, recordConversion } from './conversion-recorder.ts';
import { MAX_RANGE_DAYS } from './report-filters.ts';

/** An order a server reported: through the API, or a shop's webhook. */
export interface ServerOrder {
  accountId: string;
  source: Exclude<ConversionSource, 'tag'>;
  orderId: string;
  value: number;
  currency: string;
  /** Epoch ms; default: now. */
  occurredAt?: number;
  visitorId?: string;
  email?: string;
  userId?: string;
  /** The customer's phone number, matched as contacts keep numbers (E.164: `+` and digits). */
  phone?: string;
  siteId?: string;
}

export interface ServerOrderResult {
  conversion: StoredConversion;
  /** The order had been recorded before (by the tag or another source): it counts once. */
  duplicate: boolean;
}

/** How far ahead of this server's clock an order's time may be (clock skew). */
const FUTURE_SLACK_MS = 5 * 60_000;
const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

/** Refuses what would make a wrong figure: an unknown currency, a negative or unbounded value, a time out of reach. */
function validate(o: ServerOrder, now: number): { ts: number; currency: string } {
  const currency = o.currency.toUpperCase();
  if (!CURRENCIES.has(currency))
    throw badRequest(`currency: "${o.currency}" is not an ISO 4217 currency code`);
  if (!Number.isFinite(o.value) || o.value < 0) throw badRequest('value: must be a number of at least 0');
  const ts = o.occurredAt ?? now;
  if (!Number.isFinite(ts)) throw badRequest('occurredAt: not a date-time');
  if (ts > now + FUTURE_SLACK_MS) throw badRequest('occurredAt: an order cannot happen in the future');
  if (ts < now - MAX_RANGE_DAYS * DAY_MS)
    throw badRequest(`occurredAt: older than ${MAX_RANGE_DAYS} days, beyond any report`);
  return { ts, currency };
}

/** Where an order came from: a visit, and the contact the order named. */
interface OrderOrigin {
  visitor?: { siteId: string; visitorId: string };
  contactId?: string;
}

/**
 * The visit the order came from (the visitor named, or the newest visitor of the contact named by
 * user id, e-mail or phone), and that contact even when no visit of theirs is known. A contact
 * merged into another names the one that kept it.
 */
async function findOrigin(store: Store, o: ServerOrder): Promise<OrderOrigin> {
  const db = store.db;
  if (o.visitorId) {
    let q = db
      .selectFrom('visitors')
      .select(['site_id', 'id'])
      .where('account_id', '=', o.accountId)
      .where('id', '=', o.visitorId);
    if (o.siteId) q = q.where('site_id', '=', o.siteId);
    const v = await q.orderBy('last_seen_at', 'desc').limit(1).executeTakeFirst();
    return v ? { visitor: { siteId: v.site_id, visitorId: v.id } } : {};
  }
  // The site's own user id is the stronger identity; the e-mail comes next, the phone last.
  const keys: Array<['external_id' | 'email' | 'phone', string]> = [];
  if (o.userId) keys.push(['external_id', o.userId]);
  const email = o.email ? normaliseEmail(o.email) : null;
  if (email) keys.push(['email', email]);
  // The SMS and WhatsApp channels keep a number this way, so an order's number finds their contact.
  const phone = o.phone ? normalisePhone(o.phone) : null;
  if (phone) keys.push(['phone', phone]);
  let named: string | undefined;
  for (const [column, value] of keys) {
    const row = await db
      .selectFrom('contacts')
      .select('id')
      .where('account_id', '=', o.accountId)
      .where(column, '=', value)
      .orderBy(sql`case when merged_into is null then 0 else 1 end`)
      .orderBy('last_seen_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    const contact = row && (await store.contacts.find(o.accountId, row.id));
    if (!contact) continue;
    named ??= contact.id;
    const visitors = await store.contacts.visitorsOf(o.accountId, contact.id);
    const found = visitors.find((v) => !o.siteId || v.siteId === o.siteId);
    if (found) return { visitor: found, contactId: contact.id };
  }
  return named ? { contactId: named } : {};
}

/** The site an order belongs to when no visitor says: the one named, or the account's first. */
async function siteOf(store: Store, o: ServerOrder): Promise<string> {
  const sites = await store.sites.list(o.accountId);
  if (o.siteId) {
    if (!sites.some((s) => s.id === o.siteId))
      throw badRequest('siteId: no site of this account has this id');
    return o.siteId;
  }
  const first = sites[0];
  if (!first) throw badRequest('the account has no site to record the order on', 'no_site');
  return first.id;
}

/** The visitor's session at the time of the order (the latest one started before it), or ''. */
async function sessionAt(store: Store, siteId: string, visitorId: string, ts: number): Promise<string> {
  const s = await store.db
    .selectFrom('visitor_sessions')
    .select('id')
    .where('site_id', '=', siteId)
    .where('visitor_id', '=', visitorId)
    .where('started_at', '<=', ts)
    .orderBy('started_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return s?.id ?? '';
}

/**
 * Records an order a server reported, once per order id and account: a new order is attributed to
 * the visitor's touches like the tag's purchases (or stored unattributed when no visitor is known);
 * an order already seen gains this source, and the visitor if it had none.
 */
export async function recordServerOrder(
  deps: { store: Store; bus: Bus; log: Logger },
  o: ServerOrder,
  now = Date.now(),
): Promise<ServerOrderResult> {
  const { store } = deps;
  const { ts, currency } = validate(o, now);
  const dedupeKey = `order:${o.orderId}`;
  const origin = await findOrigin(store, o);
  const visitor = origin.visitor;
  const siteId = visitor?.siteId ?? (await siteOf(store, o));
  const candidate: ConversionCandidate = {
    accountId: o.accountId,
    siteId,
    visitorId: visitor?.visitorId ?? o.visitorId ?? '',
    sessionId: visitor ? await sessionAt(store, siteId, visitor.visitorId, ts) : '',
    batchId: '',
    seq: 0,
    kind: 'purchase',
    goalName: null,
    orderId: o.orderId,
    revenue: o.value,
    currency,
    ts,
    dedupeKey,
  };
  const terms = async () =>
    (await loadCampaignTerms(store.db, o.accountId)).campaigns.get(o.accountId) ?? new Map();

  const known = (await store.conversions.knownKeys(o.accountId, [dedupeKey])).get(dedupeKey);
  let recorded: RecordedConversion | undefined;
  let id = known?.id;
  if (!known) {
    recorded = await recordConversion(store, candidate, terms, now, {
      source: o.source,
      unattributed: !visitor,
      ...(origin.contactId ? { contactId: origin.contactId } : {}),
    });
    id = recorded?.id;
  }
  if (!id) {
    // Recorded by another source between the look-up and the insert (the tag's job, a retried webhook).
    id = (await store.conversions.knownKeys(o.accountId, [dedupeKey])).get(dedupeKey)?.id;
  }
  if (!id) throw new Error(`order ${o.orderId} is neither new nor known`);
  if (!recorded) {
    if (known?.unattributed && visitor)
      recorded = await attachConversion(store, id, candidate, terms, o.source);
    if (!recorded) await store.conversions.addSource(id, o.source);
  }
  if (recorded) await conversionAttributed(deps, recorded);
  const conversion = await store.conversions.get(o.accountId, id);
  if (!conversion) throw new Error(`conversion ${id} vanished`);
  return { conversion, duplicate: known !== undefined || recorded === undefined };
}
