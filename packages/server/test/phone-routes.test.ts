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

for (const store of ['sqlite', 'postgres'] as const) {
  describe(`trunk edit and delete without a gateway (${store})`, () => {
    let srv: TestServer;
    let admin: ApiClient;
    before(async () => {
      srv = await startTestServer({ demo: true, store, env: { BECKON_EGRESS_ALLOW_PRIVATE: '0' } });
      admin = new ApiClient(srv.node.app);
      await admin.login(DEMO_ADMIN.email, DEMO_ADMIN.password);
    });
    after(() => srv.close());

    it('changes a trunk (the password sealed anew, or kept), refuses a private host, and deletes it with its numbers', async () => {
      const created = await admin.post<{ id: string }>('/api/v1/phone/trunks', {
        name: 'Carrier',
        host: '8.8.8.8',
        username: 'acct-1',
        password: 'first-password',
      });
      assert.equal(created.status, 201);
      const id = created.body.id;
      const accountId = srv.demo!.accountId;
      const phone = srv.node.ctx.store.phone;

      const renamed = await admin.patch<{ name: string; port: number; transport: string; status: string }>(
        `/api/v1/phone/trunks/${id}`,
        { name: 'Carrier B', transport: 'tls' },
      );
      assert.equal(renamed.status, 200, JSON.stringify(renamed.body));
      assert.equal(renamed.body.name, 'Carrier B');
      // A new transport without a port takes its usual port.
      assert.equal(renamed.body.port, 5061);
      assert.equal((await phone.trunkCredentials(accountId, id))?.secret, 'first-password');

      const repassed = await admin.patch(`/api/v1/phone/trunks/${id}`, { password: 'second-password' });
      assert.equal(repassed.status, 200);
      const row = await phone.trunk(accountId, id);
      assert.ok(!row!.password.includes('second-password'), 'the password is sealed');
      assert.equal((await phone.trunkCredentials(accountId, id))?.secret, 'second-password');
      assert.equal((await admin.get('/api/v1/phone/trunks')).body.items[0].password, undefined);

      const privateHost = await admin.patch<{ error: { code: string; message: string } }>(
        `/api/v1/phone/trunks/${id}`,
        { host: '10.0.0.5' },
      );
      assert.equal(privateHost.status, 400);
      assert.equal(privateHost.body.error.code, 'private_address');
      assert.match(privateHost.body.error.message, /^host:/);
      assert.equal((await admin.patch(`/api/v1/phone/trunks/${id}`, {})).status, 400);
      assert.equal((await admin.patch('/api/v1/phone/trunks/trk_none', { name: 'x' })).status, 404);

      const number = await admin.post<{ id: string }>('/api/v1/phone/numbers', {
        number: '+4930555000',
        trunkId: id,
        skillId: srv.demo!.skillIds.sales,
      });
      assert.equal(number.status, 201);
      // The number gets a menu and voicemail after hours: its skill goes, the menu is stored.
      const { sales, support } = srv.demo!.skillIds;
      const menu = {
        greeting: 'Welcome.',
        choices: [
          { digit: '1', label: 'Sales', skillId: sales },
          { digit: '2', label: 'Support', skillId: support },
        ],
      };
      const changed = await admin.patch<{ skillId: string | null; menu: unknown; afterHours: unknown }>(
        `/api/v1/phone/numbers/${number.body.id}`,
        { menu, afterHours: { action: 'voicemail', message: 'We are closed.' } },
      );
      assert.equal(changed.status, 200, JSON.stringify(changed.body));
      assert.equal(changed.body.skillId, null);
      assert.deepEqual(changed.body.menu, menu);
      assert.deepEqual(changed.body.afterHours, { action: 'voicemail', message: 'We are closed.' });
      const listed = await admin.get<{ items: { menu: unknown }[] }>('/api/v1/phone/numbers');
      assert.deepEqual(listed.body.items[0]!.menu, menu);
      // Back to a skill, after hours cleared; bad targets are refused.
      const back = await admin.patch<{ skillId: string; menu: unknown; afterHours: unknown }>(
        `/api/v1/phone/numbers/${number.body.id}`,
        { skillId: support, afterHours: null },
      );
      assert.equal(back.body.skillId, support);
      assert.equal(back.body.menu, null);
      assert.equal(back.body.afterHours, null);
      const both = await admin.patch(`/api/v1/phone/numbers/${number.body.id}`, { skillId: sales, menu });
      assert.equal(both.status, 400);
      const twice = await admin.patch(`/api/v1/phone/numbers/${number.body.id}`, {
        menu: { greeting: 'x', choices: [menu.choices[0], { ...menu.choices[1], digit: '1' }] },
      });
      assert.equal(twice.status, 400);
      assert.equal((await admin.patch('/api/v1/phone/numbers/pn_none', { skillId: sales })).status, 404);
      assert.equal((await admin.delete(`/api/v1/phone/trunks/${id}`)).status, 204);
      assert.equal((await admin.get('/api/v1/phone/trunks')).body.items.length, 0);
      assert.equal((await admin.get('/api/v1/phone/numbers')).body.items.length, 0);
      assert.equal((await admin.delete(`/api/v1/phone/trunks/${id}`)).status, 404);

      const audit = await admin.get<{ items: { action: string }[] }>('/api/v1/audit-log?limit=10');
      const actions = audit.body.items.map((e) => e.action);
      assert.ok(actions.includes('phone_trunk.updated'), actions.join());
      assert.ok(actions.includes('phone_trunk.deleted'), actions.join());
      assert.ok(actions.includes('phone_number.updated'), actions.join());

      const agent = new ApiClient(srv.node.app);
      await agent.login('sales@demo.beckon.local', 'demo-agent-pw');
      assert.equal((await agent.patch(`/api/v1/phone/trunks/${id}`, { name: 'x' })).status, 403);
      assert.equal((await agent.delete(`/api/v1/phone/trunks/${id}`)).status, 403);
      assert.equal((await agent.patch(`/api/v1/phone/numbers/${number.body.id}`, {})).status, 403);
      const callback = await agent.post<{ error: { code: string } }>('/api/v1/calls/dial', {
        callbackId: 'cb_none',
      });
      assert.equal(callback.status, 503);
    });

    it('changes and deletes a number with the same checks as adding one, admins only, audited', async () => {
      const trunk = await admin.post<{ id: string }>('/api/v1/phone/trunks', {
        name: 'Carrier',
        host: '8.8.8.8',
        username: 'acct-2',
        password: 'pw',
      });
      const trunkId = trunk.body.id;
      const { sales, support } = srv.demo!.skillIds;
      const add = (number: string) =>
        admin.post<{ id: string }>('/api/v1/phone/numbers', { number, trunkId, skillId: sales });
      const first = await add('+4930700001');
      const second = await add('+4930700002');
      assert.equal(first.status, 201);
      const id = first.body.id;
      type View = { number: string; skillId: string | null; menu: unknown; hours: unknown };
      type Fault = { error: { code: string; message: string } };

      const moved = await admin.patch<View>(`/api/v1/phone/numbers/${id}`, {
        number: '+4930700009',
        skillId: support,
      });
      assert.equal(moved.status, 200, JSON.stringify(moved.body));
      assert.equal(moved.body.number, '+4930700009');
      assert.equal(moved.body.skillId, support);

      // A menu replaces the skill; a skill replaces the menu.
      const menu = { greeting: 'Press 1', choices: [{ digit: '1', label: 'Sales', skillId: sales }] };
      const toMenu = await admin.patch<View>(`/api/v1/phone/numbers/${id}`, { menu });
      assert.equal(toMenu.body.skillId, null);
      assert.deepEqual(toMenu.body.menu, menu);
      const back = await admin.patch<View>(`/api/v1/phone/numbers/${id}`, { skillId: sales });
      assert.equal(back.body.menu, null);
      assert.equal(back.body.skillId, sales);

      const faults: Array<[Record<string, unknown>, number, string]> = [
        [{ skillId: sales, menu }, 400, 'bad_target'],
        [{ skillId: 'no-such-skill' }, 400, 'unknown_skill'],
        [
          { menu: { ...menu, choices: [...menu.choices, { digit: '1', label: 'Again', skillId: support }] } },
          400,
          'bad_menu',
        ],
        [{ number: '030 700' }, 400, ''],
        [{ number: '+4930700002' }, 409, 'number_taken'],
        [{ trunkId: 'trk_none' }, 404, ''],
        [{}, 400, ''],
      ];
      for (const [body, status, code] of faults) {
        const res = await admin.patch<Fault>(`/api/v1/phone/numbers/${id}`, body);
        assert.equal(res.status, status, JSON.stringify(body));
        if (code) assert.equal(res.body.error.code, code, JSON.stringify(body));
      }
      assert.equal((await admin.patch('/api/v1/phone/numbers/pn_none', { skillId: sales })).status, 404);

      const agent = new ApiClient(srv.node.app);
      await agent.login('sales@demo.beckon.local', 'demo-agent-pw');
      assert.equal((await agent.patch(`/api/v1/phone/numbers/${id}`, { skillId: support })).status, 403);
      assert.equal((await agent.delete(`/api/v1/phone/numbers/${id}`)).status, 403);

      assert.equal((await admin.delete(`/api/v1/phone/numbers/${id}`)).status, 204);
      assert.equal((await admin.delete(`/api/v1/phone/numbers/${id}`)).status, 404);
      const left = await admin.get<{ items: { id: string }[] }>('/api/v1/phone/numbers');
      assert.deepEqual(
        left.body.items.map((n) => n.id),
        [second.body.id],
      );
      // The number's digits are free again.
      assert.equal((await add('+4930700009')).status, 201);

      const audit = await admin.get<{ items: { action: string }[] }>('/api/v1/audit-log?limit=20');
      const actions = audit.body.items.map((e) => e.action);
      assert.ok(actions.includes('phone_number.updated'), actions.join());
      assert.ok(actions.includes('phone_number.deleted'), actions.join());
    });
  });
}
