import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { userHashOf } from '../src/channels/identity.ts';
import { ApiClient } from './helpers/api-client.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

describe('app sign-ins are limited per address', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer({ demo: true, env: { BECKON_RATE_APP_SESSION_ADDRESS: '0.01/3' } });
  });
  after(() => srv.close());

  it('answers 429 beyond the burst, before any token is stored', async () => {
    const { store } = srv.node.ctx;
    const accountId = srv.demo!.accountId;
    const secret = await store.sites.identitySecret(accountId, srv.demo!.siteId);
    const api = new ApiClient(srv.node.app);
    const signIn = (userId: string) =>
      api.request('POST', '/api/v1/messaging/session', {
        siteKey: srv.demo!.siteKey,
        userId,
        userHash: userHashOf(secret, userId),
      });
    for (let i = 0; i < 3; i++) assert.equal((await signIn(`u-${i}`)).status, 200);
    const tokens = async () =>
      Number(
        (
          await store.db
            .selectFrom('app_tokens')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await tokens();
    const refused = await signIn('u-9');
    assert.equal(refused.status, 429);
    assert.equal(refused.body.error.code, 'rate_limited');
    assert.equal(await tokens(), before, 'nothing stored for a refused sign-in');
  });
});
