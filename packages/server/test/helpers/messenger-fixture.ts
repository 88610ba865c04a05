import assert from 'node:assert/strict';
import { OUTBOX_TEST_ENV } from '../channel-contract.ts';
import { cookieFor } from './chat-fixtures.ts';
import { postWebhook } from './graph-api-server.ts';
import { messagingDelivery, startPageGraphApi } from './messenger-graph-server.ts';
import { startTestServer } from './test-server.ts';

export const PAGE = {
  pageId: '104623452347771',
  pageAccessToken: 'EAAPage-test-token',
  appSecret: 'page-app-secret',
  verifyToken: 'page-verify-me',
};
export const IG_ACCOUNT = { id: '17841400008460056', username: 'demostore' };

/**
 * A demo server with a Messenger (or Instagram) connection to a local Graph API, the admin's
 * session, and a way to post signed `messaging` events to its webhook.
 */
export async function startMessenger(type: 'messenger' | 'instagram', env: Record<string, string> = {}) {
  const graph = await startPageGraphApi({
    ...PAGE,
    pageName: 'Demo Store',
    ...(type === 'instagram' ? { instagram: IG_ACCOUNT } : {}),
  });
  const srv = await startTestServer({ demo: true, env: { ...OUTBOX_TEST_ENV, ...env } });
  const admin = await cookieFor(srv, 'admin@demo.beckon.local');
  const res = await fetch(`${srv.url}/api/v1/channels`, {
    method: 'POST',
    headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf, 'content-type': 'application/json' },
    body: JSON.stringify({
      type,
      ...PAGE,
      ...(type === 'instagram' ? { instagramAccountId: IG_ACCOUNT.id } : {}),
      apiBaseUrl: graph.url,
    }),
  });
  assert.equal(res.status, 201, await res.clone().text());
  const created = (await res.json()) as { id: string; webhookUrl: string };
  const ownId = type === 'instagram' ? IG_ACCOUNT.id : PAGE.pageId;
  const hook = `${srv.url}/hooks/${type}/${created.id}`;
  return {
    graph,
    srv,
    admin,
    created,
    ownId,
    hook,
    accountId: srv.demo!.accountId,
    /** Posts one event as Meta does, signed with the app secret (or `secret`, or not at all). */
    post(event: Record<string, unknown>, secret: string | null = PAGE.appSecret) {
      return postWebhook(
        hook,
        messagingDelivery(type === 'instagram' ? 'instagram' : 'page', ownId, event),
        secret,
      );
    },
    /** The conversation a provider message id landed in. */
    async conversationOf(mid: string): Promise<string | undefined> {
      const row = await srv.node.ctx.store.db
        .selectFrom('channel_messages')
        .select('conversation_id')
        .where('account_id', '=', srv.demo!.accountId)
        .where('external_id', '=', mid)
        .executeTakeFirst();
      return row?.conversation_id;
    },
    async close() {
      await srv.close();
      await graph.close();
    },
  };
}
