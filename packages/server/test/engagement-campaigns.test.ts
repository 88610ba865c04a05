import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isControl } from '@beckon/core';
import { type Condition, validateCampaignInput } from '@beckon/protocol';
import { linearEngineOn } from '@beckon/protocol/campaign-regex';
import { VisitorChatClient } from '@beckon/sdk/chat-client';
import { exposureOutcome, pageView, visibility } from '@beckon/sdk/index';
import { hashPassword } from '../src/auth/passwords.ts';
import { contentCampaign, eventually, flush, newTenant, runtime, visitor } from './engagement-fixtures.ts';
import { ApiClient } from './helpers/api-client.ts';
import { connectAgent } from './helpers/chat-fixtures.ts';
import { DEMO_ADMIN, DEMO_AGENT_PASSWORD, startTestServer, type TestServer } from './helpers/test-server.ts';

// Read by this file's servers as they start. Set in a hook: where several files share a process
// (scripts/test-group.mjs), each file has its own settings only while it runs.
before(() => {
  process.env.BECKON_CAPACITY_TTL_MS = '50';
  process.env.BECKON_CAPACITY_RETRY_MS = '200';
  process.env.BECKON_DEMO_HESITATION_SECONDS = '1';
});

const section = (s: string): Condition => ({ field: 'page.section', op: 'contains', value: s });
const nothingWithin = async (p: Promise<unknown>) => assert.rejects(p, /no engage frame/);

describe('campaigns: REST API, and engagements through the visitor protocol', () => {
  let srv: TestServer;
  let t: Awaited<ReturnType<typeof newTenant>>;
  let skillId: string;
  let n = 0;
  const vid = (p: string) => `${p}-${++n}`;
  before(async () => {
    srv = await startTestServer({ demo: true });
    t = await newTenant(srv);
    skillId = (await t.api.post('/api/v1/skills', { name: 'Sales' })).body.id;
  });
  after(() => srv.close());

  it('creates, lists, edits and deletes campaigns, filling in defaults and bumping the version', async () => {
    const created = await t.api.post(
      '/api/v1/campaigns',
      contentCampaign('Pricing help', section('pricing')),
    );
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.version, 1);
    assert.equal(created.body.controlShare, 0);
    assert.equal(created.body.priority, 0);
    assert.deepEqual(created.body.frequency, { afterDecline: 'next_session' });
    assert.deepEqual(created.body.targeting, section('pricing'));
    const id = created.body.id;
    assert.ok((await t.api.get('/api/v1/campaigns')).body.items.some((c: { id: string }) => c.id === id));
    const paused = await t.api.patch(`/api/v1/campaigns/${id}`, {
      status: 'paused',
      schedule: { timeZone: 'Europe/Berlin', days: [1, 2, 3, 4, 5], startMinute: 540, endMinute: 1020 },
    });
    assert.equal(paused.status, 200, JSON.stringify(paused.body));
    assert.equal(paused.body.version, 2);
    assert.equal(paused.body.status, 'paused');
    assert.equal(paused.body.schedule.timeZone, 'Europe/Berlin');
    const cleared = await t.api.patch(`/api/v1/campaigns/${id}`, { schedule: null });
    assert.equal(cleared.body.schedule, undefined);
    assert.equal((await t.api.get(`/api/v1/campaigns?status=paused`)).body.items.length, 1);
    assert.equal((await t.api.delete(`/api/v1/campaigns/${id}`)).status, 204);
    assert.equal((await t.api.get(`/api/v1/campaigns/${id}`)).status, 404);
    assert.equal((await t.api.delete(`/api/v1/campaigns/${id}`)).status, 404);
  });

  it('refuses an invalid condition tree with the path of the fault', async () => {
    const bad = contentCampaign('Bad', {
      all: [section('checkout'), { field: 'page.section', op: 'gte', value: 3 }],
    });
    const res = await t.api.post('/api/v1/campaigns', bad);
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'invalid_campaign');
    assert.match(res.body.error.message, /^\/targeting\/all\/1\/op: /);
    const unknownField = await t.api.post(
      '/api/v1/campaigns',
      contentCampaign('Bad', { any: [{ field: 'page.colour', op: 'equals', value: 'red' }] }),
    );
    assert.match(unknownField.body.error.message, /^\/targeting\/any\/0\/field: unknown field/);
    const badRegex = await t.api.post(
      '/api/v1/campaigns',
      contentCampaign('Bad', { not: { field: 'page.url', op: 'matches', value: { regex: '(' } } }),
    );
    assert.match(badRegex.body.error.message, /^\/targeting\/not\/value: invalid regex/);
    const noSkill = await t.api.post('/api/v1/campaigns', {
      ...contentCampaign('Chat', section('x')),
      engagement: {
        type: 'chat_invitation',
        skillId: 'skill_not_mine',
        message: 'Hi',
        style: 'toaster',
        offline: 'none',
      },
    });
    assert.equal(noSkill.status, 400);
    assert.match(noSkill.body.error.message, /\/engagement\/skillId/);
    const ok = await t.api.post('/api/v1/campaigns', contentCampaign('Fine', section('x')));
    const badPatch = await t.api.patch(`/api/v1/campaigns/${ok.body.id}`, {
      targeting: { all: [{ field: 'cart.total', op: 'contains', value: 1 }] },
    });
    assert.equal(badPatch.status, 400);
    assert.match(badPatch.body.error.message, /^\/targeting\/all\/0\/op: /);
    await t.api.delete(`/api/v1/campaigns/${ok.body.id}`);
  });

  it('refuses an empty any group, which would reach no visitor, but lets a campaign stored with one be paused', async () => {
    const empty = await t.api.post('/api/v1/campaigns', contentCampaign('Nobody', { any: [] }));
    assert.equal(empty.status, 400);
    assert.equal(empty.body.error.code, 'invalid_campaign');
    assert.match(empty.body.error.message, /^\/targeting\/any: must list at least one condition/);
    const noneOfNothing = await t.api.post(
      '/api/v1/campaigns',
      contentCampaign('Nobody', { all: [section('x'), { not: { any: [] } }] }),
    );
    assert.match(noneOfNothing.body.error.message, /^\/targeting\/all\/1\/not\/any: /);
    const everyone = await t.api.post('/api/v1/campaigns', contentCampaign('Everyone', { all: [] }));
    assert.equal(everyone.status, 201, 'an empty all targets every visitor');
    const toNobody = await t.api.patch(`/api/v1/campaigns/${everyone.body.id}`, { targeting: { any: [] } });
    assert.match(toNobody.body.error.message, /^\/targeting\/any: /);

    // Stored before the API refused it: its other settings can still change, its targeting only to a sound one.
    const valid = validateCampaignInput(contentCampaign('Stored nobody', { all: [] }));
    assert.ok(valid.ok);
    const stored = await srv.node.ctx.store.campaigns.create(t.accountId, {
      ...valid.value,
      targeting: { any: [] },
    });
    const paused = await t.api.patch(`/api/v1/campaigns/${stored.id}`, { status: 'paused' });
    assert.equal(paused.status, 200, JSON.stringify(paused.body));
    assert.equal(paused.body.status, 'paused');
    const resent = await t.api.patch(`/api/v1/campaigns/${stored.id}`, { targeting: { any: [] } });
    assert.equal(resent.status, 400);
    const fixed = await t.api.patch(`/api/v1/campaigns/${stored.id}`, { targeting: { any: [section('x')] } });
    assert.equal(fixed.status, 200);
    for (const id of [everyone.body.id, stored.id]) await t.api.delete(`/api/v1/campaigns/${id}`);
  });

  it('tests campaign regexes in bounded time, refusing what cannot run in linear time', async () => {
    const urlIs = (regex: string, flags?: string): Condition => ({
      field: 'page.url',
      op: 'matches',
      value: flags ? { regex, flags } : { regex },
    });
    const lookaround = await t.api.post(
      '/api/v1/campaigns',
      contentCampaign('Bad', urlIs('/cart(?!/empty)')),
    );
    assert.equal(lookaround.status, 400);
    assert.match(lookaround.body.error.message, /^\/targeting\/value: backreferences and lookarounds/);
    const hostile = await t.api.post('/api/v1/campaigns', contentCampaign('Hostile', urlIs('/(a+)+$', 'i')));
    assert.equal(hostile.status, 201, JSON.stringify(hostile.body));
    // The node turned V8's linear-time engine on (without it, the sends below would hang the test).
    assert.equal(linearEngineOn(), true);
    const v = await visitor(srv, t.site.siteKey, vid('hostile'));
    // Backtracking through this URL would outlast the test; the node answers and goes on engaging.
    await v.sendBatch([pageView(`https://shop.example/${'a'.repeat(2000)}!`, ['hostile'])]);
    await v.sendBatch([pageView(`https://shop.example/${'A'.repeat(2000)}`, ['hostile'])]);
    assert.equal((await v.nextEngage()).campaignId, hostile.body.id);
    await v.close();
    await t.api.delete(`/api/v1/campaigns/${hostile.body.id}`);
  });

  it('enforces roles and keeps accounts apart', async () => {
    const demoAdmin = new ApiClient(srv.node.app);
    await demoAdmin.login(DEMO_ADMIN.email, DEMO_ADMIN.password);
    const agent = new ApiClient(srv.node.app);
    await agent.login('sales@demo.beckon.local', DEMO_AGENT_PASSWORD);
    const demoCampaigns = (await agent.get('/api/v1/campaigns')).body.items;
    assert.deepEqual(demoCampaigns.map((c: { name: string }) => c.name).sort(), [
      'Browsing deeply',
      'Chat with us',
      'Checkout hesitation',
    ]);
    assert.equal((await agent.post('/api/v1/campaigns', contentCampaign('Nope', section('x')))).status, 403);
    assert.equal(
      (await agent.patch(`/api/v1/campaigns/${demoCampaigns[0].id}`, { status: 'paused' })).status,
      403,
    );
    // The tenant cannot see, change or delete the demo account's campaigns.
    assert.equal((await t.api.get(`/api/v1/campaigns/${demoCampaigns[0].id}`)).status, 404);
    assert.equal(
      (await t.api.patch(`/api/v1/campaigns/${demoCampaigns[0].id}`, { status: 'paused' })).status,
      404,
    );
    assert.equal((await t.api.delete(`/api/v1/campaigns/${demoCampaigns[0].id}`)).status, 404);
    assert.ok(
      !(await t.api.get('/api/v1/campaigns')).body.items.some(
        (c: { id: string }) => c.id === demoCampaigns[0].id,
      ),
    );
    const doc = (await demoAdmin.get('/api/openapi.json')).body;
    for (const p of [
      '/api/v1/campaigns',
      '/api/v1/campaigns/{id}',
      '/api/v1/visitors',
      '/api/v1/visitors/{id}',
      '/api/v1/visitors/{id}/invite',
    ]) {
      assert.ok(doc.paths[p], `${p} documented`);
    }
  });

  it('engages a visitor whose event makes a campaign true, and records the exposure and its outcomes', async () => {
    const c = (await t.api.post('/api/v1/campaigns', contentCampaign('Pricing offer', section('pricing'))))
      .body;
    const v = await visitor(srv, t.site.siteKey, vid('pricing'));
    await v.sendBatch([pageView('https://shop.example/home', ['home'])]);
    await v.sendBatch([pageView('https://shop.example/pricing', ['pricing'])]);
    const e = await v.nextEngage();
    assert.equal(e.campaignId, c.id);
    assert.equal(e.engagement.type, 'content');
    await v.sendBatch([exposureOutcome(e.exposureId, 'shown')]);
    await v.sendBatch([exposureOutcome(e.exposureId, 'clicked')]);
    await flush(srv);
    const row = await srv.node.ctx.store.exposures.get(t.accountId, e.exposureId);
    assert.equal(row?.campaignId, c.id);
    assert.equal(row?.control, false);
    assert.equal(row?.outcome, 'clicked');
    assert.ok(row?.shownAt && row.outcomeAt);
    // Staying on pricing pages does not engage again: the condition must turn false and true again.
    await v.sendBatch([pageView('https://shop.example/pricing/2', ['pricing'])]);
    await nothingWithin(v.nextEngage(300));
    await v.close();
    await t.api.patch(`/api/v1/campaigns/${c.id}`, { status: 'paused' });
  });

  it('marks an engagement the visitor moved on from as ignored', async () => {
    const c = (await t.api.post('/api/v1/campaigns', contentCampaign('Ignored', section('ignore-me')))).body;
    const v = await visitor(srv, t.site.siteKey, vid('ignorer'));
    await v.sendBatch([pageView('https://shop.example/x', ['ignore-me'])]);
    const e = await v.nextEngage();
    await v.sendBatch([
      exposureOutcome(e.exposureId, 'shown'),
      pageView('https://shop.example/y', ['other']),
    ]);
    await flush(srv);
    assert.equal((await srv.node.ctx.store.exposures.get(t.accountId, e.exposureId))?.outcome, 'ignored');
    await v.close();
    await t.api.patch(`/api/v1/campaigns/${c.id}`, { status: 'paused' });
  });

  it('fires a time-based condition on time, without another event, counting visible time only', async () => {
    const c = (
      await t.api.post(
        '/api/v1/campaigns',
        contentCampaign('Lingering', {
          all: [section('docs'), { field: 'page.timeOnPage', op: 'gte', value: 1 }],
        }),
      )
    ).body;
    const hidden = await visitor(srv, t.site.siteKey, vid('hidden'));
    const v = await visitor(srv, t.site.siteKey, vid('linger'));
    await hidden.sendBatch([pageView('https://shop.example/docs', ['docs']), visibility(false)]);
    const started = Date.now();
    await v.sendBatch([pageView('https://shop.example/docs', ['docs'])]);
    const e = await v.nextEngage(3000);
    const elapsed = Date.now() - started;
    assert.equal(e.campaignId, c.id);
    assert.ok(elapsed >= 950 && elapsed < 1600, `engaged after ${elapsed} ms`);
    await nothingWithin(hidden.nextEngage(200)); // a hidden tab's clock is paused
    await hidden.sendBatch([visibility(true)]);
    assert.equal((await hidden.nextEngage(2000)).campaignId, c.id);
    await Promise.all([v.close(), hidden.close()]);
    await t.api.patch(`/api/v1/campaigns/${c.id}`, { status: 'paused' });
  });

  it('shows control-group visitors nothing but records their qualification', async () => {
    const c = (
      await t.api.post(
        '/api/v1/campaigns',
        contentCampaign('Held out', section('holdout'), { controlShare: 0.5 }),
      )
    ).body;
    const ids = Array.from({ length: 40 }, (_, i) => `ctl-${i}`);
    const control = ids.find((id) => isControl(id, c.id, 0.5))!;
    const treated = ids.find((id) => !isControl(id, c.id, 0.5))!;
    const a = await visitor(srv, t.site.siteKey, control);
    const b = await visitor(srv, t.site.siteKey, treated);
    await a.sendBatch([pageView('https://shop.example/h', ['holdout'])]);
    await b.sendBatch([pageView('https://shop.example/h', ['holdout'])]);
    assert.equal((await b.nextEngage()).campaignId, c.id);
    await nothingWithin(a.nextEngage(300));
    await flush(srv);
    const rows = await srv.node.ctx.store.exposures.forCampaign(t.accountId, c.id);
    const byVisitor = new Map(rows.map((r) => [r.visitorId, r]));
    assert.equal(byVisitor.get(control)?.control, true);
    assert.equal(byVisitor.get(control)?.engagementType, 'content');
    assert.equal(byVisitor.get(treated)?.control, false);
    await Promise.all([a.close(), b.close()]);
    await t.api.patch(`/api/v1/campaigns/${c.id}`, { status: 'paused' });
  });

  it('picks the highest priority when several campaigns qualify, the next one after an answer', async () => {
    const low = (
      await t.api.post('/api/v1/campaigns', contentCampaign('Low', section('both'), { priority: 1 }))
    ).body;
    const high = (
      await t.api.post('/api/v1/campaigns', contentCampaign('High', section('both'), { priority: 5 }))
    ).body;
    const v = await visitor(srv, t.site.siteKey, vid('prio'));
    await v.sendBatch([pageView('https://shop.example/b', ['both'])]);
    const first = await v.nextEngage();
    assert.equal(first.campaignId, high.id);
    await nothingWithin(v.nextEngage(200)); // one engagement at a time
    await v.sendBatch([exposureOutcome(first.exposureId, 'dismissed')]);
    assert.equal((await v.nextEngage()).campaignId, low.id);
    await v.close();
    for (const c of [low, high]) await t.api.patch(`/api/v1/campaigns/${c.id}`, { status: 'paused' });
  });

  it('offers a chat only when routing could serve it now: an agent connected, online, with a free slot', async () => {
    const chat = (
      await t.api.post('/api/v1/campaigns', {
        ...contentCampaign('Chat now', section('support')),
        engagement: {
          type: 'chat_invitation',
          skillId,
          message: 'Need help?',
          style: 'overlay',
          offline: 'none',
        },
      })
    ).body;
    const v = await visitor(srv, t.site.siteKey, vid('chat'));
    await v.sendBatch([pageView('https://shop.example/s', ['support'])]);
    await nothingWithin(v.nextEngage(300)); // nobody to answer, fallback "none"
    const email = `ada-${Date.now()}@tenant.example`;
    await srv.node.ctx.store.users.create(t.accountId, {
      email,
      name: 'Ada',
      role: 'agent',
      passwordHash: await hashPassword('x-password'),
      skillIds: [skillId],
      status: 'online',
      capacity: 1,
    });
    await nothingWithin(v.nextEngage(400)); // online, but no console open: routing could not reach her
    const ada = await connectAgent(srv, email);
    // Her console connects: the visitor, still qualifying, is invited on the next look (no new event needed).
    const e = await v.nextEngage(3000);
    assert.equal(e.campaignId, chat.id);
    assert.equal(e.engagement.type, 'chat_invitation');
    assert.equal(e.agentName, 'Ada', 'the one agent routing would offer it to');
    await v.close();

    // Her one slot taken (a chat offered to her counts, as routing counts it): the fallback instead.
    await t.api.patch(`/api/v1/campaigns/${chat.id}`, {
      engagement: {
        ...chat.engagement,
        offline: 'offline_message',
        translations: { de: { message: 'Brauchen Sie Hilfe?' } },
      },
    });
    const busy = await VisitorChatClient.start(srv.url, t.site.siteKey, {
      visitorId: vid('chatter'),
      skillId,
    });
    const offered = await eventually(() => [...ada.offers.keys()][0]);
    await new Promise((r) => setTimeout(r, 150)); // the capacity cache (50 ms here) notices
    const w = await visitor(srv, t.site.siteKey, vid('full'));
    await w.sendBatch([pageView('https://shop.example/s', ['support'])]);
    const fallback = await w.nextEngage();
    // The offline form leads with the invitation's message, in each language the campaign wrote it in.
    assert.deepEqual(fallback.engagement, {
      type: 'offline_message',
      skillId,
      message: 'Need help?',
      translations: { de: { message: 'Brauchen Sie Hilfe?' } },
    });
    assert.equal(fallback.agentName, undefined);
    await w.close();

    // A visitor who qualifies while she is busy gets nothing (fallback "none") — until her slot frees.
    await t.api.patch(`/api/v1/campaigns/${chat.id}`, { engagement: chat.engagement });
    const waiting = await visitor(srv, t.site.siteKey, vid('patient'));
    await waiting.sendBatch([pageView('https://shop.example/s', ['support'])]);
    await nothingWithin(waiting.nextEngage(400));
    await ada.accept(offered);
    await ada.close(offered);
    const later = await waiting.nextEngage(3000);
    assert.equal(later.campaignId, chat.id);
    assert.equal(later.engagement.type, 'chat_invitation');
    await Promise.all([waiting.close(), busy.close(), ada.disconnect()]);
    await t.api.patch(`/api/v1/campaigns/${chat.id}`, { status: 'paused' });
  });

  it('shows a chat button without holding back the other campaigns on that page', async () => {
    const email = `bo-${Date.now()}@tenant.example`;
    await srv.node.ctx.store.users.create(t.accountId, {
      email,
      name: 'Bo',
      role: 'agent',
      passwordHash: await hashPassword('x-password'),
      skillIds: [skillId],
      status: 'online',
    });
    const bo = await connectAgent(srv, email);
    const button = (
      await t.api.post('/api/v1/campaigns', {
        ...contentCampaign('Help button', section('faq'), { priority: 9 }),
        engagement: { type: 'chat_button', skillId, label: 'Chat with us' },
      })
    ).body;
    const offer = (
      await t.api.post('/api/v1/campaigns', contentCampaign('FAQ offer', section('faq'), { priority: 1 }))
    ).body;
    await new Promise((r) => setTimeout(r, 150)); // capacity cache
    const v = await visitor(srv, t.site.siteKey, vid('faq'));
    await v.sendBatch([pageView('https://shop.example/faq', ['faq'])]);
    const first = await v.nextEngage();
    assert.equal(first.campaignId, button.id);
    assert.equal(first.engagement.type, 'chat_button');
    // Same page, no answer to the button: the offer still comes.
    const second = await v.nextEngage(2000);
    assert.equal(second.campaignId, offer.id);
    // The offer, being an interruption, does hold back what comes after it.
    const site = await runtime(srv).sites.byKey(t.site.siteKey);
    const live = runtime(srv).tracker.peek(site!.id, v.welcome!.visitorId);
    assert.equal(live?.state.pendingExposureId, second.exposureId);
    await Promise.all([v.close(), bo.disconnect()]);
    for (const c of [button, offer]) await t.api.patch(`/api/v1/campaigns/${c.id}`, { status: 'paused' });
  });

  it('takes a reconnecting visitor’s page from the hello when the node lost it, so its timed campaigns still fire', async () => {
    const own = await newTenant(srv);
    const created = await own.api.post(
      '/api/v1/campaigns',
      contentCampaign('Checkout help', {
        all: [section('checkout'), { field: 'page.timeOnPage', op: 'gte', value: 1 }],
      }),
    );
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const site = (await runtime(srv).sites.byKey(own.site.siteKey))!;
    const checkout = 'https://shop.example/checkout';
    // The node restarted before this visitor's first snapshot: it has never seen them, yet their
    // tag reconnects on the checkout page it reported before the restart.
    const back = await visitor(srv, own.site.siteKey, vid('restart'), {
      url: checkout,
      sections: ['checkout'],
      resumed: true,
    });
    const live = runtime(srv).tracker.peek(site.id, back.welcome!.visitorId)!;
    assert.equal(live.state.page?.url, checkout);
    assert.deepEqual(live.state.page?.sections, ['checkout']);
    assert.equal(live.state.pageViews, 1);
    assert.equal(
      (await back.nextEngage(3000)).campaignId,
      created.body.id,
      'fired after a second on the page',
    );
    // Reconnecting again to the page the node knows changes nothing.
    await back.close();
    const again = await visitor(srv, own.site.siteKey, back.welcome!.visitorId, {
      url: checkout,
      sections: ['checkout'],
      resumed: true,
    });
    assert.equal(live.state.pageViews, 1);
    // A first hello is followed by the page's own view: the page counts once.
    const first = await visitor(srv, own.site.siteKey, vid('first'), {
      url: checkout,
      sections: ['checkout'],
    });
    await first.sendBatch([pageView(checkout, ['checkout'])]);
    assert.equal(runtime(srv).tracker.peek(site.id, first.welcome!.visitorId)?.state.pageViews, 1);
    await Promise.all([again.close(), first.close()]);
  });

  it('lets an agent invite any live visitor by hand', async () => {
    const agent = new ApiClient(srv.node.app);
    await agent.login('sales@demo.beckon.local', DEMO_AGENT_PASSWORD);
    const v = await visitor(srv, srv.demo!.siteKey, 'hand-picked');
    await v.sendBatch([pageView(`${srv.url}/demo/`, ['home'])]);
    const res = await agent.post('/api/v1/visitors/hand-picked/invite', { message: 'Hello from Sales!' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const e = await v.nextEngage();
    assert.equal(e.exposureId, res.body.exposureId);
    assert.equal(e.engagement.type, 'chat_invitation');
    assert.equal(e.engagement.type === 'chat_invitation' && e.engagement.skillId, srv.demo!.skillIds.sales);
    // Not online in the console: the team invites, under no name the visitor could not reach.
    assert.equal(res.body.from, 'team');
    assert.equal(e.agentName, undefined);
    // Online with the console open: the invitation names them (and the chat goes to them).
    const desk = await connectAgent(srv, 'sales@demo.beckon.local');
    const named = await agent.post('/api/v1/visitors/hand-picked/invite', { message: 'Hello from me!' });
    assert.equal(named.body.from, 'you');
    let n = await v.nextEngage();
    while (n.exposureId !== named.body.exposureId) n = await v.nextEngage();
    assert.equal(n.agentName, 'Sales Agent');
    await desk.disconnect();
    await flush(srv);
    const row = await srv.node.ctx.store.exposures.get(srv.demo!.accountId, e.exposureId);
    assert.equal(row?.campaignId, null);
    assert.equal(
      (await t.api.post('/api/v1/visitors/hand-picked/invite', {})).status,
      404,
      'another account cannot',
    );
    assert.equal((await agent.post('/api/v1/visitors/nobody/invite', {})).status, 404);
    await v.close();
    await eventually(() => runtime(srv).tracker.peek(srv.demo!.siteId, 'hand-picked')?.channels.size === 0);
    assert.equal((await agent.post('/api/v1/visitors/hand-picked/invite', {})).status, 409);
  });

  it('runs the demo campaigns: checkout hesitation (shortened by configuration) and browsing deeply', async () => {
    const demo = srv.demo!;
    const admin = new ApiClient(srv.node.app);
    await admin.login(DEMO_ADMIN.email, DEMO_ADMIN.password);
    const campaigns: Array<{ id: string; name: string; targeting: unknown; controlShare: number }> = (
      await admin.get('/api/v1/campaigns')
    ).body.items;
    const hesitation = campaigns.find((c) => c.name === 'Checkout hesitation')!;
    const browsing = campaigns.find((c) => c.name === 'Browsing deeply')!;
    assert.equal(hesitation.controlShare, 0.2);
    assert.equal(browsing.controlShare, 0.2);
    const origin = new URL(srv.url).origin;
    // A visitor outside the campaign's control group (each campaign gets its own visitor).
    const treated = (c: { id: string; name: string; controlShare: number }) =>
      Array.from({ length: 50 }, (_, i) => `demo-${c.name.split(' ')[0]}-${i}`).find(
        (id) => !isControl(id, c.id, c.controlShare),
      )!;
    // The Sales agent's console open and online: the invitation itself, naming them.
    const sales = await connectAgent(srv, 'sales@demo.beckon.local');
    await new Promise((r) => setTimeout(r, 150));
    const shopper = await visitor(srv, demo.siteKey, treated(hesitation), { origin });
    await shopper.sendBatch([
      pageView(`${origin}/demo/cart.html`, ['cart']),
      {
        type: 'attr',
        attrType: 'cart',
        value: { items: [{ sku: 'lamp', price: 120, quantity: 1 }], total: 120, currency: 'USD' },
        ts: Date.now(),
      },
      pageView(`${origin}/demo/checkout.html`, ['checkout']),
    ]);
    const started = Date.now();
    const invite = await shopper.nextEngage(5000);
    assert.equal(invite.campaignId, hesitation.id);
    assert.equal(invite.engagement.type, 'chat_invitation');
    assert.equal(invite.agentName, 'Sales Agent');
    assert.ok(Date.now() - started >= 900, 'after the configured 1 s on checkout');
    await shopper.close();
    const browser = await visitor(srv, demo.siteKey, treated(browsing), { origin });
    for (const p of ['a', 'b', 'c'])
      await browser.sendBatch([pageView(`${origin}/demo/product-${p}.html`, ['product'])]);
    const offer = await browser.nextEngage();
    assert.equal(offer.campaignId, browsing.id);
    assert.equal(offer.engagement.type === 'content' && offer.engagement.title, '10% off');
    assert.equal(
      offer.engagement.type === 'content' && offer.engagement.ctaUrl,
      `${origin}/demo/products.html`,
    );
    await browser.close();
    await sales.disconnect();
  });
});
