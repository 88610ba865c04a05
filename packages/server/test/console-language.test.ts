import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiClient } from './helpers/api-client.ts';
import { postgresSkipReason } from './helpers/postgres.ts';
import { DEMO_ADMIN, DEMO_AGENT_PASSWORD, startTestServer, type TestServer } from './helpers/test-server.ts';

for (const store of ['sqlite', 'postgres'] as const) {
  describe(`the console's language per user (${store})`, () => {
    let srv: TestServer;
    let skip: string | null = null;
    before(async () => {
      if (store === 'postgres') skip = await postgresSkipReason();
      if (!skip) srv = await startTestServer({ demo: true, store });
    });
    after(() => srv?.close());

    const signedIn = async (email: string, password: string) => {
      const api = new ApiClient(srv.node.app);
      assert.equal((await api.login(email, password)).status, 200);
      return api;
    };

    it('is null until chosen, then answered by /me, the session check and the next sign-in', async (t) => {
      if (skip) return t.skip(skip);
      const admin = await signedIn(DEMO_ADMIN.email, DEMO_ADMIN.password);
      assert.equal((await admin.get('/api/v1/me')).body.consoleLanguage, null);

      const chose = await admin.request('PUT', '/api/v1/me/console-language', { language: 'de' });
      assert.equal(chose.status, 204, JSON.stringify(chose.body));
      assert.equal((await admin.get('/api/v1/me')).body.consoleLanguage, 'de');
      assert.equal((await admin.get('/api/v1/auth/session')).body.session.consoleLanguage, 'de');
      const again = await new ApiClient(srv.node.app).login(DEMO_ADMIN.email, DEMO_ADMIN.password);
      assert.equal(again.body.consoleLanguage, 'de', 'another browser signs in to German');

      // Another user's choice is their own.
      const agent = await signedIn('sales@demo.beckon.local', DEMO_AGENT_PASSWORD);
      assert.equal((await agent.get('/api/v1/me')).body.consoleLanguage, null);
      assert.equal(
        (await agent.request('PUT', '/api/v1/me/console-language', { language: 'es' })).status,
        204,
      );
      assert.equal((await agent.get('/api/v1/me')).body.consoleLanguage, 'es');
      assert.equal((await admin.get('/api/v1/me')).body.consoleLanguage, 'de');

      // Null goes back to the browser's language.
      assert.equal(
        (await admin.request('PUT', '/api/v1/me/console-language', { language: null })).status,
        204,
      );
      assert.equal((await admin.get('/api/v1/me')).body.consoleLanguage, null);
    });

    it('refuses a language the console does not speak, a malformed body, no session and an API key', async (t) => {
      if (skip) return t.skip(skip);
      const admin = await signedIn(DEMO_ADMIN.email, DEMO_ADMIN.password);
      for (const body of [{ language: 'fr' }, { language: 'de', extra: 1 }, {}, { language: 42 }]) {
        const res = await admin.request('PUT', '/api/v1/me/console-language', body);
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.equal(typeof res.body.error.message, 'string');
      }
      const broken = await admin.request('PUT', '/api/v1/me/console-language', '{"language":', {
        'content-type': 'application/json',
      });
      assert.equal(broken.status, 400);

      const anonymous = new ApiClient(srv.node.app);
      assert.equal(
        (await anonymous.request('PUT', '/api/v1/me/console-language', { language: 'de' })).status,
        401,
      );

      const key = await admin.post('/api/v1/api-keys', { name: 'language test' });
      assert.equal(key.status, 201, JSON.stringify(key.body));
      const integration = new ApiClient(srv.node.app);
      integration.bearer = key.body.key;
      const byKey = await integration.request('PUT', '/api/v1/me/console-language', { language: 'de' });
      assert.equal(byKey.status, 400);
      assert.equal(byKey.body.error.code, 'not_a_user');
    });
  });
}
