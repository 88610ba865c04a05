import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { contentCampaign, newTenant } from './engagement-fixtures.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

describe('campaign ids are the server’s, so no account learns or reserves another’s', () => {
  let srv: TestServer;
  let a: Awaited<ReturnType<typeof newTenant>>;
  let b: Awaited<ReturnType<typeof newTenant>>;
  const offer = contentCampaign('Offer', { field: 'page.section', op: 'contains', value: 'x' });
  before(async () => {
    srv = await startTestServer();
    a = await newTenant(srv);
    b = await newTenant(srv);
  });
  after(() => srv.close());

  it('chooses the id itself: a random `cmp_` id for each new campaign', async () => {
    const first = await a.api.post('/api/v1/campaigns', offer);
    const second = await a.api.post('/api/v1/campaigns', offer);
    assert.equal(first.status, 201);
    assert.match(first.body.id, /^cmp_[0-9a-z]{20}$/);
    assert.notEqual(first.body.id, second.body.id);
  });

  it('answers a body with an id the same way whether or not another account holds that id', async () => {
    const held = (await a.api.post('/api/v1/campaigns', offer)).body.id as string;
    const taken = await b.api.post('/api/v1/campaigns', { ...offer, id: held });
    const free = await b.api.post('/api/v1/campaigns', { ...offer, id: 'cmp_nobodyhasthisone1' });
    assert.equal(taken.status, 400);
    assert.equal(taken.body.error.code, 'invalid_campaign');
    assert.deepEqual(taken.body, free.body, 'the answer says nothing about the id');
    assert.doesNotMatch(JSON.stringify(taken.body), new RegExp(held));
    // B can create campaigns as usual, and A's campaign is untouched and unseen by B
    const mine = await b.api.post('/api/v1/campaigns', offer);
    assert.equal(mine.status, 201);
    assert.notEqual(mine.body.id, held);
    assert.equal((await b.api.get(`/api/v1/campaigns/${held}`)).status, 404);
    assert.equal((await a.api.get(`/api/v1/campaigns/${held}`)).status, 200);
  });

  it('documents the create body without an id', async () => {
    const doc = (await srv.node.app.inject({ url: '/api/openapi.json' })).json();
    const op = doc.paths['/api/v1/campaigns'].post;
    const schema = op.requestBody.content['application/json'].schema;
    const props = schema.properties ?? doc.components.schemas[schema.$ref.split('/').pop()].properties;
    assert.ok(props.name);
    assert.equal(props.id, undefined);
  });
});
