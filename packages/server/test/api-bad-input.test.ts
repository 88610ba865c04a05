import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { compileEveryRouteSchema } from '../src/http/lazy-compilers.ts';
import { ApiClient } from './helpers/api-client.ts';
import { DEMO_ADMIN, startTestServer, type TestServer } from './helpers/test-server.ts';

type ErrorBody = { error: { code: string; message: string } };

type Operation = {
  requestBody?: {
    content: { 'application/json': { schema: { properties?: Record<string, { type?: string }> } } };
  };
};

describe('bad input on every route, OpenAPI, ops endpoints', () => {
  let srv: TestServer;
  let admin: ApiClient;
  let doc: { paths: Record<string, Record<string, Operation>> };
  before(async () => {
    srv = await startTestServer({ demo: true });
    admin = new ApiClient(srv.node.app);
    await admin.login(DEMO_ADMIN.email, DEMO_ADMIN.password);
    doc = (await admin.get('/api/openapi.json')).body;
  });
  after(() => srv.close());

  it('serves a valid OpenAPI 3.1 document generated from the route schemas', async () => {
    const validator = new Validator();
    const result = await validator.validate(doc as unknown as Record<string, unknown>);
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2));
    assert.equal((doc as unknown as { openapi: string }).openapi, '3.1.0');
    for (const path of [
      '/api/v1/auth/login',
      '/api/v1/sites',
      '/api/v1/sites/{id}',
      '/api/v1/skills',
      '/api/v1/users/{id}',
      '/api/v1/api-keys',
    ]) {
      assert.ok(doc.paths[path], `${path} is documented`);
    }
  });

  it('compiles every route schema: they compile on first use, so an invalid one is caught here', () => {
    // Every documented operation has at least a response schema; most have a body or query too.
    const operations = Object.values(doc.paths).reduce((n, ops) => n + Object.keys(ops).length, 0);
    assert.ok(compileEveryRouteSchema() >= operations, 'every operation registered a compile step');
  });

  it('answers malformed JSON, wrong types, unknown fields and oversized bodies on every write route with a 4xx error body', async () => {
    const concrete = (p: string) => p.replace('{id}', 'does-not-exist');
    let checked = 0;
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        if (!['post', 'patch', 'put'].includes(method) || !op.requestBody) continue;
        const url = concrete(path);
        const M = method.toUpperCase();
        const cases: Array<[string, string | object, Record<string, string>?]> = [
          ['malformed JSON', '{"name": ', { 'content-type': 'application/json' }],
          ['a JSON array', '[1,2,3]', { 'content-type': 'application/json' }],
          ['text/plain', 'name=x', { 'content-type': 'text/plain' }],
          ['unknown field', { unexpectedField: 1 }],
          [
            'over the size limit',
            `{"name":"${'x'.repeat(1_100_000)}"}`,
            { 'content-type': 'application/json' },
          ],
        ];
        const props = op.requestBody?.content['application/json'].schema.properties ?? {};
        for (const [name, schema] of Object.entries(props)) {
          const wrong =
            schema.type === 'string' ? 12345 : schema.type === 'array' ? 'not-an-array' : { nested: true };
          cases.push([`wrong type for ${name}`, { [name]: wrong }]);
        }
        for (const [label, body, headers] of cases) {
          const res = await admin.request(M, url, body, headers);
          assert.ok(res.status >= 400 && res.status < 500, `${M} ${url} with ${label}: got ${res.status}`);
          assert.equal(typeof res.body?.error?.code, 'string', `${M} ${url} with ${label}: error body`);
          assert.equal(typeof res.body?.error?.message, 'string');
          checked++;
        }
      }
    }
    assert.ok(checked > 40, `checked ${checked} bad requests`);
  });

  it('accepts a body-less request that declares Content-Type: application/json, and still refuses bad JSON', async () => {
    // Over the network, as HTTP clients that set the header on every request send it.
    const send = (method: string, path: string, body?: string) =>
      fetch(srv.url + path, {
        method,
        headers: {
          'content-type': 'application/json',
          cookie: admin.cookie!,
          'x-csrf-token': admin.csrf!,
        },
        ...(body === undefined ? {} : { body }),
      });
    const skill = await admin.post('/api/v1/skills', { name: 'Deleted without a body' });
    assert.equal(skill.status, 201);
    const deleted = await send('DELETE', `/api/v1/skills/${skill.body.id}`);
    assert.equal(deleted.status, 204, await deleted.text());
    assert.equal((await admin.get(`/api/v1/skills/${skill.body.id}`)).status, 404);

    const empty = await send('DELETE', `/api/v1/skills/${skill.body.id}`, '');
    assert.equal(empty.status, 404, 'an empty body is no body: the route answers, not the parser');

    const needsBody = await send('POST', '/api/v1/skills', '');
    assert.equal(needsBody.status, 400);
    assert.equal(((await needsBody.json()) as ErrorBody).error.code, 'invalid_request');
    const malformed = await send('POST', '/api/v1/skills', '{"name": ');
    assert.equal(malformed.status, 400);
    assert.equal(((await malformed.json()) as ErrorBody).error.code, 'invalid_json');
    const poisoned = await send('POST', '/api/v1/skills', '{"name":"x","__proto__":{"admin":true}}');
    assert.equal(poisoned.status, 400);
  });

  it('answers unknown ids and unknown routes with 404 and an error body', async () => {
    // The bot API takes a bot's token, not a member's session: a member is refused there (401).
    const byMembers = (p: string) => p.includes('{id}') && !p.startsWith('/api/v1/bot/');
    for (const path of Object.keys(doc.paths).filter(byMembers)) {
      const res = await admin.get(path.replace('{id}', 'nope'));
      if (Object.keys(doc.paths[path]!).includes('get')) assert.equal(res.status, 404, path);
    }
    const res = await admin.get('/api/v1/nothing-here');
    assert.equal(res.status, 404);
    assert.equal(res.body.error.code, 'not_found');
  });

  it('refuses unauthenticated calls to every documented API route with 401', async () => {
    const anon = new ApiClient(srv.node.app);
    for (const [path, ops] of Object.entries(doc.paths)) {
      if (path === '/api/v1/auth/login' || path === '/api/v1/auth/logout') continue;
      // The console's session check answers "nobody" (200, session null) rather than 401.
      if (path === '/api/v1/auth/session') continue;
      // A signed-URL route: the URL's signature is the credential, and anyone without it gets 404.
      if (path === '/api/v1/chat/attachments/{id}') continue;
      // An app's sign-in carries its credentials (site key, user hash) in the body: without one it is 400.
      if (path === '/api/v1/messaging/session') continue;
      // Single sign-on starts signed out (its body names the e-mail), and the provider's redirect
      // comes back signed out: its `state` cookie is the credential, refused with 400 without it.
      if (path === '/api/v1/auth/oidc/start' || path === '/api/v1/auth/oidc/callback') continue;
      for (const method of Object.keys(ops)) {
        const res = await anon.request(
          method.toUpperCase(),
          path.replace('{id}', 'x'),
          method === 'get' || method === 'delete' ? undefined : {},
        );
        assert.equal(res.status, 401, `${method} ${path}`);
      }
    }
  });

  it('reports health, readiness and Prometheus metrics', async () => {
    const anon = new ApiClient(srv.node.app);
    assert.deepEqual((await anon.get('/healthz')).body, { status: 'ok' });
    const ready = await anon.get('/readyz');
    assert.equal(ready.status, 200);
    assert.equal(ready.body.status, 'ready');
    const metrics = await anon.get('/metrics');
    assert.equal(metrics.status, 200);
    const text = String(metrics.body);
    assert.match(text, /beckon_http_requests_total\{method="GET",route="\/readyz",status="200"\} \d+/);
    assert.match(text, /beckon_http_request_duration_seconds_bucket/);
    assert.match(text, /beckon_process_cpu_user_seconds_total/);
    assert.match(text, /beckon_ws_connections/);
    assert.match(text, /beckon_login_failures_total/);
  });

  it('sets security headers, with a strict CSP on the console', async () => {
    const res = await srv.node.app.inject({ method: 'GET', url: '/console/' });
    const csp = String(res.headers['content-security-policy']);
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.ok(res.headers['referrer-policy']);
  });
});
