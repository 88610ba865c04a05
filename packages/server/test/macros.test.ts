import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { macroRunnerOf } from '../src/collab/macros-routes.ts';
import { newTenant } from './engagement-fixtures.ts';
import { ApiClient } from './helpers/api-client.ts';
import { cookieFor, eventually } from './helpers/chat-fixtures.ts';
import { postgresSkipReasonNow } from './helpers/postgres.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

const pgSkip = postgresSkipReasonNow();

interface Line {
  seq: number;
  text: string;
  senderKind: string;
  senderName: string | null;
}

for (const store of ['sqlite', 'postgres'] as const) {
  describe(`macros (${store})`, {
    skip: store === 'postgres' ? (pgSkip ?? false) : false,
    timeout: 90_000,
  }, () => {
    let srv: TestServer;
    let anon: ApiClient;
    let sales: ApiClient;
    let support: ApiClient;
    let admin: ApiClient;
    let salesId: string;
    const site = () => ({ 'x-beckon-site-key': srv.demo!.siteKey });
    const signedIn = async (email: string) => {
      const s = await cookieFor(srv, email);
      const api = new ApiClient(srv.node.app);
      api.cookie = s.cookie;
      api.csrf = s.csrf;
      return api;
    };
    /** A conversation from the offline form (the customer is Kim), taken by the sales agent. */
    const open: string[] = [];
    const taken = async () => {
      for (const old of open.splice(0)) await admin.post(`/api/v1/conversations/${old}/close`, {});
      const res = await anon.request(
        'POST',
        '/api/v1/chat/offline',
        { name: 'Kim Lee', email: 'kim@example.com', message: 'Where is my refund?', topic: 'Sales' },
        site(),
      );
      assert.equal(res.status, 201);
      const id = res.body.conversationId as string;
      assert.equal((await sales.post(`/api/v1/conversations/${id}/accept`)).status, 200);
      open.push(id);
      return id;
    };
    const view = async (id: string) => {
      const r = await admin.get(`/api/v1/conversations/${id}`);
      assert.equal(r.status, 200);
      return { c: r.body.conversation, lines: r.body.messages as Line[] };
    };
    const macroRuns = async () => {
      const r = await admin.get('/api/v1/reports/agents');
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return (r.body.agents as { agentId: string; macroRuns: number }[]).find((a) => a.agentId === salesId)!
        .macroRuns;
    };
    const audit = async (action: string) =>
      (await admin.get(`/api/v1/audit-log?action=${action}&limit=50`)).body.items as {
        actor: { id: string | null };
        targetId: string | null;
      }[];

    before(async () => {
      srv = await startTestServer({ demo: true, store });
      anon = new ApiClient(srv.node.app);
      sales = await signedIn('sales@demo.beckon.local');
      support = await signedIn('support@demo.beckon.local');
      admin = await signedIn('admin@demo.beckon.local');
      salesId = (await sales.get('/api/v1/me')).body.user.id;
    });
    after(() => srv?.close());

    it('an agent’s own macros are theirs alone; shared ones are kept by owners and admins', async () => {
      const mine = await sales.post('/api/v1/macros', { name: 'My wrap-up', actions: { tags: ['mine'] } });
      assert.equal(mine.status, 201, JSON.stringify(mine.body));
      assert.deepEqual([mine.body.shared, mine.body.ownerId], [false, salesId]);
      const refused = await sales.post('/api/v1/macros', {
        name: 'Team',
        shared: true,
        actions: { tags: ['x'] },
      });
      assert.equal(refused.status, 403);
      assert.match(refused.body.error.message, /owners and admins/);
      const shared = await admin.post('/api/v1/macros', {
        name: 'Greeting',
        shared: true,
        actions: { reply: 'Hello {visitor.name}' },
      });
      assert.equal(shared.status, 201);
      assert.equal(shared.body.ownerId, null);

      const names = async (api: ApiClient) =>
        ((await api.get('/api/v1/macros')).body.items as { name: string }[]).map((m) => m.name);
      assert.ok((await names(sales)).includes('My wrap-up'));
      assert.ok((await names(sales)).includes('Greeting'));
      assert.ok(!(await names(support)).includes('My wrap-up'), 'a colleague never sees it');
      assert.ok(!(await names(admin)).includes('My wrap-up'), 'nor does an admin');
      assert.equal((await support.patch(`/api/v1/macros/${mine.body.id}`, { name: 'Mine now' })).status, 404);
      assert.equal((await admin.delete(`/api/v1/macros/${mine.body.id}`)).status, 404);
      assert.equal((await sales.patch(`/api/v1/macros/${shared.body.id}`, { name: 'Hi' })).status, 403);
      const renamed = await admin.patch(`/api/v1/macros/${shared.body.id}`, { name: 'Hello' });
      assert.equal(renamed.status, 200);
      assert.equal(renamed.body.name, 'Hello');
      const id = await taken();
      assert.equal(
        (await support.post(`/api/v1/conversations/${id}/macros/${mine.body.id}/run`)).status,
        404,
      );
      assert.equal((await sales.delete(`/api/v1/macros/${mine.body.id}`)).status, 204);
      assert.ok(!(await names(sales)).includes('My wrap-up'));

      // Actions that cannot go together, or that name what does not exist, are refused when saved.
      const bad = async (actions: unknown) =>
        (await admin.post('/api/v1/macros', { name: 'Bad', actions })).body;
      assert.equal((await admin.post('/api/v1/macros', { name: 'None', actions: {} })).status, 400);
      assert.equal((await bad({ status: 'pending', snoozeMinutes: 60 })).error.code, 'invalid_macro');
      assert.equal(
        (await bad({ status: 'resolved', assign: { skillId: srv.demo!.skillIds.support } })).error.code,
        'invalid_macro',
      );
      assert.equal((await bad({ assign: { skillId: 'skill_nope' } })).error.code, 'unknown_skill');
    });

    it('a run replies with its variables filled in, tags, sets the status and assigns, and is counted and audited', async () => {
      const runsBefore = await macroRuns();
      const made = await admin.post('/api/v1/macros', {
        name: 'Refund: to support',
        shared: true,
        actions: {
          reply: 'Hi {visitor.name}, {agent.firstName} here: support will confirm your refund.',
          tags: ['refund', 'vip'],
          status: 'pending',
          assign: { skillId: srv.demo!.skillIds.support },
        },
      });
      assert.equal(made.status, 201, JSON.stringify(made.body));
      const id = await taken();
      const run = await sales.post(`/api/v1/conversations/${id}/macros/${made.body.id}/run`);
      assert.equal(run.status, 200, JSON.stringify(run.body));
      assert.deepEqual(
        run.body.steps.map((s: { type: string }) => s.type),
        ['tags', 'status', 'reply', 'assign'],
      );
      const { c, lines } = await view(id);
      const reply = lines.find((m) => m.seq === run.body.replySeq)!;
      assert.equal(reply.text, 'Hi Kim Lee, Sales here: support will confirm your refund.');
      assert.deepEqual([reply.senderKind, reply.senderName], ['agent', 'Sales Agent']);
      assert.deepEqual(c.tags, ['refund', 'vip']);
      assert.deepEqual([c.skillId, c.assignedAgentId], [srv.demo!.skillIds.support, null]);
      assert.ok(['queued', 'offered'].includes(c.status), `back in a queue, not ${c.status}`);
      assert.equal(run.body.conversation.id, id);

      // A personal macro that snoozes.
      const later = await sales.post('/api/v1/macros', {
        name: 'Later',
        actions: { tags: ['follow-up'], snoozeMinutes: 60 },
      });
      const second = await taken();
      const snoozed = await sales.post(`/api/v1/conversations/${second}/macros/${later.body.id}/run`);
      assert.equal(snoozed.status, 200, JSON.stringify(snoozed.body));
      const until = Date.parse(snoozed.body.conversation.snoozedUntil);
      assert.equal(snoozed.body.conversation.state, 'snoozed');
      assert.ok(Math.abs(until - (Date.now() + 3_600_000)) < 60_000, 'snoozed for about an hour');
      assert.deepEqual(snoozed.body.conversation.tags, ['follow-up']);

      assert.equal(await macroRuns(), runsBefore + 2, 'the agents report counts both runs');
      const runs = await eventually(async () => {
        const items = await audit('macro.run');
        return items.filter((e) => e.targetId === id || e.targetId === second).length === 2
          ? items
          : undefined;
      });
      assert.ok(runs.every((e) => e.actor.id === salesId));
      const created = await eventually(async () =>
        (await audit('macro.created')).find((e) => e.targetId === made.body.id),
      );
      assert.ok(created);
    });

    it('a supervisor’s run is counted for them in the agents report, though they hold no chat', async () => {
      const adminId = (await admin.get('/api/v1/me')).body.user.id as string;
      const listed = async () =>
        (
          (await admin.get('/api/v1/reports/agents')).body.agents as { agentId: string; macroRuns: number }[]
        ).find((a) => a.agentId === adminId);
      assert.equal((await listed())?.macroRuns ?? 0, 0);
      const made = await admin.post('/api/v1/macros', {
        name: 'Flag for review',
        shared: true,
        actions: { tags: ['review'] },
      });
      assert.equal(made.status, 201, JSON.stringify(made.body));
      const id = await taken();
      const run = await admin.post(`/api/v1/conversations/${id}/macros/${made.body.id}/run`);
      assert.equal(run.status, 200, JSON.stringify(run.body));
      assert.equal((await listed())?.macroRuns, 1, 'the admin is listed with their run');
    });

    it('a macro whose skill was deleted is refused, naming the macro, and nothing changes', async () => {
      const skill = await admin.post('/api/v1/skills', { name: `Billing ${store}` });
      assert.equal(skill.status, 201, JSON.stringify(skill.body));
      const made = await admin.post('/api/v1/macros', {
        name: 'To billing',
        shared: true,
        actions: {
          reply: 'Passing you to billing',
          tags: ['billing'],
          status: 'pending',
          assign: { skillId: skill.body.id },
        },
      });
      assert.equal(made.status, 201);
      assert.equal((await admin.delete(`/api/v1/skills/${skill.body.id}`)).status, 204);
      const id = await taken();
      const before = await view(id);
      const runsBefore = await macroRuns();
      const run = await sales.post(`/api/v1/conversations/${id}/macros/${made.body.id}/run`);
      assert.equal(run.status, 409);
      assert.equal(run.body.error.code, 'macro_skill_deleted');
      assert.match(run.body.error.message, /“To billing”.*deleted/);
      const now = await view(id);
      assert.equal(now.lines.length, before.lines.length, 'no reply was sent');
      assert.deepEqual(
        [now.c.tags, now.c.state, now.c.status, now.c.assignedAgentId],
        [before.c.tags, 'open', 'active', salesId],
      );
      assert.equal(await macroRuns(), runsBefore, 'a refused run is not counted');
    });

    it('a skill deleted while the macro runs: the actions applied are taken back, the refusal names the action', async () => {
      const skill = await admin.post('/api/v1/skills', { name: `Returns ${store}` });
      assert.equal(skill.status, 201, JSON.stringify(skill.body));
      const made = await admin.post('/api/v1/macros', {
        name: 'To returns',
        shared: true,
        actions: {
          reply: 'Passing you to returns',
          tags: ['returns', 'vip'],
          snoozeMinutes: 30,
          assign: { skillId: skill.body.id },
        },
      });
      assert.equal(made.status, 201, JSON.stringify(made.body));
      const id = await taken();
      await srv.node.ctx.store.conversations.addTags(srv.demo!.accountId, id, ['vip']);
      const before = await view(id);
      const runsBefore = await macroRuns();
      // A colleague deletes the skill between the snooze and the reply.
      const runner = macroRunnerOf(srv.node.ctx)!;
      const seen: string[] = [];
      runner.afterStep = async (type) => {
        seen.push(type);
        if (type === 'snooze')
          assert.equal((await admin.delete(`/api/v1/skills/${skill.body.id}`)).status, 204);
      };
      try {
        const run = await sales.post(`/api/v1/conversations/${id}/macros/${made.body.id}/run`);
        assert.equal(run.status, 409, JSON.stringify(run.body));
        assert.equal(run.body.error.code, 'macro_skill_deleted');
        assert.match(
          run.body.error.message,
          /“To returns”.*deleted.*\(the assignment\); the macro changed nothing/,
        );
      } finally {
        runner.afterStep = undefined;
      }
      assert.deepEqual(seen, ['tags', 'snooze'], 'the tags and the snooze were applied, then taken back');
      const now = await view(id);
      assert.equal(now.lines.length, before.lines.length, 'no reply was sent');
      assert.deepEqual(
        [now.c.tags, now.c.state, now.c.snoozedUntil, now.c.status, now.c.assignedAgentId],
        [['vip'], 'open', null, 'active', salesId],
        'the tag it had stays; the one added and the snooze are gone',
      );
      assert.equal(await macroRuns(), runsBefore, 'a refused run is not counted');
    });

    it('another account’s macros cannot be seen, changed or run', async () => {
      const other = await newTenant(srv);
      const theirs = await other.api.post('/api/v1/macros', {
        name: 'Theirs',
        shared: true,
        actions: { tags: ['x'] },
      });
      assert.equal(theirs.status, 201, JSON.stringify(theirs.body));
      const id = await taken();
      assert.equal(
        (await sales.post(`/api/v1/conversations/${id}/macros/${theirs.body.id}/run`)).status,
        404,
      );
      assert.equal((await admin.patch(`/api/v1/macros/${theirs.body.id}`, { name: 'Ours' })).status, 404);
      assert.equal((await admin.delete(`/api/v1/macros/${theirs.body.id}`)).status, 404);
      const ours = ((await admin.get('/api/v1/macros')).body.items as { id: string }[]).map((m) => m.id);
      assert.ok(!ours.includes(theirs.body.id));
      const mine = ((await other.api.get('/api/v1/macros')).body.items as { id: string }[]).map((m) => m.id);
      assert.deepEqual(mine, [theirs.body.id]);
    });
    it('a user’s own macros go with them when they are removed', async () => {
      const email = `leaver-${store}@example.com`;
      const made = await admin.post('/api/v1/users', {
        email,
        name: 'Lee Ver',
        password: 'a-long-password',
        role: 'agent',
      });
      assert.equal(made.status, 201, JSON.stringify(made.body));
      const leaver = await signedIn(email);
      assert.equal(
        (await leaver.post('/api/v1/macros', { name: 'Mine', actions: { tags: ['x'] } })).status,
        201,
      );
      assert.equal((await admin.delete(`/api/v1/users/${made.body.id}`)).status, 204);
      const left = await srv.node.ctx.store.db
        .selectFrom('macros')
        .select('id')
        .where('owner_id', '=', made.body.id)
        .execute();
      assert.deepEqual(left, []);
    });
  });
}
