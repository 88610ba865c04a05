import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AgentChatClient } from '@beckon/sdk/agent-client';
import { ApiClient } from './helpers/api-client.ts';
import { ChatCompletionsServer } from './helpers/chat-completions-server.ts';
import { connectAgent, cookieFor, eventually, startVisitor } from './helpers/chat-fixtures.ts';
import { postgresSkipReasonNow } from './helpers/postgres.ts';
import { DEMO_ADMIN, startTestServer, type TestServer } from './helpers/test-server.ts';

// Asked as the file loads, without awaiting: see helpers/service-probe.ts.
const PG_SKIP = postgresSkipReasonNow();

/** The test's one agent socket sends faster than a person. */
const AGENT_FRAMES_UNLIMITED = { BECKON_RATE_AGENT_FRAME: '0', BECKON_RATE_AGENT_FRAME_USER: '0' };
const API_KEY = 'sk-assist-model-key-that-must-not-leak';
const CARD = '4111 1111 1111 1111';
const PARCEL_REPLY =
  'Sorry about that! Parcels can take up to 7 business days; I asked the carrier to check yours.';

for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`agent assist on ${kind}`, () => {
    const skip = (kind === 'postgres' && PG_SKIP) || false;
    let srv: TestServer;
    let llm: ChatCompletionsServer;
    let support: AgentChatClient;
    let sales: AgentChatClient;
    let skillId: string;
    const api = async (method: string, path: string, body?: unknown, email = DEMO_ADMIN.email) => {
      const client = new ApiClient(srv.node.app);
      Object.assign(client, await cookieFor(srv, email));
      return client.request(method, path, body);
    };
    const settings = (over: Record<string, unknown> = {}) =>
      api('PUT', '/api/v1/assist', { enabled: true, baseUrl: '', model: '', ...over });
    const withModel = (over: Record<string, unknown> = {}) =>
      settings({ baseUrl: llm.baseUrl, model: 'local-7b', apiKey: API_KEY, timeoutSeconds: 2, ...over });
    /** A visitor chatting with the support agent. */
    const chat = async (text: string) => {
      const visitor = await startVisitor(srv, { name: 'Ada', skillId, text });
      const id = visitor.conversation.id;
      await eventually(() => support.offers.has(id), 5000, 'offer');
      await support.accept(id);
      return { visitor, id };
    };
    /** Ends a chat, so the agent has room for the next. */
    const end = async (visitor: { close(): Promise<unknown> }, id: string) => {
      await support.close(id);
      await visitor.close();
    };

    before(async () => {
      if (skip) return;
      srv = await startTestServer({ demo: true, store: kind, env: AGENT_FRAMES_UNLIMITED });
      skillId = srv.demo!.skillIds.support;
      llm = await ChatCompletionsServer.start();
      support = await connectAgent(srv, 'support@demo.beckon.local');
      sales = await connectAgent(srv, 'sales@demo.beckon.local');
      const article = await api('POST', '/api/v1/knowledge/articles', {
        title: 'Returns and refunds',
        body: 'You can return any item within 30 days of delivery for a full refund. Print the prepaid label from Your orders.',
        tags: ['returns', 'refund'],
      });
      assert.equal(article.status, 201, JSON.stringify(article.body));
      const canned = await api('POST', '/api/v1/canned-responses', {
        shortcut: 'invoice',
        title: 'Invoice copy',
        text: 'I have sent a copy of your invoice to the e-mail address on your order.',
      });
      assert.equal(canned.status, 201, JSON.stringify(canned.body));
    });
    after(async () => {
      for (const a of [support, sales]) await a?.disconnect();
      await llm?.close();
      await srv?.close();
    });

    it('is off until an admin turns it on; agents cannot change it; a URL that cannot work is refused', {
      skip,
    }, async () => {
      const got = await api('GET', '/api/v1/assist');
      assert.equal(got.status, 200);
      assert.equal(got.body.enabled, false);
      const { visitor, id } = await chat('How do I return an item for a refund?');
      const off = await api(
        'GET',
        `/api/v1/conversations/${id}/suggestions`,
        undefined,
        'support@demo.beckon.local',
      );
      assert.equal(off.status, 200);
      assert.deepEqual(off.body, { items: [], model: 'off' });
      const agent = await api(
        'PUT',
        '/api/v1/assist',
        { enabled: true, baseUrl: '', model: '' },
        'support@demo.beckon.local',
      );
      assert.equal(agent.status, 403);
      const bad = await settings({ baseUrl: 'file:///etc/passwd', model: 'm' });
      assert.equal(bad.status, 400);
      const noModel = await settings({ baseUrl: llm.baseUrl });
      assert.equal(noModel.status, 400);
      assert.equal(noModel.body.error.code, 'model_required');
      const noTranslator = await settings({ translation: { provider: 'libretranslate' } });
      assert.equal(noTranslator.status, 400);
      const other = await api(
        'GET',
        '/api/v1/conversations/not-a-conversation/suggestions',
        undefined,
        'support@demo.beckon.local',
      );
      assert.equal(other.status, 404);
      await end(visitor, id);
    });

    it('suggests from the knowledge base, canned responses and similar resolved chats, without a model', {
      skip,
    }, async () => {
      const on = await settings({ intents: ['order status', 'return'] });
      assert.equal(on.status, 200, JSON.stringify(on.body));
      assert.deepEqual(on.body.intents, [
        { name: 'order status', examples: [] },
        { name: 'return', examples: [] },
      ]);
      // A resolved chat whose agent reply is the answer to a similar question.
      const first = await chat('My parcel tracking has not moved for days');
      await support.send(first.id, PARCEL_REPLY);
      await support.close(first.id);
      await first.visitor.close();

      const { visitor, id } = await chat('Hello');
      const pushed = support.next('suggestions', (f) => f.conversationId === id, 5000);
      await visitor.send('the tracking of my parcel has not moved, where is it?');
      const frame = await pushed;
      assert.equal(frame.model, 'off');
      assert.ok(
        frame.items.some((s) => s.source === 'similar' && s.text === PARCEL_REPLY),
        JSON.stringify(frame.items),
      );
      const rest = await api(
        'GET',
        `/api/v1/conversations/${id}/suggestions`,
        undefined,
        'support@demo.beckon.local',
      );
      assert.equal(rest.status, 200);
      assert.deepEqual(rest.body.items, frame.items);
      // Which line they answer: a console that opens the chat before that line reaches it counts them there.
      assert.equal(rest.body.seq, frame.seq);

      const more = support.next('suggestions', (f) => f.conversationId === id, 5000);
      await visitor.send('Also I need a copy of my invoice');
      const canned = await more;
      assert.ok(canned.items.some((s) => s.source === 'canned' && /copy of your invoice/.test(s.text)));

      const again = support.next('suggestions', (f) => f.conversationId === id, 5000);
      await visitor.send('How do I return the shoes for a refund?');
      const knowledge = await again;
      const k = knowledge.items.find((s) => s.source === 'knowledge');
      assert.ok(k?.articleIds?.length, JSON.stringify(knowledge.items));
      assert.ok(knowledge.items.length <= 3);
      assert.equal(llm.received.length, 0, 'no model is asked when none is set');
      await end(visitor, id);
    });

    it('streams the model’s suggestion to the agent, with the card number masked before it leaves', {
      skip,
    }, async () => {
      assert.equal((await withModel()).status, 200);
      const content = 'I am sorry you were charged twice. I have refunded the second charge [1].';
      llm.behaviour = { kind: 'answer', content, gapMs: 5 };
      const { visitor, id } = await chat('Hello');
      llm.received.length = 0;
      const listed = support.next('suggestions', (f) => f.conversationId === id, 5000);
      const writing = support.next(
        'suggestion_stream',
        (f) => f.conversationId === id && f.state === 'writing',
        5000,
      );
      const done = support.next(
        'suggestion_stream',
        (f) => f.conversationId === id && f.state === 'done',
        5000,
      );
      await visitor.send(`My card ${CARD} was charged twice for the refund of my return`);
      assert.equal((await listed).model, 'writing');
      const partial = await writing;
      assert.ok(content.startsWith(partial.text) && partial.text.length < content.length);
      const final = await done;
      assert.equal(final.text, content);
      assert.ok(final.articleIds?.length, 'the articles given to the model are named');

      const req = llm.received.findLast((r) => !r.body.messages[0]?.content.startsWith('Classify'))!;
      assert.equal(req.headers.authorization, `Bearer ${API_KEY}`);
      assert.equal(req.body.stream, true);
      const sent = JSON.stringify(req.body);
      assert.ok(!sent.includes(CARD) && !sent.includes(CARD.replaceAll(' ', '')), sent);
      assert.match(sent, /charged twice/);

      const rest = await api(
        'GET',
        `/api/v1/conversations/${id}/suggestions`,
        undefined,
        'support@demo.beckon.local',
      );
      assert.equal(rest.body.model, 'done');
      assert.deepEqual(rest.body.items.at(-1), {
        source: 'model',
        text: content,
        articleIds: final.articleIds,
      });
      const metrics = await srv.node.app.inject({ method: 'GET', url: '/metrics' });
      assert.match(
        metrics.body,
        /beckon_assist_model_calls_total\{purpose="suggestion",outcome="done"\} [1-9]/,
      );
      assert.match(
        metrics.body,
        /beckon_assist_model_tokens_total\{purpose="suggestion",kind="completion"\} [1-9]/,
      );
      await end(visitor, id);
    });

    it('a model that is down, silent, endless or talks nonsense ends in a state; search suggestions still come', {
      skip,
    }, async () => {
      assert.equal((await withModel({ timeoutSeconds: 1 })).status, 200);
      const { visitor, id } = await chat('Hello');
      const cases = [
        { behaviour: { kind: 'status', status: 503 } as const, states: ['down'] },
        { behaviour: { kind: 'garbage' } as const, states: ['garbage'] },
        { behaviour: { kind: 'silent' } as const, states: ['timeout'] },
        { behaviour: { kind: 'endless', gapMs: 1 } as const, states: ['too_long', 'timeout'] },
      ];
      for (const c of cases) {
        llm.behaviour = c.behaviour;
        const listed = support.next('suggestions', (f) => f.conversationId === id, 5000);
        const ended = support.next(
          'suggestion_stream',
          (f) => f.conversationId === id && f.state !== 'writing',
          5000,
        );
        const started = Date.now();
        await visitor.send(`I need a copy of my invoice (${c.behaviour.kind})`);
        const items = (await listed).items;
        assert.ok(
          items.some((s) => s.source === 'canned'),
          `search suggestions shown with a ${c.behaviour.kind} model`,
        );
        const end = await ended;
        assert.ok(c.states.includes(end.state), `${c.behaviour.kind}: ${end.state}`);
        assert.equal(end.text, '');
        assert.ok(Date.now() - started < 3000, 'the deadline bounds the wait');
        // The chat goes on meanwhile.
        await support.send(id, `noted (${c.behaviour.kind})`);
      }
      const metrics = await srv.node.app.inject({ method: 'GET', url: '/metrics' });
      for (const outcome of ['down', 'garbage', 'timeout'])
        assert.match(
          metrics.body,
          new RegExp(`beckon_assist_model_calls_total\\{purpose="suggestion",outcome="${outcome}"\\} [1-9]`),
        );
      await end(visitor, id);
    });

    it('writes a summary on transfer for the next agent, from the model or the key lines, and agents edit it', {
      skip,
    }, async () => {
      assert.equal((await settings()).status, 200);
      const { visitor, id } = await chat('My order 5521 arrived damaged');
      await support.send(id, 'I am sorry! Could you send a photo of the box?');
      await visitor.send('Yes, the photo is attached. Can you send a new one?');
      await support.waitForMessage(id, (m) => /photo is attached/.test(m.text));
      const told = sales.next('summary', (f) => f.conversationId === id, 5000);
      await support.transfer(id, { agentId: sales.profile.id });
      const summary = (await told).summary;
      assert.equal(summary.source, 'extract');
      assert.match(summary.text, /Customer: My order 5521 arrived damaged/);
      assert.match(summary.text, /Agent: I am sorry! Could you send a photo/);
      const rest = await api(
        'GET',
        `/api/v1/conversations/${id}/summary`,
        undefined,
        'sales@demo.beckon.local',
      );
      assert.equal(rest.status, 200);
      assert.deepEqual(rest.body, summary);
      const edited = await api(
        'PUT',
        `/api/v1/conversations/${id}/summary`,
        { text: 'Damaged order 5521; replacement asked.' },
        'sales@demo.beckon.local',
      );
      assert.equal(edited.status, 200, JSON.stringify(edited.body));
      assert.equal(edited.body.text, 'Damaged order 5521; replacement asked.');
      assert.equal(edited.body.editedBy, sales.profile.id, 'says who edited it');
      assert.equal(edited.body.source, 'extract', 'and keeps who wrote it first');
      const empty = await api(
        'PUT',
        `/api/v1/conversations/${id}/summary`,
        { text: '' },
        'sales@demo.beckon.local',
      );
      assert.equal(empty.status, 400);

      // With a model: its summary, written from the masked transcript.
      assert.equal((await withModel()).status, 200);
      llm.behaviour = {
        kind: 'answer',
        content: 'The customer got a damaged order and wants a replacement.',
      };
      const back = support.next('summary', (f) => f.conversationId === id, 5000);
      await sales.transfer(id, { agentId: support.profile.id });
      const written = (await back).summary;
      assert.deepEqual(
        { text: written.text, source: written.source },
        { text: 'The customer got a damaged order and wants a replacement.', source: 'model' },
      );
      await end(visitor, id);
    });

    it('sends the model only what the admin allows: summaries yes, suggestions and intent no', {
      skip,
    }, async () => {
      const all = await withModel();
      assert.deepEqual(
        all.body.modelUses,
        ['suggestions', 'summaries', 'translation', 'intent'],
        'all by default',
      );
      const unknown = await withModel({ modelUses: ['suggestions', 'e-mail'] });
      assert.equal(unknown.status, 400, 'a use that does not exist is refused');
      const twice = await withModel({ modelUses: ['summaries', 'summaries'] });
      assert.equal(twice.status, 400, 'a use named twice is refused');
      const saved = await withModel({ modelUses: ['summaries'] });
      assert.equal(saved.status, 200, JSON.stringify(saved.body));
      assert.deepEqual(saved.body.modelUses, ['summaries']);
      llm.behaviour = { kind: 'answer', content: 'The customer wants a refund for a double charge.' };
      llm.received.length = 0;
      const { visitor, id } = await chat('Hello');
      const listed = support.next('suggestions', (f) => f.conversationId === id, 5000);
      await visitor.send('I was charged twice for my return, please refund it');
      const frame = await listed;
      assert.equal(frame.model, 'off', 'no model suggestion is written');
      assert.ok(frame.items.length > 0, 'search suggestions still come');
      const told = sales.next('summary', (f) => f.conversationId === id, 5000);
      await support.transfer(id, { agentId: sales.profile.id });
      const summary = (await told).summary;
      assert.equal(summary.source, 'model', 'the summary is the model’s');
      const prompts = llm.received.map((r) => String(r.body.messages?.[0]?.content ?? '').slice(0, 40));
      assert.ok(prompts.length >= 1, 'the summary was asked for');
      assert.ok(
        prompts.every((p) => p.startsWith('Summarise')),
        `only summaries reached the model: ${JSON.stringify(prompts)}`,
      );
      assert.equal(llm.received.length, prompts.length, 'nothing more reached it while the chat went on');
      await withModel();
      await sales.close(id);
      await visitor.close();
    });

    it('counts what each agent did with suggestions, per source, for the agents report', {
      skip,
    }, async () => {
      const { visitor, id } = await chat('Hello');
      const as = (body: unknown) =>
        api('POST', `/api/v1/conversations/${id}/suggestions/feedback`, body, 'support@demo.beckon.local');
      for (const b of [
        { source: 'canned', outcome: 'shown' },
        { source: 'canned', outcome: 'shown' },
        { source: 'canned', outcome: 'used' },
        { source: 'model', outcome: 'edited' },
      ])
        assert.equal((await as(b)).status, 204);
      assert.equal((await as({ source: 'nope', outcome: 'used' })).status, 400);
      const usage = await api('GET', '/api/v1/assist/usage');
      assert.equal(usage.status, 200);
      const mine = usage.body.items.filter((u: { agentId: string }) => u.agentId === support.profile.id);
      assert.deepEqual(
        mine.map((u: Record<string, unknown>) => [u.source, u.shown, u.used, u.edited, u.ignored]),
        [
          ['canned', 2, 1, 0, 0],
          ['model', 0, 0, 1, 0],
        ],
      );
      await end(visitor, id);
    });
  });
}
