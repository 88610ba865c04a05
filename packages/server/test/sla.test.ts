import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SlaReport, SlaTargets } from '@beckon/protocol/sla-api';
import pino from 'pino';
import { newId } from '../src/ids.ts';
import { announceBreaches } from '../src/sla/sla-feature.ts';
import { SlaJob, sweepSla } from '../src/sla/sla-job.ts';
import { Store } from '../src/store/store.ts';
import { ApiClient } from './helpers/api-client.ts';
import { connectAgent, cookieFor, eventually } from './helpers/chat-fixtures.ts';
import { dropSchema, newSchemaName, postgresSkipReason, TEST_PG_URL } from './helpers/postgres.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';
import { WebhookReceiver } from './helpers/webhook-receiver.ts';

const MIN = 60_000;
const at = (iso: string) => Date.parse(iso);
const ENV = {
  BECKON_SLA: '0', // the tests drive the job on their own clock
  BECKON_WEBHOOKS_ALLOW_PRIVATE: '1',
  BECKON_WEBHOOKS_POLL_MS: '50',
  BECKON_WEBHOOKS_TIMEOUT_MS: '1000',
};
const TARGETS: SlaTargets = {
  normal: { firstResponseSeconds: 15 * 60, resolutionSeconds: 60 * 60 },
  urgent: { firstResponseSeconds: 5 * 60, resolutionSeconds: null },
};
/** Monday to Friday 09:00–18:00 in Berlin (UTC+1 in November and December). */
const BERLIN_HOURS = {
  timeZone: 'Europe/Berlin',
  weekly: [1, 2, 3, 4, 5].map((day) => ({ day, from: '09:00', to: '18:00' })),
  holidays: [],
};

for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`SLA on ${kind}: breaches on a simulated clock, webhooks, report`, () => {
    let srv: TestServer;
    let skip: string | null = null;
    let rx: WebhookReceiver;
    let slackRx: WebhookReceiver;
    let accountId: string;
    let store: Store;
    let sales: { id: string };
    let agentId: string;

    const api = async (method: string, path: string, body?: unknown) => {
      const client = new ApiClient(srv.node.app);
      Object.assign(client, await cookieFor(srv, 'admin@demo.beckon.local'));
      return client.request(method, path, body);
    };
    /** A skill of its own per test, so the demo's conversations stay out of its figures. */
    const skill = async (over: Record<string, unknown> = {}) => {
      const r = await api('POST', '/api/v1/skills', { name: `SLA ${newId('s')}`, sla: TARGETS, ...over });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body as { id: string; sla: SlaTargets };
    };
    const conversation = async (
      skillId: string,
      startedAt: number,
      over: {
        priority?: number;
        channel?: 'web' | 'email';
        firstResponseAt?: number;
        closedAt?: number;
        agent?: string;
      } = {},
    ) => {
      const c = await store.conversations.create(
        {
          accountId,
          siteId: null,
          visitorId: null,
          source: 'api',
          skillId,
          status: 'queued',
          channel: over.channel ?? 'web',
          priority: over.priority ?? 0,
          visitorName: 'Ada',
          tokenHash: newId('tok'),
        },
        startedAt,
      );
      // what an agent's reply, assignment and close leave on the row
      await store.db
        .updateTable('conversations')
        .set({
          first_response_at: over.firstResponseAt ?? null,
          closed_at: over.closedAt ?? null,
          status: over.closedAt ? 'closed' : over.agent ? 'active' : 'queued',
          assigned_agent_id: over.agent ?? null,
        })
        .where('id', '=', c.id)
        .execute();
      return c.id;
    };

    before(async () => {
      skip = kind === 'postgres' ? await postgresSkipReason() : null;
      if (skip) return;
      srv = await startTestServer({ demo: true, env: ENV, store: kind });
      store = srv.node.ctx.store;
      accountId = srv.demo!.accountId;
      const agent = await store.users.findForLogin('sales@demo.beckon.local');
      agentId = agent!.user.id;
      rx = await WebhookReceiver.start();
      slackRx = await WebhookReceiver.start();
      const hook = await api('POST', '/api/v1/webhooks', {
        url: rx.url,
        events: ['conversation.sla_breached'],
      });
      assert.equal(hook.status, 201, JSON.stringify(hook.body));
      const slack = await api('POST', '/api/v1/webhooks', {
        url: slackRx.url,
        kind: 'slack',
        slack: { waitingMinutes: null, lowCsat: false, slaBreach: true },
      });
      assert.equal(slack.status, 201, JSON.stringify(slack.body));
      sales = await skill();
    });
    after(async () => {
      if (skip) return;
      await rx.close();
      await slackRx.close();
      await srv.close();
    });

    it('keeps a skill’s targets per priority, and refuses a target out of range with its path', async (t) => {
      if (skip) return t.skip(skip);
      assert.deepEqual((await api('GET', `/api/v1/skills/${sales.id}`)).body.sla, TARGETS);
      const bad = await api('PATCH', `/api/v1/skills/${sales.id}`, {
        sla: { normal: { firstResponseSeconds: 5, resolutionSeconds: null } },
      });
      assert.equal(bad.status, 400);
      assert.match(JSON.stringify(bad.body), /firstResponseSeconds/);
      const none = await api('PATCH', `/api/v1/skills/${sales.id}`, {
        sla: { low: { firstResponseSeconds: null, resolutionSeconds: null } },
      });
      assert.equal(none.body.sla, null, 'a band without any target is no target');
      await api('PATCH', `/api/v1/skills/${sales.id}`, { sla: TARGETS });
    });

    it('records a missed first response once, posts the webhook and the Slack notice once', async (t) => {
      if (skip) return t.skip(skip);
      const start = at('2026-11-26T10:00:00Z');
      const id = await conversation(sales.id, start);
      assert.deepEqual(await sweepSla(store, accountId, start + 14 * MIN), [], 'not yet due');
      const found = await sweepSla(store, accountId, start + 16 * MIN);
      assert.deepEqual(
        found.map((b) => [b.conversationId, b.target, b.dueAt, b.priority]),
        [[id, 'first_response', new Date(start + 15 * MIN).toISOString(), 'normal']],
      );
      assert.deepEqual(
        await sweepSla(store, accountId, start + 20 * MIN),
        [],
        'a second sweep finds nothing new',
      );
      const late = await sweepSla(store, accountId, start + 61 * MIN);
      assert.deepEqual(
        late.map((b) => b.target),
        ['resolution'],
      );
      assert.deepEqual(await store.sla.breachesOf(id), ['first_response', 'resolution']);

      const events = await eventually(
        () => {
          const e = rx
            .events('conversation.sla_breached')
            .filter((x) => (x.data.breach as { conversationId: string }).conversationId === id);
          return e.length >= 2 ? e : null;
        },
        5000,
        'both breach events',
      );
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(
        rx
          .events('conversation.sla_breached')
          .filter((x) => (x.data.breach as { conversationId: string }).conversationId === id).length,
        2,
        'each once',
      );
      assert.deepEqual(events[0]!.data.breach, {
        conversationId: id,
        target: 'first_response',
        skillId: sales.id,
        priority: 'normal',
        agentId: null,
        channel: 'web',
        dueAt: new Date(start + 15 * MIN).toISOString(),
        targetSeconds: 900,
      });
      const notices = await eventually(() => {
        const n = slackRx.received.filter((r) => r.body.includes(id));
        return n.length >= 2 ? n : null;
      });
      assert.match(notices[0]!.body, /no first reply within 15 min/);
    });

    it('counts business hours: a request at Friday 17:55 with 15 minutes is due Monday 09:10', async (t) => {
      if (skip) return t.skip(skip);
      const office = await skill({ hours: BERLIN_HOURS });
      const friday = at('2026-11-27T16:55:00Z'); // 17:55 in Berlin
      const id = await conversation(office.id, friday);
      const monday910 = at('2026-11-30T08:10:00Z');
      assert.deepEqual(
        await sweepSla(store, accountId, at('2026-11-28T12:00:00Z')),
        [],
        'Saturday: 5 minutes used',
      );
      assert.deepEqual(await sweepSla(store, accountId, monday910 - MIN), [], 'Monday 09:09: not yet');
      const found = await sweepSla(store, accountId, monday910 + MIN);
      assert.deepEqual(
        found.filter((b) => b.conversationId === id).map((b) => [b.target, b.dueAt]),
        [['first_response', new Date(monday910).toISOString()]],
      );
    });

    it('reports the share met and breaches by skill, agent and channel, as JSON and CSV', async (t) => {
      if (skip) return t.skip(skip);
      const s = await skill();
      const d = at('2026-10-05T09:00:00Z');
      // 1: answered in 5 min, closed in 30 min: both met
      await conversation(s.id, d, { firstResponseAt: d + 5 * MIN, closedAt: d + 30 * MIN, agent: agentId });
      // 2: answered in 20 min (missed), closed in 50 min (met), by e-mail
      await conversation(s.id, d + MIN, {
        channel: 'email',
        firstResponseAt: d + 21 * MIN,
        closedAt: d + 51 * MIN,
        agent: agentId,
      });
      // 3: answered in 10 min (met), closed after 2 h (missed)
      await conversation(s.id, d + 2 * MIN, {
        firstResponseAt: d + 12 * MIN,
        closedAt: d + 122 * MIN,
        agent: agentId,
      });
      // 4: urgent, never answered, still open: first response missed; urgent has no resolution target
      await conversation(s.id, d + 3 * MIN, { priority: 10 });
      // 5: low priority: no targets, not counted
      await conversation(s.id, d + 4 * MIN, { priority: -1 });
      const r = await api('GET', `/api/v1/reports/sla?from=2026-10-05&to=2026-10-05&skillId=${s.id}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const report = r.body as SlaReport;
      assert.deepEqual(report.firstResponse, { met: 2, total: 4, rate: 0.5 });
      assert.deepEqual(report.resolution, { met: 2, total: 3, rate: 2 / 3 });
      assert.deepEqual(
        report.bySkill.map((x) => [x.key, x.conversations, x.firstResponseBreaches, x.resolutionBreaches]),
        [[s.id, 4, 2, 1]],
      );
      assert.deepEqual(
        report.byAgent.map((x) => [x.label, x.conversations, x.firstResponseBreaches, x.resolutionBreaches]),
        [
          ['Sales Agent', 3, 1, 1],
          ['Unassigned', 1, 1, 0],
        ],
      );
      assert.deepEqual(
        report.byChannel.map((x) => [x.key, x.conversations, x.firstResponseBreaches, x.resolutionBreaches]),
        [
          ['web', 3, 1, 1],
          ['email', 1, 1, 0],
        ],
      );
      assert.deepEqual(report.days, [
        { date: '2026-10-05', conversations: 4, firstResponseBreaches: 2, resolutionBreaches: 1 },
      ]);
      const csv = await api(
        'GET',
        `/api/v1/reports/sla?from=2026-10-05&to=2026-10-05&skillId=${s.id}&format=csv`,
      );
      assert.equal(csv.status, 200);
      const lines = String(csv.body).trim().split('\r\n');
      assert.equal(lines[0], 'breakdown,key,name,conversations,first_response_breaches,resolution_breaches');
      assert.ok(lines.includes(`channel,email,email,1,1,0`), lines.join('\n'));
      assert.equal((await api('GET', '/api/v1/reports/sla?from=yesterday')).status, 400);
    });

    it('lets two nodes sweep at once and still records each breach once', async (t) => {
      if (skip) return t.skip(skip);
      const s = await skill();
      const start = at('2026-11-26T12:00:00Z');
      const ids = await Promise.all([0, 1, 2].map((i) => conversation(s.id, start + i * 1000)));
      const now = start + 90 * MIN;
      const log = srv.node.ctx.logger;
      const jobs = [0, 1].map(
        () => new SlaJob(store, log, { everyMs: 60_000, pollMs: 20, clock: () => now }),
      );
      const racing = await Promise.all([0, 1, 2, 3].map(() => sweepSla(store, accountId, now)));
      for (const j of jobs) j.start();
      try {
        await new Promise((r) => setTimeout(r, 300));
      } finally {
        await Promise.all(jobs.map((j) => j.stop()));
      }
      const mine = racing.flat().filter((b) => ids.includes(b.conversationId));
      assert.equal(
        mine.length,
        6,
        'three conversations, two targets each, recorded once between the racing sweeps',
      );
      for (const id of ids)
        assert.deepEqual(await store.sla.breachesOf(id), ['first_response', 'resolution']);
      await eventually(
        () =>
          rx
            .events('conversation.sla_breached')
            .filter((e) => ids.includes((e.data.breach as { conversationId: string }).conversationId))
            .length >= 6 || null,
      );
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(
        rx
          .events('conversation.sla_breached')
          .filter((e) => ids.includes((e.data.breach as { conversationId: string }).conversationId)).length,
        6,
        'one delivery per breach',
      );
    });

    it('announces each breach on the agent sockets: admins hear of all, an agent of the chats they hold', async (t) => {
      if (skip) return t.skip(skip);
      const admin = await connectAgent(srv, 'admin@demo.beckon.local', false);
      const salesAgent = await connectAgent(srv, 'sales@demo.beckon.local', false);
      const support = await connectAgent(srv, 'support@demo.beckon.local', false);
      t.after(() => Promise.all([admin, salesAgent, support].map((a) => a.disconnect())));
      const start = at('2026-11-26T16:00:00Z');
      const theirs = await conversation(sales.id, start, { agent: agentId });
      const queued = await conversation(sales.id, start);
      const heard = (a: typeof admin, id: string, ms = 5000) =>
        a.next('sla_breach', (f) => f.breach.conversationId === id, ms).then((f) => f.breach);
      const adminHearsTheirs = heard(admin, theirs);
      const adminHearsQueued = heard(admin, queued);
      const agentHearsTheirs = heard(salesAgent, theirs);
      const agentHearsQueued = heard(salesAgent, queued, 2000).then(
        () => 'heard',
        () => 'not heard',
      );
      const supportHears = heard(support, theirs, 2000).then(
        () => 'heard',
        () => 'not heard',
      );
      const found = await sweepSla(store, accountId, start + 16 * MIN, announceBreaches(srv.node.ctx));
      assert.equal(found.length, 2);
      const breach = await agentHearsTheirs;
      assert.deepEqual(breach, {
        conversationId: theirs,
        target: 'first_response',
        skillId: sales.id,
        priority: 'normal',
        agentId,
        channel: 'web',
        dueAt: new Date(start + 15 * MIN).toISOString(),
        targetSeconds: 900,
        visitorName: 'Ada',
        breachedAt: new Date(start + 16 * MIN).toISOString(),
      });
      assert.equal((await adminHearsTheirs).conversationId, theirs);
      assert.equal((await adminHearsQueued).conversationId, queued);
      assert.equal(await agentHearsQueued, 'not heard', 'a chat the agent does not hold');
      assert.equal(await supportHears, 'not heard', 'another agent');
    });

    it('lists recent breaches for the console: agents see their own only', async (t) => {
      if (skip) return t.skip(skip);
      const start = at('2026-11-26T14:00:00Z');
      const theirs = await conversation(sales.id, start, { agent: agentId });
      await sweepSla(store, accountId, start + 20 * MIN);
      const all = await api('GET', `/api/v1/sla/breaches?since=${new Date(0).toISOString()}`);
      assert.equal(all.status, 200);
      assert.ok(all.body.breaches.length > 0);
      const agent = new ApiClient(srv.node.app);
      Object.assign(agent, await cookieFor(srv, 'sales@demo.beckon.local'));
      const own = await agent.request('GET', `/api/v1/sla/breaches?since=${new Date(0).toISOString()}`);
      assert.equal(own.status, 200);
      assert.ok(own.body.breaches.every((b: { agentId: string | null }) => b.agentId === agentId));
      assert.ok(own.body.breaches.some((b: { conversationId: string }) => b.conversationId === theirs));
      assert.ok(all.body.breaches.length > own.body.breaches.length, 'admins see the others too');
      assert.equal((await api('GET', '/api/v1/sla/breaches?since=soon')).status, 400);
    });
  });
}

describe('SLA on PostgreSQL with two nodes: each breach is recorded and queued once', () => {
  const schema = newSchemaName();
  let skip: string | null = null;
  const stores: Store[] = [];

  before(async () => {
    skip = await postgresSkipReason();
    if (skip) return;
    // two nodes: two stores, each with its own connection pool, on one database schema
    for (let i = 0; i < 2; i++) {
      const s = await Store.open({ databaseUrl: TEST_PG_URL, pgSchema: schema });
      if (i === 0) await s.migrate();
      stores.push(s);
    }
  });
  after(async () => {
    for (const s of stores) await s.close();
    if (!skip) await dropSchema(schema);
  });

  it('runs the job on both nodes at once, on one simulated clock', async (t) => {
    if (skip) return t.skip(skip);
    const [a, b] = stores as [Store, Store];
    const account = await a.accounts.create('Two nodes');
    await a.webhooks.create(account.id, {
      url: 'https://example.com/hook',
      events: ['conversation.sla_breached'],
    });
    const skill = await a.skills.create(account.id, { name: 'Support', sla: TARGETS });
    const start = at('2026-11-26T09:00:00Z');
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const c = await a.conversations.create(
        {
          accountId: account.id,
          siteId: null,
          visitorId: null,
          source: 'api',
          skillId: skill.id,
          status: 'queued',
          tokenHash: newId('tok'),
        },
        start + i * 1000,
      );
      ids.push(c.id);
    }
    const now = start + 2 * 60 * MIN; // past both targets of every conversation
    const log = pino({ level: 'silent' });
    const jobs = [a, b].map((s) => new SlaJob(s, log, { everyMs: 50, pollMs: 10, clock: () => now }));
    // both nodes also sweep by hand at the same moment, as a lapsed lease would let them
    const racing = Promise.all([sweepSla(a, account.id, now), sweepSla(b, account.id, now)]);
    for (const j of jobs) j.start();
    const [byA, byB] = await racing;
    try {
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      await Promise.all(jobs.map((j) => j.stop()));
    }
    const byHand = byA.length + byB.length;
    const rows = await a.db
      .selectFrom('sla_breaches')
      .select(['conversation_id', 'target'])
      .where('account_id', '=', account.id)
      .execute();
    assert.equal(rows.length, 40, 'twenty conversations, two targets each');
    assert.ok(byHand <= 40, `the racing sweeps recorded ${byHand}, none twice`);
    const queued = await a.db
      .selectFrom('webhook_deliveries')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('account_id', '=', account.id)
      .where('event_type', '=', 'conversation.sla_breached')
      .executeTakeFirstOrThrow();
    assert.equal(Number(queued.n), 40, 'one delivery per breach and endpoint');
    for (const id of ids) assert.deepEqual(await b.sla.breachesOf(id), ['first_response', 'resolution']);
  });
});
