import assert from 'node:assert/strict';
import { OUTBOX_TEST_ENV } from '../channel-contract.ts';
import { cookieFor } from './chat-fixtures.ts';
import { startGraphApi } from './graph-api-server.ts';
import { MediaFiles } from './media-files.ts';
import { startTestServer } from './test-server.ts';

export const WA = {
  phoneNumberId: '106540352242922',
  accessToken: 'EAAG-test-token',
  appSecret: 'app-secret-1',
  verifyToken: 'verify-me',
};

/** A demo server with a WhatsApp connection to a local Graph API, and the admin's session. */
export async function startWhatsApp(
  env: Record<string, string> = {},
  opts: Pick<Parameters<typeof startGraphApi>[0], 'wabaId' | 'templates' | 'pageSize'> = {},
) {
  const media = new MediaFiles();
  const graph = await startGraphApi({ ...WA, ...opts, media });
  const srv = await startTestServer({ demo: true, env: { ...OUTBOX_TEST_ENV, ...env } });
  const admin = await cookieFor(srv, 'admin@demo.beckon.local');
  const res = await fetch(`${srv.url}/api/v1/channels`, {
    method: 'POST',
    headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf, 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'whatsapp',
      name: 'Support line',
      ...WA,
      ...(opts.wabaId ? { wabaId: opts.wabaId } : {}),
      apiBaseUrl: graph.url,
    }),
  });
  assert.equal(res.status, 201, await res.clone().text());
  const created = (await res.json()) as { id: string; webhookUrl: string };
  return {
    graph,
    media,
    srv,
    admin,
    created,
    accountId: srv.demo!.accountId,
    hook: `${srv.url}/hooks/whatsapp/${created.id}`,
    /** A JSON call to the server's API as `who` (the admin unless told). */
    api: (path: string, init: RequestInit = {}, who: { cookie: string; csrf: string } = admin) =>
      fetch(`${srv.url}${path}`, {
        ...init,
        headers: {
          cookie: who.cookie,
          'x-csrf-token': who.csrf,
          'content-type': 'application/json',
          ...init.headers,
        },
      }),
    async close() {
      await srv.close();
      await graph.close();
    },
  };
}
