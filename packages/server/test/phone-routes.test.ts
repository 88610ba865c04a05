import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiClient } from './helpers/api-client.ts';
import { DEMO_ADMIN, startTestServer, type TestServer } from './helpers/test-server.ts';

/** Trunks, numbers and dialling on a node with the production egress policy and no phone gateway. */
describe('phone routes without a gateway', () => {
  let srv: TestServer;
  let admin: ApiClient;
  before(async () => {
    srv = await startTestServer({ demo: true, env: { BECKON_EGRESS_ALLOW_PRIVATE: '0' } });
    admin = new ApiClient(srv.node.app);
    await admin.login(DEMO_ADMIN.email, DEMO_ADMIN.password);
  });
  after(() => srv.close());

  const trunk = (host: string) =>
    admin.post<{ error: { code: string; message: string } }>('/api/v1/phone/trunks', {
      name: 'Carrier',
      host,
      username: 'acct-1',
      password: 'trunk-password',
    });

  it('refuses a trunk on a private, loopback or link-local address, naming the field', async () => {
    for (const host of ['127.0.0.1', '10.1.2.3', '192.168.0.10', '169.254.169.254', '::1', 'localhost']) {
      const res = await trunk(host);
      assert.equal(res.status, 400, host);
      assert.equal(res.body.error.code, 'private_address', host);
      assert.match(res.body.error.message, /^host:/);
    }
    const bad = await trunk('sip://carrier');
    assert.equal(bad.status, 400);
  });

  it('keeps a public trunk without showing its password; with no gateway it says so', async () => {
    const res = await admin.post<{ id: string; status: string; password?: string }>('/api/v1/phone/trunks', {
      name: 'Carrier',
      host: '8.8.8.8',
      transport: 'tls',
      username: 'acct-1',
      password: 'trunk-password',
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.password, undefined);
    const list = await admin.get<{ items: { id: string; port: number; status: string }[] }>(
      '/api/v1/phone/trunks',
    );
    const row = list.body.items.find((t) => t.id === res.body.id)!;
    assert.equal(row.port, 5061);
    assert.equal(row.status, 'no_gateway');

    const number = await admin.post('/api/v1/phone/numbers', {
      number: '+4930123456',
      trunkId: res.body.id,
      skillId: srv.demo!.skillIds.sales,
    });
    assert.equal(number.status, 201, JSON.stringify(number.body));
    const again = await admin.post('/api/v1/phone/numbers', {
      number: '+4930123456',
      trunkId: res.body.id,
      skillId: srv.demo!.skillIds.support,
    });
    assert.equal(again.status, 409);
    const unknownSkill = await admin.post('/api/v1/phone/numbers', {
      number: '+4930123457',
      trunkId: res.body.id,
      skillId: 'no-such-skill',
    });
    assert.equal(unknownSkill.status, 400);
    const repeatedDigit = await admin.post('/api/v1/phone/numbers', {
      number: '+4930123458',
      trunkId: res.body.id,
      menu: {
        greeting: 'Press 1 for sales',
        choices: [
          { digit: '1', label: 'Sales', skillId: srv.demo!.skillIds.sales },
          { digit: '1', label: 'Support', skillId: srv.demo!.skillIds.support },
        ],
      },
    });
    assert.equal(repeatedDigit.status, 400);

    const dial = await admin.post<{ error: { code: string } }>('/api/v1/calls/dial', { number: '+15550001' });
    assert.equal(dial.status, 503);
    assert.equal(dial.body.error.code, 'no_gateway');
    const both = await admin.post('/api/v1/calls/dial', { number: '+15550001', contactId: 'c1' });
    assert.equal(both.status, 400);
  });

  it('lets only admins set up trunks and numbers', async () => {
    const agent = new ApiClient(srv.node.app);
    const login = await agent.login('sales@demo.beckon.local', 'demo-agent-pw');
    assert.equal(login.status, 200);
    assert.equal((await agent.get('/api/v1/phone/trunks')).status, 403);
    assert.equal((await agent.post('/api/v1/phone/numbers', {})).status, 403);
  });
});
