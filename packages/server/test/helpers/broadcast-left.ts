import type { Store } from '../../src/store/store.ts';
import type { ApiClient } from './api-client.ts';
import { eventually } from './chat-fixtures.ts';

/**
 * Waits until a one-recipient broadcast is sent and its message has left the outbox (sent, failed
 * or in doubt). Returns its funnel, its recipient as the API lists it and the outbox row.
 */
export async function oneMessageLeft(api: ApiClient, store: Store, accountId: string, broadcastId: string) {
  const done = await eventually(
    async () => {
      const b = (await api.get(`/api/v1/broadcasts/${broadcastId}`)).body;
      const { queued, sent, failed, inDoubt } = b.funnel;
      return b.status === 'sent' && queued === 1 && sent + failed + inDoubt === 1 ? b : undefined;
    },
    30_000,
    'the message has left the outbox',
  );
  const page = await api.get(`/api/v1/broadcasts/${broadcastId}/recipients`);
  const row = await store.db
    .selectFrom('outbox')
    .select(['status', 'attempts'])
    .where('account_id', '=', accountId)
    .executeTakeFirstOrThrow();
  return { funnel: done.funnel, recipient: page.body.items[0], row };
}
