import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ApiClient, type ApiResponse } from './helpers/api-client.ts';
import { cookieFor } from './helpers/chat-fixtures.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

/**
 * Every route that stores a URL the server will call refuses a private one with 400
 * `private_address`, and a URL stored anyway (before the policy, or by another way in) is refused
 * again when it is used. Targets are loopback only (a local server records whether it was reached:
 * it must not be), or names the test's resolver maps to the metadata address and a private
 * network, with a connector that fails loudly instead of connecting.
 */

const NAMES: Record<string, string> = {
  'metadata.example.test': '169.254.169.254',
  'intranet.example.test': '10.0.0.1',
};

describe('egress through the API: private addresses refused when saved and when used', () => {
  let srv: TestServer;
  let target: Server;
  let hits: string[];
  let port: number;
  const connects: string[] = [];
  let api: (method: string, path: string, body?: unknown) => Promise<ApiResponse>;

  /** The same endpoint spelt every way that reaches this machine or a private network. */
  const privateUrls = (path: string) => [
    `http://127.0.0.1:${port}${path}`,
    `http://[::1]:${port}${path}`,
    `http://localhost:${port}${path}`,
    `http://[::ffff:127.0.0.1]:${port}${path}`,
    `http://2130706433:${port}${path}`,
    `https://metadata.example.test${path}`,
    `https://intranet.example.test${path}`,
  ];

  before(async () => {
    hits = [];
    target = createServer((req, res) => {
      hits.push(`${req.method} ${req.url}`);
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end('{"ok":true,"result":{"username":"leak"}}');
    });
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
    port = (target.address() as AddressInfo).port;
    srv = await startTestServer({
      demo: true,
      store: 'sqlite',
      env: { BECKON_EGRESS_ALLOW_PRIVATE: '0' },
      egress: {
        resolve: async (name) => {
          const address = NAMES[name];
          if (address) return [{ address, family: 4 }];
          if (name === 'localhost') return [{ address: '127.0.0.1', family: 4 }];
          throw new Error(`no such name in this test: ${name}`);
        },
        connect: ({ host }) => {
          connects.push(host);
          throw new Error(`the egress must not connect (asked for ${host})`);
        },
      },
    });
    const auth = await cookieFor(srv, 'admin@demo.beckon.local');
    api = (method, path, body) =>
      Object.assign(new ApiClient(srv.node.app), auth).request(method, path, body);
  });
  after(async () => {
    await srv.close();
    target.closeAllConnections();
    await new Promise((r) => target.close(r));
  });

  const refusedEach = async (urls: string[], save: (url: string) => Promise<ApiResponse>, field: string) => {
    for (const url of urls) {
      const r = await save(url);
      assert.equal(r.status, 400, `${url}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error.code, 'private_address', url);
      assert.ok(r.body.error.message.startsWith(`${field}: `), r.body.error.message);
    }
  };

  it('a webhook endpoint', async () => {
    await refusedEach(
      privateUrls('/hook'),
      (url) => api('POST', '/api/v1/webhooks', { url, events: ['message.created'] }),
      '/url',
    );
  });

  it("a channel connection's API base URL", async () => {
    await refusedEach(
      privateUrls(''),
      (apiBaseUrl) =>
        api('POST', '/api/v1/channels', { type: 'telegram', botToken: `123:${'a'.repeat(30)}`, apiBaseUrl }),
      '/apiBaseUrl',
    );
  });

  it("the answer generator's base URL", async () => {
    await refusedEach(
      privateUrls('/v1'),
      (baseUrl) => api('PUT', '/api/v1/knowledge/generation', { enabled: true, baseUrl, model: 'm' }),
      '/body/baseUrl',
    );
  });

  it("a webhook bot's URL", async () => {
    await refusedEach(
      privateUrls('/bot'),
      (url) => api('POST', '/api/v1/bots', { name: 'Hook', kind: 'webhook', url }),
      '/url',
    );
  });

  it("the push webhook and an FCM service account's token endpoint", async () => {
    const site = srv.demo!.siteId;
    await refusedEach(
      privateUrls('/push'),
      (url) => api('PUT', `/api/v1/sites/${site}/push`, { webhook: { url, secret: 's'.repeat(16) } }),
      '/webhook/url',
    );
    const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    });
    const account = (token_uri: string) =>
      JSON.stringify({ project_id: 'p', private_key: key, client_email: 'push@p.iam.example', token_uri });
    await refusedEach(
      privateUrls('/token'),
      (uri) => api('PUT', `/api/v1/sites/${site}/push`, { fcm: { serviceAccount: account(uri) } }),
      '/fcm/serviceAccount/token_uri',
    );
  });

  it("a single sign-on provider's issuer", async () => {
    await refusedEach(
      [
        `http://127.0.0.1:${port}`,
        `http://localhost:${port}`,
        'https://metadata.example.test',
        'https://intranet.example.test',
      ],
      (issuer) =>
        api('PUT', '/api/v1/account/sso', {
          issuer,
          clientId: 'c',
          clientSecret: 's',
          domains: ['corp.example'],
        }),
      '/issuer',
    );
  });

  it('a URL stored anyway is refused when used: testing a connection answers the refusal, not what the address said', async () => {
    const { store } = srv.node.ctx;
    const conn = await store.channelConnections.create(srv.demo!.accountId, {
      type: 'telegram',
      name: 'Stored before the policy',
      config: { botToken: `123:${'a'.repeat(30)}` },
      apiBaseUrl: `http://127.0.0.1:${port}`,
      defaultSkillId: null,
    });
    const r = await api('POST', `/api/v1/channels/${conn.id}/test`);
    assert.equal(r.status, 200);
    assert.equal(r.body.ok, false);
    assert.match(r.body.reason, /refused: 127\.0\.0\.1 is a private address/);
    assert.doesNotMatch(JSON.stringify(r.body), /leak/);
  });

  it('reached nothing: the local server saw no request, and the connector was never asked', () => {
    assert.deepEqual(hits, []);
    assert.deepEqual(connects, []);
  });
});
