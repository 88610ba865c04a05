import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../src/config.ts';
import { ApiClient } from './helpers/api-client.ts';
import { DEMO_ADMIN, startTestServer, type TestServer } from './helpers/test-server.ts';

const PHONE_NUMBER_ID = '1098765';
const TOKEN = 'EAAG-graph-version-test-token';

describe('the Graph API version is a setting', () => {
  let srv: TestServer;
  let graph: ReturnType<typeof createServer>;
  const paths: string[] = [];

  before(async () => {
    // Meta's phone number node (GET /{version}/{phone-number-id}), answering as documented.
    graph = createServer((req, res) => {
      paths.push(req.url ?? '');
      const ok = req.headers.authorization === `Bearer ${TOKEN}`;
      res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify(
          ok
            ? { verified_name: 'Graph Shop', display_phone_number: '+1 555 0100', id: PHONE_NUMBER_ID }
            : { error: { message: 'Invalid OAuth access token', type: 'OAuthException', code: 190 } },
        ),
      );
    });
    await new Promise<void>((r) => graph.listen(0, '127.0.0.1', r));
    srv = await startTestServer({ demo: true, store: 'sqlite', env: { BECKON_GRAPH_API_VERSION: 'v23.0' } });
  });
  after(async () => {
    await srv?.close();
    await new Promise((r) => graph.close(r));
  });

  it('calls WhatsApp at the configured version', async () => {
    const api = new ApiClient(srv.node.app);
    assert.equal((await api.login(DEMO_ADMIN.email, DEMO_ADMIN.password)).status, 200);
    const made = await api.post('/api/v1/channels', {
      type: 'whatsapp',
      phoneNumberId: PHONE_NUMBER_ID,
      accessToken: TOKEN,
      appSecret: 'graph-version-app-secret',
      verifyToken: 'graph-version-verify',
      apiBaseUrl: `http://127.0.0.1:${(graph.address() as AddressInfo).port}`,
    });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const tested = await api.post(`/api/v1/channels/${made.body.id}/test`);
    assert.deepEqual(tested.body, { ok: true, identity: 'Graph Shop (+1 555 0100)' });
    assert.deepEqual(paths, [`/v23.0/${PHONE_NUMBER_ID}?fields=verified_name,display_phone_number`]);
  });

  it('defaults to v21.0 and stops the start on a malformed version, naming the variable', () => {
    assert.equal(loadConfig({}, {}).connections.graphApiVersion, 'v21.0');
    assert.throws(() => loadConfig({}, { BECKON_GRAPH_API_VERSION: '23' }), /BECKON_GRAPH_API_VERSION/);
  });
});
