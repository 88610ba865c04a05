import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { validateCampaignInput } from '@beckon/protocol';
import type { Store } from '../src/store/store.ts';
import { conversationsContract } from './store-contract-conversations.ts';
import { transfersContract } from './store-contract-transfers.ts';

/**
 * The store contract: every Store implementation (SQLite, PostgreSQL) must pass these.
 * `make` returns a migrated, empty store and its disposer; `skip` is a stated reason to skip.
 */
export function storeContract(
  name: string,
  make: () => Promise<{ store: Store; dispose(): Promise<void> }>,
  skip?: () => string | null,
) {
  describe(`store contract: ${name}`, () => {
    const reason = skip ? skip() : null;
    let store: Store;
    let dispose: () => Promise<void>;
    before(async () => {
      if (reason) return;
      ({ store, dispose } = await make());
    });
    after(async () => {
      if (!reason) await dispose();
    });
    const test = (title: string, fn: () => Promise<void>) => it(title, reason ? { skip: reason } : {}, fn);

    test('migrations are applied and re-applying is a no-op', async () => {
      assert.equal(await store.ready(), true);
      assert.deepEqual(await store.migrate(), []);
    });

    test('sites are scoped by account and found by site key', async () => {
      const a = await store.accounts.create('A');
      const b = await store.accounts.create('B');
      const site = await store.sites.create(a.id, {
        name: 'Shop',
        allowedOrigins: ['https://Shop.example/'],
        timeZone: 'Europe/Berlin',
      });
      assert.deepEqual(site.allowedOrigins, ['https://shop.example']);
      assert.equal(site.timeZone, 'Europe/Berlin');
      assert.match(site.siteKey, /^[0-9a-z]{16}$/);
      assert.equal((await store.sites.findBySiteKey(site.siteKey))?.id, site.id);
      assert.equal(site.widgetLanguage, 'auto', 'the widget follows the page until told otherwise');
      const hebrew = await store.sites.update(a.id, site.id, { widgetLanguage: 'he' });
      assert.equal(hebrew.widgetLanguage, 'he');
      assert.equal((await store.sites.findBySiteKey(site.siteKey))?.widgetLanguage, 'he');
      assert.equal((await store.sites.list(b.id)).length, 0);
      await assert.rejects(store.sites.get(b.id, site.id), { status: 404 });
      await assert.rejects(store.sites.update(b.id, site.id, { name: 'stolen' }), { status: 404 });
      await assert.rejects(store.sites.delete(b.id, site.id), { status: 404 });
      const renamed = await store.sites.update(a.id, site.id, { name: 'Shop 2' });
      assert.equal(renamed.name, 'Shop 2');
      await assert.rejects(store.sites.update(a.id, site.id, { timeZone: 'Mars/Olympus' }), { status: 400 });
      await store.sites.delete(a.id, site.id);
      assert.equal(await store.sites.findBySiteKey(site.siteKey), undefined);
    });

    test('skills: unique names per account, transfer targets must belong to the account', async () => {
      const a = await store.accounts.create('A');
      const b = await store.accounts.create('B');
      const sales = await store.skills.create(a.id, { name: 'Sales' });
      assert.equal(sales.maxWaitSeconds, 120);
      assert.equal(sales.offerTimeoutSeconds, 30);
      await assert.rejects(store.skills.create(a.id, { name: 'Sales' }), { status: 409 });
      await store.skills.create(b.id, { name: 'Sales' }); // another account may reuse the name
      const otherB = await store.skills.create(b.id, { name: 'Other' });
      await assert.rejects(store.skills.create(a.id, { name: 'Support', transferSkillIds: [otherB.id] }), {
        status: 400,
      });
      const support = await store.skills.create(a.id, { name: 'Support', transferSkillIds: [sales.id] });
      assert.deepEqual(support.transferSkillIds, [sales.id]);
      await assert.rejects(store.skills.update(a.id, sales.id, { transferSkillIds: [sales.id] }), {
        status: 400,
      });
      assert.deepEqual(
        (await store.skills.list(a.id)).map((s) => s.name),
        ['Sales', 'Support'],
      );
    });

    test('users: e-mail unique and case-insensitive, skills kept, login lookup', async () => {
      const a = await store.accounts.create('A');
      const s1 = await store.skills.create(a.id, { name: 'S1' });
      const s2 = await store.skills.create(a.id, { name: 'S2' });
      const u = await store.users.create(a.id, {
        email: 'Agent@Example.com',
        name: 'Agent',
        role: 'agent',
        passwordHash: 'h',
        skillIds: [s2.id, s1.id],
        capacity: 4,
      });
      assert.equal(u.email, 'agent@example.com');
      assert.deepEqual([...u.skillIds].sort(), [s1.id, s2.id].sort());
      assert.equal(u.capacity, 4);
      assert.equal(u.status, 'offline');
      await assert.rejects(
        store.users.create(a.id, { email: 'agent@example.COM', name: 'X', role: 'agent', passwordHash: 'h' }),
        { status: 409 },
      );
      const found = await store.users.findForLogin(' AGENT@example.com ');
      assert.equal(found?.user.id, u.id);
      assert.equal(found?.passwordHash, 'h');
      const updated = await store.users.update(a.id, u.id, {
        skillIds: [s1.id],
        status: 'online',
        capacity: 2,
      });
      assert.deepEqual(updated.skillIds, [s1.id]);
      assert.equal(updated.status, 'online');
      assert.equal(await store.users.countByRole(a.id, 'agent'), 1);
      await store.skills.delete(a.id, s1.id);
      assert.deepEqual((await store.users.get(a.id, u.id)).skillIds, []);
    });

    test('API keys: only the hash is stored, authenticate resolves the account, revoked keys stop working', async () => {
      const a = await store.accounts.create('A');
      const created = await store.apiKeys.create(a.id, 'CRM');
      assert.match(created.key, /^bk_[0-9a-z]{40}$/);
      const row = await store.db
        .selectFrom('api_keys')
        .selectAll()
        .where('id', '=', created.id)
        .executeTakeFirstOrThrow();
      assert.notEqual(row.key_hash, created.key);
      assert.equal(JSON.stringify(row).includes(created.key), false);
      assert.deepEqual(await store.apiKeys.authenticate(created.key), {
        accountId: a.id,
        keyId: created.id,
        name: created.name,
      });
      assert.notEqual((await store.apiKeys.list(a.id))[0]!.lastUsedAt, null);
      assert.equal(await store.apiKeys.authenticate(`${created.key}x`), undefined);
      await store.apiKeys.delete(a.id, created.id);
      assert.equal(await store.apiKeys.authenticate(created.key), undefined);
    });

    test('auth sessions expire and can be revoked per user', async () => {
      const a = await store.accounts.create('A');
      const u = await store.users.create(a.id, {
        email: `s-${Date.now()}@x.io`,
        name: 'S',
        role: 'admin',
        passwordHash: 'h',
      });
      const live = await store.authSessions.create(u.id, a.id, 60_000);
      const dead = await store.authSessions.create(u.id, a.id, -1);
      assert.equal((await store.authSessions.find(live.token))?.csrfToken, live.csrfToken);
      assert.equal(await store.authSessions.find(dead.token), undefined);
      await store.authSessions.deleteForUser(u.id);
      assert.equal(await store.authSessions.find(live.token), undefined);
    });

    test('deleting an account removes its rows (cascade)', async () => {
      const a = await store.accounts.create('Gone');
      const site = await store.sites.create(a.id, { name: 'x' });
      await store.db.deleteFrom('accounts').where('id', '=', a.id).execute();
      assert.equal(await store.sites.findBySiteKey(site.siteKey), undefined);
    });

    conversationsContract(test, () => store);
    transfersContract(test, () => store);

    test('campaigns: scoped by account, versioned on change, soft-deleted, fingerprinted', async () => {
      const a = await store.accounts.create('A');
      const b = await store.accounts.create('B');
      const valid = validateCampaignInput({
        name: 'Checkout help',
        status: 'active',
        goal: { type: 'purchase' },
        targeting: {
          all: [
            { field: 'page.section', op: 'contains', value: 'checkout' },
            { field: 'cart.total', op: 'gte', value: 100 },
          ],
        },
        controlShare: 0.1,
        engagement: { type: 'content', title: 'Hi', text: '', ctaLabel: 'Go', ctaUrl: 'https://x.example/' },
      });
      assert.ok(valid.ok);
      const fp0 = await store.campaigns.fingerprint(a.id);
      const c = await store.campaigns.create(a.id, valid.value);
      assert.equal(c.version, 1);
      assert.equal(c.controlShare, 0.1);
      assert.deepEqual(c.targeting, valid.value.targeting);
      assert.deepEqual(c.frequency, { afterDecline: 'next_session' });
      assert.equal(c.schedule, undefined);
      await assert.rejects(store.campaigns.get(b.id, c.id), { status: 404 });
      assert.equal((await store.campaigns.list(b.id)).length, 0);
      const other = await store.campaigns.create(b.id, valid.value);
      assert.notEqual(other.id, c.id, 'ids are the store’s own, never shared between accounts');
      const fp1 = await store.campaigns.fingerprint(a.id);
      assert.notDeepEqual(fp1, fp0);
      const paused = await store.campaigns.replace(a.id, c.id, {
        ...valid.value,
        status: 'paused',
        schedule: { timeZone: 'UTC', days: [1], startMinute: 0, endMinute: 60 },
      });
      assert.equal(paused.version, 2);
      assert.equal(paused.status, 'paused');
      assert.equal(paused.schedule?.endMinute, 60);
      assert.equal((await store.campaigns.list(a.id, 'active')).length, 0);
      assert.notDeepEqual(await store.campaigns.fingerprint(a.id), fp1);
      await assert.rejects(store.campaigns.replace(b.id, c.id, valid.value), { status: 404 });
      await store.campaigns.delete(a.id, c.id);
      await assert.rejects(store.campaigns.get(a.id, c.id), { status: 404 });
      assert.equal((await store.campaigns.list(a.id)).length, 0);
      assert.equal((await store.campaigns.names(a.id)).get(c.id), 'Checkout help', 'reports still name it');
      await assert.rejects(store.campaigns.delete(a.id, c.id), { status: 404 });
    });

    test('campaigns: the goal events of an account, deleted campaigns included', async () => {
      const a = await store.accounts.create('A');
      const b = await store.accounts.create('B');
      const input = (name: string, goal: { type: 'purchase' } | { type: 'event'; name: string }) => {
        const v = validateCampaignInput({
          name,
          status: 'active',
          goal,
          targeting: { all: [{ field: 'page.section', op: 'contains', value: 'checkout' }] },
          engagement: {
            type: 'content',
            title: 'Hi',
            text: '',
            ctaLabel: 'Go',
            ctaUrl: 'https://x.example/',
          },
        });
        assert.ok(v.ok);
        return v.value;
      };
      assert.deepEqual([...(await store.campaigns.goalEvents(a.id))], []);
      await store.campaigns.create(a.id, input('Buyers', { type: 'purchase' }));
      const signup = await store.campaigns.create(a.id, input('Signups', { type: 'event', name: 'signup' }));
      await store.campaigns.create(b.id, input('Demos', { type: 'event', name: 'demo_booked' }));
      assert.deepEqual([...(await store.campaigns.goalEvents(a.id))], ['signup']);
      await store.campaigns.delete(a.id, signup.id);
      assert.deepEqual(
        [...(await store.campaigns.goalEvents(a.id))],
        ['signup'],
        'its exposures still count',
      );
      assert.deepEqual([...(await store.campaigns.goalEvents(b.id))], ['demo_booked']);
    });

    test('events writer: one transaction per flush, rows coalesced by key, outcomes never overwritten', async () => {
      const a = await store.accounts.create('A');
      const site = await store.sites.create(a.id, { name: 'S' });
      const w = store.eventsWriter;
      const now = Date.now();
      // 300 frames of four events (three page views and a custom event, which also gets a row of its own).
      const frameEvents = (i: number) => [
        { type: 'page_view', url: `https://x.example/p${i}`, ts: 1 },
        { type: 'page_view', url: `https://x.example/p${i}/a`, ts: 2 },
        { type: 'page_view', url: `https://x.example/p${i}/b`, ts: 3 },
        { type: 'event', name: 'coupon', ts: 4 },
      ];
      const frame = (batch: string, i: number, ts: number) => ({
        accountId: a.id,
        siteId: site.id,
        visitorId: 'v1',
        sessionId: 'ses_1',
        batchId: batch,
        ts,
        rows: 4,
        raw: JSON.stringify({ type: 'batch', id: batch, events: frameEvents(i) }),
      });
      const ev = (batch: string, seq: number, ts: number) => ({
        account_id: a.id,
        site_id: site.id,
        visitor_id: 'v1',
        session_id: 'ses_1',
        batch_id: batch,
        seq,
        type: 'event',
        name: 'coupon',
        payload: JSON.stringify({ type: 'event', name: 'coupon', ts: 4 }),
        ts,
      });
      for (let i = 0; i < 300; i++) {
        w.appendFrame(frame(`b${i}`, i, now + i));
        w.appendEvent(ev(`b${i}`, 3, now + i));
      }
      w.putVisitor({
        site_id: site.id,
        id: 'v1',
        account_id: a.id,
        first_seen_at: now,
        last_seen_at: now,
        session_count: 1,
        device: 'mobile',
        state: '{"v":1}',
      });
      w.putVisitor({
        site_id: site.id,
        id: 'v1',
        account_id: a.id,
        first_seen_at: now,
        last_seen_at: now + 5,
        session_count: 2,
        device: 'desktop',
        state: '{"v":1,"x":2}',
      });
      w.putSession({
        id: 'ses_1',
        account_id: a.id,
        site_id: site.id,
        visitor_id: 'v1',
        returning: 0,
        device: 'desktop',
        landing_url: null,
        referrer: null,
        channel: null,
        source: null,
        page_views: 0,
        started_at: now,
        last_event_at: now,
      });
      w.addExposure({
        id: 'exp_1',
        account_id: a.id,
        site_id: site.id,
        campaign_id: 'cmp_x',
        visitor_id: 'v1',
        session_id: 'ses_1',
        engagement_type: 'content',
        control: 0,
        outcome: null,
        created_at: now,
        shown_at: null,
        outcome_at: null,
      });
      w.addExposure({
        id: 'exp_2',
        account_id: a.id,
        site_id: site.id,
        campaign_id: 'cmp_x',
        visitor_id: 'v2',
        session_id: 'ses_2',
        engagement_type: 'content',
        control: 1,
        outcome: null,
        created_at: now,
        shown_at: null,
        outcome_at: null,
      });
      // An agent's invitation keeps its words and name (the other rows of the batch have neither).
      w.addExposure({
        id: 'exp_3',
        account_id: a.id,
        site_id: site.id,
        campaign_id: null,
        visitor_id: 'v3',
        session_id: 'ses_3',
        engagement_type: 'chat_invitation',
        control: 0,
        outcome: null,
        agent_id: 'user_x',
        invitation_text: 'Hi! Any questions about the lamp?',
        invitation_from: 'Sales Agent',
        created_at: now,
        shown_at: null,
        outcome_at: null,
      });
      w.addOutcome({ id: 'exp_1', outcome: 'shown', at: now + 1 });
      w.addOutcome({ id: 'exp_1', outcome: 'accepted', at: now + 2 });
      w.addOutcome({ id: 'exp_1', outcome: 'ignored', at: now + 3 });
      w.addOutcome({ id: 'exp_1', outcome: 'shown', at: now + 4 });
      await w.flush();
      assert.equal(w.pending, 0);
      w.putSession({
        id: 'ses_1',
        account_id: a.id,
        site_id: site.id,
        visitor_id: 'v1',
        returning: 0,
        device: 'desktop',
        landing_url: 'https://x.example/',
        referrer: 'https://ref.example/',
        channel: 'referral',
        source: 'ref.example',
        page_views: 7,
        started_at: now,
        last_event_at: now + 9,
      });
      w.appendFrame(frame('b300', 300, now + 5000));
      w.appendEvent(ev('b300', 3, now + 5000));
      await w.flush();
      const count = await store.db
        .selectFrom('events')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('site_id', '=', site.id)
        .executeTakeFirstOrThrow();
      assert.equal(Number(count.n), 301);
      const logged = await store.db
        .selectFrom('event_frames')
        .select((eb) => [
          eb.fn.countAll<number>().as('frames'),
          eb.fn.sum<number>('event_count').as('events'),
        ])
        .where('site_id', '=', site.id)
        .executeTakeFirstOrThrow();
      assert.deepEqual([Number(logged.frames), Number(logged.events)], [301, 1204]);
      const journey = await store.visitors.visitorEvents(a.id, site.id, 'v1', now, now + 1, ['page_view']);
      assert.deepEqual(
        journey.map((e) => [e.batch_id, e.seq, e.name]),
        [
          ['b0', 0, '/p0'],
          ['b0', 1, '/p0/a'],
          ['b0', 2, '/p0/b'],
          ['b1', 0, '/p1'],
          ['b1', 1, '/p1/a'],
          ['b1', 2, '/p1/b'],
        ],
      );
      assert.equal(typeof journey[0]!.ts, 'number');
      assert.equal(
        (await store.visitors.visitorEvents(a.id, site.id, 'v1', now, now + 9999, ['event'])).length,
        301,
      );
      assert.equal(
        (await store.visitors.visitorEvents(a.id, site.id, 'v1', now, now + 9999, [], 10)).length,
        10,
      );
      const b = await store.accounts.create('B');
      assert.equal(
        (await store.visitors.visitorEvents(b.id, site.id, 'v1', 0, now + 9999)).length,
        0,
        'scoped by account',
      );
      const v = await store.visitors.get(site.id, 'v1');
      assert.equal(v?.sessionCount, 2);
      assert.equal(v?.device, 'desktop');
      assert.deepEqual(v?.state, { v: 1, x: 2 });
      assert.deepEqual(await store.visitors.sitesOf(a.id, 'v1'), [site.id]);
      assert.deepEqual(await store.visitors.sitesOf(b.id, 'v1'), []);
      const sessions = await store.visitors.sessions(a.id, site.id, 'v1');
      assert.equal(sessions.length, 1);
      assert.equal(Number(sessions[0]!.page_views), 7);
      assert.equal(sessions[0]!.landing_url, 'https://x.example/');
      const x1 = await store.exposures.get(a.id, 'exp_1');
      assert.equal(x1?.outcome, 'accepted');
      assert.ok(x1?.shownAt && x1.outcomeAt);
      assert.equal(new Date(x1.outcomeAt).getTime(), now + 2);
      assert.equal((await store.exposures.get(a.id, 'exp_2'))?.control, true);
      assert.equal(x1.invitation, null);
      assert.deepEqual((await store.exposures.get(a.id, 'exp_3'))?.invitation, {
        text: 'Hi! Any questions about the lamp?',
        from: 'Sales Agent',
      });
      assert.equal(await store.exposures.get(b.id, 'exp_1'), undefined);
      assert.deepEqual((await store.exposures.forCampaign(a.id, 'cmp_x')).map((x) => x.id).sort(), [
        'exp_1',
        'exp_2',
      ]);
      assert.deepEqual(
        (await store.exposures.forVisitor(a.id, site.id, 'v1')).map((x) => x.id),
        ['exp_1'],
      );
      // Deleting the account removes its engagement data too.
      await store.db.deleteFrom('accounts').where('id', '=', a.id).execute();
      assert.equal(await store.visitors.get(site.id, 'v1'), undefined);
      assert.equal(await store.exposures.get(a.id, 'exp_1'), undefined);
      for (const table of ['events', 'event_frames'] as const) {
        const left = await store.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('account_id', '=', a.id)
          .executeTakeFirstOrThrow();
        assert.equal(Number(left.n), 0, table);
      }
    });

    test('events writer: a whole batch frame is one row of the log, read back event by event as the tag sent it', async () => {
      const a = await store.accounts.create('A');
      const site = await store.sites.create(a.id, { name: 'S' });
      const now = Date.now();
      const events = [
        { type: 'page_view', url: 'https://shop.example/checkout?step=2', sections: ['checkout'], ts: 1 },
        { type: 'event', name: 'coupon_tried', props: { code: 'HELLO10' }, ts: 2 },
        { type: 'attr', attrType: 'cart', value: { items: [], total: 12.5, currency: 'EUR' }, ts: 3 },
        { type: 'visibility', visible: false, ts: 4 },
      ];
      const frame = (batchId: string, ts: number) => ({
        accountId: a.id,
        siteId: site.id,
        visitorId: 'fv1',
        sessionId: 'ses_f',
        batchId,
        ts,
        rows: events.length,
        raw: JSON.stringify({ type: 'batch', id: batchId, events }),
      });
      for (let i = 0; i < 300; i++) store.eventsWriter.appendFrame(frame(`fb${i}`, now + i));
      await store.eventsWriter.flush();
      assert.equal(store.eventsWriter.pending, 0);
      const rows = await store.visitors.visitorEvents(a.id, site.id, 'fv1', now, now);
      assert.deepEqual(
        rows.map((r) => [r.batch_id, r.seq, r.type, r.name]),
        [
          ['fb0', 0, 'page_view', '/checkout?step=2'],
          ['fb0', 1, 'event', 'coupon_tried'],
          ['fb0', 2, 'attr', 'cart'],
          ['fb0', 3, 'visibility', 'hidden'],
        ],
      );
      assert.deepEqual(
        rows.map((r) => JSON.parse(r.payload)),
        events,
      );
      assert.equal(rows[0]!.session_id, 'ses_f');
      assert.equal(Number(rows[0]!.ts), now);
      const count = await store.db
        .selectFrom('event_frames')
        .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('event_count').as('events')])
        .where('visitor_id', '=', 'fv1')
        .executeTakeFirstOrThrow();
      assert.deepEqual([Number(count.n), Number(count.events)], [300, 1200]);
    });

    test('upgrade: events an earlier release stored one per row join frames; attribution keeps its rows', async () => {
      const a = await store.accounts.create('A');
      const site = await store.sites.create(a.id, { name: 'S' });
      await store.migrate('0007-preferred-agent');
      const now = Date.now();
      const legacy = [
        ['b1', 0, 'page_view', '/a', { type: 'page_view', url: 'https://x.example/a', ts: 1 }],
        ['b1', 1, 'event', 'signup', { type: 'event', name: 'signup', ts: 2 }],
        ['b1', 2, 'attr', 'cart', { type: 'attr', attrType: 'cart', value: { total: 5 }, ts: 3 }],
        ['b2', 0, 'attr', 'purchase', { type: 'attr', attrType: 'purchase', value: { total: 9 }, ts: 4 }],
      ] as const;
      // Inserted out of order: the frames must still list each batch's events by position.
      for (const [batch, seq, type, name, payload] of [...legacy].reverse()) {
        await store.db
          .insertInto('events')
          .values({
            account_id: a.id,
            site_id: site.id,
            visitor_id: 'old-1',
            session_id: 'ses_old',
            batch_id: batch,
            seq,
            type,
            name,
            payload: JSON.stringify(payload),
            ts: batch === 'b1' ? now : now + 1,
          })
          .execute();
      }
      assert.deepEqual(await store.migrate('0008-event-frames'), ['0008-event-frames']);
      const journey = await store.visitors.visitorEvents(a.id, site.id, 'old-1', now, now + 1);
      assert.deepEqual(
        journey.map((e) => [e.batch_id, e.seq, e.type, e.name, JSON.parse(e.payload), Number(e.ts)]),
        legacy.map(([batch, seq, type, name, payload]) => [
          batch,
          seq,
          type,
          name,
          payload,
          batch === 'b1' ? now : now + 1,
        ]),
      );
      const kept = await store.db
        .selectFrom('events')
        .select(['type', 'name'])
        .where('visitor_id', '=', 'old-1')
        .orderBy('ts')
        .execute();
      assert.deepEqual(
        kept.map((r) => [r.type, r.name]),
        [
          ['event', 'signup'],
          ['attr', 'purchase'],
        ],
      );
      // The cases after this one run on the latest schema.
      await store.migrate();
    });

    test('routing: recent handle times per skill, for the expected wait of a new chat', async () => {
      const a = await store.accounts.create('A');
      const site = await store.sites.create(a.id, { name: 'S' });
      const skill = await store.skills.create(a.id, { name: 'Sales' });
      const u = await store.users.create(a.id, {
        email: `ht-${Date.now()}@x.io`,
        name: 'U',
        role: 'agent',
        passwordHash: 'h',
        skillIds: [skill.id],
        capacity: 5,
        status: 'online',
      });
      const actor = { agentId: u.id, supervisor: false, skillIds: [skill.id] };
      const t0 = Date.now() - 600_000;
      for (const [i, minutes] of [2, 4].entries()) {
        const c = await store.conversations.create({
          accountId: a.id,
          siteId: site.id,
          visitorId: `ht-v${i}`,
          source: 'button',
          skillId: skill.id,
          status: 'queued',
          visitorName: null,
          tokenHash: `ht-hash-${i}-${Date.now()}`,
        });
        assert.equal((await store.assignment.accept(a.id, c.id, actor, t0)).ok, true);
        await store.assignment.close(a.id, c.id, actor, {}, t0 + minutes * 60_000);
      }
      const times = await store.routing.handleTimes(a.id, t0 - 1);
      assert.equal(times.get(skill.id), 3 * 60_000, 'the average of 2 and 4 minutes');
      assert.equal((await store.routing.handleTimes(a.id, Date.now())).size, 0, 'only recent ones');
      const b = await store.accounts.create('B');
      assert.equal((await store.routing.handleTimes(b.id, 0)).size, 0, 'scoped by account');
    });

    test('settings upsert', async () => {
      await store.settings.set('k', 'v1');
      await store.settings.set('k', 'v2');
      assert.equal(await store.settings.get('k'), 'v2');
      assert.equal(await store.settings.get('missing'), undefined);
    });
  });
}
