import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { automationOf } from '../src/automation/automation-feature.ts';
import { slaBreached } from '../src/webhooks/slack-sla.ts';
import { ApiClient } from './helpers/api-client.ts';
import { connectAgent, cookieFor, eventually, startVisitor } from './helpers/chat-fixtures.ts';
import { holdConversationRow } from './helpers/row-hold.ts';
import { type SmtpSink, startSmtpSink } from './helpers/smtp-sink.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';
import { WebhookReceiver } from './helpers/webhook-receiver.ts';

const ENV = {
  BECKON_WEBHOOKS_ALLOW_PRIVATE: '1',
  BECKON_WEBHOOKS_POLL_MS: '50',
  BECKON_WEBHOOKS_TIMEOUT_MS: '1000',
};
const MINUTE = 60_000;

for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`automation rules on ${kind}`, () => {
    let srv: TestServer;
    let rx: WebhookReceiver;
    let smtp: SmtpSink;
    let accountId: string;
    const api = async (method: string, path: string, body?: unknown, email = 'admin@demo.beckon.local') => {
      const client = new ApiClient(srv.node.app);
      Object.assign(client, await cookieFor(srv, email));
      return client.request(method, path, body);
    };
    const rules: string[] = [];
    const addRule = async (body: Record<string, unknown>) => {
      const r = await api('POST', '/api/v1/automation-rules', body);
      assert.equal(r.status, 201, JSON.stringify(r.body));
      rules.push(r.body.id);
      return r.body as { id: string };
    };
    const removeRules = async () => {
      while (rules.length) await api('DELETE', `/api/v1/automation-rules/${rules.pop()}`);
    };
    const runsOf = async (id: string) =>
      (await api('GET', `/api/v1/automation-rules/${id}/runs`)).body.items as {
        conversationId: string | null;
        status: string;
        trigger: string;
        steps: { type: string; ok: boolean; detail: string }[];
      }[];
    /** The rule's runs once there are `n` (a run is written after its actions). */
    const runsAfter = async (id: string, n = 1) =>
      eventually(
        async () => {
          const runs = await runsOf(id);
          return runs.length >= n && runs.every((r) => r.status !== 'running') ? runs : null;
        },
        8000,
        `${n} run(s)`,
      );
    /** Waits until every queued event was worked and every run has finished. */
    const settled = async () => {
      await automationOf(srv.node.ctx)!.worker.drain();
      const db = srv.node.ctx.store.db;
      await eventually(
        async () => {
          const queued = await db.selectFrom('automation_events').select('id').limit(1).execute();
          const running = await db
            .selectFrom('automation_runs')
            .select('id')
            .where('status', '=', 'running')
            .limit(1)
            .execute();
          return queued.length === 0 && running.length === 0;
        },
        8000,
        'the automation queue to settle',
      );
    };
    const conversation = async (id: string) => srv.node.ctx.store.conversations.get(accountId, id);
    const automation = () => automationOf(srv.node.ctx)!;
    let billingSkill: string;
    let cannedId: string;
    /** A visitor chat in Sales, where an agent is online (so it is offered, not left for an offline form). */
    const visit = () => startVisitor(srv, { name: 'Ada', skillId: srv.demo!.skillIds.sales });
    let online: Awaited<ReturnType<typeof connectAgent>>;

    before(async () => {
      smtp = await startSmtpSink();
      srv = await startTestServer({ demo: true, env: { ...ENV, BECKON_SMTP_URL: smtp.url }, store: kind });
      accountId = srv.demo!.accountId;
      rx = await WebhookReceiver.start();
      const skill = await api('POST', '/api/v1/skills', { name: 'Billing' });
      assert.equal(skill.status, 201, JSON.stringify(skill.body));
      billingSkill = skill.body.id;
      const canned = await api('POST', '/api/v1/canned-responses', {
        shortcut: 'thanks',
        title: 'Thanks',
        text: 'Thanks {visitor.name}, we are on it.',
      });
      assert.equal(canned.status, 201, JSON.stringify(canned.body));
      cannedId = canned.body.id;
      online = await connectAgent(srv, 'sales@demo.beckon.local');
    });
    after(async () => {
      await online?.disconnect();
      await rx?.close();
      await srv?.close();
      await smtp?.close();
    });

    it('admins manage rules; agents may not; bad rules get a 400 naming the fault', async () => {
      const body = {
        name: 'Refunds to billing',
        trigger: { type: 'message.received' },
        conditions: [{ type: 'text_contains', any: ['refund'] }],
        actions: [{ type: 'add_tags', tags: ['refund'] }],
      };
      const created = await addRule(body);
      const listed = await api('GET', '/api/v1/automation-rules');
      assert.deepEqual(
        listed.body.items.map((r: { id: string }) => r.id),
        [created.id],
      );
      assert.equal(
        (await api('GET', '/api/v1/automation-rules', undefined, 'sales@demo.beckon.local')).status,
        403,
      );
      assert.equal(
        (await api('POST', '/api/v1/automation-rules', body, 'sales@demo.beckon.local')).status,
        403,
      );
      const off = await api('PATCH', `/api/v1/automation-rules/${created.id}`, { enabled: false });
      assert.equal(off.status, 200);
      assert.equal(off.body.enabled, false);
      const bad = async (patch: Record<string, unknown>) =>
        (await api('POST', '/api/v1/automation-rules', { ...body, ...patch })).status;
      assert.equal(await bad({ trigger: { type: 'moon.rises' } }), 400);
      assert.equal(await bad({ actions: [{ type: 'launch_rocket' }] }), 400);
      assert.equal(await bad({ actions: [] }), 400);
      assert.equal(await bad({ trigger: { type: 'conversation.idle' } }), 400, 'idle needs its minutes');
      assert.equal(await bad({ conditions: [{ type: 'purchase_score', op: 'at_least', value: 7 }] }), 400);
      const foreign = await api('POST', '/api/v1/automation-rules', {
        ...body,
        actions: [{ type: 'assign_skill', skillId: 'skill_of_someone_else' }],
      });
      assert.equal(foreign.status, 400);
      assert.match(foreign.body.error.message, /\/actions\/0\/skillId/);
      assert.equal((await api('GET', '/api/v1/automation-rules/rule_nope/runs')).status, 404);
      assert.equal((await api('PATCH', '/api/v1/automation-rules/rule_nope', { enabled: true })).status, 404);
      await removeRules();
    });

    it('message received: a message with “refund” is tagged and goes to Billing; others are not', async () => {
      const rule = await addRule({
        name: 'Refunds to billing',
        trigger: { type: 'message.received' },
        conditions: [{ type: 'text_contains', any: ['refund'] }],
        actions: [
          { type: 'add_tags', tags: ['refund'] },
          { type: 'assign_skill', skillId: billingSkill },
        ],
      });
      const visitor = await visit();
      const id = visitor.conversation!.id;
      await visitor.send('Hello there');
      await visitor.send('I want a REFUND for my order');
      const c = await eventually(
        async () => {
          const c = await conversation(id);
          return c.tags.includes('refund') && c.skillId === billingSkill ? c : null;
        },
        8000,
        'the tag and the skill',
      );
      assert.deepEqual(c.tags, ['refund']);
      const runs = await runsAfter(rule.id);
      assert.equal(runs.length, 1, 'the greeting did not fire the rule');
      assert.equal(runs[0]!.conversationId, id);
      assert.equal(runs[0]!.status, 'done');
      assert.deepEqual(
        runs[0]!.steps.map((s) => s.detail),
        ['tagged refund', 'assigned to skill Billing'],
      );
      await visitor.close();
      await removeRules();
    });

    it('a rule that moves a chat the router changed meanwhile reads it again and still moves it', {
      skip: kind === 'sqlite' ? 'SQLite runs one writer at a time: a transfer cannot interleave' : false,
    }, async () => {
      const rule = await addRule({
        name: 'Refunds to billing',
        trigger: { type: 'message.received' },
        conditions: [{ type: 'text_contains', any: ['refund'] }],
        actions: [{ type: 'assign_skill', skillId: billingSkill }],
      });
      const db = srv.node.ctx.store.db;
      const { worker } = automation();
      // The test works the queue itself, at the moment it chooses.
      await worker.stop();
      try {
        const visitor = await visit();
        const id = visitor.conversation!.id;
        await eventually(() => online.offers.has(id), 8000, 'the offer to the sales agent');
        await visitor.send('I want a refund');
        await eventually(
          async () => (await db.selectFrom('automation_events').select('id').execute()).length > 0,
          8000,
          'the queued event',
        );
        // The offer ends in another transaction (as when it times out), not committed yet: the
        // rule's transfer reads the chat as offered and its write waits on the row.
        const held = await holdConversationRow(db, id, {
          status: 'queued',
          offered_to: null,
          offered_at: null,
        });
        const worked = worker.drain();
        await held.waited();
        await held.commit();
        assert.equal(await worked, 1);
        const runs = await runsAfter(rule.id);
        assert.deepEqual(
          runs[0]!.steps.map((s) => [s.ok, s.detail]),
          [[true, 'assigned to skill Billing']],
        );
        assert.equal((await conversation(id)).skillId, billingSkill);
        await visitor.close();
      } finally {
        worker.start();
        await removeRules();
      }
    });

    it('conversation created: conditions on channel and site; priority and a canned message', async () => {
      const rule = await addRule({
        name: 'Web chats first',
        trigger: { type: 'conversation.created' },
        conditions: [
          { type: 'channel', in: ['web'] },
          { type: 'site', in: [srv.demo!.siteId] },
        ],
        actions: [
          { type: 'set_priority', priority: 5 },
          { type: 'send_canned', cannedId },
        ],
      });
      const skipped = await addRule({
        name: 'Only e-mail',
        trigger: { type: 'conversation.created' },
        conditions: [{ type: 'channel', in: ['email'] }],
        actions: [{ type: 'set_priority', priority: 9 }],
      });
      const visitor = await visit();
      const id = visitor.conversation!.id;
      const [run] = await runsAfter(rule.id);
      assert.equal(run!.status, 'done', JSON.stringify(run));
      assert.equal((await conversation(id)).priority, 5);
      const line = await eventually(
        () => visitor.messages.find((m) => m.senderName === 'Automation'),
        8000,
        'the canned message',
      );
      assert.equal(line.text, 'Thanks Ada, we are on it.');
      assert.equal((await runsOf(rule.id)).length, 1);
      assert.equal((await runsOf(skipped.id)).length, 0);
      await visitor.close();
      await removeRules();
    });

    it('resolved, CSAT and contact identified: a signed webhook and an e-mail', async () => {
      const ep = await api('POST', '/api/v1/webhooks', { url: rx.url, events: ['campaign.changed'] });
      assert.equal(ep.status, 201);
      const resolved = await addRule({
        name: 'Tell the CRM',
        trigger: { type: 'conversation.resolved' },
        actions: [{ type: 'send_webhook', endpointId: ep.body.id }],
      });
      const rated = await addRule({
        name: 'Low rating alert',
        trigger: { type: 'csat.received' },
        conditions: [{ type: 'text_contains', any: ['slow'] }],
        actions: [{ type: 'notify_email', to: 'lead@example.com' }],
      });
      const identified = await addRule({
        name: 'New contact',
        trigger: { type: 'contact.identified' },
        actions: [{ type: 'send_webhook', endpointId: ep.body.id }],
      });
      const agent = online;
      const visitor = await visit();
      const id = visitor.conversation!.id;
      await eventually(() => agent.offers.has(id), 5000, 'the offer');
      await agent.accept(id);
      await agent.close(id);
      const hook = await eventually(() => rx.events('automation.fired')[0], 8000, 'the webhook');
      assert.equal(hook.data.ruleId, resolved.id);
      assert.equal(hook.data.conversationId, id);
      const delivery = rx.received.find((r) => r.body.includes('automation.fired'))!;
      assert.ok(
        new Webhook(ep.body.secret).verify(delivery.body, delivery.headers as Record<string, string>),
      );
      visitor.csat(2, 'Too slow');
      const mail = await eventually(() => smtp.mails[0], 8000, 'the e-mail');
      assert.deepEqual(mail.to, ['lead@example.com']);
      assert.match(mail.parsed.subject ?? '', /Low rating alert/);
      assert.match(mail.parsed.text ?? '', new RegExp(id));
      assert.equal((await runsAfter(rated.id))[0]!.conversationId, id);
      // A new contact fires the rule; the same person seen again does not.
      const store = srv.node.ctx.store;
      await store.contacts.resolve(accountId, { email: 'gold@example.com', name: 'Gold' });
      await store.contacts.resolve(accountId, { email: 'gold@example.com' });
      await eventually(() => rx.events('automation.fired').length === 2, 8000, 'the contact webhook');
      const runs = await runsAfter(identified.id);
      assert.equal(runs.length, 1);
      assert.equal(runs[0]!.steps[0]!.ok, true);
      await visitor.close();
      await api('DELETE', `/api/v1/webhooks/${ep.body.id}`);
      rx.received.length = 0;
      await removeRules();
    });

    it('idle for N minutes, on a simulated clock: fires once per quiet spell, and snoozes the chat', async () => {
      const rule = await addRule({
        name: 'Quiet chats',
        trigger: { type: 'conversation.idle', minutes: 30 },
        actions: [
          { type: 'add_tags', tags: ['stale'] },
          { type: 'snooze', minutes: 60 },
        ],
      });
      const visitor = await visit();
      const id = visitor.conversation!.id;
      await visitor.send('Anyone there?');
      const { idle, worker } = automation();
      let clock = Date.now();
      worker.now = () => clock;
      const at = async (minutesLater: number) => {
        clock += minutesLater * MINUTE;
        await idle.sweep(clock);
        await worker.drain();
      };
      const mine = async () => (await runsOf(rule.id)).filter((r) => r.conversationId === id);
      try {
        await at(20);
        assert.equal((await mine()).length, 0, 'not quiet long enough yet');
        await at(11);
        await at(15);
        await runsAfter(rule.id);
        const runs = await mine();
        assert.equal(runs.length, 1, 'once per quiet spell, however often the sweeper looks');
        assert.equal(runs[0]!.status, 'done', JSON.stringify(runs[0]));
        const c = await conversation(id);
        assert.ok(c.tags.includes('stale'));
        assert.equal(c.state, 'snoozed');
        assert.ok(Date.parse(c.snoozedUntil!) > clock, 'snoozed for an hour from when it fired');
      } finally {
        worker.now = Date.now;
      }
      await visitor.close();
      await removeRules();
    });

    it('idle: a new message starts a new quiet spell', async () => {
      const rule = await addRule({
        name: 'Quiet chats',
        trigger: { type: 'conversation.idle', minutes: 30 },
        actions: [{ type: 'add_tags', tags: ['stale'] }],
      });
      const visitor = await visit();
      const id = visitor.conversation!.id;
      await visitor.send('Anyone there?');
      const { idle, worker } = automation();
      let clock = Date.now();
      worker.now = () => clock;
      const mine = async () => (await runsOf(rule.id)).filter((r) => r.conversationId === id).length;
      try {
        clock += 31 * MINUTE;
        await idle.sweep(clock);
        await settled();
        assert.equal(await mine(), 1);
        // The visitor writes (now, by the real clock): a new spell, quiet again 30 minutes after it.
        await visitor.send('Hello?');
        clock = Date.now() + 10 * MINUTE;
        await idle.sweep(clock);
        await settled();
        assert.equal(await mine(), 1);
        clock = Date.now() + 31 * MINUTE;
        await idle.sweep(clock);
        await settled();
        assert.equal(await mine(), 2);
      } finally {
        worker.now = Date.now;
      }
      await visitor.close();
      await removeRules();
    });

    it('a rule that would loop fires once; two rules that would set each other off fire once each', async () => {
      await api('POST', '/api/v1/canned-responses', { shortcut: 'ping', title: 'Ping', text: 'ping' });
      await api('POST', '/api/v1/canned-responses', { shortcut: 'pong', title: 'Pong', text: 'pong' });
      const list = (await api('GET', '/api/v1/canned-responses')).body.items as {
        id: string;
        shortcut: string;
      }[];
      const ping = list.find((c) => c.shortcut === 'ping')!.id;
      const pong = list.find((c) => c.shortcut === 'pong')!.id;
      const echo = await addRule({
        name: 'Echo every line',
        trigger: { type: 'message.received', from: 'anyone' },
        conditions: [{ type: 'text_contains', any: ['echo'] }],
        actions: [{ type: 'send_canned', cannedId }],
      });
      await api('PATCH', `/api/v1/canned-responses/${cannedId}`, { text: 'echo echo' });
      const a = await addRule({
        name: 'Ping makes pong',
        trigger: { type: 'message.received', from: 'anyone' },
        conditions: [{ type: 'text_contains', any: ['ping'] }],
        actions: [{ type: 'send_canned', cannedId: pong }],
      });
      const b = await addRule({
        name: 'Pong makes ping',
        trigger: { type: 'message.received', from: 'anyone' },
        conditions: [{ type: 'text_contains', any: ['pong'] }],
        actions: [{ type: 'send_canned', cannedId: ping }],
      });
      const visitor = await visit();
      await visitor.send('echo please');
      await visitor.send('ping');
      await eventually(() => visitor.messages.filter((m) => m.senderName === 'Automation').length >= 3, 8000);
      // Let any further firing come through before counting.
      await automation().worker.drain();
      await new Promise((r) => setTimeout(r, 500));
      await automation().worker.drain();
      const auto = visitor.messages.filter((m) => m.senderName === 'Automation').map((m) => m.text);
      assert.deepEqual(auto.sort(), ['echo echo', 'ping', 'pong']);
      assert.equal((await runsOf(echo.id)).length, 1);
      assert.equal((await runsOf(a.id)).length, 1);
      assert.equal((await runsOf(b.id)).length, 1);
      await api('PATCH', `/api/v1/canned-responses/${cannedId}`, {
        text: 'Thanks {visitor.name}, we are on it.',
      });
      await visitor.close();
      await removeRules();
    });

    it('business hours and purchase score decide; a disabled rule does nothing', async () => {
      // Billing is closed all week: the "after hours" rule fires, the "in hours" one does not.
      const closed = await api('PATCH', `/api/v1/skills/${billingSkill}`, {
        hours: { timeZone: 'UTC', weekly: [], holidays: [] },
      });
      assert.equal(closed.status, 200, JSON.stringify(closed.body));
      const after = await addRule({
        name: 'After hours',
        trigger: { type: 'message.received' },
        conditions: [
          { type: 'skill', in: [billingSkill] },
          { type: 'business_hours', open: false },
        ],
        actions: [{ type: 'add_tags', tags: ['after-hours'] }],
      });
      const inHours = await addRule({
        name: 'In hours',
        trigger: { type: 'message.received' },
        conditions: [
          { type: 'business_hours', open: true },
          { type: 'skill', in: [billingSkill] },
        ],
        actions: [{ type: 'add_tags', tags: ['in-hours'] }],
      });
      const buyer = await addRule({
        name: 'Likely buyers',
        trigger: { type: 'message.received' },
        conditions: [{ type: 'purchase_score', op: 'at_least', value: 0.5 }],
        actions: [{ type: 'add_tags', tags: ['buyer'] }],
      });
      const off = await addRule({
        name: 'Disabled',
        enabled: false,
        trigger: { type: 'message.received' },
        actions: [{ type: 'add_tags', tags: ['never'] }],
      });
      const visitor = await startVisitor(srv, { name: 'Ada', skillId: billingSkill });
      const id = visitor.conversation!.id;
      await srv.node.ctx.store.db
        .updateTable('conversations')
        .set({ score: 0.8, skill_id: billingSkill })
        .where('id', '=', id)
        .execute();
      await visitor.send('Hi');
      const c = await eventually(
        async () => {
          const c = await conversation(id);
          return c.tags.includes('after-hours') && c.tags.includes('buyer') ? c : null;
        },
        8000,
        'the tags',
      );
      assert.equal(c.tags.includes('in-hours'), false);
      assert.equal(c.tags.includes('never'), false);
      assert.equal((await runsOf(after.id)).length, 1);
      assert.equal((await runsOf(inHours.id)).length, 0);
      assert.equal((await runsOf(buyer.id)).length, 1);
      assert.equal((await runsOf(off.id)).length, 0);
      await api('PATCH', `/api/v1/skills/${billingSkill}`, { hours: null });
      await visitor.close();
      await removeRules();
    });
  });
}

describe('Slack: low ratings at a threshold, and SLA breaches', () => {
  let srv: TestServer;
  let slack: WebhookReceiver;
  before(async () => {
    srv = await startTestServer({ demo: true, env: ENV, store: 'sqlite' });
    slack = await WebhookReceiver.start();
  });
  after(async () => {
    await slack?.close();
    await srv?.close();
  });

  it('posts ratings at or below the endpoint’s threshold, and each SLA breach once', async () => {
    const client = new ApiClient(srv.node.app);
    Object.assign(client, await cookieFor(srv, 'admin@demo.beckon.local'));
    const ep = await client.request('POST', '/api/v1/webhooks', {
      url: slack.url,
      kind: 'slack',
      slack: { waitingMinutes: null, lowCsat: true, lowCsatAt: 3, slaBreach: true },
    });
    assert.equal(ep.status, 201, JSON.stringify(ep.body));
    assert.equal(ep.body.slack.lowCsatAt, 3);
    const rate = async (score: number) => {
      const agent = await connectAgent(srv, 'sales@demo.beckon.local');
      const visitor = await startVisitor(srv, { name: 'Ada' });
      const id = visitor.conversation!.id;
      await eventually(() => agent.offers.has(id), 5000, 'the offer');
      await agent.accept(id);
      await agent.close(id);
      visitor.csat(score);
      await eventually(
        async () => (await srv.node.ctx.store.conversations.get(srv.demo!.accountId, id)).csatScore === score,
      );
      await visitor.close();
      await agent.disconnect();
      return id;
    };
    const three = await rate(3);
    const four = await rate(4);
    await eventually(() => slack.received.some((r) => r.body.includes(three)), 5000, 'the 3/5 notice');
    const breach = {
      accountId: srv.demo!.accountId,
      conversationId: four,
      target: 'first_response',
      what: 'no first reply within 15 min',
    };
    assert.equal(await slaBreached(srv.node.ctx.store, breach), 1);
    assert.equal(await slaBreached(srv.node.ctx.store, breach), 0, 'one breach posts once');
    const posted = await eventually(() => slack.received.find((r) => r.body.includes('SLA breached')), 5000);
    assert.match(JSON.parse(posted.body).text, /no first reply within 15 min/);
    assert.equal(
      slack.received.filter((r) => r.body.includes(four) && r.body.includes('Low rating')).length,
      0,
    );
  });
});
