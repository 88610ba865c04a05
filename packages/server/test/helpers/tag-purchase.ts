import type { Store } from '../../src/store/store.ts';

/** The tag saw a contact's visitor buy: the visitor is tied to the contact and the order recorded. */
export async function tagPurchase(
  store: Store,
  p: { accountId: string; siteId: string; contactId: string; orderId: string; value: number; ts: number },
): Promise<void> {
  const visitorId = `v-${p.contactId}`;
  await store.contacts.linkVisitor(p.accountId, p.siteId, visitorId, p.contactId);
  await store.conversions.record(
    {
      id: `cnv_${p.orderId}`,
      account_id: p.accountId,
      site_id: p.siteId,
      visitor_id: visitorId,
      session_id: '',
      kind: 'purchase',
      goal_name: null,
      order_id: p.orderId,
      dedupe_key: `order:${p.orderId}`,
      revenue: p.value,
      currency: 'EUR',
      ts: p.ts,
      recorded_at: Date.now(),
    },
    [],
  );
}
