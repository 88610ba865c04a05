import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isControl } from '@beckon/core/targeting/control-group';
import type { Condition } from '@beckon/protocol';
import { pageView } from '@beckon/sdk/index';
import { chatOf } from '../src/conversations/chat-module.ts';
import { contentCampaign, flush, newTenant, visitor } from './engagement-fixtures.ts';
import { ApiClient } from './helpers/api-client.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

// Read by this file's servers as they start. Set in a hook: where several files share a process
// (scripts/test-group.mjs), each file has its own settings only while it runs.
before(() => {
  process.env.BECKON_CAPACITY_TTL_MS = '50';
  process.env.BECKON_CAPACITY_RETRY_MS = '200';
});

const HOUR = 3_600_000;
const section = (s: string): Condition => ({ field: 'page.section', op: 'contains', value: s });
const nothingWithin = async (p: Promise<unknown>) => assert.rejects(p, /no engage frame/);
/** A visitor id that falls on the given side of a campaign's control group. */
const visitorOn = (side: 'control' | 'treated', campaignId: string, share: number, prefix: string) => {
  for (let i = 0; ; i++) {
    const id = `${prefix}-${i}`;
    if (isControl(id, campaignId, share) === (side === 'control')) return id;
  }
};

describe('the callback engagement: a "Call me back" button, with no one needed free now', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer({ demo: true });
  });
  after(() => srv.close());

  it('is validated, offered with nobody online, held out for the control group, and capped', async () => {
    const t = await newTenant(srv);
    const skillId = (await t.api.post('/api/v1/skills', { name: 'Phones' })).body.id;
    const bad = await t.api.post('/api/v1/campaigns', {
      ...contentCampaign('Callback', section('help')),
      engagement: { type: 'callback', skillId, label: '' },
    });
    assert.equal(bad.status, 400);
    assert.match(JSON.stringify(bad.body), /engagement\/label/);
    const unknown = await t.api.post('/api/v1/campaigns', {
      ...contentCampaign('Callback', section('help')),
      engagement: { type: 'callback', skillId: 'skill_nope' },
    });
    assert.equal(unknown.status, 400);
    assert.match(JSON.stringify(unknown.body), /engagement\/skillId/);
    const created = await t.api.post('/api/v1/campaigns', {
      ...contentCampaign('Callback', section('help')),
      engagement: { type: 'callback', skillId, label: 'Ring me' },
      controlShare: 0.5,
      frequency: { perSession: 1 },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const campaignId = created.body.id as string;

    // Nobody online at all: the callback is still offered (it is for later).
    const treatedId = visitorOn('treated', campaignId, 0.5, 'v-cb-t');
    const treated = await visitor(srv, t.site.siteKey, treatedId);
    await treated.sendBatch([pageView('https://shop.example/help', ['help'])]);
    const e = await treated.nextEngage(3000);
    assert.deepEqual(e.engagement, { type: 'callback', skillId, label: 'Ring me' });
    // Capped at one per session: leaving the section and coming back offers nothing more.
    await treated.sendBatch([pageView('https://shop.example/', ['home'])]);
    await treated.sendBatch([pageView('https://shop.example/help', ['help'])]);
    await nothingWithin(treated.nextEngage(400));
    await treated.close();

    // The control group is held out: nothing shown, and its qualification is recorded as control.
    const heldId = visitorOn('control', campaignId, 0.5, 'v-cb-c');
    const held = await visitor(srv, t.site.siteKey, heldId);
    await held.sendBatch([pageView('https://shop.example/help', ['help'])]);
    await nothingWithin(held.nextEngage(400));
    await held.close();
    await flush(srv);
    const rows = await srv.node.ctx.store.exposures.forVisitor(t.accountId, t.site.id, heldId);
    assert.deepEqual(
      rows.map((r) => [r.campaignId, r.engagementType, r.control]),
      [[campaignId, 'callback', true]],
    );
  });

  it('stands in for a call nobody can answer when the campaign says so', async () => {
    const t = await newTenant(srv);
    const skillId = (await t.api.post('/api/v1/skills', { name: 'Phones' })).body.id;
    const created = await t.api.post('/api/v1/campaigns', {
      ...contentCampaign('Call', section('help')),
      engagement: { type: 'call', skillId, offline: 'callback' },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const v = await visitor(srv, t.site.siteKey, 'v-call-away');
    await v.sendBatch([pageView('https://shop.example/help', ['help'])]);
    const e = await v.nextEngage(3000);
    // No label of its own: the widget writes "Call me back" in the visitor's language.
    assert.deepEqual(e.engagement, { type: 'callback', skillId });
    await v.close();
  });

  it('takes a request from the page, refuses bad input, and queues the callback at its time', async () => {
    const { store } = srv.node.ctx;
    const demo = srv.demo!;
    const site = { accountId: demo.accountId, id: demo.siteId };
    const app = new ApiClient(srv.node.app);
    const page = {
      post: (url: string, body: unknown) =>
        app.request('POST', url, body, { 'x-beckon-site-key': demo.siteKey }),
    };
    const start = Date.now() + HOUR;
    const body = {
      phone: '+44 20 7946 0958',
      windowStart: new Date(start).toISOString(),
      windowEnd: new Date(start + HOUR).toISOString(),
      topic: 'Delivery',
      visitorId: 'v-page-cb',
      skillId: demo.skillIds.sales,
    };
    const upside = await page.post('/api/v1/chat/callback', { ...body, windowEnd: body.windowStart });
    assert.equal(upside.status, 400);
    assert.equal(upside.body.error.code, 'bad_window');
    const phone = await page.post('/api/v1/chat/callback', { ...body, phone: 'call me' });
    assert.equal(phone.status, 400);
    assert.match(JSON.stringify(phone.body), /phone/);
    const noKey = await app.post('/api/v1/chat/callback', body);
    assert.ok(noKey.status === 401 || noKey.status === 403, String(noKey.status));

    const ok = await page.post('/api/v1/chat/callback', body);
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    assert.equal(ok.body.phone, '+44 20 7946 0958');
    assert.equal(ok.body.status, 'scheduled');
    const cb = await store.callbacks.get(site.accountId, ok.body.id);
    // The request is kept in the visitor's history: a closed voice conversation with its line.
    const record = await store.conversations.get(site.accountId, cb!.conversation_id);
    assert.equal(record.channel, 'voice');
    assert.equal(record.status, 'closed');
    assert.equal(record.visitorId, 'v-page-cb');
    assert.equal(record.topic, 'Callback: Delivery');
    const lines = await store.messages.after(site.accountId, record.id, 0);
    assert.match(lines.map((m) => m.text).join('\n'), /Callback requested to \+44 20 7946 0958/);

    // Not before its time; at its time a queued voice task in the skill's queue.
    const callbacks = chatOf(srv.node.ctx)!.callbacks;
    assert.equal(await callbacks.tick(start - 60_000), 0);
    assert.equal(await callbacks.tick(start + 1), 1);
    const task = (await store.callbacks.get(site.accountId, ok.body.id))?.task_conversation_id;
    assert.ok(task, 'the callback has its task');
    const queued = await store.conversations.get(site.accountId, task);
    assert.equal(queued.channel, 'voice');
    assert.equal(queued.skillId, demo.skillIds.sales);
    assert.equal(queued.topic, 'Callback: Delivery');
  });
});
