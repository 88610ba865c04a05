import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { anonymizeIp } from '../src/privacy/ip-anonymizer.ts';
import { newTenant } from './engagement-fixtures.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

describe('IP anonymisation: a visitor address cut to its network', () => {
  it('keeps an IPv4 /24, an IPv6 /48 and a mapped IPv4 /24', () => {
    assert.equal(anonymizeIp('203.0.113.77'), '203.0.113.0');
    assert.equal(anonymizeIp('2001:db8:85a3:8d3:1319:8a2e:370:7348'), '2001:db8:85a3::');
    assert.equal(anonymizeIp('2001:0db8:0000:0000::1'), '2001:db8:0::');
    assert.equal(anonymizeIp('2001:db8::1'), '2001:db8:0::');
    assert.equal(anonymizeIp('::1'), '0:0:0::');
    assert.equal(anonymizeIp('::ffff:198.51.100.9'), '::ffff:198.51.100.0');
    assert.equal(anonymizeIp('unknown'), 'unknown');
  });

  describe('the site setting', () => {
    let srv: TestServer;
    before(async () => {
      srv = await startTestServer();
    });
    after(async () => srv?.close());

    it('is off by default, and an admin turns it on per site', async () => {
      const { api, site } = await newTenant(srv);
      assert.equal(site.anonymizeIp, false);
      const res = await api.patch(`/api/v1/sites/${site.id}`, { anonymizeIp: true });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.anonymizeIp, true);
      assert.equal((await api.get(`/api/v1/sites/${site.id}`)).body.anonymizeIp, true);
      const bad = await api.patch(`/api/v1/sites/${site.id}`, { anonymizeIp: 'yes' });
      assert.equal(bad.status, 400);
    });
  });
});
